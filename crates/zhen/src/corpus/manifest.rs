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
//! A document's line is appended after its files are synced and renamed
//! into place, and the journal is synced to disk every [`SYNC_EVERY`]
//! documents or [`SYNC_INTERVAL`], whichever comes first, after the folders
//! those documents' files were renamed in (so that the renames are on disk
//! before the lines that list them): a killed process loses no line the
//! system has (a line cut short ends the journal), and a crash of the whole
//! system (a power cut) loses at most the lines of that last batch, whose
//! documents the next `--resume` annotates again. Without fsync
//! ([`OutputDir::with_fsync`]) nothing is synced: after a crash of the
//! system the journal may list documents whose files were lost.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use zhen_core::Stats;

use super::OutputDir;
use crate::{Error, Result};

/// Appends one JSON line and hands it to the system (a kill after this
/// keeps it).
fn journal_line(file: &mut File, value: &impl Serialize) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    line.push(b'\n');
    file.write_all(&line)
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

/// Collects the records of a run, appends each to the journal as it
/// arrives, and writes `manifest.json` at the end. (Records arrive in input
/// order, one per document.)
pub struct ManifestWriter {
    path: PathBuf,
    manifest: Manifest,
    journal_path: PathBuf,
    /// `None` once writing it failed (the run goes on; only `--resume`
    /// after a kill loses).
    journal: Option<File>,
    /// Lines written since the journal was last synced, and when that was.
    unsynced: usize,
    synced_at: Instant,
    /// The folders their documents' files were renamed in, synced first.
    dirs: BTreeSet<PathBuf>,
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
        journal_line(&mut journal, &header).map_err(|cause| Error::Output {
            action: "write",
            path: journal_path.clone(),
            cause,
        })?;
        Ok(ManifestWriter {
            path: out.root().join(MANIFEST),
            manifest: Manifest {
                zhen_version: env!("CARGO_PKG_VERSION").to_string(),
                models,
                options,
                documents: Vec::new(),
            },
            journal_path,
            journal: Some(journal),
            unsynced: 0,
            synced_at: Instant::now(),
            dirs: BTreeSet::new(),
            fsync: out.fsyncs(),
        })
    }

    /// Records a document (its files are in place): appends it to the
    /// journal, and syncs the journal every 64 documents or every second.
    /// Fails if the journal cannot be written.
    pub fn add(&mut self, record: DocRecord) -> Result<()> {
        if self.fsync {
            let root = self.path.parent().unwrap_or(Path::new("."));
            for output in &record.outputs {
                if let Some(dir) = root.join(output).parent() {
                    if !self.dirs.contains(dir) {
                        self.dirs.insert(dir.to_path_buf());
                    }
                }
            }
        }
        if let Some(j) = &mut self.journal {
            journal_line(j, &record).map_err(|cause| Error::Output {
                action: "write",
                path: self.journal_path.clone(),
                cause,
            })?;
            self.unsynced += 1;
            if self.unsynced >= SYNC_EVERY || self.synced_at.elapsed() >= SYNC_INTERVAL {
                self.sync();
            }
        }
        self.manifest.documents.push(record);
        Ok(())
    }

    /// Syncs the folders the journaled documents' files were renamed in,
    /// then the journal's lines, to disk (a failure is not an error: the
    /// lines stay with the system, and only a crash of the system loses
    /// them). Without fsync, nothing.
    fn sync(&mut self) {
        if let (Some(j), true) = (&self.journal, self.fsync) {
            if self.unsynced > 0 {
                sync_dirs(std::mem::take(&mut self.dirs));
                let _ = j.sync_data();
            }
        }
        self.unsynced = 0;
        self.synced_at = Instant::now();
    }

    /// Writes `manifest.json` (pretty-printed, with a final newline) and
    /// removes the journal; with fsync, the folders of the documents not yet
    /// synced and the output folder (with the corpus tables and the
    /// manifest) are synced, so that every file of the run is on disk when
    /// it returns.
    pub fn finish(mut self, out: &OutputDir) -> Result<()> {
        let mut json =
            serde_json::to_vec_pretty(&self.manifest).expect("a manifest serializes to JSON");
        json.push(b'\n');
        out.write(&self.path, &json)?;
        if self.fsync {
            let root = self.path.parent().unwrap_or(Path::new(".")).to_path_buf();
            self.dirs.insert(root);
            sync_dirs(std::mem::take(&mut self.dirs));
        }
        self.journal = None;
        let _ = std::fs::remove_file(&self.journal_path);
        Ok(())
    }
}

impl Drop for ManifestWriter {
    /// A run that stops early (cancelled, or a fatal error) keeps its
    /// journal for `--resume`: synced.
    fn drop(&mut self) {
        self.sync();
    }
}
