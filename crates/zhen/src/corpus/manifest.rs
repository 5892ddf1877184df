//! `manifest.json`: what was run (version, models, options) and, per
//! document, its input, hash, encoding, language, script, counts, status and
//! outputs. `--resume` reads it back.
//!
//! While a run goes, each document's record is appended to a journal,
//! `.manifest.journal` in the output folder (a JSON line with the run's
//! version, models and options, then one line per document done, written
//! after the document's files are in place). At the end `manifest.json` is
//! written atomically and the journal removed; a run that was killed or
//! interrupted leaves its journal, and `--resume` skips the documents it
//! lists as well as those of `manifest.json`.
//!
//! A document's line is handed to the journal's thread after its files are
//! synced and renamed into place; that thread appends it at once and syncs
//! the journal to disk every [`SYNC_EVERY`] documents or [`SYNC_INTERVAL`],
//! whichever comes first, after the folders those documents' files were
//! renamed in (so that the renames are on disk before the lines that list
//! them). The syncs run beside the run (the corpus runner's ordered thread
//! never waits for them). A killed process loses no line the system has (a
//! line cut short ends the journal) and the lines the thread had not yet
//! appended (documents finished while it synced, 10–30 ms); a crash of the
//! whole system (a power cut) loses at most the lines since the last sync
//! that completed. The next `--resume` annotates those documents again.
//! Without fsync ([`OutputDir::with_fsync`]) nothing is synced: after a
//! crash of the system the journal may list documents whose files were
//! lost.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use zhen_core::Stats;

use super::output::Staged;
use super::OutputDir;
use crate::{Error, Result};

/// Appends one JSON line and hands it to the system (a kill after this
/// keeps it): its length.
fn journal_line(file: &mut File, value: &impl Serialize) -> std::io::Result<u64> {
    let mut line = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    line.push(b'\n');
    file.write_all(&line)?;
    Ok(line.len() as u64)
}

/// The journal's disk space is reserved ahead ([`reserve`]) this much at
/// first, then as much again as it has each time it fills.
const RESERVE_FIRST: u64 = 256 << 10;

/// Reserves disk space for the bytes `from..to` of `file` without changing
/// its size (Linux `fallocate` with `FALLOC_FL_KEEP_SIZE`). A journal
/// appended and synced a few lines at a time otherwise lies in as many
/// pieces (extents) as it had syncs, and removing it at the end of a run
/// frees each piece on its own: on a file system mounted with `discard`
/// (as cloud disks often are) that is one synchronous discard per piece, at
/// the very end of the run (13 pieces, 43–60 ms, for a 425-document run
/// here). Best effort: where space cannot be reserved nothing changes.
fn reserve(file: &File, from: u64, to: u64) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let (Ok(offset), Ok(len)) = (i64::try_from(from), i64::try_from(to - from)) else {
            return;
        };
        // SAFETY: a valid open descriptor; fallocate only reads it
        unsafe {
            libc::fallocate(file.as_raw_fd(), libc::FALLOC_FL_KEEP_SIZE, offset, len);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, from, to);
}

/// The manifest's file name in the output folder.
pub const MANIFEST: &str = "manifest.json";

/// The journal is synced to disk after this many documents…
pub(crate) const SYNC_EVERY: usize = 64;
/// …or when a document arrives this long after the last sync.
pub(crate) const SYNC_INTERVAL: Duration = Duration::from_secs(1);

/// The journal's file name in the output folder (hidden: never an input).
pub const JOURNAL: &str = ".manifest.journal";

/// The journal's first line: what the run was.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct JournalHeader {
    zhen_version: String,
    models: BTreeMap<String, String>,
    options: serde_json::Value,
}

/// Whether a document was annotated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Annotated (or unchanged since the previous run, with `--resume`).
    Ok,
    /// Not annotated: see the record's `error`.
    Error,
}

/// What the manifest records per document.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DocRecord {
    /// The document name (its path relative to the input folder).
    pub id: String,
    /// The input as given (a path, or `-`).
    pub input: String,
    /// Size of the input in bytes.
    pub size: u64,
    /// SHA-256 of the input's bytes, hex (empty if it could not be read).
    pub sha256: String,
    /// The encoding it was decoded from.
    pub encoding: Option<String>,
    /// The document's script ([`zhen_core::Document::stats`]).
    pub script: Option<String>,
    /// The document's language ([`zhen_core::Document::stats`]).
    pub lang: Option<String>,
    /// `chars`, `paragraphs`, `sentences`, `tokens`, `entities`,
    /// `entities_<LABEL>`, and `replaced_bytes` when decoding replaced some.
    pub counts: BTreeMap<String, usize>,
    /// Annotated or not.
    pub status: Status,
    /// Why not, for [`Status::Error`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The files written, relative to the output folder.
    pub outputs: Vec<String>,
}

impl DocRecord {
    /// Sets the language, script and counts from a document's stats.
    pub fn set_stats(&mut self, stats: &Stats) {
        self.script = Some(stats.script.to_string());
        self.lang = Some(stats.lang.clone());
        for (k, v) in [
            ("chars", stats.chars),
            ("paragraphs", stats.paragraphs),
            ("sentences", stats.sentences),
            ("tokens", stats.tokens),
            ("entities", stats.entities),
        ] {
            self.counts.insert(k.to_string(), v);
        }
        for (label, n) in &stats.labels {
            self.counts.insert(format!("entities_{label}"), *n);
        }
    }
}

/// The whole manifest.
#[derive(Serialize, Deserialize, Debug)]
pub struct Manifest {
    /// The version of zhen that wrote it.
    pub zhen_version: String,
    /// The NER models, by language: their ids.
    pub models: BTreeMap<String, String>,
    /// The pipeline and writer options.
    pub options: serde_json::Value,
    /// One record per input, in input order.
    pub documents: Vec<DocRecord>,
}

impl Manifest {
    /// The records of the manifest in `dir` by document name, if it was
    /// written by this version with the same models and options; `Err`
    /// with a message when a manifest is there but unreadable.
    pub fn previous(
        dir: &Path,
        models: &BTreeMap<String, String>,
        options: &serde_json::Value,
    ) -> std::result::Result<BTreeMap<String, DocRecord>, String> {
        let mut records = BTreeMap::new();
        let path = dir.join(MANIFEST);
        if let Ok(bytes) = std::fs::read(&path) {
            let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
                format!(
                    "{}: unreadable manifest ({e}), annotating everything",
                    path.display()
                )
            })?;
            if &m.models == models
                && &m.options == options
                && m.zhen_version == env!("CARGO_PKG_VERSION")
            {
                records.extend(m.documents.into_iter().map(|d| (d.id.clone(), d)));
            }
        }
        // an unfinished run's journal: newer than the manifest
        let header = JournalHeader {
            zhen_version: env!("CARGO_PKG_VERSION").to_string(),
            models: models.clone(),
            options: options.clone(),
        };
        records.extend(read_journal(&dir.join(JOURNAL), &header));
        Ok(records)
    }
}

/// The records of a journal written by a run like this one (same version,
/// models and options), by document name. A line cut short by a kill ends
/// it.
fn read_journal(path: &Path, header: &JournalHeader) -> BTreeMap<String, DocRecord> {
    let mut records = BTreeMap::new();
    let Ok(file) = File::open(path) else {
        return records;
    };
    let mut lines = BufReader::new(file).lines();
    let same = lines
        .next()
        .and_then(|l| l.ok())
        .and_then(|l| serde_json::from_str::<JournalHeader>(&l).ok())
        .is_some_and(|h| &h == header);
    if !same {
        return records;
    }
    for line in lines {
        let Some(record) = line
            .ok()
            .and_then(|l| serde_json::from_str::<DocRecord>(&l).ok())
        else {
            break;
        };
        records.insert(record.id.clone(), record);
    }
    records
}

/// Syncs a folder, so that the files renamed in it stay after a crash of
/// the system. (A folder opens for reading on Unix; elsewhere a rename is as
/// durable as the system makes it.)
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// What the corpus runner's thread hands the journal's thread.
enum ToJournal {
    /// A document's line, and the folders its files were renamed in.
    Line(Vec<u8>, Vec<PathBuf>),
    /// `manifest.json` is in place: sync the folders not yet synced and
    /// `root`, not the journal (it is removed next), and stop.
    Close(PathBuf),
}

/// How the journal's thread reaches the disk: the system, or a test's
/// record of what it did.
trait JournalDisk: Send {
    /// Appends a line to the journal.
    fn append(&mut self, file: &mut File, line: &[u8]) -> std::io::Result<()> {
        file.write_all(line)
    }
    /// Syncs a folder, so that the renames in it stay after a crash.
    fn sync_dir(&mut self, dir: &Path);
    /// Syncs the journal's lines.
    fn sync_journal(&mut self, file: &File);
}

/// [`JournalDisk`] of the system: a failure to sync is not an error (the
/// lines and renames stay with the system, and only a crash of the system
/// loses them; `--resume` then annotates those documents again).
struct SystemDisk;

impl JournalDisk for SystemDisk {
    fn sync_dir(&mut self, dir: &Path) {
        sync_dir(dir);
    }
    fn sync_journal(&mut self, file: &File) {
        let _ = file.sync_data();
    }
}

/// The journal's thread: appends each line as it comes, and with `fsync`
/// syncs the folders of the documents listed, then the journal, every
/// [`SYNC_EVERY`] lines or [`SYNC_INTERVAL`]. Without a
/// [`ToJournal::Close`] (a run that stops early) it syncs what it wrote
/// before it stops. The first error writing a line goes to `failed` (no
/// line is written after it).
///
/// Why a synced line never lists a document whose renames could be lost:
/// a line is sent only after its document's files were synced and renamed
/// (the committer hands the document back then), with the folders they
/// were renamed in; this thread alone writes and syncs the journal, and
/// each journal sync comes after the syncs of the folders of every line
/// written before it. A line not yet synced may still reach the disk
/// before its folders by the system's own writeback; on ext4 (ordered
/// data, the default) the journal's new length is committed in the same
/// or a later transaction than the renames made before the line was
/// written, so it cannot outlive them either; elsewhere only the synced
/// lines carry the guarantee. A line lost (never written: the process was
/// killed while it waited here; or not synced: a crash of the system) only
/// means `--resume` annotates its document again.
fn journal_thread(
    mut file: File,
    mut written: u64,
    fsync: bool,
    lines: mpsc::Receiver<ToJournal>,
    failed: Arc<Mutex<Option<std::io::Error>>>,
    mut disk: Box<dyn JournalDisk>,
) {
    let mut reserved = 0;
    if fsync {
        // a journal that is never synced gets no disk space before it is
        // removed: nothing to reserve then
        reserved = RESERVE_FIRST;
        reserve(&file, 0, reserved);
    }
    // the folders of the lines written since the last sync
    let mut dirs = BTreeSet::new();
    let mut unsynced = 0usize;
    let mut synced_at = Instant::now();
    let mut ok = true;
    // the folders first, then the lines that list their renames
    let sync = |disk: &mut dyn JournalDisk, dirs: &mut BTreeSet<PathBuf>, file: &File, n: usize| {
        if fsync && n > 0 {
            for dir in std::mem::take(dirs) {
                disk.sync_dir(&dir);
            }
            disk.sync_journal(file);
        }
    };
    for msg in lines {
        match msg {
            ToJournal::Line(line, outputs) => {
                if !ok {
                    continue;
                }
                if let Err(e) = disk.append(&mut file, &line) {
                    *failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                    ok = false;
                    continue;
                }
                if fsync {
                    dirs.extend(outputs);
                }
                written += line.len() as u64;
                if fsync && written > reserved {
                    let to = (reserved * 2).max(written + RESERVE_FIRST);
                    reserve(&file, reserved, to);
                    reserved = to;
                }
                unsynced += 1;
                if unsynced >= SYNC_EVERY || synced_at.elapsed() >= SYNC_INTERVAL {
                    sync(disk.as_mut(), &mut dirs, &file, unsynced);
                    unsynced = 0;
                    synced_at = Instant::now();
                }
            }
            ToJournal::Close(root) => {
                // manifest.json, now in place, lists every document: the
                // journal is not synced (it is removed next), but the
                // folders not yet synced are, the output folder last (its
                // entries: the corpus tables and manifest.json)
                if fsync {
                    dirs.remove(&root);
                    for dir in dirs.iter().chain([&root]) {
                        disk.sync_dir(dir);
                    }
                }
                return;
            }
        }
    }
    // stopped early: the journal kept for `--resume`, synced
    sync(disk.as_mut(), &mut dirs, &file, unsynced);
}

/// Collects the records of a run, has each appended to the journal as it
/// arrives (by a thread of its own, which also syncs it: the caller never
/// waits for the disk), and writes `manifest.json` at the end. (Records
/// arrive in input order, one per document.)
pub struct ManifestWriter {
    path: PathBuf,
    manifest: Manifest,
    journal_path: PathBuf,
    /// To the journal's thread, and the thread.
    lines: Option<mpsc::Sender<ToJournal>>,
    thread: Option<JoinHandle<()>>,
    /// The thread's error writing a line.
    failed: Arc<Mutex<Option<std::io::Error>>>,
    /// Sync at all.
    fsync: bool,
}

impl ManifestWriter {
    /// A manifest for `out` with the run's models and options.
    pub fn new(
        out: &OutputDir,
        models: BTreeMap<String, String>,
        options: serde_json::Value,
    ) -> Result<Self> {
        Self::with_disk(out, models, options, Box::new(SystemDisk))
    }

    /// [`ManifestWriter::new`] whose journal's thread goes through `disk`.
    fn with_disk(
        out: &OutputDir,
        models: BTreeMap<String, String>,
        options: serde_json::Value,
        disk: Box<dyn JournalDisk>,
    ) -> Result<Self> {
        let journal_path = out.root().join(JOURNAL);
        let header = JournalHeader {
            zhen_version: env!("CARGO_PKG_VERSION").to_string(),
            models: models.clone(),
            options: options.clone(),
        };
        let mut journal = File::create(&journal_path).map_err(|cause| Error::Output {
            action: "create",
            path: journal_path.clone(),
            cause,
        })?;
        let written = journal_line(&mut journal, &header).map_err(|cause| Error::Output {
            action: "write",
            path: journal_path.clone(),
            cause,
        })?;
        let fsync = out.fsyncs();
        let (lines, rx) = mpsc::channel();
        let failed = Arc::new(Mutex::new(None));
        let thread = {
            let failed = Arc::clone(&failed);
            std::thread::Builder::new()
                .name("zhen-journal".into())
                .spawn(move || journal_thread(journal, written, fsync, rx, failed, disk))
                .expect("the journal's thread starts")
        };
        Ok(ManifestWriter {
            path: out.root().join(MANIFEST),
            manifest: Manifest {
                zhen_version: env!("CARGO_PKG_VERSION").to_string(),
                models,
                options,
                documents: Vec::new(),
            },
            journal_path,
            lines: Some(lines),
            thread: Some(thread),
            failed,
            fsync,
        })
    }

    /// Records a document (its files are in place) and hands its line to
    /// the journal's thread, which appends it at once and syncs the
    /// journal every 64 documents or every second. Fails if the journal
    /// could not be written (an earlier line: the thread writes them as
    /// they come).
    pub fn add(&mut self, record: DocRecord) -> Result<()> {
        if let Err(e) = self.journal_error() {
            self.lines = None;
            return Err(e);
        }
        if let Some(lines) = &self.lines {
            let mut line = serde_json::to_vec(&record).map_err(|e| Error::Output {
                action: "write",
                path: self.journal_path.clone(),
                cause: std::io::Error::other(e),
            })?;
            line.push(b'\n');
            let mut dirs = Vec::new();
            if self.fsync {
                let root = self.path.parent().unwrap_or(Path::new("."));
                for output in &record.outputs {
                    if let Some(dir) = root.join(output).parent() {
                        if !dirs.iter().any(|d| d == dir) {
                            dirs.push(dir.to_path_buf());
                        }
                    }
                }
            }
            // the thread runs until the sender is dropped
            let _ = lines.send(ToJournal::Line(line, dirs));
        }
        self.manifest.documents.push(record);
        Ok(())
    }

    /// Writes `manifest.json` (pretty-printed, with a final newline) and
    /// removes the journal; with fsync, the folders of the documents not yet
    /// synced and the output folder (with the corpus tables and the
    /// manifest) are synced, so that every file of the run is on disk when
    /// it returns. Fails if a line of the journal could not be written,
    /// even the last document's (the journal a killed run would have left
    /// was not whole).
    pub fn finish(self, out: &OutputDir) -> Result<()> {
        out.write(&self.path, &self.json())?;
        self.close()
    }

    /// `manifest.json` (pretty-printed, with a final newline).
    fn json(&self) -> Vec<u8> {
        let mut json =
            serde_json::to_vec_pretty(&self.manifest).expect("a manifest serializes to JSON");
        json.push(b'\n');
        json
    }

    /// `manifest.json` staged for a committer (target, temporary file): the
    /// corpus runner puts it in place in one batch with the corpus tables,
    /// then calls [`ManifestWriter::close`].
    pub(crate) fn stage(&self, out: &OutputDir) -> Result<Staged> {
        Ok((self.path.clone(), out.stage(&self.path, &self.json())?))
    }

    /// Once `manifest.json` is in place: with fsync, syncs the folders of
    /// the documents not yet synced and the output folder, then removes
    /// the journal. Fails if a line of the journal could not be written
    /// (after the run's last [`ManifestWriter::add`]): `manifest.json`
    /// lists every document, but the journal a killed run would have left
    /// was not whole, and the run says so, as it would have at the next
    /// document.
    pub(crate) fn close(mut self) -> Result<()> {
        let root = self.path.parent().unwrap_or(Path::new(".")).to_path_buf();
        if let Some(lines) = self.lines.take() {
            let _ = lines.send(ToJournal::Close(root));
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_file(&self.journal_path);
        self.journal_error()
    }

    /// The journal's thread's error writing a line, if any.
    fn journal_error(&self) -> Result<()> {
        match self.failed.lock().unwrap_or_else(|e| e.into_inner()).take() {
            Some(cause) => Err(Error::Output {
                action: "write",
                path: self.journal_path.clone(),
                cause,
            }),
            None => Ok(()),
        }
    }
}

impl Drop for ManifestWriter {
    /// A run that stops early (cancelled, or a fatal error) keeps its
    /// journal for `--resume`: every line handed to the journal's thread
    /// is written and synced before this returns.
    fn drop(&mut self) {
        self.lines = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a [`RecordingDisk`] did, with the number of complete lines the
    /// journal held on disk (header excluded) at that moment.
    #[derive(Debug, PartialEq)]
    enum Event {
        Dir(PathBuf, usize),
        Journal(usize),
    }

    /// A [`JournalDisk`] that records its syncs, and fails to append the
    /// line number `fail_at` (0-based, header excluded) and after.
    struct RecordingDisk {
        journal: PathBuf,
        events: Arc<Mutex<Vec<Event>>>,
        appended: usize,
        fail_at: Option<usize>,
    }

    impl RecordingDisk {
        fn lines(&self) -> usize {
            let text = std::fs::read_to_string(&self.journal).unwrap_or_default();
            text.matches('\n').count().saturating_sub(1)
        }
    }

    impl JournalDisk for RecordingDisk {
        fn append(&mut self, file: &mut File, line: &[u8]) -> std::io::Result<()> {
            if self.fail_at.is_some_and(|n| self.appended >= n) {
                return Err(std::io::Error::other("fake full disk"));
            }
            self.appended += 1;
            file.write_all(line)
        }
        fn sync_dir(&mut self, dir: &Path) {
            let n = self.lines();
            self.events
                .lock()
                .unwrap()
                .push(Event::Dir(dir.to_path_buf(), n));
        }
        fn sync_journal(&mut self, _file: &File) {
            let n = self.lines();
            self.events.lock().unwrap().push(Event::Journal(n));
        }
    }

    /// A writer for a new output folder whose journal records its syncs.
    fn writer(
        fsync: bool,
        fail_at: Option<usize>,
    ) -> (tempfile::TempDir, ManifestWriter, Arc<Mutex<Vec<Event>>>) {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::create(dir.path()).unwrap().with_fsync(fsync);
        let events = Arc::new(Mutex::new(Vec::new()));
        let disk = RecordingDisk {
            journal: dir.path().join(JOURNAL),
            events: Arc::clone(&events),
            appended: 0,
            fail_at,
        };
        let options = serde_json::json!({ "formats": ["jsonl"] });
        let w = ManifestWriter::with_disk(&out, BTreeMap::new(), options, Box::new(disk)).unwrap();
        (dir, w, events)
    }

    /// Document `i`: two files in `sub{i % 5}`, one in the output folder.
    fn record(i: usize) -> DocRecord {
        DocRecord {
            id: format!("d{i}.txt"),
            input: format!("in/d{i}.txt"),
            size: 1,
            sha256: format!("{i:064x}"),
            encoding: Some("UTF-8".into()),
            script: None,
            lang: None,
            counts: BTreeMap::new(),
            status: Status::Ok,
            error: None,
            outputs: vec![
                format!("sub{}/d{i}.jsonl", i % 5),
                format!("sub{}/d{i}.csv", i % 5),
                format!("d{i}.conllu"),
            ],
        }
    }

    /// The guarantee `--resume` rests on after a crash of the system: when
    /// the journal is synced, every document it then holds had the folders
    /// its files were renamed in synced after its line was handed over
    /// (so after its renames). A run that stops early (the writer dropped)
    /// leaves every line handed over written, synced, and readable.
    #[test]
    fn each_journal_sync_comes_after_the_folders_of_its_lines() {
        let (dir, mut w, events) = writer(true, None);
        let n = 150;
        for i in 0..n {
            w.add(record(i)).unwrap();
        }
        drop(w);
        let events = events.lock().unwrap();
        let journal_syncs: Vec<usize> = events
            .iter()
            .filter_map(|e| match e {
                Event::Journal(k) => Some(*k),
                _ => None,
            })
            .collect();
        assert!(journal_syncs.len() >= 3, "{journal_syncs:?}");
        assert_eq!(journal_syncs.last(), Some(&n), "the last sync covers all");
        for i in 0..n {
            // the first journal sync that covers line i
            let j = events
                .iter()
                .position(|e| matches!(e, Event::Journal(k) if *k > i))
                .unwrap();
            for output in &record(i).outputs {
                let folder = dir.path().join(output).parent().unwrap().to_path_buf();
                assert!(
                    events[..j]
                        .iter()
                        .any(|e| matches!(e, Event::Dir(d, k) if *d == folder && *k > i)),
                    "line {i} synced at event {j} before {} was: {events:?}",
                    folder.display()
                );
            }
        }
        let header = JournalHeader {
            zhen_version: env!("CARGO_PKG_VERSION").to_string(),
            models: BTreeMap::new(),
            options: serde_json::json!({ "formats": ["jsonl"] }),
        };
        let read = read_journal(&dir.path().join(JOURNAL), &header);
        assert_eq!(read.len(), n);
        assert_eq!(read["d7.txt"], record(7));
    }

    /// A run that finishes: `close` syncs the folders of the lines not yet
    /// synced and then the output folder (not the journal, which it then
    /// removes); without fsync nothing is synced.
    #[test]
    fn closing_syncs_the_folders_left_and_the_output_folder_and_removes_the_journal() {
        for fsync in [true, false] {
            let (dir, mut w, events) = writer(fsync, None);
            for i in 0..3 {
                w.add(record(i)).unwrap();
            }
            w.close().unwrap();
            assert!(!dir.path().join(JOURNAL).exists());
            let events = events.lock().unwrap();
            if !fsync {
                assert!(events.is_empty(), "{events:?}");
                continue;
            }
            let dirs: Vec<&Path> = events
                .iter()
                .map(|e| match e {
                    Event::Dir(d, _) => d.as_path(),
                    Event::Journal(_) => panic!("the journal synced at close: {events:?}"),
                })
                .collect();
            let root = dir.path();
            let want = [root.join("sub0"), root.join("sub1"), root.join("sub2")];
            assert_eq!(
                dirs[..3],
                want.iter().map(|p| p.as_path()).collect::<Vec<_>>()
            );
            assert_eq!(dirs[3..], [root], "the output folder once, last");
        }
    }

    /// A line the journal's thread cannot write fails the run — at the next
    /// document, or at `close` if none comes — and no line follows it, so
    /// the journal never skips a document it should list.
    #[test]
    fn a_journal_line_that_cannot_be_written_is_an_error() {
        // the last document's line: only `close` can tell
        let (dir, mut w, _events) = writer(true, Some(2));
        for i in 0..3 {
            w.add(record(i)).unwrap();
        }
        let msg = w.close().unwrap_err().to_string();
        assert!(
            msg.contains(JOURNAL) && msg.contains("fake full disk"),
            "{msg}"
        );
        assert!(!dir.path().join(JOURNAL).exists());
        // an earlier line: an error from `add` once the thread has met it
        // (or from `close`); a run stopped then keeps the lines before it
        let (dir, mut w, _events) = writer(true, Some(4));
        let mut first = None;
        for i in 0..200 {
            if let Err(e) = w.add(record(i)) {
                first = Some(e);
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let msg = first.expect("no error in 200 documents").to_string();
        assert!(msg.contains("fake full disk"), "{msg}");
        drop(w);
        let journal = std::fs::read_to_string(dir.path().join(JOURNAL)).unwrap();
        assert_eq!(journal.lines().count(), 5, "{journal}");
    }
}
