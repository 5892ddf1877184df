//! The corpus runner: what `zhen annotate` does, as library functions the
//! CLI, streaming mode and other front ends share.
//!
//! [`annotate_corpus`] reads files and folders (or standard input), decodes
//! them, annotates them in parallel, writes each document in every format,
//! the corpus tables (`entities.csv`, `entity_counts.csv`, `errors.csv`) and
//! `manifest.json`, and returns a [`Summary`]. [`annotate_jsonl`] streams
//! JSON lines. Neither prints: progress and failures go to a [`Progress`].
//!
//! The parts, each in one place: [`plan`] names every document and its
//! output files before anything is read; [`read_input`] reads and decodes;
//! the worker annotates and renders (a document over
//! [`PART_BYTES`] a part at a time, written as it
//! goes: [`crate::parts`]) and writes its files to temporary files;
//! [`OutputDir`] writes files atomically, and its committer syncs the
//! documents' files in batches, each as a whole before any of its files is
//! renamed into place;
//! [`ManifestWriter`] records a document once its files are in place; a
//! [`CorpusSink`] builds a corpus-level table or report from the documents
//! in input order.
//!
//! ```no_run
//! use zhen::corpus::{annotate_corpus, CorpusConfig};
//! let config = CorpusConfig::new(vec!["corpus/".into()], "annotations/".into());
//! let summary = annotate_corpus(&config, &mut ())?;
//! println!("{} documents, {} failed", summary.documents, summary.failures.len());
//! # Ok::<(), zhen::Error>(())
//! ```

mod inputs;
mod manifest;
mod output;
mod sinks;
mod stream;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zhen_core::{Document, Stats};
use zhen_export::html::HtmlLinks;
use zhen_export::{self as export, DocWriter, Format, WriteOptions};

pub use inputs::{corpus_files, input_files, is_stdin, plan, read_input, read_input_text, Job};
pub use manifest::{DocRecord, Manifest, ManifestWriter, Status, JOURNAL, MANIFEST};
pub use output::{remove_temp_files, write_atomic, OutputDir, TempPath};
pub use sinks::CorpusSink;
pub use stream::{annotate_jsonl, StreamSummary};

use crate::input::DecodeOptions;
use crate::parts::PART_BYTES;
use crate::{par, Error, Pipeline, PipelineOptions, Result};

/// What to annotate, how, and where to write it.
#[derive(Clone, Debug)]
pub struct CorpusConfig {
    /// Input files and folders (folders are walked); none, or one `-`, reads
    /// standard input.
    pub inputs: Vec<PathBuf>,
    /// Which files to take from folders (`*` and `?` on the file name).
    pub glob: String,
    /// How inputs are decoded.
    pub decode: DecodeOptions,
    /// The pipeline.
    pub pipeline: PipelineOptions,
    /// The output folder (created if missing).
    pub output: PathBuf,
    /// The formats each document is written in.
    pub formats: Vec<Format>,
    /// The writers' options (the CSV options also shape the corpus tables;
    /// `html` is set by the run: the views link to the run's other formats
    /// and to `index.html`).
    pub write: WriteOptions,
    /// Skip documents whose input, options and models are unchanged since
    /// the manifest in the output folder.
    pub resume: bool,
    /// Threads; 0 uses every core. The output is the same for any number.
    pub jobs: usize,
    /// Sync every output file to disk before it is renamed into place (the
    /// default). Without, a run is faster on a busy disk and a killed
    /// process still leaves every file complete or absent, but after a
    /// crash of the system (a power cut) files may be empty or truncated,
    /// and `resume` may skip documents whose files were lost.
    pub fsync: bool,
}

impl CorpusConfig {
    /// The defaults of `zhen annotate`: `*.txt` files, detected encodings,
    /// the default pipeline, JSONL, CoNLL-U and CSV, all cores.
    pub fn new(inputs: Vec<PathBuf>, output: PathBuf) -> Self {
        CorpusConfig {
            inputs,
            glob: "*.txt".into(),
            decode: DecodeOptions::default(),
            pipeline: PipelineOptions::default(),
            output,
            formats: vec![Format::Jsonl, Format::Conllu, Format::Csv],
            write: WriteOptions::default(),
            resume: false,
            jobs: 0,
            fsync: true,
        }
    }

    /// The options as the manifest records them: the pipeline's, the
    /// formats and writer options, and decoding.
    pub fn describe(&self) -> serde_json::Value {
        let mut options = self.pipeline.describe();
        let formats: Vec<&str> = self.formats.iter().map(|f| f.name()).collect();
        options["formats"] = serde_json::json!(formats);
        options["scheme"] = serde_json::json!(self.write.conll.scheme.name());
        options["char_level"] = serde_json::json!(self.write.conll.char_level);
        options["excel"] = serde_json::json!(self.write.csv.excel);
        options["raw_cells"] = serde_json::json!(self.write.csv.raw_cells);
        options["lossy"] = serde_json::json!(self.decode.lossy);
        options["encoding"] = serde_json::json!(self.decode.encoding.map(|e| e.name()));
        options
    }
}

/// An input that failed: which, why, and where in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The input (its path, or `-`; `<stdin> line N` in a stream).
    pub input: String,
    /// The message, naming the file and what to do.
    pub message: String,
    /// 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// Byte offset of the problem, when known.
    pub byte_offset: Option<usize>,
}

/// Sums over the documents annotated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Characters.
    pub chars: usize,
    /// Sentences.
    pub sentences: usize,
    /// Tokens.
    pub tokens: usize,
    /// Entities per label.
    pub labels: BTreeMap<String, usize>,
}

impl Totals {
    /// Adds a document's stats.
    pub fn add(&mut self, stats: &Stats) {
        self.chars += stats.chars;
        self.sentences += stats.sentences;
        self.tokens += stats.tokens;
        for (label, n) in &stats.labels {
            *self.labels.entry(label.clone()).or_default() += n;
        }
    }
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Inputs processed (annotated, resumed or failed).
    pub documents: usize,
    /// Of those, unchanged since the previous run and skipped.
    pub resumed: usize,
    /// The inputs that failed, in input order.
    pub failures: Vec<Failure>,
    /// Sums over the documents annotated or resumed.
    pub totals: Totals,
    /// The size of the input files in bytes.
    pub bytes: u64,
}

/// Where a run reports as it goes (a progress bar, a log, a Python
/// callback). Every method has an empty default; `()` ignores everything.
pub trait Progress {
    /// Before the first document: the number of inputs and their bytes.
    fn start(&mut self, _inputs: usize, _bytes: u64) {}
    /// A document is done (in input order), annotated or not (its files
    /// may still be on their way to disk: the journal lists it once they
    /// are in place).
    fn document(&mut self, _record: &DocRecord) {}
    /// An input failed (also reported to [`Progress::document`] for files).
    fn failure(&mut self, _failure: &Failure) {}
    /// Something worth knowing that does not fail the run.
    fn warning(&mut self, _message: &str) {}
    /// After the last document.
    fn finish(&mut self) {}
    /// Asked after each document (and each line of a stream): `true` stops
    /// the run there with [`Error::Cancelled`]. A front end answers it from
    /// its interrupt handling (the Python package: a pending Ctrl-C). The
    /// files of the documents done are complete (each is written
    /// atomically) and listed in the manifest's journal, so a `resume` run
    /// skips them; `manifest.json` and the corpus tables are left as the
    /// previous run wrote them, as when the process is killed.
    fn cancelled(&mut self) -> bool {
        false
    }
}

impl Progress for () {}

/// Annotates a corpus as [`CorpusConfig`] says; see the [module](self) docs.
/// Errors are fatal ones (the output folder cannot be written, a setting's
/// file cannot be loaded, the [`Progress`] cancelled the run); inputs that fail are in [`Summary::failures`]
/// and `errors.csv`, and the rest of the run completes.
pub fn annotate_corpus(config: &CorpusConfig, progress: &mut dyn Progress) -> Result<Summary> {
    let pipeline = config.pipeline.build()?;
    annotate_corpus_with(&pipeline, config, progress)
}

/// [`annotate_corpus`] with a pipeline already built from `config.pipeline`
/// (the manifest records `config.pipeline`).
pub fn annotate_corpus_with(
    pipeline: &Pipeline,
    config: &CorpusConfig,
    progress: &mut dyn Progress,
) -> Result<Summary> {
    let pool = par::pool(config.jobs)?;
    // everything planned (and collisions found) before anything is written
    let (files, warnings) = corpus_files(&config.inputs, &config.glob, &config.output)?;
    let jobs = plan(&config.inputs, files, &config.output, &config.formats)?;
    for w in &warnings {
        progress.warning(w);
    }
    let out = OutputDir::create(&config.output)?.with_fsync(config.fsync);
    // a run that was killed (SIGKILL, a power cut) could not remove its
    // temporary files: those of dead processes go now, in the folders this
    // run writes to
    let dirs: BTreeSet<&Path> = std::iter::once(out.root())
        .chain(
            jobs.iter()
                .filter_map(|j| j.outputs.as_ref().ok())
                .flatten()
                .filter_map(|p| p.parent()),
        )
        .collect();
    let stale = output::remove_stale_temp_files(dirs);
    if !stale.is_empty() {
        progress.warning(&format!(
            "removed {} temporary file(s) left by an earlier run that was killed (e.g. {})",
            stale.len(),
            stale[0].display()
        ));
    }
    let write = WriteOptions {
        html: HtmlLinks::new(&config.formats, true),
        ..config.write
    };
    let (zh, en) = pipeline.model_ids();
    let models: BTreeMap<String, String> = [("zh".to_string(), zh), ("en".to_string(), en)].into();
    let options = config.describe();
    let previous = if config.resume {
        Manifest::previous(out.root(), &models, &options).unwrap_or_else(|warning| {
            progress.warning(&warning);
            BTreeMap::new()
        })
    } else {
        BTreeMap::new()
    };
    let bytes: u64 = jobs
        .iter()
        .map(|j| std::fs::metadata(&j.file.path).map_or(0, |m| m.len()))
        .sum();
    progress.start(jobs.len(), bytes);
    let worker = Worker {
        pipeline,
        config,
        write: &write,
        out: &out,
        previous: &previous,
    };
    let mut sinks = sinks::corpus_sinks(&out, &config.write.csv, &config.formats)?;
    let mut manifest = ManifestWriter::new(&out, models, options)?;
    let mut summary = Summary {
        bytes,
        ..Summary::default()
    };
    // the documents' files, written by the threads that annotated them, are
    // synced in batches and renamed into place by the committer's thread; a
    // document is journaled once they are
    let mut committer = output::Committer::new(out.fsyncs());
    // the documents come here in input order while the threads annotate
    // the next ones
    let consume = |done: Result<Done>| -> Result<()> {
        let done = done?;
        summary.documents += 1;
        if let Some(f) = done.failure {
            progress.failure(&f);
            for sink in sinks.iter_mut() {
                sink.failure(&f);
            }
            summary.failures.push(f);
        }
        if let Some(doc) = &done.doc {
            for sink in sinks.iter_mut() {
                sink.add(doc, &done.record)?;
            }
            summary.totals.add(&done.stats);
        }
        summary.resumed += done.resumed as usize;
        progress.document(&done.record);
        committer.submit(done.record, done.files)?;
        let cancelled = progress.cancelled();
        // with `cancelled`, the files of the documents done are put in
        // place and journaled before the run stops
        for record in committer.ready(cancelled)? {
            manifest.add(record)?;
        }
        if cancelled {
            return Err(Error::Cancelled {
                documents: summary.documents,
            });
        }
        Ok(())
    };
    par::ordered_each(
        pool.as_ref(),
        jobs.iter(),
        |job| worker.process(job),
        consume,
    )?;
    // the last documents' files are synced now, not after their batch's
    // wait, while the corpus tables are written
    committer.sync_now();
    // the corpus tables are written (not synced) while the last documents'
    // files sync, and put in place after them with `manifest.json`, as one
    // batch: one sync, not one per file. After a crash of the system at any
    // point of this, each table and `manifest.json` is whole, new or the
    // previous run's (the batch is on disk before any of it is renamed);
    // `manifest.json` is renamed last and only if every table was (a
    // failure leaves the journal, as a killed run does); the journal stays
    // until `manifest.json` and the folders are synced (`close`)
    let staging = out.staging();
    for sink in sinks {
        sink.finish(&staging)?;
    }
    sinks::write_errors(&staging, &summary.failures, &config.write.csv)?;
    for record in committer.ready(true)? {
        manifest.add(record)?;
    }
    progress.finish();
    let mut tables = staging.take_staged();
    tables.push(manifest.stage(&out)?);
    committer.submit_files(tables)?;
    committer.ready(true)?;
    drop(committer);
    manifest.close()?;
    Ok(summary)
}

/// One document's result, from the worker to the writer.
struct Done {
    record: DocRecord,
    /// Output files and their complete temporary files, not yet synced.
    files: Vec<(PathBuf, TempPath)>,
    /// The document, for the corpus tables (none if it failed), without
    /// its tokens (the tables do not need them; a document annotated a
    /// part at a time is its
    /// [`Part::outline_into`](crate::parts::Part::outline_into)): their
    /// number is in `stats` and the record's counts.
    doc: Option<Document>,
    /// The document's counts, language and script.
    stats: Stats,
    failure: Option<Failure>,
    /// Unchanged since the previous run: read back, not annotated.
    resumed: bool,
}

/// The per-document work, run in parallel: read, decode, annotate, render.
struct Worker<'a> {
    pipeline: &'a Pipeline,
    config: &'a CorpusConfig,
    write: &'a WriteOptions,
    out: &'a OutputDir,
    previous: &'a BTreeMap<String, DocRecord>,
}

impl Worker<'_> {
    /// The document's result; `Err` only when the output folder cannot be
    /// written (fatal, as for every other output file).
    fn process(&self, job: &Job) -> Result<Done> {
        let path = job.file.path.display().to_string();
        let input = read_input(&job.file, self.config.decode);
        let (size, sha256) = match &input {
            Ok((_, bytes)) => (bytes.len() as u64, hex(&Sha256::digest(bytes))),
            Err(_) => (
                std::fs::metadata(&job.file.path).map_or(0, |m| m.len()),
                String::new(),
            ),
        };
        let mut record = DocRecord {
            id: job.name.clone(),
            input: path.clone(),
            size,
            sha256,
            encoding: None,
            script: None,
            lang: None,
            counts: BTreeMap::new(),
            status: Status::Ok,
            error: None,
            outputs: Vec::new(),
        };
        let decoded = match input {
            Ok((d, _)) => d,
            Err(e) => {
                let (line, byte_offset) = inputs::location(&e);
                return Ok(fail(record, e.to_string(), line, byte_offset));
            }
        };
        record.encoding = Some(decoded.encoding.to_string());
        if decoded.replaced > 0 {
            record
                .counts
                .insert("replaced_bytes".into(), decoded.replaced);
        }
        if let Some(done) = self.resume(job, &record) {
            return Ok(done);
        }
        let outputs = match &job.outputs {
            Ok(o) => o,
            Err(msg) => return Ok(fail(record, msg.clone(), None, None)),
        };
        if decoded.text.len() > PART_BYTES {
            return Ok(self.in_parts(job, record, outputs, &decoded.text));
        }
        let mut doc = match self.pipeline.annotate(&job.name, &decoded.text) {
            Ok(a) => a.document,
            Err(e) => return Ok(fail(record, format!("{path}: {e}"), None, None)),
        };
        // the document checked once for every format, not once per writer
        let parts = match export::write_document_formats(&self.config.formats, &doc, self.write) {
            Ok(p) => p,
            Err(e) => return Ok(fail(record, format!("{path}: {e}"), None, None)),
        };
        if let Some(target) = outputs.iter().find(|t| same_file(t, &job.file.path)) {
            let msg = format!(
                "{path}: refusing to overwrite the input with output {}",
                target.display()
            );
            return Ok(fail(record, msg, None, None));
        }
        // written here, beside the annotating, not by the ordered writer
        let mut files = Vec::with_capacity(parts.len());
        for (target, part) in outputs.iter().zip(parts) {
            let rel = target.strip_prefix(self.out.root()).unwrap_or(target);
            record.outputs.push(rel.display().to_string());
            files.push((target.clone(), self.out.stage(target, &part.bytes)?));
        }
        let stats = doc.stats();
        record.set_stats(&stats);
        // the corpus tables need no tokens: they are freed here, by the
        // thread that allocated them, not by the ordered writer (freeing
        // another thread's memory cost it a quarter of its time)
        doc.tokens = Vec::new();
        Ok(Done {
            record,
            files,
            doc: Some(doc),
            stats,
            failure: None,
            resumed: false,
        })
    }

    /// A document over [`PART_BYTES`]: annotated a part at a time
    /// ([`crate::parts`]) and written as it goes to temporary files beside
    /// its outputs, synced and renamed into place by the committer; the corpus tables get
    /// its outline. Memory is bounded by the part, not the document.
    fn in_parts(&self, job: &Job, mut record: DocRecord, outputs: &[PathBuf], text: &str) -> Done {
        let path = job.file.path.display().to_string();
        if let Some(target) = outputs.iter().find(|t| same_file(t, &job.file.path)) {
            let msg = format!(
                "{path}: refusing to overwrite the input with output {}",
                target.display()
            );
            return fail(record, msg, None, None);
        }
        let mut temps = Vec::new();
        let mut spool = None;
        match self.write_parts(job, outputs, text, &mut temps, &mut spool) {
            Ok((outline, stats)) => {
                if let Some(s) = spool {
                    let _ = std::fs::remove_file(s);
                }
                let mut files = Vec::with_capacity(outputs.len());
                for (target, tmp) in outputs.iter().zip(temps) {
                    let rel = target.strip_prefix(self.out.root()).unwrap_or(target);
                    record.outputs.push(rel.display().to_string());
                    files.push((target.clone(), tmp));
                }
                record.set_stats(&stats);
                Done {
                    record,
                    files,
                    doc: Some(outline),
                    stats,
                    failure: None,
                    resumed: false,
                }
            }
            Err(e) => {
                drop(temps); // each TempPath removes its file
                if let Some(s) = spool {
                    let _ = std::fs::remove_file(s);
                }
                fail(record, format!("{path}: {e}"), None, None)
            }
        }
    }

    /// [`Worker::in_parts`]'s writing: every temporary file it creates goes
    /// into `temps` (one per output, in order) or `spool` at once, so that a
    /// failure can remove them.
    fn write_parts(
        &self,
        job: &Job,
        outputs: &[PathBuf],
        text: &str,
        temps: &mut Vec<TempPath>,
        spool: &mut Option<PathBuf>,
    ) -> Result<(Document, Stats)> {
        let mut writer: DocWriter<BufWriter<File>> = DocWriter::new(&job.name, &self.config.write);
        let mut targets = outputs.iter();
        for format in &self.config.formats {
            if *format == Format::Jsonl {
                // JSONL's tokens wait here for the document's paragraphs
                let (tmp, file) = self.out.spool(&outputs[0])?;
                *spool = Some(tmp);
                writer.spool(Box::new(file));
            }
            let mut outs = Vec::new();
            for target in targets.by_ref().take(format.extensions().len()) {
                let (tmp, file) = self.out.temp(target)?;
                temps.push(tmp);
                outs.push(BufWriter::with_capacity(1 << 16, file));
            }
            writer.add(*format, outs)?;
        }
        let mut outline = Document::new(&job.name, "");
        crate::parts::annotate_parts(self.pipeline, &job.name, text, PART_BYTES, |part| {
            writer.part(&part.document, part.continues, part.next)?;
            part.outline_into(&mut outline);
            Ok(())
        })?;
        outline.text = text.to_string();
        let done = writer.finish()?;
        let files = done.outputs.into_iter().flat_map(|(_, outs)| outs);
        for (out, tmp) in files.zip(temps.iter()) {
            // flushed here; the committer syncs the file
            out.into_inner().map_err(|e| crate::Error::Output {
                action: "write",
                path: tmp.path().to_path_buf(),
                cause: e.into_error(),
            })?;
        }
        Ok((outline, done.stats))
    }

    /// The document as the previous run wrote it, if its input is unchanged
    /// and its JSONL output can be read back.
    fn resume(&self, job: &Job, record: &DocRecord) -> Option<Done> {
        let prev = self.previous.get(&job.name)?;
        if prev.sha256 != record.sha256 || prev.status != Status::Ok {
            return None;
        }
        let jsonl = export::document_path(self.out.root(), &job.name, "jsonl").ok()?;
        let mut doc = export::jsonl::read_path(&jsonl).ok()?.pop()?;
        let stats = doc.stats();
        doc.tokens = Vec::new();
        Some(Done {
            record: prev.clone(),
            files: Vec::new(),
            stats,
            doc: Some(doc),
            failure: None,
            resumed: true,
        })
    }
}

/// A failed document: its record marked, its failure reported.
fn fail(
    mut record: DocRecord,
    message: String,
    line: Option<usize>,
    byte_offset: Option<usize>,
) -> Done {
    record.status = Status::Error;
    record.error = Some(message.clone());
    let failure = Failure {
        input: record.input.clone(),
        message,
        line,
        byte_offset,
    };
    Done {
        record,
        files: Vec::new(),
        doc: None,
        stats: Stats::default(),
        failure: Some(failure),
        resumed: false,
    }
}

/// Whether two paths name the same existing file. Resolving both paths
/// costs a system call per folder of each; it is asked three times per
/// document, of outputs that mostly do not exist yet: a `stat` of the output
/// comes first, and only a file with the input's device and inode is
/// compared by path.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(x) = std::fs::metadata(a) else {
            return false;
        };
        match std::fs::metadata(b) {
            Ok(y) if x.dev() == y.dev() && x.ino() == y.ino() => {}
            _ => return false,
        }
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
