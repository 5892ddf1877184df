//! Converts text with an OpenCC config, like OpenCC's `opencc` tool.
//!
//! ```text
//! cargo run --release -p zhen-script --example convert -- t2s [FILE…] < in > out
//! ```
//!
//! The first argument is a config name (`t2s`, `s2twp`, …, see
//! `zhen_script::Config`) or a path to a config `.json`. Files are converted
//! one after the other to stdout; with no file, stdin is read. Each input is
//! converted whole, as `opencc.OpenCC(config).convert(text)` would.
use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use zhen_script::{Config, Converter};

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let config = args.next().ok_or(
        "usage: convert CONFIG [FILE…]  (CONFIG: t2s, s2t, … or a path to a config .json)",
    )?;
    let converter = if config.ends_with(".json") && Path::new(&config).is_file() {
        Converter::from_config_file(Path::new(&config))
    } else {
        config.parse::<Config>().and_then(Converter::new)
    }
    .map_err(|e| e.to_string())?;
    let files: Vec<String> = args.collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut write = |s: &str| -> Result<(), String> {
        match converter.convert_to(s, &mut out) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            r => r.map_err(|e| format!("cannot write stdout: {e}")),
        }
    };
    if files.is_empty() {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read stdin as UTF-8: {e}"))?;
        write(&text)?;
    }
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("cannot read {f}: {e}"))?;
        write(&text)?;
    }
    out.flush().ok();
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("convert: {e}");
            ExitCode::from(2)
        }
    }
}
