//! Inputs (files, folders, stdin) and outputs shared by the subcommands.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use zhen::input::{self, DecodeOptions, Decoded};

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

/// One decoded input, or the error that stopped it.
pub struct Input {
    /// The document id: path relative to its folder, or `-`.
    pub id: String,
    /// The decoded text, or why it could not be read.
    pub decoded: Result<(Decoded, Vec<u8>), zhen::input::InputError>,
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

    /// Whether standard input is the only input.
    pub fn is_stdin(&self) -> bool {
        self.inputs.is_empty() || (self.inputs.len() == 1 && self.inputs[0] == Path::new("-"))
    }

    /// Whether more than one input will be read (outputs then name each).
    pub fn is_many(&self) -> Result<bool> {
        Ok(self.files()?.len() > 1)
    }

    /// The files to read, in order (stdin when none).
    pub fn files(&self) -> Result<Vec<input::InputFile>> {
        if self.is_stdin() {
            return Ok(vec![input::InputFile {
                path: PathBuf::from("-"),
                relative: "-".into(),
            }]);
        }
        Ok(input::discover(&self.inputs, &self.glob)?)
    }

    /// Reads and decodes every input, one at a time.
    pub fn read_all(&self) -> Result<impl Iterator<Item = Input>> {
        let opts = self.decode_options()?;
        let files = self.files()?;
        Ok(files.into_iter().map(move |f| read_one(&f, opts)))
    }
}

/// Runs `each(id, text, many)` on every input in order, where `many` says
/// whether there is more than one. An input that cannot be read or decoded
/// is reported on stderr and skipped; returns the exit status (1 if any was).
pub fn for_each_input(
    args: &InputArgs,
    mut each: impl FnMut(&str, String, bool) -> Result<()>,
) -> Result<i32> {
    let many = args.is_many()?;
    let mut failures = 0;
    for input in args.read_all()? {
        match input.decoded {
            Ok((d, _)) => each(&input.id, d.text, many)?,
            Err(e) => {
                eprintln!("zhen: error: {e}");
                failures += 1;
            }
        }
    }
    Ok(if failures > 0 { 1 } else { 0 })
}

/// Reads one input file (or stdin for `-`).
pub fn read_one(f: &input::InputFile, opts: DecodeOptions) -> Input {
    let decoded = if f.path == Path::new("-") {
        let mut bytes = Vec::new();
        match std::io::stdin().lock().read_to_end(&mut bytes) {
            Ok(_) => input::decode(Path::new("<stdin>"), &bytes, opts).map(|d| (d, bytes)),
            Err(source) => Err(input::InputError::Io {
                path: "<stdin>".into(),
                source,
            }),
        }
    } else {
        input::read_file(&f.path, opts)
    };
    Input {
        id: f.relative.clone(),
        decoded,
    }
}

/// Standard output, buffered.
pub fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock())
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create folder", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)
            .with_context(|| format!("{}: cannot create", tmp.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("{}: cannot write", tmp.display()))?;
        f.sync_all().ok();
    }
    std::fs::rename(&tmp, path)
        .with_context(|| format!("{}: cannot rename into place", path.display()))?;
    Ok(())
}
