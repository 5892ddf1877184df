//! Inputs: which files to read, the name of each document, where its
//! outputs go (all decided before anything is read or written), and reading
//! a file or standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

use zhen_export::{document_path, Format};

use crate::input::{self, DecodeOptions, Decoded, InputError, InputFile};
use crate::{Error, Result};

/// Whether the inputs mean standard input: none, or one `-`.
pub fn is_stdin(inputs: &[PathBuf]) -> bool {
    inputs.is_empty() || (inputs.len() == 1 && inputs[0] == Path::new("-"))
}

/// The files to read, in order: standard input (path `-`) for
/// [`is_stdin`] inputs, else the files and folders walked by
/// [`input::discover`]. Folders that match nothing are an error naming the
/// glob.
pub fn input_files(inputs: &[PathBuf], glob: &str) -> Result<Vec<InputFile>> {
    if is_stdin(inputs) {
        return Ok(vec![InputFile {
            path: PathBuf::from("-"),
            relative: "-".into(),
        }]);
    }
    let files = input::discover(inputs, glob)?;
    if files.is_empty() {
        let folders: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::Usage(format!(
            "no input files: nothing in {} matches the glob {glob:?} (choose it with --glob; hidden files and folders are skipped)",
            folders.join(", ")
        )));
    }
    Ok(files)
}

/// The inputs of a corpus run writing to `out`: [`input_files`] without
/// the files inside `out` found by walking a folder that holds it (the
/// output folder is never read as input), and each file once however often
/// it is given (the later mentions are returned as warnings).
pub fn corpus_files(
    inputs: &[PathBuf],
    glob: &str,
    out: &Path,
) -> Result<(Vec<InputFile>, Vec<String>)> {
    let files = input_files(inputs, glob)?;
    if is_stdin(inputs) {
        return Ok((files, Vec::new()));
    }
    let out = std::fs::canonicalize(out).ok();
    let mut seen = std::collections::HashMap::new();
    let mut kept = Vec::with_capacity(files.len());
    let mut warnings = Vec::new();
    for file in files {
        let real = std::fs::canonicalize(&file.path).ok();
        let walked = !inputs.contains(&file.path);
        if let (true, Some(out), Some(real)) = (walked, &out, &real) {
            if real.starts_with(out) {
                continue;
            }
        }
        let key = real.unwrap_or_else(|| file.path.clone());
        match seen.get(&key) {
            Some(first) => warnings.push(format!(
                "{} is the same file as {}: read once",
                file.path.display(),
                first
            )),
            None => {
                seen.insert(key, file.path.display().to_string());
                kept.push(file);
            }
        }
    }
    if kept.is_empty() {
        return Err(Error::Usage(format!(
            "no input files: the files matching the glob {glob:?} are all inside the output folder, which is never read as input"
        )));
    }
    Ok((kept, warnings))
}

/// Reads and decodes one input (standard input for `-`) when its bytes are
/// not needed: plain UTF-8 becomes the text without a copy.
pub fn read_input_text(
    file: &InputFile,
    opts: DecodeOptions,
) -> std::result::Result<Decoded, InputError> {
    if file.path != Path::new("-") {
        return input::read_file_text(&file.path, opts);
    }
    input::decode_owned(Path::new(STDIN), stdin_bytes()?, opts)
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
    let bytes = stdin_bytes()?;
    input::decode(Path::new(STDIN), &bytes, opts).map(|d| (d, bytes))
}

/// The name standard input's errors carry.
const STDIN: &str = "<stdin>";

/// All of standard input, or an I/O error naming it.
fn stdin_bytes() -> std::result::Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Io {
            path: STDIN.into(),
            source,
        })?;
    Ok(bytes)
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

/// Plans a run: every input's name and output paths. Two documents whose
/// outputs would be the same file (`y.txt` and `y` under glob `*`, or `a/x.txt` and
/// `b/x.txt` given as files) are an error naming both, before anything is
/// read or written. A document whose file would take the name of a
/// corpus-wide file (`entities.csv`, `index.html`…) gets an error instead
/// of paths.
pub fn plan(
    inputs: &[PathBuf],
    files: Vec<InputFile>,
    out: &Path,
    formats: &[Format],
) -> Result<Vec<Job>> {
    let jobs = name_jobs(inputs, files, out, formats);
    let mut owners: std::collections::HashMap<&Path, &Job> = std::collections::HashMap::new();
    for job in &jobs {
        for path in job.outputs.iter().flatten() {
            if let Some(first) = owners.insert(path.as_path(), job) {
                return Err(Error::Usage(format!(
                    "output collision: {} and {} would both be written to {}; nothing was written (narrow --glob, rename one, or annotate them into separate output folders)",
                    first.file.path.display(),
                    job.file.path.display(),
                    path.display()
                )));
            }
        }
    }
    Ok(jobs)
}

fn name_jobs(
    inputs: &[PathBuf],
    files: Vec<InputFile>,
    out: &Path,
    formats: &[Format],
) -> Vec<Job> {
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
