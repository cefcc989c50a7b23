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

/// Loading IaC builds and drops millions of small spanned nodes (strings,
/// vectors, maps): with glibc's allocator, malloc and free were a fifth of
/// a scan's CPU time. mimalloc cut the CPU time of scanning the 5,000-file
/// Terraform benchmark tree by about a tenth (the same binary run under
/// both allocators: 3.3–3.5 s instead of 3.8–4.0 s of user+sys time on a
/// loaded 2-core machine). The allocator is the program's choice, so it is
/// set here and not in a library crate.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// mimalloc's option setter (`mi_option_set` in `mimalloc.h`, v3).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_t`.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// mimalloc hands freed memory back to the OS 10 ms after it is freed;
/// a scan frees each unit's nodes and allocates the next unit's right
/// after, so the same memory was returned and faulted in (and zeroed by
/// the kernel, in 2 MiB huge pages) again and again: a sixth of a scan's
/// cycles went to page zeroing (perf) on the 5,000-file tree, 2,500–4,500
/// page faults, most of them huge pages. archgate runs one command and exits, and
/// its memory is bounded by the units in flight, so freed memory is kept
/// for reuse instead (about 900 page faults). An explicit
/// `MIMALLOC_PURGE_DELAY` in the environment wins.
fn tune_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: a plain setter of mimalloc's (linked through the
        // `mimalloc` crate) taking an option index and a value; it may be
        // called at any time from any thread.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
}

fn main() {
    tune_allocator();
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
