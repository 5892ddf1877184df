//! The one place that writes files: every output file goes to a temporary
//! file beside its final name and is renamed into place, so a reader never
//! sees half a file. A temporary file is removed when its write fails or is
//! abandoned (an error, a cancelled run), and [`remove_temp_files`] removes
//! the ones in flight when the process is interrupted (the CLI calls it on
//! SIGINT/SIGTERM).
//!
//! Durability: by default a file is synced to disk (`fsync`) before it is
//! renamed, so that after a crash of the system a file is complete or
//! absent. The corpus runner's document files are written by the threads
//! that annotate them and put in place by a [`Committer`]'s thread, in
//! batches of the files submitted within [`BATCH_WAIT`] (50 ms) of each
//! other: a batch is synced as a whole (on Linux one `syncfs` of the file
//! system, see [`BatchSyncer`]) before any file of it is renamed; the corpus
//! tables, written through a staging view ([`OutputDir::staging`]), go to
//! it too, as one batch after the documents;
//! [`OutputDir::with_fsync`] turns syncing off.

use std::collections::{BTreeSet, VecDeque};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// An output folder.
#[derive(Clone, Debug)]
pub struct OutputDir {
    root: PathBuf,
    /// Sync each file before it is renamed into place.
    fsync: bool,
    /// A staging view's files: written, neither synced nor renamed.
    staged: Option<Arc<Mutex<Vec<Staged>>>>,
}

/// A complete temporary file and the name it is to be renamed to.
pub(crate) type Staged = (PathBuf, TempPath);

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
            fsync: true,
            staged: None,
        })
    }

    /// A view of the folder in which [`OutputDir::write`] and
    /// [`OutputDir::commit`] leave each file staged — complete, neither
    /// synced nor renamed — for [`OutputDir::take_staged`] to hand to a
    /// [`Committer`]: the corpus runner puts the corpus tables and the
    /// manifest in place as one batch, after the documents' files.
    pub(crate) fn staging(&self) -> OutputDir {
        OutputDir {
            staged: Some(Arc::default()),
            ..self.clone()
        }
    }

    /// The files staged through this view (see [`OutputDir::staging`]),
    /// in the order they were written.
    pub(crate) fn take_staged(&self) -> Vec<Staged> {
        self.staged.as_ref().map_or_else(Vec::new, |s| {
            std::mem::take(&mut *s.lock().unwrap_or_else(|e| e.into_inner()))
        })
    }

    /// In a staging view, keeps the file for [`OutputDir::take_staged`].
    fn keep_staged(&self, path: &Path, tmp: TempPath) -> Option<TempPath> {
        let Some(staged) = &self.staged else {
            return Some(tmp);
        };
        let mut staged = staged.lock().unwrap_or_else(|e| e.into_inner());
        staged.push((path.to_path_buf(), tmp));
        None
    }

    /// With `false`, files are renamed into place without being synced to
    /// disk first: still complete or absent when the process is killed, but
    /// after a crash of the system (a power cut) a file may be empty or
    /// truncated.
    pub fn with_fsync(mut self, fsync: bool) -> Self {
        self.fsync = fsync;
        self
    }

    /// Whether files are synced to disk before they are renamed into place.
    pub fn fsyncs(&self) -> bool {
        self.fsync
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes `bytes` to `path` (under the folder) atomically (in the corpus
    /// runner's staging view, leaves it staged for the committer).
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        if self.staged.is_some() {
            let tmp = self.stage(path, bytes)?;
            self.keep_staged(path, tmp);
            return Ok(());
        }
        write_atomic_with(path, bytes, self.fsync)
    }

    /// Writes `bytes` to a temporary file for `path` (under the folder;
    /// folders are created as needed), not synced: give it to a
    /// [`Committer`]. Dropped, the [`TempPath`] removes the file.
    pub(crate) fn stage(&self, path: &Path, bytes: &[u8]) -> Result<TempPath> {
        let (mut tmp, mut f) = self.temp(path)?;
        // on a failed write (a full disk) the TempPath removes the file
        f.write_all(bytes)
            .map_err(output_error("write", tmp.path()))?;
        tmp.len = Some(bytes.len() as u64);
        Ok(tmp)
    }

    /// A temporary file for `path` (under the folder) to stream into; give
    /// it to [`OutputDir::commit`] when complete (folders are created as
    /// needed). Dropped without a commit, the [`TempPath`] removes the file.
    pub fn temp(&self, path: &Path) -> Result<(TempPath, File)> {
        TempPath::create_beside(path)
    }

    /// Syncs a temporary file from [`OutputDir::temp`] (unless
    /// [`OutputDir::with_fsync`] said not to) and renames it to `path`; in
    /// a staging view (the corpus runner's, for its corpus tables) keeps it
    /// staged.
    pub fn commit(&self, tmp: TempPath, file: File, path: &Path) -> Result<()> {
        if self.fsync && self.staged.is_none() {
            file.sync_all().ok();
        }
        drop(file);
        match self.keep_staged(path, tmp) {
            Some(tmp) => self.place(tmp, path),
            None => Ok(()),
        }
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
        let open = || {
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(&tmp)
        };
        let f = match open() {
            // the document's first file: its folder is created here
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let dir = path.parent().unwrap_or(Path::new("."));
                std::fs::create_dir_all(dir).map_err(output_error("create folder", dir))?;
                open()
            }
            f => f,
        }
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
    /// The bytes written, when known ([`OutputDir::stage`]): a batch's
    /// syncer weighs them without a `stat` of each file.
    len: Option<u64>,
}

impl TempPath {
    /// Creates the file; registered for [`remove_temp_files`] (under its
    /// lock, so that it removes every file created before it ran).
    fn create(path: PathBuf) -> std::io::Result<(Self, File)> {
        let mut live = in_flight();
        let file = File::create(&path)?;
        live.insert(path.clone());
        let tmp = TempPath {
            path,
            armed: true,
            len: None,
        };
        Ok((tmp, file))
    }

    /// The temporary file for `target` ([`temp_path`]), created, with its
    /// folders if they are missing. The folder is created only when the
    /// file cannot be for want of it: a run's folders exist after its first
    /// file, and asking for each of its files (a `mkdir` that fails and a
    /// `stat`) cost two system calls per file, taken by the annotating
    /// threads.
    fn create_beside(target: &Path) -> Result<(Self, File)> {
        let tmp = temp_path(target);
        match Self::create(tmp.clone()) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let dir = target.parent().unwrap_or(Path::new("."));
                std::fs::create_dir_all(dir).map_err(output_error("create folder", dir))?;
                Self::create(tmp.clone())
            }
            created => created,
        }
        .map_err(output_error("create", &tmp))
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
    write_atomic_with(path, bytes, true)
}

/// [`write_atomic`], synced or not.
fn write_atomic_with(path: &Path, bytes: &[u8], fsync: bool) -> Result<()> {
    let (tmp, mut f) = TempPath::create_beside(path)?;
    // on a failed write (a full disk) the TempPath removes the file
    f.write_all(bytes)
        .map_err(output_error("write", tmp.path()))?;
    if fsync {
        f.sync_all().ok();
    }
    drop(f);
    tmp.persist(path)
}

/// The most files a [`Committer`] syncs in one batch (each is open while
/// the batch syncs).
const BATCH_FILES: usize = 256;

/// How long a [`Committer`] lets a batch gather files, from the moment its
/// first file was submitted, before it syncs it (unless the batch is full,
/// or [`Committer::ready`] waits for every file). Each sync of the file
/// system costs the same fixed work whatever its size — the file system's
/// changed metadata written out again (the same inode-table, bitmap and
/// folder blocks every time), a disk cache flush, the block layer's
/// requests — and taking only what came while the previous batch synced
/// made a batch of about one document: 315–424 syncs in a 425-document run
/// here (50–80 with this wait).
const BATCH_WAIT: Duration = Duration::from_millis(50);

/// What a [`Committer`] sends its thread.
enum ToSync {
    /// A submission's files, and when they were submitted.
    Files(Vec<SyncTask>, Instant),
    /// Sync what has been submitted now, without waiting for
    /// [`BATCH_WAIT`] ([`Committer::ready`] waits for it).
    Now,
}

/// A file to sync and rename, from the document `seq`.
struct SyncTask {
    seq: u64,
    tmp: TempPath,
    target: PathBuf,
    /// Renamed only if the files of `seq` before it were (the corpus
    /// tables, then `manifest.json`: [`Committer::submit_files`]).
    chained: bool,
}

/// How a batch of complete temporary files reaches the disk before the
/// files are renamed into place: [`Syncer::sync`] returns once every file
/// of the batch is on disk, with one result per file (an error names the
/// file: it could not be opened to be synced). As for [`write_atomic`], a
/// file system that cannot sync is not an error.
pub(crate) trait Syncer: Send {
    fn sync(&mut self, files: &[&TempPath]) -> Vec<Result<()>>;
}

/// The syncer for this system: [`BatchSyncer`].
pub(crate) fn system_syncer() -> Box<dyn Syncer> {
    Box::new(BatchSyncer::default())
}

/// Files the per-file fallback of [`BatchSyncer`] syncs at once: concurrent
/// syncs share the file system's journal commits and the disk's cache
/// flushes (on ext4 each sync of a file issues its own flush: one after
/// the other they wait for one flush each).
const SYNC_THREADS: usize = 8;

/// The other processes' dirty pages a `syncfs` may wait for, beyond the
/// batch's own bytes (see [`BatchSyncer`]).
#[cfg(target_os = "linux")]
const SYNCFS_SLACK: u64 = 64 << 20;

/// Syncs a batch with one `syncfs(2)` of each file system its files are on
/// (on Linux) — one journal commit and one disk cache flush for the whole
/// batch, with the writeback done by the kernel's flusher threads — when
/// the system's dirty pages (`/proc/meminfo` Dirty + Writeback, all file
/// systems) are at most the batch's bytes and [`SYNCFS_SLACK`]: `syncfs`
/// writes every dirty page of the file system, other processes' too, and
/// waiting for a big copy elsewhere would stall the run. Otherwise (and on
/// other systems, or when `syncfs` fails) each file is synced itself
/// (`fdatasync`), [`SYNC_THREADS`] at once.
///
/// `syncfs` is given a descriptor of each folder the batch's files are in,
/// opened once per run and kept (files are not reopened to be synced:
/// that was three system calls per file — open, `stat` for its size,
/// close — on the committer's thread, 1,279 of each in a 425-document
/// run); a folder's file system is told by its device, so that a batch
/// spread over two file systems syncs both.
#[derive(Default)]
struct BatchSyncer {
    /// The folders met so far: each one's device, and one descriptor per
    /// device.
    #[cfg(target_os = "linux")]
    folders: std::collections::HashMap<PathBuf, u64>,
    #[cfg(target_os = "linux")]
    devices: std::collections::HashMap<u64, File>,
}

impl Syncer for BatchSyncer {
    fn sync(&mut self, files: &[&TempPath]) -> Vec<Result<()>> {
        #[cfg(target_os = "linux")]
        if self.syncfs_batch(files) {
            // a file that is missing now is found by its rename
            return files.iter().map(|_| Ok(())).collect();
        }
        let opened = files
            .iter()
            .map(|t| File::open(t.path()).map_err(output_error("reopen to sync", t.path())))
            .collect();
        sync_each(opened)
    }
}

#[cfg(target_os = "linux")]
impl BatchSyncer {
    /// Syncs the file systems of `files` with one `syncfs` each if the
    /// system's dirty pages allow it (see [`BatchSyncer`]); `false` if it
    /// was not done.
    fn syncfs_batch(&mut self, files: &[&TempPath]) -> bool {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::MetadataExt;
        let mut devices = BTreeSet::new();
        let mut ours = 0u64;
        for tmp in files {
            let path = tmp.path();
            ours = ours.saturating_add(match tmp.len {
                Some(n) => n,
                // a file streamed in parts: asked its size
                None => std::fs::metadata(path).map_or(0, |m| m.len()),
            });
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let dev = match self.folders.get(dir) {
                Some(&dev) => dev,
                None => {
                    let Ok(folder) = File::open(dir) else {
                        return false;
                    };
                    let Ok(meta) = folder.metadata() else {
                        return false;
                    };
                    self.devices.entry(meta.dev()).or_insert(folder);
                    self.folders.insert(dir.to_path_buf(), meta.dev());
                    meta.dev()
                }
            };
            devices.insert(dev);
        }
        if devices.is_empty() {
            return true; // nothing to sync
        }
        match dirty_bytes() {
            Some(dirty) if dirty <= ours.saturating_add(SYNCFS_SLACK) => {}
            _ => return false,
        }
        devices.iter().all(|dev| {
            let folder = &self.devices[dev];
            // SAFETY: a valid open descriptor; syncfs only reads it
            unsafe { libc::syncfs(folder.as_raw_fd()) == 0 }
        })
    }
}

/// The system's dirty pages and pages being written back, in bytes
/// (`/proc/meminfo`), or `None` if it cannot be read.
#[cfg(target_os = "linux")]
fn dirty_bytes() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    dirty_in_meminfo(&info)
}

/// Dirty + Writeback of a `/proc/meminfo` text, in bytes.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn dirty_in_meminfo(info: &str) -> Option<u64> {
    let field = |name: &str| -> Option<u64> {
        let line = info.lines().find(|l| l.starts_with(name))?;
        let kb = line[name.len()..].trim().strip_suffix("kB")?.trim();
        kb.parse::<u64>().ok().map(|k| k * 1024)
    };
    Some(field("Dirty:")? + field("Writeback:")?)
}

/// Each file's own `fdatasync`, [`SYNC_THREADS`] at once.
fn sync_each(opened: Vec<Result<File>>) -> Vec<Result<()>> {
    let chunk = opened.len().div_ceil(SYNC_THREADS).max(1);
    std::thread::scope(|s| {
        for files in opened.chunks(chunk) {
            s.spawn(move || {
                for f in files.iter().flatten() {
                    f.sync_data().ok();
                }
            });
        }
    });
    opened.into_iter().map(|f| f.map(drop)).collect()
}

/// Syncs a batch of staged files with `syncer`, then renames each file
/// that synced into place — never before the whole batch is on disk — but
/// a chained file only if the files of its submission before it were. One
/// result per task, in the batch's order; a file that failed, or was not
/// renamed, is removed.
fn commit_batch(batch: Vec<SyncTask>, syncer: &mut dyn Syncer) -> Vec<(u64, Result<()>)> {
    let temps: Vec<&TempPath> = batch.iter().map(|t| &t.tmp).collect();
    let mut synced = syncer.sync(&temps).into_iter();
    let mut failed = BTreeSet::new();
    batch
        .into_iter()
        .map(|task| {
            // a syncer that answered for fewer files synced none of the rest
            let r = synced.next().unwrap_or_else(|| {
                Err(output_error("sync", task.tmp.path())(
                    std::io::Error::other("not synced"),
                ))
            });
            let r = if task.chained && failed.contains(&task.seq) {
                Err(output_error("rename into place", &task.target)(
                    std::io::Error::other("a file written before it could not be"),
                ))
            } else {
                r.and_then(|()| task.tmp.persist(&task.target))
            };
            if r.is_err() {
                failed.insert(task.seq);
            }
            (task.seq, r)
        })
        .collect()
}

/// Adds to `batch` the files of the submissions `rx` brings until
/// `deadline` (`None`: only those already there), [`ToSync::Now`], a batch
/// of [`BATCH_FILES`] or more, or the committer is dropped. A submission's
/// files are never split. Until the deadline the thread sleeps
/// (`park_timeout`), woken by the committer only for [`ToSync::Now`], a
/// full batch (`Committer::queued`) or its drop, and takes what came
/// when it wakes: a thread woken by every submission (`recv_timeout`) was
/// woken once per document, each time taking a core from an annotating
/// thread for a few microseconds of work.
fn gather(
    mut batch: Vec<SyncTask>,
    rx: &mpsc::Receiver<ToSync>,
    deadline: Option<Instant>,
) -> Vec<SyncTask> {
    loop {
        while batch.len() < BATCH_FILES {
            match rx.try_recv() {
                Ok(ToSync::Files(t, _)) => batch.extend(t),
                // `ready` waits, or the committer stops
                Ok(ToSync::Now) | Err(mpsc::TryRecvError::Disconnected) => return batch,
                Err(mpsc::TryRecvError::Empty) => break,
            }
        }
        if batch.len() >= BATCH_FILES {
            return batch;
        }
        let left = deadline.map_or(Duration::ZERO, |d| {
            d.saturating_duration_since(Instant::now())
        });
        if left.is_zero() {
            return batch;
        }
        std::thread::park_timeout(left);
    }
}

/// Puts documents' staged files ([`OutputDir::stage`]) into place — in
/// batches, each synced to disk as a whole and then renamed, on a thread of
/// its own — and hands each document's item back in submission order once
/// all its files are in place (the corpus runner journals it then). A batch
/// is every file submitted within [`BATCH_WAIT`] of its first (and, when
/// the previous batch took longer to sync, everything submitted meanwhile),
/// at most [`BATCH_FILES`]; [`Committer::ready`] waiting for every document
/// has the files submitted so far synced at once. So the annotating threads
/// never wait for the disk, and the disk gets many files per sync; a
/// document's files are never split between batches. Without fsync the
/// files are renamed at once. Dropped, the files not yet taken up are
/// removed.
pub(crate) struct Committer<T> {
    /// Each submission's files, as one message.
    tasks: Option<mpsc::Sender<ToSync>>,
    /// The files submitted and not yet in a batch that stopped gathering:
    /// the thread is woken when they fill one (see [`gather`]).
    queued: Arc<AtomicUsize>,
    results: mpsc::Receiver<(u64, Result<()>)>,
    threads: Vec<JoinHandle<()>>,
    /// Set when the committer is dropped: the files not yet taken up are
    /// removed, not synced.
    stop: Arc<AtomicBool>,
    /// The documents submitted and not yet handed back, in order: each
    /// with the number of its files not yet in place (`None`: files
    /// submitted without an item, [`Committer::submit_files`]).
    pending: VecDeque<(Option<T>, usize)>,
    /// The sequence number of `pending[0]`.
    first: u64,
}

impl<T> Committer<T> {
    /// A committer that syncs files (with [`system_syncer`]) before renaming
    /// them, or not.
    pub(crate) fn new(fsync: bool) -> Self {
        Self::with_syncer(fsync.then(system_syncer))
    }

    /// A committer that syncs each batch with `syncer` before renaming its
    /// files, or renames them at once (`None`).
    pub(crate) fn with_syncer(syncer: Option<Box<dyn Syncer>>) -> Self {
        Self::with_syncer_waiting(syncer, BATCH_WAIT)
    }

    /// [`Committer::with_syncer`] whose batches gather for `wait` from their
    /// first file's submission ([`BATCH_WAIT`]).
    fn with_syncer_waiting(syncer: Option<Box<dyn Syncer>>, wait: Duration) -> Self {
        let (done, results) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let Some(mut syncer) = syncer else {
            return Committer {
                tasks: None,
                queued: Arc::default(),
                results,
                threads: Vec::new(),
                stop,
                pending: VecDeque::new(),
                first: 0,
            };
        };
        let (tasks, rx) = mpsc::channel::<ToSync>();
        let stopped = Arc::clone(&stop);
        let queued = Arc::new(AtomicUsize::new(0));
        let in_queue = Arc::clone(&queued);
        let thread = std::thread::Builder::new()
            .name("zhen-commit".into())
            .spawn(move || {
                // the first submission waited for, then every one that
                // comes within `wait` of its submission or is already
                // there (a submission's files are never split), until
                // `ToSync::Now`
                while let Ok(msg) = rx.recv() {
                    let (batch, deadline) = match msg {
                        ToSync::Files(batch, at) => {
                            (batch, Some(at + wait).filter(|_| at.elapsed() < wait))
                        }
                        ToSync::Now => continue, // nothing waiting to be synced
                    };
                    let batch = gather(batch, &rx, deadline);
                    // the files submitted since are the next batch's
                    in_queue.fetch_sub(batch.len(), Ordering::Relaxed);
                    if stopped.load(Ordering::Relaxed) {
                        continue; // dropped: each TempPath removes its file
                    }
                    for result in commit_batch(batch, syncer.as_mut()) {
                        let _ = done.send(result);
                    }
                }
            })
            .expect("the committer's thread starts");
        Committer {
            tasks: Some(tasks),
            queued,
            results,
            threads: vec![thread],
            stop,
            pending: VecDeque::new(),
            first: 0,
        }
    }

    /// Takes a document's staged files (target, temporary file) and its
    /// item, handed back by [`Committer::ready`] once the files are in
    /// place.
    pub(crate) fn submit(&mut self, item: T, files: Vec<Staged>) -> Result<()> {
        self.submit_with(Some(item), files)
    }

    /// Takes staged files with no item to hand back: put in place after
    /// every file submitted before them (the corpus tables after the
    /// documents), all in one batch, renamed in the order given and only
    /// while each before was (`manifest.json`, last, only once every table
    /// is in place); [`Committer::ready`] with `all` waits for them too.
    pub(crate) fn submit_files(&mut self, files: Vec<Staged>) -> Result<()> {
        self.submit_with(None, files)
    }

    fn submit_with(&mut self, item: Option<T>, files: Vec<Staged>) -> Result<()> {
        let chained = item.is_none();
        let seq = self.first + self.pending.len() as u64;
        let Some(tasks) = &self.tasks else {
            for (target, tmp) in files {
                tmp.persist(&target)?;
            }
            self.pending.push_back((item, 0));
            return Ok(());
        };
        self.pending.push_back((item, files.len()));
        let batch = files
            .into_iter()
            .map(|(target, tmp)| SyncTask {
                seq,
                tmp,
                target,
                chained,
            })
            .collect::<Vec<_>>();
        if !batch.is_empty() {
            // counted before it is sent: the thread takes it off after
            let n = batch.len();
            let queued = self.queued.fetch_add(n, Ordering::Relaxed) + n;
            tasks
                .send(ToSync::Files(batch, Instant::now()))
                .expect("the sync thread runs until the committer is dropped");
            if queued >= BATCH_FILES {
                self.wake();
            }
        }
        Ok(())
    }

    /// Has the files submitted so far synced without waiting for the rest
    /// of their batch's [`BATCH_WAIT`]: the corpus runner calls it after its
    /// last document, before it writes the corpus tables.
    pub(crate) fn sync_now(&mut self) {
        if let Some(tasks) = &self.tasks {
            let _ = tasks.send(ToSync::Now);
            self.wake();
        }
    }

    /// Wakes the thread if it sleeps while a batch gathers ([`gather`]).
    fn wake(&self) {
        for t in &self.threads {
            t.thread().unpark();
        }
    }

    /// The items, in submission order, of the documents whose files are all
    /// in place, from the first not yet handed back; with `all`, waits for
    /// every document submitted. The first failure to put a file in place
    /// is returned instead.
    pub(crate) fn ready(&mut self, all: bool) -> Result<Vec<T>> {
        let mut out = Vec::new();
        let mut asked = false;
        loop {
            while let Some((_, 0)) = self.pending.front() {
                let (item, _) = self.pending.pop_front().expect("checked above");
                self.first += 1;
                out.extend(item);
            }
            if self.pending.is_empty() {
                return Ok(out);
            }
            if all && !std::mem::replace(&mut asked, true) {
                // the batch gathering now is synced without waiting
                self.sync_now();
            }
            let (seq, result) = if all {
                self.results.recv().expect("the sync thread holds a sender")
            } else {
                match self.results.try_recv() {
                    Ok(r) => r,
                    Err(_) => return Ok(out),
                }
            };
            result?;
            self.pending[(seq - self.first) as usize].1 -= 1;
        }
    }
}

impl<T> Drop for Committer<T> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.tasks = None;
        self.wake();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committer hands documents back in the order they came, each
    /// only once all its files are in place with their bytes, synced or
    /// not; nothing temporary is left.
    #[test]
    fn committed_documents_come_back_in_order_with_their_files_in_place() {
        for fsync in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let out = OutputDir::create(dir.path()).unwrap().with_fsync(fsync);
            let mut committer = Committer::new(out.fsyncs());
            let mut back = Vec::new();
            let check = |back: &[usize]| {
                for &doc in back {
                    for f in 0..doc % 4 {
                        let path = dir.path().join(format!("sub{}/{doc}.{f}", doc % 3));
                        assert_eq!(
                            std::fs::read(&path).unwrap(),
                            format!("{doc} {f}").into_bytes(),
                            "{}",
                            path.display()
                        );
                    }
                }
            };
            for doc in 0..100usize {
                // 0 to 3 files per document, in three folders
                let files = (0..doc % 4)
                    .map(|f| {
                        let target = dir.path().join(format!("sub{}/{doc}.{f}", doc % 3));
                        let tmp = out.stage(&target, format!("{doc} {f}").as_bytes()).unwrap();
                        (target, tmp)
                    })
                    .collect();
                committer.submit(doc, files).unwrap();
                let ready = committer.ready(doc % 10 == 0).unwrap();
                check(&ready);
                back.extend(ready);
            }
            let ready = committer.ready(true).unwrap();
            check(&ready);
            back.extend(ready);
            assert_eq!(back, (0..100).collect::<Vec<_>>(), "fsync {fsync}");
            drop(committer);
            for sub in 0..3 {
                for e in std::fs::read_dir(dir.path().join(format!("sub{sub}"))).unwrap() {
                    let name = e.unwrap().file_name().to_string_lossy().into_owned();
                    assert!(!name.ends_with(".tmp"), "{name}");
                }
            }
        }
    }

    /// A file that cannot be renamed into place (its name is a folder) is
    /// an error from `ready`, and its temporary file is removed.
    #[test]
    fn a_failed_rename_is_an_error_and_leaves_no_temporary_file() {
        for fsync in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let out = OutputDir::create(dir.path()).unwrap().with_fsync(fsync);
            let taken = dir.path().join("taken");
            std::fs::create_dir(&taken).unwrap();
            std::fs::write(taken.join("keep"), "x").unwrap();
            let mut committer = Committer::new(fsync);
            let tmp = out.stage(&taken, b"bytes").unwrap();
            let err = committer
                .submit("doc", vec![(taken.clone(), tmp)])
                .and_then(|()| committer.ready(true))
                .unwrap_err();
            assert!(err.to_string().contains("taken"), "{err}");
            drop(committer);
            assert_eq!(names(dir.path()), ["taken"], "fsync {fsync}");
        }
    }

    /// Each batch a [`FakeSyncer`] synced, with the final names then in place.
    type SyncLog = Arc<Mutex<Vec<(Vec<PathBuf>, BTreeSet<String>)>>>;

    /// A fake [`Syncer`]: records each batch, with the final names present
    /// in the folder when it was synced; fails the files whose name holds
    /// "bad"; sleeps before answering so that files pile up for the next
    /// batch.
    struct FakeSyncer {
        dir: PathBuf,
        log: SyncLog,
        pause: std::time::Duration,
        /// Held by a test to keep the syncer inside a batch (after logging
        /// it) until the test lets go.
        gate: Arc<Mutex<()>>,
    }

    impl Syncer for FakeSyncer {
        fn sync(&mut self, files: &[&TempPath]) -> Vec<Result<()>> {
            let present = std::fs::read_dir(&self.dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect();
            let batch = files.iter().map(|t| t.path().to_path_buf()).collect();
            self.log.lock().unwrap().push((batch, present));
            drop(self.gate.lock().unwrap());
            std::thread::sleep(self.pause);
            files
                .iter()
                .map(|t| {
                    let path = t.path();
                    if path.to_string_lossy().contains("bad") {
                        Err(output_error("sync", path)(std::io::Error::other("fake")))
                    } else {
                        Ok(())
                    }
                })
                .collect()
        }
    }

    /// A committer syncing with a [`FakeSyncer`] that pauses `pause_ms`
    /// per batch, writing into a new folder; its batches take what was
    /// submitted while the previous one synced (no [`BATCH_WAIT`]).
    struct Fixture<T> {
        dir: tempfile::TempDir,
        out: OutputDir,
        committer: Committer<T>,
        log: SyncLog,
        gate: Arc<Mutex<()>>,
    }

    fn fixture<T>(pause_ms: u64) -> Fixture<T> {
        fixture_waiting(pause_ms, Duration::ZERO)
    }

    /// [`fixture`] whose batches gather for `wait`.
    fn fixture_waiting<T>(pause_ms: u64, wait: Duration) -> Fixture<T> {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::create(dir.path()).unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let gate = Arc::new(Mutex::new(()));
        let syncer = FakeSyncer {
            dir: dir.path().to_path_buf(),
            log: Arc::clone(&log),
            pause: std::time::Duration::from_millis(pause_ms),
            gate: Arc::clone(&gate),
        };
        let committer = Committer::with_syncer_waiting(Some(Box::new(syncer)), wait);
        Fixture {
            dir,
            out,
            committer,
            log,
            gate,
        }
    }

    impl<T> Fixture<T> {
        /// `name` in the folder, staged with `bytes`.
        fn staged(&self, name: &str, bytes: &[u8]) -> Staged {
            let target = self.dir.path().join(name);
            let tmp = self.out.stage(&target, bytes).unwrap();
            (target, tmp)
        }
    }

    /// The names in a folder, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// The final name of a temporary file `.NAME.PID.tmp`.
    fn final_name(tmp: &Path) -> String {
        let name = tmp.file_name().unwrap().to_string_lossy();
        let rest = name
            .strip_prefix('.')
            .unwrap()
            .strip_suffix(".tmp")
            .unwrap();
        rest.rsplit_once('.').unwrap().0.to_string()
    }

    /// Files are synced in batches of several, and no file of a batch is
    /// renamed into place before the whole batch was synced.
    #[test]
    fn a_batch_is_synced_before_any_of_its_files_is_renamed() {
        let mut fx = fixture(20);
        let submit = |fx: &mut Fixture<usize>, doc: usize| {
            let files = (0..3)
                .map(|f| fx.staged(&format!("{doc}.{f}"), format!("{doc} {f}").as_bytes()))
                .collect();
            fx.committer.submit(doc, files).unwrap();
        };
        // the syncer held inside the first document's batch while the
        // others are submitted, so they wait as one batch however the
        // threads are scheduled (under load they once all went in one)
        let gate = Arc::clone(&fx.gate);
        let held = gate.lock().unwrap();
        submit(&mut fx, 0);
        while fx.log.lock().unwrap().is_empty() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        for doc in 1..30 {
            submit(&mut fx, doc);
        }
        drop(held);
        assert_eq!(
            fx.committer.ready(true).unwrap(),
            (0..30).collect::<Vec<_>>()
        );
        drop(fx.committer);
        let dir = fx.dir;
        let log = fx.log.lock().unwrap();
        let sizes: Vec<usize> = log.iter().map(|(b, _)| b.len()).collect();
        assert_eq!(sizes, [3, 87], "the batches' sizes");
        let mut synced = BTreeSet::new();
        for (batch, present) in log.iter() {
            for tmp in batch {
                let name = final_name(tmp);
                assert!(
                    !present.contains(&name),
                    "{name} was in place before its batch synced"
                );
                assert!(synced.insert(name));
            }
        }
        assert_eq!(synced.len(), 90);
        for doc in 0..30 {
            for f in 0..3 {
                let bytes = std::fs::read(dir.path().join(format!("{doc}.{f}"))).unwrap();
                assert_eq!(bytes, format!("{doc} {f}").into_bytes());
            }
        }
    }

    /// A batch gathers the files submitted within its wait of the first,
    /// even when they come one at a time; `ready` waiting for every
    /// document has what was submitted synced at once, not after the wait
    /// (here a minute: a committer that waited for it fails the time
    /// check), and the next batch starts afresh.
    #[test]
    fn a_batch_gathers_for_its_wait_and_ready_syncs_at_once() {
        let mut fx = fixture_waiting::<usize>(0, Duration::from_secs(60));
        let start = Instant::now();
        for doc in 0..10usize {
            let files = (0..2)
                .map(|f| fx.staged(&format!("{doc}.{f}"), b"d"))
                .collect();
            fx.committer.submit(doc, files).unwrap();
            // documents arriving one at a time, slower than a sync
            std::thread::sleep(Duration::from_millis(5));
            assert!(fx.committer.ready(false).unwrap().is_empty());
        }
        assert_eq!(
            fx.committer.ready(true).unwrap(),
            (0..10).collect::<Vec<_>>()
        );
        let files = vec![fx.staged("10.0", b"d")];
        fx.committer.submit(10, files).unwrap();
        assert_eq!(fx.committer.ready(true).unwrap(), [10]);
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "ready waited for the batch's wait: {:?}",
            start.elapsed()
        );
        let log = fx.log.lock().unwrap();
        let sizes: Vec<usize> = log.iter().map(|(b, _)| b.len()).collect();
        assert_eq!(sizes, [20, 1], "the batches' sizes");
        let (_, present) = &log[0];
        assert!(present.is_empty(), "renamed before the sync: {present:?}");
    }

    /// A batch that reaches [`BATCH_FILES`] is synced without waiting for
    /// the rest of its wait; a document's files stay in one batch.
    #[test]
    fn a_full_batch_is_synced_before_its_wait_is_over() {
        let mut fx = fixture_waiting::<usize>(0, Duration::from_secs(60));
        let per_doc = 100;
        for doc in 0..3usize {
            let files = (0..per_doc)
                .map(|f| fx.staged(&format!("{doc}.{f}"), b"d"))
                .collect();
            fx.committer.submit(doc, files).unwrap();
        }
        // the first two documents' 200 files wait; the third fills the
        // batch, which is synced while no `ready` waits
        let start = Instant::now();
        while fx.log.lock().unwrap().is_empty() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "a full batch waited"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(fx.committer.ready(true).unwrap(), [0, 1, 2]);
        let log = fx.log.lock().unwrap();
        let sizes: Vec<usize> = log.iter().map(|(b, _)| b.len()).collect();
        assert_eq!(sizes, [3 * per_doc], "the batches' sizes");
    }

    /// A file its batch could not sync is an error naming it; the other
    /// files of the batch are put in place, and no temporary file stays.
    #[test]
    fn a_file_that_fails_to_sync_is_named_and_the_rest_of_its_batch_is_placed() {
        let mut fx = fixture(0);
        let files = ["a.csv", "bad.csv", "c.csv"]
            .map(|n| fx.staged(n, n.as_bytes()))
            .into();
        fx.committer.submit("doc", files).unwrap();
        let err = fx.committer.ready(true).unwrap_err().to_string();
        assert!(err.contains("bad.csv"), "{err}");
        drop(fx.committer);
        assert_eq!(names(fx.dir.path()), ["a.csv", "c.csv"]);
        assert_eq!(
            std::fs::read(fx.dir.path().join("c.csv")).unwrap(),
            b"c.csv"
        );
    }

    /// A committer dropped in the middle of a run (an error, a cancel)
    /// leaves each file complete or absent, and no temporary file.
    #[test]
    fn a_stopped_committer_leaves_complete_files_or_none_and_no_temporary_file() {
        let mut fx = fixture(50);
        let text = "字".repeat(10_000);
        for doc in 0..40usize {
            let file = fx.staged(&format!("{doc}.txt"), text.as_bytes());
            fx.committer.submit(doc, vec![file]).unwrap();
        }
        drop(fx.committer);
        let placed: usize = fx.log.lock().unwrap().iter().map(|(b, _)| b.len()).sum();
        assert!(
            placed < 40,
            "the run was not stopped early: {placed} files synced"
        );
        let mut complete = 0;
        for e in std::fs::read_dir(fx.dir.path()).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with('.'), "{name} left");
            assert_eq!(std::fs::read_to_string(e.path()).unwrap(), text, "{name}");
            complete += 1;
        }
        assert_eq!(complete, placed);
    }

    /// Files submitted without an item (the corpus tables) are synced in a
    /// batch of their own after every document's files are in place, and
    /// renamed in the order given; `ready` hands back only the documents.
    #[test]
    fn files_without_an_item_are_one_batch_after_the_documents() {
        let mut fx = fixture(5);
        for doc in 0..12usize {
            let files = (0..2)
                .map(|f| fx.staged(&format!("{doc}.{f}"), b"d"))
                .collect();
            fx.committer.submit(doc, files).unwrap();
        }
        let docs = fx.committer.ready(true).unwrap();
        assert_eq!(docs, (0..12).collect::<Vec<_>>());
        let tables = ["entities.csv", "errors.csv", "manifest.json"];
        let files = tables.map(|n| fx.staged(n, n.as_bytes())).into();
        fx.committer.submit_files(files).unwrap();
        assert!(fx.committer.ready(true).unwrap().is_empty());
        drop(fx.committer);
        let log = fx.log.lock().unwrap();
        let (last, present) = log.last().unwrap();
        let names: Vec<String> = last.iter().map(|p| final_name(p)).collect();
        assert_eq!(names, tables, "the tables' batch");
        for doc in 0..12 {
            for f in 0..2 {
                assert!(present.contains(&format!("{doc}.{f}")), "{doc}.{f}");
            }
        }
        for n in tables {
            assert_eq!(std::fs::read(fx.dir.path().join(n)).unwrap(), n.as_bytes());
        }
    }

    /// The corpus tables are renamed in order, each only if those before
    /// it were: a table that cannot be put in place (it fails to sync, or
    /// its name is taken by a folder) leaves `manifest.json`, last, out,
    /// and no temporary file, synced or not.
    #[test]
    fn files_without_an_item_stop_at_the_first_that_fails() {
        let mut fx = fixture::<usize>(0);
        let files = ["entities.csv", "bad.csv", "manifest.json"]
            .map(|n| fx.staged(n, n.as_bytes()))
            .into();
        fx.committer.submit_files(files).unwrap();
        let err = fx.committer.ready(true).unwrap_err().to_string();
        assert!(err.contains("bad.csv"), "{err}");
        drop(fx.committer);
        assert_eq!(names(fx.dir.path()), ["entities.csv"]);
        for fsync in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let out = OutputDir::create(dir.path()).unwrap().with_fsync(fsync);
            std::fs::create_dir_all(dir.path().join("errors.csv/x")).unwrap();
            let mut committer = Committer::<usize>::new(fsync);
            let files = ["entities.csv", "errors.csv", "manifest.json"]
                .map(|n| {
                    let target = dir.path().join(n);
                    let tmp = out.stage(&target, n.as_bytes()).unwrap();
                    (target, tmp)
                })
                .into();
            let err = committer
                .submit_files(files)
                .and_then(|()| committer.ready(true).map(drop))
                .unwrap_err()
                .to_string();
            assert!(err.contains("errors.csv"), "fsync {fsync}: {err}");
            drop(committer);
            assert_eq!(
                names(dir.path()),
                ["entities.csv", "errors.csv"],
                "fsync {fsync}"
            );
        }
    }

    /// A staging view writes complete temporary files and renames nothing;
    /// its files, taken in order, are removed if never committed.
    #[test]
    fn a_staging_view_keeps_its_files_staged() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::create(dir.path()).unwrap();
        let staging = out.staging();
        staging.write(&dir.path().join("b.csv"), b"bb").unwrap();
        let (tmp, mut file) = staging.temp(&dir.path().join("a.csv")).unwrap();
        file.write_all(b"aa").unwrap();
        staging
            .commit(tmp, file, &dir.path().join("a.csv"))
            .unwrap();
        let pid = std::process::id();
        assert_eq!(
            names(dir.path()),
            [format!(".a.csv.{pid}.tmp"), format!(".b.csv.{pid}.tmp")]
        );
        let staged = staging.take_staged();
        assert!(staging.take_staged().is_empty());
        let order: Vec<_> = staged.iter().map(|(p, _)| p.file_name().unwrap()).collect();
        assert_eq!(order, ["b.csv", "a.csv"]);
        assert_eq!(std::fs::read(staged[0].1.path()).unwrap(), b"bb");
        // the folder itself still writes in place
        out.write(&dir.path().join("c.csv"), b"c").unwrap();
        drop(staged);
        assert_eq!(names(dir.path()), ["c.csv"]);
    }

    /// The system's syncer puts a batch spread over two folders in place
    /// (whether it syncs the file system or each file: that depends on the
    /// system's dirty pages), learning each folder's device once, from the
    /// folder; a file gone before the sync is found by its rename, named,
    /// and the rest of the batch is placed.
    #[test]
    fn the_system_syncer_places_a_batch_over_two_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::create(dir.path()).unwrap();
        let targets =
            ["a.csv", "sub/b.csv", "sub/deeper/c.csv", "d.csv"].map(|n| dir.path().join(n));
        let staged: Vec<Staged> = targets
            .iter()
            .map(|t| {
                (
                    t.clone(),
                    out.stage(t, t.to_string_lossy().as_bytes()).unwrap(),
                )
            })
            .collect();
        for (t, tmp) in &staged {
            assert_eq!(tmp.len, Some(t.to_string_lossy().len() as u64));
        }
        let mut syncer = BatchSyncer::default();
        let temps: Vec<&TempPath> = staged.iter().map(|(_, t)| t).collect();
        assert!(syncer.sync(&temps).iter().all(|r| r.is_ok()));
        #[cfg(target_os = "linux")]
        assert_eq!(syncer.folders.len(), 3, "{:?}", syncer.folders.keys());
        drop(temps);
        let mut committer = Committer::<usize>::with_syncer(Some(Box::new(syncer)));
        let gone = staged[3].1.path().to_path_buf();
        std::fs::remove_file(&gone).unwrap();
        committer.submit(0, staged).unwrap();
        let err = committer.ready(true).unwrap_err().to_string();
        assert!(err.contains("d.csv"), "{err}");
        drop(committer);
        for t in &targets[..3] {
            assert_eq!(std::fs::read(t).unwrap(), t.to_string_lossy().as_bytes());
        }
        assert_eq!(names(dir.path()), ["a.csv", "sub"]);
        assert_eq!(names(&dir.path().join("sub")), ["b.csv", "deeper"]);
    }

    /// A file whose folder is missing gets it created, whichever way it is
    /// written (the folder is asked for only then); a folder that cannot
    /// be created is an error naming it.
    #[test]
    fn a_missing_folder_is_created_for_its_first_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::create(dir.path()).unwrap();
        let staged = out.stage(&dir.path().join("a/x.csv"), b"x").unwrap();
        assert!(staged.path().starts_with(dir.path().join("a")));
        let (tmp, _) = out.temp(&dir.path().join("b/c/y.csv")).unwrap();
        assert!(tmp.path().exists());
        let (spool, _) = out.spool(&dir.path().join("d/z.jsonl")).unwrap();
        assert!(spool.exists());
        out.write(&dir.path().join("e/f/w.csv"), b"w").unwrap();
        assert_eq!(std::fs::read(dir.path().join("e/f/w.csv")).unwrap(), b"w");
        write_atomic(&dir.path().join("g/v.csv"), b"v").unwrap();
        assert_eq!(std::fs::read(dir.path().join("g/v.csv")).unwrap(), b"v");
        std::fs::write(dir.path().join("file"), "").unwrap();
        let err = out
            .stage(&dir.path().join("file/sub/x.csv"), b"x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("file"), "{err}");
        let err = out
            .spool(&dir.path().join("file/sub/x.jsonl"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("file"), "{err}");
    }

    /// A committer dropped while a batch gathers (its thread asleep for
    /// the batch's wait, here a minute) stops at once and removes the
    /// files it had not put in place.
    #[test]
    fn a_dropped_committer_does_not_wait_out_its_batch() {
        let mut fx = fixture_waiting::<usize>(0, Duration::from_secs(60));
        for doc in 0..3usize {
            let files = vec![fx.staged(&format!("{doc}.x"), b"x")];
            fx.committer.submit(doc, files).unwrap();
        }
        let start = Instant::now();
        drop(fx.committer);
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the drop waited for the batch: {:?}",
            start.elapsed()
        );
        assert!(fx.log.lock().unwrap().is_empty());
        assert!(names(fx.dir.path()).is_empty());
    }

    /// The per-file syncs of the fallback: one result per file, a file
    /// that cannot be opened named in its error.
    #[test]
    fn the_per_file_fallback_syncs_each_file_and_names_a_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = (0..20).map(|i| dir.path().join(format!("{i}.x"))).collect();
        for p in &paths[1..] {
            std::fs::write(p, "x").unwrap();
        }
        let opened = paths
            .iter()
            .map(|p| File::open(p).map_err(output_error("reopen to sync", p)))
            .collect();
        let results = sync_each(opened);
        assert_eq!(results.len(), 20);
        let err = results[0].as_ref().unwrap_err().to_string();
        assert!(err.contains("0.x"), "{err}");
        assert!(results[1..].iter().all(|r| r.is_ok()));
    }

    #[test]
    fn dirty_pages_are_read_from_meminfo() {
        let info = "MemTotal:       24684624 kB\nDirty:             1200 kB\nWriteback:           8 kB\nAnonPages: 1 kB\n";
        assert_eq!(dirty_in_meminfo(info), Some(1208 * 1024));
        assert_eq!(dirty_in_meminfo("MemTotal: 1 kB\n"), None);
    }

    /// Staged files that a dropped committer never took up are removed.
    #[test]
    fn staged_files_of_a_stopped_run_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::create(dir.path()).unwrap();
        let staged: Vec<TempPath> = (0..5)
            .map(|i| out.stage(&dir.path().join(format!("{i}.x")), b"x").unwrap())
            .collect();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 5);
        drop(staged);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

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
