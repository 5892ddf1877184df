//! `zhen annotate`: the corpus-preprocessing command. The work is the
//! library's (`zhen::corpus`); this turns flags into its config and prints.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use zhen::corpus::{self, CorpusConfig, DocRecord, Failure, Progress, Summary};
use zhen::export::{self, Format, Scheme};

/// Annotate a corpus: clean → script detection → conversion → sentences →
/// tokens/POS → entities, written per document in each format, plus the
/// corpus-wide `entities.csv`, `entity_counts.csv`, `errors.csv` and
/// `manifest.json` (and with `--format html` the report `index.html`). Every
/// file is written atomically; inputs are never modified.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    docs: super::DocArgs,
    /// Output folder (created if missing). Required unless --jsonl.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    output: Option<PathBuf>,
    /// Formats to write, comma-separated (`html`: a view per document and
    /// the corpus report `index.html`).
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
    #[arg(long, value_enum, ignore_case = true, default_value_t = Scheme::Iob2)]
    scheme: Scheme,
    /// CoNLL-2003 output with one Chinese character per line.
    #[arg(long)]
    char_level: bool,
    /// Do not sync output files to disk before renaming them into place:
    /// faster on a busy disk. A killed run still leaves every file complete
    /// or absent, but after a system crash or power cut files may be empty
    /// or truncated and --resume may skip them: annotate again without
    /// --resume then.
    #[arg(long)]
    no_fsync: bool,
}

pub fn run(args: Args) -> Result<i32> {
    // -j 0 means one thread, as it always did; no -j, every core
    let jobs = args.jobs.map_or(0, |j| j.max(1));
    if args.jsonl {
        let pipeline = args.docs.pipeline.build(true)?;
        let stdin = std::io::stdin().lock();
        let s = corpus::annotate_jsonl(
            &pipeline,
            stdin,
            crate::io::stdout(),
            args.docs.input.decode_options()?,
            jobs,
            &mut Reporter::new(true),
        )?;
        return Ok(super::status(s.failures));
    }
    let Some(output) = args.output.clone() else {
        bail!("annotate needs -o DIR (or --jsonl to stream stdin to stdout)");
    };
    let config = CorpusConfig {
        inputs: args.docs.input.inputs.clone(),
        glob: args.docs.input.glob.clone(),
        decode: args.docs.input.decode_options()?,
        pipeline: args.docs.pipeline.options(),
        output,
        formats: args.format.clone(),
        write: write_options(&args),
        resume: args.resume,
        jobs,
        fsync: !args.no_fsync,
    };
    let started = Instant::now();
    let summary = corpus::annotate_corpus(&config, &mut Reporter::new(args.quiet))?;
    if !args.quiet {
        print_summary(&summary, started.elapsed().as_secs_f64());
    }
    Ok(super::status(summary.failures.len()))
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
        // the corpus runner links the HTML views to the run's files
        html: export::html::HtmlLinks::default(),
    }
}

fn print_summary(s: &Summary, secs: f64) {
    let labels: Vec<String> = s
        .totals
        .labels
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    eprintln!(
        "zhen: {} documents, {} characters, {} sentences, {} tokens, entities: {}; {} errors; {secs:.2} s, {:.2} MB/s",
        s.documents,
        s.totals.chars,
        s.totals.sentences,
        s.totals.tokens,
        if labels.is_empty() { "none".to_string() } else { labels.join(", ") },
        s.failures.len(),
        s.bytes as f64 / 1e6 / secs.max(1e-9)
    );
}

/// Failures and warnings on stderr as they happen; a progress bar on
/// stderr when it is a terminal and not --quiet.
struct Reporter {
    quiet: bool,
    bar: Option<indicatif::ProgressBar>,
}

impl Reporter {
    fn new(quiet: bool) -> Self {
        Reporter { quiet, bar: None }
    }
}

impl Progress for Reporter {
    fn start(&mut self, _inputs: usize, bytes: u64) {
        use std::io::IsTerminal;
        if self.quiet || !std::io::stderr().is_terminal() {
            return;
        }
        let bar = indicatif::ProgressBar::new(bytes);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
            )
            .expect("valid template"),
        );
        self.bar = Some(bar);
    }

    fn document(&mut self, record: &DocRecord) {
        if let Some(b) = &self.bar {
            b.inc(record.size);
        }
    }

    fn failure(&mut self, failure: &Failure) {
        eprintln!("zhen: error: {}", failure.message);
    }

    fn warning(&mut self, message: &str) {
        eprintln!("zhen: warning: {message}");
    }

    fn finish(&mut self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
