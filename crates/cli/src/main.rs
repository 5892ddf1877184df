//! The `zhen` command: clean, convert, tokenise, tag and export Chinese and
//! English text, every offset in the original.
//!
//! Exit status: 0 all inputs succeeded, 1 some inputs failed (the rest were
//! processed), 2 usage error or fatal error.

mod cmd;
mod io;

use clap::Parser;

fn main() {
    let cli = cmd::Cli::parse();
    let code = match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                0
            } else {
                eprintln!("zhen: error: {err:#}");
                2
            }
        }
    };
    std::process::exit(code);
}

/// A closed pipe (`zhen … | head`) is success, not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
