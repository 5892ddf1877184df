//! `zhen.annotate_corpus` and `zhen.evaluate`: the library's corpus runner
//! and evaluation — the code behind `zhen annotate` and `zhen eval` — called
//! from Python, with the interpreter released while they run.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use zhen::corpus::{self, CorpusConfig, Failure as RunFailure, Progress};
use zhen::export::{self, Format, Scheme};

use crate::errors::{export_failure, failure, guard, Failure, Kind};
use crate::pipeline::Pipeline;

/// One path or a list of them.
#[derive(FromPyObject)]
pub enum Paths {
    /// A single file or folder.
    One(PathBuf),
    /// Several.
    Many(Vec<PathBuf>),
}

impl Paths {
    fn into_vec(self) -> Vec<PathBuf> {
        match self {
            Paths::One(p) => vec![p],
            Paths::Many(v) => v,
        }
    }
}

/// Answers the runner's "stop?" from Python's signal handling: a Ctrl-C
/// (or any handler that raises) stops the run between documents, and the
/// exception is re-raised once the runner has returned.
/// It also keeps the run's warnings (an input given twice, an unreadable
/// manifest) for the summary.
#[derive(Default)]
struct Interrupt {
    raised: Option<PyErr>,
    warnings: Vec<String>,
}

impl Progress for Interrupt {
    fn warning(&mut self, message: &str) {
        self.warnings.push(message.to_string());
    }

    fn cancelled(&mut self) -> bool {
        if self.raised.is_none() {
            // handlers run only in the main thread; elsewhere this is Ok
            if let Err(e) = Python::attach(|py| py.check_signals()) {
                self.raised = Some(e);
            }
        }
        self.raised.is_some()
    }
}

fn failure_dict<'py>(py: Python<'py>, f: &RunFailure) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("input", &f.input)?;
    d.set_item("message", &f.message)?;
    d.set_item("line", f.line)?;
    d.set_item("byte_offset", f.byte_offset)?;
    Ok(d)
}

fn parse_formats(formats: &[String]) -> Result<Vec<Format>, Failure> {
    if formats.is_empty() {
        return Err(Failure::new(
            Kind::Usage,
            "formats: give at least one format (jsonl, conllu, conll, csv, brat)",
        ));
    }
    formats
        .iter()
        .map(|f| f.parse::<Format>().map_err(|e| export_failure(&e)))
        .collect()
}

/// Annotates a corpus exactly as ``zhen annotate INPUTS -o OUTPUT`` does —
/// the same library code, the same files, byte for byte: one file per
/// document and format, ``entities.csv``, ``entity_counts.csv``,
/// ``errors.csv`` and ``manifest.json``, each written atomically.
///
/// Args:
///     inputs: a file or folder, or a list of them (folders are walked;
///         ``glob`` picks their files).
///     output: the output folder (created if missing).
///     formats: the formats to write: ``"jsonl"``, ``"conllu"``,
///         ``"conll"``, ``"csv"``, ``"brat"`` (``--format``).
///     jobs: threads, 0 for all cores (``-j``); the output is the same for
///         any number.
///     resume: skip documents unchanged since the manifest in ``output``
///         (``--resume``).
///     glob: which files to take from folders (``--glob``).
///     pipeline: the :class:`Pipeline` to annotate with (default
///         ``Pipeline()``, the command's defaults); it must tag entities.
///     encoding: force an input encoding, e.g. ``"gbk"`` (``--encoding``).
///     lossy: replace undecodable bytes with U+FFFD (``--lossy``).
///     scheme: the NER tag scheme of CoNLL output (``--scheme``).
///     char_level: CoNLL-2003 with one Chinese character per line.
///     excel: CSV with a UTF-8 BOM (``--excel``).
///     raw_cells: do not neutralise CSV cells starting with = + - @.
///     fsync: sync every output file to disk before renaming it into place
///         (the default); ``False`` is ``--no-fsync``: faster on a busy
///         disk, and a killed run still leaves every file complete or
///         absent, but after a system crash or power cut files may be
///         truncated and ``resume=True`` may skip them.
///
/// Returns:
///     a dict: ``documents`` (inputs processed), ``ok``, ``failed``,
///     ``resumed``, ``failures`` (per failed input: ``input``, ``message``,
///     ``line``, ``byte_offset`` — the rows of ``errors.csv``), ``chars``,
///     ``sentences``, ``tokens``, ``entities`` (per label), ``bytes`` and
///     ``warnings`` (what ``zhen annotate`` prints as warnings: an input
///     given twice is read once). An input that fails does not stop the run.
///
/// Raises:
///     UsageError: an unknown format, scheme or encoding.
///     FileError: the output folder cannot be written, an input folder
///         cannot be read.
///     KeyboardInterrupt: Ctrl-C stops the run after the document being
///         written; the documents done are complete and ``resume=True``
///         skips them next time.
#[pyfunction]
#[pyo3(signature = (
    inputs, output, formats = vec!["jsonl".to_string(), "conllu".to_string(), "csv".to_string()],
    jobs = 0, resume = false, *, glob = "*.txt".to_string(), pipeline = None, encoding = None,
    lossy = false, scheme = "iob2", char_level = false, excel = false, raw_cells = false,
    fsync = true
))]
#[allow(clippy::too_many_arguments, clippy::field_reassign_with_default)]
pub fn annotate_corpus<'py>(
    py: Python<'py>,
    inputs: Paths,
    output: PathBuf,
    formats: Vec<String>,
    jobs: usize,
    resume: bool,
    glob: String,
    pipeline: Option<PyRef<'py, Pipeline>>,
    encoding: Option<&str>,
    lossy: bool,
    scheme: &str,
    char_level: bool,
    excel: bool,
    raw_cells: bool,
    fsync: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let fail = |f: Failure| f.into_pyerr(py);
    let formats = parse_formats(&formats).map_err(fail)?;
    let scheme: Scheme = scheme
        .parse()
        .map_err(|e| export_failure(&e))
        .map_err(fail)?;
    let encoding = match encoding {
        Some(l) => Some(
            zhen::input::DecodeOptions::encoding_for_label(l)
                .map_err(|e| failure(&e.into()))
                .map_err(fail)?,
        ),
        None => None,
    };
    let (pipeline, options) = match &pipeline {
        Some(p) => {
            if !p.tags_entities() {
                return Err(fail(Failure::new(
                    Kind::Usage,
                    "pipeline: annotate_corpus writes entities, as `zhen annotate` does; pass a Pipeline with entities=True",
                )));
            }
            (Some(p.inner().clone()), p.pipeline_options().map_err(fail)?)
        }
        None => (None, zhen::PipelineOptions::default()),
    };
    // field by field: the writers' options grow, and new ones keep their
    // defaults (as the CLI's do)
    let mut write = export::WriteOptions::default();
    write.conll = export::ConllOptions { scheme, char_level };
    write.conllu = export::ConlluOptions { scheme };
    write.csv = export::CsvOptions {
        excel,
        raw_cells,
        crlf: false,
        scheme,
    };
    let config = CorpusConfig {
        inputs: inputs.into_vec(),
        glob,
        decode: zhen::input::DecodeOptions { encoding, lossy },
        pipeline: options,
        output,
        formats,
        write,
        resume,
        jobs,
        fsync,
    };
    let mut interrupt = Interrupt::default();
    let result = py.detach(|| {
        guard(|| {
            let built;
            let pipeline = match &pipeline {
                Some(p) => p.as_ref(),
                None => {
                    built = config.pipeline.build().map_err(|e| failure(&e))?;
                    &built
                }
            };
            Ok(corpus::annotate_corpus_with(
                pipeline,
                &config,
                &mut interrupt,
            ))
        })
    });
    let summary = match result.map_err(fail)? {
        Ok(s) => s,
        Err(e) => {
            return Err(match interrupt.raised.take() {
                Some(raised) => raised,
                None => fail(failure(&e)),
            })
        }
    };
    let d = PyDict::new(py);
    d.set_item("documents", summary.documents)?;
    d.set_item("ok", summary.documents - summary.failures.len())?;
    d.set_item("failed", summary.failures.len())?;
    d.set_item("resumed", summary.resumed)?;
    let failures = PyList::empty(py);
    for f in &summary.failures {
        failures.append(failure_dict(py, f)?)?;
    }
    d.set_item("failures", failures)?;
    d.set_item("chars", summary.totals.chars)?;
    d.set_item("sentences", summary.totals.sentences)?;
    d.set_item("tokens", summary.totals.tokens)?;
    d.set_item("entities", &summary.totals.labels)?;
    d.set_item("bytes", summary.bytes)?;
    d.set_item("warnings", &interrupt.warnings)?;
    Ok(d)
}

/// `zhen eval --json`'s output, as a string (the Python wrapper parses it).
#[pyfunction]
#[pyo3(signature = (gold, pipeline = None, gold_format = None))]
pub fn _evaluate(
    py: Python<'_>,
    gold: Paths,
    pipeline: Option<PyRef<'_, Pipeline>>,
    gold_format: Option<&str>,
) -> PyResult<String> {
    let fail = |f: Failure| f.into_pyerr(py);
    let format = match gold_format {
        Some(f) => Some(f.parse::<Format>().map_err(|e| fail(export_failure(&e)))?),
        None => None,
    };
    let gold = gold.into_vec();
    let pipeline = pipeline.map(|p| p.inner().clone());
    py.detach(|| {
        guard(|| {
            let built;
            let pipeline = match &pipeline {
                Some(p) => p.as_ref(),
                None => {
                    // `zhen eval`'s pipeline: the defaults, with entities
                    built = zhen::PipelineOptions::default()
                        .build()
                        .map_err(|e| failure(&e))?;
                    &built
                }
            };
            zhen::eval::evaluate_files(pipeline, &gold, format)
                .map(|e| e.scores.to_json())
                .map_err(|e| failure(&e))
        })
    })
    .map_err(fail)
}
