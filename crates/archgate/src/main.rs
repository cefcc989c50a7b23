//! The `archgate` binary: parses the command line and wires the library
//! crates together. No checking logic lives here.

mod cli;
mod commands;
mod diagram_cmd;
mod governance_cmd;
mod import_cmd;
mod policy_cmd;
mod threats_cmd;
mod workspace;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    let code = match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            archgate_core::report::exit::INPUT
        }
    };
    std::process::exit(code);
}
