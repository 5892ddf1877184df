//! The `zhen` command: clean, convert, tokenise, tag and export Chinese and
//! English text, every offset in the original.
//!
//! Exit status: 0 all inputs succeeded, 1 some inputs failed (the rest were
//! processed), 2 usage error or fatal error.

mod cmd;
mod io;

use clap::Parser;

/// mimalloc instead of the system allocator: a document is hundreds of
/// thousands of small strings (tokens, tags), and glibc's malloc/free took
/// about a quarter of a whole-process `zhen tokenize` of 1.3 MB.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = cmd::Cli::parse();
    on_signals_remove_temp_files();
    let code = match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                0
            } else {
                eprintln!("zhen: error: {}", message(&err));
                2
            }
        }
    };
    std::process::exit(code);
}

/// The error and each cause joined by `: ` (as `{:#}`), skipping a cause
/// the message already spells out: zhen's errors say "path: cause", and
/// the cause repeated would print an os error twice.
fn message(err: &anyhow::Error) -> String {
    let mut msg = err.to_string();
    for cause in err.chain().skip(1) {
        let s = cause.to_string();
        if !msg.contains(&s) {
            msg.push_str(": ");
            msg.push_str(&s);
        }
    }
    msg
}

/// On SIGINT or SIGTERM: remove the temporary files being written (the
/// files already renamed into place, and the manifest's journal that
/// `--resume` reads, stay) and exit 128 + the signal's number.
#[cfg(unix)]
fn on_signals_remove_temp_files() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return; // the default action (exit) stays; only the cleanup is lost
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            zhen::corpus::remove_temp_files();
            eprintln!(
                "zhen: interrupted (signal {signal}); temporary files removed, finished documents kept (annotate --resume skips them)"
            );
            std::process::exit(128 + signal);
        }
    });
}

#[cfg(not(unix))]
fn on_signals_remove_temp_files() {}

/// A closed pipe (`zhen … | head`) is success, not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
