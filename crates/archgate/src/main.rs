//! The `archgate` binary: parses the command line and wires the library
//! crates together. No checking logic lives here.

mod cli;
mod commands;
mod governance_cmd;
mod policy_cmd;

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
