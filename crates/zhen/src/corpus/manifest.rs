//! `manifest.json`: what was run (version, models, options) and, per
//! document, its input, hash, encoding, language, script, counts, status and
//! outputs. `--resume` reads it back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zhen_core::Stats;

use super::OutputDir;
use crate::Result;

/// The manifest's file name in the output folder.
pub const MANIFEST: &str = "manifest.json";

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
        let path = dir.join(MANIFEST);
        let Ok(bytes) = std::fs::read(&path) else {
            return Ok(BTreeMap::new());
        };
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
            format!(
                "{}: unreadable manifest ({e}), annotating everything",
                path.display()
            )
        })?;
        if &m.models != models
            || &m.options != options
            || m.zhen_version != env!("CARGO_PKG_VERSION")
        {
            return Ok(BTreeMap::new());
        }
        Ok(m.documents.into_iter().map(|d| (d.id.clone(), d)).collect())
    }
}

/// Collects the records of a run and writes `manifest.json` at the end.
/// (Records arrive in input order, one per document.)
pub struct ManifestWriter {
    path: PathBuf,
    manifest: Manifest,
}

impl ManifestWriter {
    /// A manifest for `out` with the run's models and options.
    pub fn new(
        out: &OutputDir,
        models: BTreeMap<String, String>,
        options: serde_json::Value,
    ) -> Self {
        ManifestWriter {
            path: out.root().join(MANIFEST),
            manifest: Manifest {
                zhen_version: env!("CARGO_PKG_VERSION").to_string(),
                models,
                options,
                documents: Vec::new(),
            },
        }
    }

    /// Records a document.
    pub fn add(&mut self, record: DocRecord) {
        self.manifest.documents.push(record);
    }

    /// Writes `manifest.json` (pretty-printed, with a final newline).
    pub fn finish(self, out: &OutputDir) -> Result<()> {
        let mut json =
            serde_json::to_vec_pretty(&self.manifest).expect("a manifest serializes to JSON");
        json.push(b'\n');
        out.write(&self.path, &json)
    }
}
