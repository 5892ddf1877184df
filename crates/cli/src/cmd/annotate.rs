//! `zhen annotate`: the corpus-preprocessing command.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zhen::export::{self, Format};
use zhen::{Document, Pipeline};

use crate::io::{read_one, write_atomic, InputArgs};

/// Annotate a corpus: clean → script detection → conversion → sentences →
/// tokens/POS → entities, written per document in each format, plus the
/// corpus-wide `entities.csv`, `entity_counts.csv`, `errors.csv` and
/// `manifest.json`. Every file is written atomically; inputs are never modified.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    pipeline: super::PipelineArgs,
    /// Output folder (created if missing). Required unless --jsonl.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    output: Option<PathBuf>,
    /// Formats to write, comma-separated.
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        default_value = "jsonl,conllu,csv",
        value_delimiter = ','
    )]
    format: Vec<Format>,
    /// Skip documents whose input hash, options and models are unchanged in
    /// the manifest of the output folder.
    #[arg(long)]
    resume: bool,
    /// Threads (default: all cores). The output is identical for any value.
    #[arg(short = 'j', long = "jobs")]
    jobs: Option<usize>,
    /// No progress bar and no summary.
    #[arg(short, long)]
    quiet: bool,
    /// Streaming: read JSON lines `{"id":…,"text":…}` from stdin, write one
    /// annotated JSONL line per input line to stdout, in order.
    #[arg(long)]
    jsonl: bool,
    /// CSV for Excel: write a UTF-8 BOM.
    #[arg(long)]
    excel: bool,
    /// Do not neutralise CSV cells starting with = + - @ TAB CR.
    #[arg(long)]
    raw_cells: bool,
    /// NER tag scheme of the CoNLL-2003 output.
    #[arg(long, value_enum, ignore_case = true, default_value_t = export::Scheme::Iob2)]
    scheme: export::Scheme,
    /// CoNLL-2003 output with one Chinese character per line.
    #[arg(long)]
    char_level: bool,
}

/// What the manifest records per document.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct DocRecord {
    id: String,
    input: String,
    size: u64,
    sha256: String,
    encoding: Option<String>,
    script: Option<String>,
    lang: Option<String>,
    counts: BTreeMap<String, usize>,
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    outputs: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug)]
struct Manifest {
    zhen_version: String,
    models: BTreeMap<String, String>,
    options: serde_json::Value,
    documents: Vec<DocRecord>,
}

struct Done {
    record: DocRecord,
    files: Vec<(PathBuf, Vec<u8>)>,
    doc: Option<Document>,
    error: Option<(String, Option<usize>, Option<usize>)>,
    chars: usize,
}

pub fn run(args: Args) -> Result<i32> {
    if let Some(j) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build_global()
            .context("setting up threads")?;
    }
    let pipeline = args.pipeline.build(true)?;
    if args.jsonl {
        return stream_jsonl(&pipeline);
    }
    let Some(out_dir) = args.output.clone() else {
        bail!("annotate needs -o DIR (or --jsonl to stream stdin to stdout)");
    };
    let formats = args.format.clone();
    let opts = write_options(&args);
    let started = Instant::now();
    let files = args.input.files()?;
    let decode = args.input.decode_options()?;
    let (zh_id, en_id) = pipeline.model_ids();
    let models: BTreeMap<String, String> =
        [("zh".to_string(), zh_id), ("en".to_string(), en_id)].into();
    let mut options = args.pipeline.describe();
    options["formats"] = serde_json::json!(formats.iter().map(|f| f.name()).collect::<Vec<_>>());
    options["scheme"] = serde_json::json!(args.scheme.name());
    options["char_level"] = serde_json::json!(args.char_level);
    options["excel"] = serde_json::json!(args.excel);
    options["raw_cells"] = serde_json::json!(args.raw_cells);
    options["lossy"] = serde_json::json!(args.input.lossy);
    options["encoding"] = serde_json::json!(args.input.encoding);
    let previous: BTreeMap<String, DocRecord> = if args.resume {
        read_manifest(&out_dir, &models, &options)
    } else {
        BTreeMap::new()
    };
    // Output names: the path relative to the input folder; several inputs
    // are told apart by their own names.
    let multi = args.input.inputs.len() > 1;
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            if multi && f.path != Path::new("-") {
                let root = args.input.inputs.iter().find(|r| f.path.starts_with(r));
                match root.and_then(|r| r.file_name()) {
                    Some(n) if root.is_some_and(|r| r.is_dir()) => {
                        format!("{}/{}", n.to_string_lossy(), f.relative)
                    }
                    _ => f.relative.clone(),
                }
            } else if f.path == Path::new("-") {
                "stdin".to_string()
            } else {
                f.relative.clone()
            }
        })
        .collect();
    let progress = Progress::new(
        args.quiet,
        files
            .iter()
            .map(|f| std::fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0))
            .sum(),
    );
    let mut counter = export::EntityCounter::new();
    // The corpus-wide entity table can be larger than memory: stream it to a
    // temporary file beside its final name, renamed into place at the end.
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("{}: cannot create the output folder", out_dir.display()))?;
    let entities_tmp = out_dir.join(format!(".entities.csv.{}.tmp", std::process::id()));
    let entities_file = std::fs::File::create(&entities_tmp)
        .with_context(|| format!("{}: cannot create", entities_tmp.display()))?;
    let mut entity_table = export::csv::EntityTable::new(
        std::io::BufWriter::with_capacity(1 << 20, entities_file),
        &opts.csv,
    )?;
    let mut records = Vec::new();
    let mut errors: Vec<(String, String, Option<usize>, Option<usize>)> = Vec::new();
    let mut totals = Totals::default();
    let chunk = rayon::current_num_threads() * 4;
    for (batch_files, batch_names) in files.chunks(chunk).zip(names.chunks(chunk)) {
        let done: Vec<Done> = batch_files
            .par_iter()
            .zip(batch_names.par_iter())
            .map(|(f, name)| {
                process(
                    f, name, &out_dir, &formats, &opts, decode, &pipeline, &previous,
                )
            })
            .collect();
        for d in done {
            progress.inc(d.record.size);
            if let Some((msg, line, off)) = &d.error {
                eprintln!("zhen: error: {msg}");
                errors.push((d.record.input.clone(), msg.clone(), *line, *off));
            }
            for (path, bytes) in &d.files {
                write_atomic(path, bytes)?;
            }
            if let Some(doc) = &d.doc {
                counter.add(doc);
                entity_table.add(doc)?;
                totals.add(doc);
            }
            totals.chars += d.chars;
            records.push(d.record);
        }
    }
    progress.finish();
    // corpus-wide tables
    let entities_file = entity_table
        .finish()?
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("{}: cannot write", entities_tmp.display()))?;
    entities_file.sync_all().ok();
    std::fs::rename(&entities_tmp, out_dir.join("entities.csv")).with_context(|| {
        format!(
            "{}: cannot rename into place",
            out_dir.join("entities.csv").display()
        )
    })?;
    write_atomic(
        &out_dir.join("entity_counts.csv"),
        &counter.write(Vec::new(), &opts.csv)?,
    )?;
    let mut table = export::ErrorTable::new(Vec::new(), &opts.csv)?;
    for (input, msg, line, off) in &errors {
        table.add(&export::ErrorRow {
            input,
            line: *line,
            byte_offset: *off,
            error: msg,
        })?;
    }
    write_atomic(&out_dir.join("errors.csv"), &table.finish()?)?;
    let manifest = Manifest {
        zhen_version: env!("CARGO_PKG_VERSION").to_string(),
        models,
        options,
        documents: records,
    };
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    write_atomic(&out_dir.join("manifest.json"), &json)?;
    if !args.quiet {
        totals.print(
            files.len(),
            errors.len(),
            started.elapsed().as_secs_f64(),
            progress.bytes,
        );
    }
    Ok(super::status(errors.len()))
}

fn write_options(args: &Args) -> export::WriteOptions {
    export::WriteOptions {
        conll: export::ConllOptions {
            scheme: args.scheme,
            char_level: args.char_level,
        },
        conllu: export::ConlluOptions {
            scheme: args.scheme,
        },
        csv: export::CsvOptions {
            excel: args.excel,
            raw_cells: args.raw_cells,
            crlf: false,
            scheme: args.scheme,
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn process(
    f: &zhen::input::InputFile,
    name: &str,
    out_dir: &Path,
    formats: &[Format],
    opts: &export::WriteOptions,
    decode: zhen::input::DecodeOptions,
    pipeline: &Pipeline,
    previous: &BTreeMap<String, DocRecord>,
) -> Done {
    let input = read_one(f, decode);
    let (size, sha) = match &input.decoded {
        Ok((_, bytes)) => (bytes.len() as u64, hex(&Sha256::digest(bytes))),
        Err(_) => (
            std::fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0),
            String::new(),
        ),
    };
    let mut record = DocRecord {
        id: name.to_string(),
        input: f.path.display().to_string(),
        size,
        sha256: sha.clone(),
        encoding: None,
        script: None,
        lang: None,
        counts: BTreeMap::new(),
        status: "ok".into(),
        error: None,
        outputs: Vec::new(),
    };
    let fail = |mut record: DocRecord, msg: String, line, off| {
        record.status = "error".into();
        record.error = Some(msg.clone());
        Done {
            record,
            files: Vec::new(),
            doc: None,
            error: Some((msg, line, off)),
            chars: 0,
        }
    };
    let decoded = match input.decoded {
        Ok((d, _)) => d,
        Err(e) => {
            let (line, off) = match &e {
                zhen::input::InputError::Undecodable { line, offset, .. } => {
                    (Some(*line), Some(*offset))
                }
                zhen::input::InputError::Binary { offset, .. } => (None, Some(*offset)),
                _ => (None, None),
            };
            return fail(record, e.to_string(), line, off);
        }
    };
    record.encoding = Some(decoded.encoding.to_string());
    if decoded.replaced > 0 {
        record
            .counts
            .insert("replaced_bytes".into(), decoded.replaced);
    }
    // resume: unchanged input, options and models → read the document back
    if let Some(prev) = previous.get(name) {
        if prev.sha256 == sha && prev.status == "ok" {
            let jsonl = export::document_path(out_dir, name, "jsonl").ok();
            if let Some(doc) = jsonl
                .and_then(|p| export::jsonl::read_path(&p).ok())
                .and_then(|mut v| v.pop())
            {
                return Done {
                    chars: doc.text.chars().count(),
                    record: prev.clone(),
                    files: Vec::new(),
                    doc: Some(doc),
                    error: None,
                };
            }
        }
    }
    let doc = match pipeline.annotate(name, &decoded.text) {
        Ok(a) => a.document,
        Err(e) => return fail(record, format!("{}: {e}", f.path.display()), None, None),
    };
    let mut files = Vec::new();
    for fmt in formats {
        let parts = match export::write_document(*fmt, &doc, opts) {
            Ok(v) => v,
            Err(e) => return fail(record, format!("{}: {e}", f.path.display()), None, None),
        };
        for part in parts {
            match export::document_path(out_dir, name, part.extension) {
                Ok(p) if same_file(&p, &f.path) => {
                    return fail(
                        record,
                        format!(
                            "{}: refusing to overwrite the input with output {}",
                            f.path.display(),
                            p.display()
                        ),
                        None,
                        None,
                    )
                }
                Ok(p) => {
                    record
                        .outputs
                        .push(p.strip_prefix(out_dir).unwrap_or(&p).display().to_string());
                    files.push((p, part.bytes));
                }
                Err(e) => return fail(record, e.to_string(), None, None),
            }
        }
    }
    let stats = doc.stats();
    let chars = stats.chars;
    record.counts.insert("chars".into(), stats.chars);
    record.counts.insert("paragraphs".into(), stats.paragraphs);
    record.counts.insert("sentences".into(), stats.sentences);
    record.counts.insert("tokens".into(), stats.tokens);
    record.counts.insert("entities".into(), stats.entities);
    for (label, n) in &stats.labels {
        record.counts.insert(format!("entities_{label}"), *n);
    }
    record.script = Some(stats.script.to_string());
    record.lang = Some(stats.lang);
    Done {
        record,
        files,
        doc: Some(doc),
        error: None,
        chars,
    }
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read_manifest(
    dir: &Path,
    models: &BTreeMap<String, String>,
    options: &serde_json::Value,
) -> BTreeMap<String, DocRecord> {
    let Ok(bytes) = std::fs::read(dir.join("manifest.json")) else {
        return BTreeMap::new();
    };
    let Ok(m) = serde_json::from_slice::<Manifest>(&bytes) else {
        eprintln!(
            "zhen: warning: {}: unreadable manifest, annotating everything",
            dir.join("manifest.json").display()
        );
        return BTreeMap::new();
    };
    if &m.models != models || &m.options != options || m.zhen_version != env!("CARGO_PKG_VERSION") {
        return BTreeMap::new();
    }
    m.documents.into_iter().map(|d| (d.id.clone(), d)).collect()
}

/// `--jsonl`: stream JSON lines from stdin to annotated JSON lines on stdout.
fn stream_jsonl(pipeline: &Pipeline) -> Result<i32> {
    #[derive(Deserialize)]
    struct In {
        id: serde_json::Value,
        text: String,
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut out = crate::io::stdout();
    let mut failures = 0;
    let mut lineno = 0usize;
    let batch = rayon::current_num_threads() * 2;
    loop {
        let mut chunk = Vec::with_capacity(batch);
        for line in lines.by_ref().take(batch) {
            lineno += 1;
            chunk.push((lineno, line.context("reading standard input")?));
        }
        if chunk.is_empty() {
            break;
        }
        let results: Vec<Result<Vec<u8>, String>> = chunk
            .par_iter()
            .map(|(n, line)| {
                let input: In = serde_json::from_str(line).map_err(|e| format!("<stdin> line {n}, column {}: invalid JSON input: {e}; expected {{\"id\":…,\"text\":…}}", e.column()))?;
                let id = match &input.id {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let doc = pipeline.annotate(&id, &input.text).map_err(|e| format!("<stdin> line {n}: {e}"))?.document;
                let mut buf = Vec::new();
                export::jsonl::write(&mut buf, &doc).map_err(|e| e.to_string())?;
                Ok(buf)
            })
            .collect();
        for r in results {
            match r {
                Ok(bytes) => out.write_all(&bytes)?,
                Err(msg) => {
                    eprintln!("zhen: error: {msg}");
                    failures += 1;
                    serde_json::to_writer(&mut out, &serde_json::json!({ "error": msg }))?;
                    out.write_all(b"\n")?;
                }
            }
        }
    }
    out.flush()?;
    Ok(super::status(failures))
}

#[derive(Default)]
struct Totals {
    chars: usize,
    sentences: usize,
    tokens: usize,
    labels: BTreeMap<String, usize>,
}

impl Totals {
    fn add(&mut self, doc: &Document) {
        self.sentences += doc.sentences.len();
        self.tokens += doc.tokens.len();
        for e in &doc.entities {
            *self.labels.entry(e.label.to_string()).or_default() += 1;
        }
    }

    fn print(&self, docs: usize, errors: usize, secs: f64, bytes: u64) {
        let labels: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        eprintln!(
            "zhen: {docs} documents, {} characters, {} sentences, {} tokens, entities: {}; {errors} errors; {secs:.2} s, {:.2} MB/s",
            self.chars,
            self.sentences,
            self.tokens,
            if labels.is_empty() { "none".to_string() } else { labels.join(", ") },
            bytes as f64 / 1e6 / secs.max(1e-9)
        );
    }
}

/// A progress bar on stderr, only when it is a terminal.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    bytes: u64,
}

impl Progress {
    fn new(quiet: bool, total: u64) -> Self {
        use std::io::IsTerminal;
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new(total);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
                )
                .expect("valid template"),
            );
            b
        });
        Progress { bar, bytes: total }
    }

    fn inc(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
