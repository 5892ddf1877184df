//! The one place that writes files: every output file goes to a temporary
//! file beside its final name and is renamed into place, so a reader never
//! sees half a file. A temporary file is removed when its write fails or is
//! abandoned (an error, a cancelled run), and [`remove_temp_files`] removes
//! the ones in flight when the process is interrupted (the CLI calls it on
//! SIGINT/SIGTERM).

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
    /// it to [`OutputDir::commit`] when complete (folders are created as
    /// needed). Dropped without a commit, the [`TempPath`] removes the file.
    pub fn temp(&self, path: &Path) -> Result<(TempPath, File)> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(output_error("create folder", dir))?;
        let tmp = temp_path(path);
        TempPath::create(tmp.clone()).map_err(output_error("create", &tmp))
    }

    /// Syncs a temporary file from [`OutputDir::temp`] and renames it to `path`.
    pub fn commit(&self, tmp: TempPath, file: File, path: &Path) -> Result<()> {
        file.sync_all().ok();
        drop(file);
        self.place(tmp, path)
    }

    /// Renames a complete (synced) temporary file from [`OutputDir::temp`]
    /// to `path`.
    pub fn place(&self, tmp: TempPath, path: &Path) -> Result<()> {
        tmp.persist(path)
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

/// The temporary files being written, for [`remove_temp_files`].
static IN_FLIGHT: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

fn in_flight() -> std::sync::MutexGuard<'static, BTreeSet<PathBuf>> {
    IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes every temporary output file this process is writing, for an
/// interrupt handler about to exit (the files renamed into place stay).
/// No temporary file can be created afterwards: a thread that tries waits
/// forever (until the process exits).
pub fn remove_temp_files() {
    let mut live = in_flight();
    for path in std::mem::take(&mut *live) {
        let _ = std::fs::remove_file(path);
    }
    // keep the lock: creating a temporary file takes it first
    std::mem::forget(live);
}

/// A temporary file's path: removed on drop unless renamed into place by
/// [`TempPath::persist`].
#[derive(Debug)]
pub struct TempPath {
    path: PathBuf,
    /// Still to be removed on drop.
    armed: bool,
}

impl TempPath {
    /// Creates the file; registered for [`remove_temp_files`] (under its
    /// lock, so that it removes every file created before it ran).
    fn create(path: PathBuf) -> std::io::Result<(Self, File)> {
        let mut live = in_flight();
        let file = File::create(&path)?;
        live.insert(path.clone());
        Ok((TempPath { path, armed: true }, file))
    }

    /// The temporary file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the file to `target`.
    pub fn persist(mut self, target: &Path) -> Result<()> {
        std::fs::rename(&self.path, target).map_err(output_error("rename into place", target))?;
        self.armed = false;
        Ok(())
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        in_flight().remove(&self.path);
        if self.armed {
            // nothing more to do if it is already gone
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Removes the temporary files a killed run left in `dirs` (SIGKILL, a
/// power cut: no handler ran): files named as zhen names them,
/// `.NAME.PID.tmp` or `.NAME.PID.spool`, whose process `PID` is not running.
/// Files of a live process (another run writing to the same folder) and
/// every other file stay. Returns the files removed. Where the system
/// cannot say whether a process runs (no `/proc`), nothing is removed.
pub fn remove_stale_temp_files<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return removed;
    }
    let me = std::process::id();
    let mut seen = BTreeSet::new();
    for dir in dirs {
        if !seen.insert(dir) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(temp_file_pid) else {
                continue;
            };
            if pid == me || proc.join(pid.to_string()).exists() {
                continue;
            }
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                let path = entry.path();
                if std::fs::remove_file(&path).is_ok() {
                    removed.push(path);
                }
            }
        }
    }
    removed
}

/// The PID in a temporary file's name as [`temp_path`] makes it
/// (`.NAME.PID.tmp`, or `.spool`), or `None` for any other name.
fn temp_file_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let rest = rest
        .strip_suffix(".tmp")
        .or_else(|| rest.strip_suffix(".spool"))?;
    let (stem, pid) = rest.rsplit_once('.')?;
    if stem.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok().filter(|&p| p > 0)
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
    let (tmp, mut f) = TempPath::create(tmp.clone()).map_err(output_error("create", &tmp))?;
    // on a failed write (a full disk) the TempPath removes the file
    f.write_all(bytes)
        .map_err(output_error("write", tmp.path()))?;
    f.sync_all().ok();
    drop(f);
    tmp.persist(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_file_names_are_recognised() {
        assert_eq!(temp_file_pid(".x.conllu.4242.tmp"), Some(4242));
        assert_eq!(temp_file_pid(".entities.csv.7.spool"), Some(7));
        assert_eq!(
            temp_file_pid(&format!(".y.txt.{}.tmp", u32::MAX)),
            Some(u32::MAX)
        );
        for other in [
            "x.conllu.4242.tmp",
            "..4242.tmp",
            ".x.tmp",
            ".x.42a.tmp",
            ".x.0.tmp",
            ".x.4242.tmp.bak",
            ".x.99999999999.tmp",
            ".manifest.journal",
        ] {
            assert_eq!(temp_file_pid(other), None, "{other}");
        }
    }

    #[test]
    fn stale_temp_files_of_dead_processes_are_removed() {
        if !Path::new("/proc/self").exists() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        // a process that has exited: its PID is free
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let me = std::process::id();
        let stale = [
            dir.path().join(format!(".a.conllu.{dead}.tmp")),
            sub.join(format!(".b.jsonl.{dead}.tmp")),
            dir.path().join(format!(".entities.csv.{dead}.spool")),
        ];
        let kept = [
            dir.path().join(format!(".c.conllu.{me}.tmp")),
            dir.path().join(".d.conllu.1.tmp"), // init runs
            dir.path().join(format!("e.conllu.{dead}.tmp")),
            dir.path().join(format!(".f.{dead}.txt")),
            dir.path().join("g.conllu"),
        ];
        for f in stale.iter().chain(&kept) {
            std::fs::write(f, "x").unwrap();
        }
        let mut removed = remove_stale_temp_files([dir.path(), sub.as_path(), dir.path()]);
        removed.sort();
        let mut want = stale.to_vec();
        want.sort();
        assert_eq!(removed, want);
        for f in &stale {
            assert!(!f.exists(), "{} left", f.display());
        }
        for f in &kept {
            assert!(f.exists(), "{} removed", f.display());
        }
    }
}
