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

/// Syncs folders, so that the files renamed in them stay after a crash of
/// the system. (A folder opens for reading on Unix; elsewhere a rename is as
/// durable as the system makes it.)
fn sync_dirs(dirs: BTreeSet<PathBuf>) {
    for dir in dirs {
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
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

/// The journal's thread: appends each line as it comes, and with `fsync`
/// syncs the folders of the documents listed, then the journal, every
/// [`SYNC_EVERY`] lines or [`SYNC_INTERVAL`] — never a line whose folders
/// were not synced first: this thread alone writes the file. Without a
/// [`ToJournal::Close`] (a run that stops early) it syncs what it wrote
/// before it stops. Returns the first error writing a line (no line is
/// written after it).
fn journal_thread(
    mut file: File,
    mut written: u64,
    fsync: bool,
    lines: mpsc::Receiver<ToJournal>,
    failed: Arc<Mutex<Option<std::io::Error>>>,
) {
    let mut reserved = 0;
    if fsync {
        // a journal that is never synced gets no disk space before it is
        // removed: nothing to reserve then
        reserved = RESERVE_FIRST;
        reserve(&file, 0, reserved);
    }
    let mut dirs = BTreeSet::new();
    let mut unsynced = 0usize;
    let mut synced_at = Instant::now();
    let mut ok = true;
    let sync = |dirs: &mut BTreeSet<PathBuf>, file: &File, unsynced: &mut usize| {
        if fsync && *unsynced > 0 {
            sync_dirs(std::mem::take(dirs));
            // a failure is not an error: the lines stay with the system,
            // and only a crash of the system loses them
            let _ = file.sync_data();
        }
        *unsynced = 0;
    };
    for msg in lines {
        match msg {
            ToJournal::Line(line, outputs) => {
                if !ok {
                    continue;
                }
                if fsync {
                    dirs.extend(outputs);
                }
                if let Err(e) = file.write_all(&line) {
                    *failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                    ok = false;
                    continue;
                }
                written += line.len() as u64;
                if fsync && written > reserved {
                    let to = (reserved * 2).max(written + RESERVE_FIRST);
                    reserve(&file, reserved, to);
                    reserved = to;
                }
                unsynced += 1;
                if unsynced >= SYNC_EVERY || synced_at.elapsed() >= SYNC_INTERVAL {
                    sync(&mut dirs, &file, &mut unsynced);
                    synced_at = Instant::now();
                }
            }
            ToJournal::Close(root) => {
                if fsync {
                    dirs.insert(root);
                    sync_dirs(dirs);
                }
                return;
            }
        }
    }
    // stopped early: the journal kept for `--resume`, synced
    sync(&mut dirs, &file, &mut unsynced);
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
            std::thread::spawn(move || journal_thread(journal, written, fsync, rx, failed))
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
        if let Some(cause) = self.failed.lock().unwrap_or_else(|e| e.into_inner()).take() {
            self.lines = None;
            return Err(Error::Output {
                action: "write",
                path: self.journal_path.clone(),
                cause,
            });
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
    /// it returns.
    pub fn finish(self, out: &OutputDir) -> Result<()> {
        out.write(&self.path, &self.json())?;
        self.close();
        Ok(())
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
    /// the journal.
    pub(crate) fn close(mut self) {
        let root = self.path.parent().unwrap_or(Path::new(".")).to_path_buf();
        if let Some(lines) = self.lines.take() {
            let _ = lines.send(ToJournal::Close(root));
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_file(&self.journal_path);
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
