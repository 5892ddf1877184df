//! Inputs: which files to read, the name of each document, where its
//! outputs go (all decided before anything is read or written), and reading
//! a file or standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

use zhen_export::{document_path, Format};

use crate::input::{self, DecodeOptions, Decoded, InputError, InputFile};
use crate::Result;

/// Whether the inputs mean standard input: none, or one `-`.
pub fn is_stdin(inputs: &[PathBuf]) -> bool {
    inputs.is_empty() || (inputs.len() == 1 && inputs[0] == Path::new("-"))
}

/// The files to read, in order: standard input (path `-`) for
/// [`is_stdin`] inputs, else the files and folders walked by
/// [`input::discover`].
pub fn input_files(inputs: &[PathBuf], glob: &str) -> Result<Vec<InputFile>> {
    if is_stdin(inputs) {
        return Ok(vec![InputFile {
            path: PathBuf::from("-"),
            relative: "-".into(),
        }]);
    }
    Ok(input::discover(inputs, glob)?)
}

/// Reads and decodes one input (standard input for `-`); also returns the
/// bytes read.
pub fn read_input(
    file: &InputFile,
    opts: DecodeOptions,
) -> std::result::Result<(Decoded, Vec<u8>), InputError> {
    if file.path != Path::new("-") {
        return input::read_file(&file.path, opts);
    }
    let mut bytes = Vec::new();
    match std::io::stdin().lock().read_to_end(&mut bytes) {
        Ok(_) => input::decode(Path::new("<stdin>"), &bytes, opts).map(|d| (d, bytes)),
        Err(source) => Err(InputError::Io {
            path: "<stdin>".into(),
            source,
        }),
    }
}

/// Line and byte offset of a decoding error, when it has them.
pub(crate) fn location(e: &InputError) -> (Option<usize>, Option<usize>) {
    match e {
        InputError::Undecodable { line, offset, .. } => (Some(*line), Some(*offset)),
        InputError::Binary { offset, .. } => (None, Some(*offset)),
        _ => (None, None),
    }
}

/// One input of a corpus run, planned before anything is read.
#[derive(Clone, Debug)]
pub struct Job {
    /// The file.
    pub file: InputFile,
    /// The document's name: its path relative to its input folder (with
    /// several inputs, prefixed by the folder's name), `stdin` for `-`.
    pub name: String,
    /// Its output files, one per format and part, in order; or why its name
    /// cannot name files in the output folder.
    pub outputs: std::result::Result<Vec<PathBuf>, String>,
}

/// Plans a run: every input's name and output paths. A document whose file
/// would take the name of a corpus-wide file (`entities.csv`, `index.html`…)
/// gets an error instead of paths.
pub fn plan(inputs: &[PathBuf], files: Vec<InputFile>, out: &Path, formats: &[Format]) -> Vec<Job> {
    let many = inputs.len() > 1;
    let reserved = super::sinks::corpus_files(formats);
    files
        .into_iter()
        .map(|file| {
            let name = if file.path == Path::new("-") {
                "stdin".to_string()
            } else if many {
                // several inputs are told apart by their own names
                let root = inputs.iter().find(|r| file.path.starts_with(r));
                match root.filter(|r| r.is_dir()).and_then(|r| r.file_name()) {
                    Some(n) => format!("{}/{}", n.to_string_lossy(), file.relative),
                    None => file.relative.clone(),
                }
            } else {
                file.relative.clone()
            };
            let outputs = formats
                .iter()
                .flat_map(|f| f.extensions())
                .map(|ext| {
                    let path = document_path(out, &name, ext).map_err(|e| e.to_string())?;
                    match reserved.iter().find(|r| path == out.join(r)) {
                        Some(r) => Err(format!(
                            "{name}: its output {} would overwrite the corpus file {r}; rename the input",
                            path.display()
                        )),
                        None => Ok(path),
                    }
                })
                .collect();
            Job {
                file,
                name,
                outputs,
            }
        })
        .collect()
}
