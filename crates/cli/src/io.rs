//! Inputs (files, folders, stdin) and outputs shared by the subcommands;
//! reading and writing themselves are the library's (`zhen::corpus`).

use std::path::PathBuf;

use anyhow::Result;
use zhen::corpus::{input_files, read_input_text};
use zhen::input::DecodeOptions;

pub use zhen::corpus::write_atomic;

/// Options every reading subcommand accepts.
#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// Input files or folders (folders are walked recursively); `-` or
    /// nothing reads standard input.
    pub inputs: Vec<PathBuf>,
    /// Which files to take from folders (wildcards `*` and `?` on the file name).
    #[arg(long, default_value = "*.txt")]
    pub glob: String,
    /// Force an input encoding (utf-8, gbk, gb18030, big5, utf-16le, …)
    /// instead of detecting it.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Replace undecodable bytes with U+FFFD (and count them) instead of
    /// failing the file.
    #[arg(long)]
    pub lossy: bool,
}

impl InputArgs {
    /// The decode options.
    pub fn decode_options(&self) -> Result<DecodeOptions> {
        let encoding = match &self.encoding {
            Some(l) => Some(DecodeOptions::encoding_for_label(l)?),
            None => None,
        };
        Ok(DecodeOptions {
            encoding,
            lossy: self.lossy,
        })
    }
}

/// Runs `each(id, text, many)` on every input in order, where `many` says
/// whether there is more than one. An input that cannot be read or decoded
/// is reported on stderr and skipped; returns the exit status (1 if any was).
pub fn for_each_input(
    args: &InputArgs,
    mut each: impl FnMut(&str, String, bool) -> Result<()>,
) -> Result<i32> {
    let opts = args.decode_options()?;
    let files = input_files(&args.inputs, &args.glob)?;
    let many = files.len() > 1;
    let mut failures = 0;
    for f in &files {
        match read_input_text(f, opts) {
            Ok(d) => each(&f.relative, d.text, many)?,
            Err(e) => {
                eprintln!("zhen: error: {e}");
                failures += 1;
            }
        }
    }
    Ok(crate::cmd::status(failures))
}

/// Standard output, buffered.
pub fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock())
}
