//! The one place that writes files: every output file goes to a temporary
//! file beside its final name and is renamed into place, so a reader never
//! sees half a file.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// An output folder.
#[derive(Clone, Debug)]
pub struct OutputDir {
    root: PathBuf,
}

fn output_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |cause| Error::Output {
        action,
        path,
        cause,
    }
}

impl OutputDir {
    /// The folder `root`, created if missing.
    pub fn create(root: &Path) -> Result<OutputDir> {
        std::fs::create_dir_all(root).map_err(output_error("create the output folder", root))?;
        Ok(OutputDir {
            root: root.to_path_buf(),
        })
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes `bytes` to `path` (under the folder) atomically.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        write_atomic(path, bytes)
    }

    /// A temporary file for `path` (under the folder) to stream into; give
    /// it to [`OutputDir::commit`] when complete.
    pub fn temp(&self, path: &Path) -> Result<(PathBuf, File)> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(output_error("create folder", dir))?;
        let tmp = temp_path(path);
        let f = File::create(&tmp).map_err(output_error("create", &tmp))?;
        Ok((tmp, f))
    }

    /// Syncs a temporary file from [`OutputDir::temp`] and renames it to `path`.
    pub fn commit(&self, tmp: &Path, file: File, path: &Path) -> Result<()> {
        file.sync_all().ok();
        drop(file);
        self.place(tmp, path)
    }

    /// Renames a complete (synced) temporary file from [`OutputDir::temp`]
    /// to `path`.
    pub fn place(&self, tmp: &Path, path: &Path) -> Result<()> {
        std::fs::rename(tmp, path).map_err(output_error("rename into place", path))
    }

    /// A temporary file beside `path` (folders created as needed) that is
    /// read back and removed, never renamed: `.NAME.PID.spool`.
    pub(crate) fn spool(&self, path: &Path) -> Result<(PathBuf, File)> {
        let tmp = temp_path(path).with_extension("spool");
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(output_error("create", &tmp))?;
        Ok((tmp, f))
    }
}

/// `.NAME.PID.tmp` beside `path`.
fn temp_path(path: &Path) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, synced,
/// then renamed; folders are created as needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(output_error("create folder", dir))?;
    let tmp = temp_path(path);
    {
        let mut f = File::create(&tmp).map_err(output_error("create", &tmp))?;
        f.write_all(bytes).map_err(output_error("write", &tmp))?;
        f.sync_all().ok();
    }
    std::fs::rename(&tmp, path).map_err(output_error("rename into place", path))
}
