//! Corpus-level tables and reports, fed document by document in input
//! order: `entities.csv`, `entity_counts.csv`, with the HTML format the
//! report `index.html` (and `errors.csv`, from the failures). A new report is
//! a [`CorpusSink`] and one line in [`corpus_sinks`].

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use zhen_core::Document;
use zhen_export::csv::EntityTable;
use zhen_export::html::{self, Link};
use zhen_export::{CsvOptions, EntityCounter, ErrorRow, ErrorTable, Format, Report};

use super::{DocRecord, Failure, OutputDir, TempPath, MANIFEST};
use crate::Result;

/// A corpus-level table or report: given every document that was annotated
/// (or resumed) with its manifest record, in input order, then written.
pub trait CorpusSink {
    /// Takes one document, without its tokens (their number is in the
    /// record's counts).
    fn add(&mut self, doc: &Document, record: &DocRecord) -> Result<()>;
    /// Takes an input that failed (in input order among the documents).
    fn failure(&mut self, _failure: &Failure) {}
    /// Writes the result into the output folder.
    fn finish(self: Box<Self>, out: &OutputDir) -> Result<()>;
}

/// The sinks of a corpus run.
pub(crate) fn corpus_sinks(
    out: &OutputDir,
    csv: &CsvOptions,
    formats: &[Format],
) -> Result<Vec<Box<dyn CorpusSink>>> {
    let mut sinks: Vec<Box<dyn CorpusSink>> = vec![
        Box::new(EntitiesCsv::new(out, csv)?),
        Box::new(EntityCountsCsv {
            counter: EntityCounter::new(),
            csv: *csv,
        }),
    ];
    if formats.contains(&Format::Html) {
        sinks.push(Box::new(HtmlReport::new()));
    }
    Ok(sinks)
}

/// The names of the corpus-wide files at the top of the output folder, which
/// no document's file may take: with `formats`, the report `index.html` too.
pub(crate) fn corpus_files(formats: &[Format]) -> Vec<&'static str> {
    let mut names = vec!["entities.csv", "entity_counts.csv", "errors.csv", MANIFEST];
    if formats.contains(&Format::Html) {
        names.push(REPORT);
    }
    names
}

/// The corpus report's file name.
const REPORT: &str = "index.html";

/// `index.html`: the corpus report over the documents' HTML views.
struct HtmlReport {
    report: Report,
}

impl HtmlReport {
    fn new() -> Self {
        let mut report = Report::new();
        for name in corpus_files(&[]) {
            report.add_file(Link::new(name, name));
        }
        HtmlReport { report }
    }
}

impl CorpusSink for HtmlReport {
    fn add(&mut self, doc: &Document, record: &DocRecord) -> Result<()> {
        // the runner names every document's files after its id
        let view = html::relative_path(&doc.id, "html")?;
        let tokens = record.counts.get("tokens").copied().unwrap_or(0);
        self.report.add_counted(doc, tokens, &view);
        Ok(())
    }

    fn failure(&mut self, failure: &Failure) {
        self.report.add_failure(&failure.input, &failure.message);
    }

    fn finish(self: Box<Self>, out: &OutputDir) -> Result<()> {
        let bytes = self.report.write(Vec::new())?;
        out.write(&out.root().join(REPORT), &bytes)
    }
}

/// `entities.csv`, streamed to a temporary file beside it (a corpus-wide
/// table can be larger than memory) and renamed into place at the end.
struct EntitiesCsv {
    table: EntityTable<BufWriter<File>>,
    tmp: TempPath,
    path: PathBuf,
}

impl EntitiesCsv {
    fn new(out: &OutputDir, csv: &CsvOptions) -> Result<Self> {
        let path = out.root().join("entities.csv");
        let (tmp, file) = out.temp(&path)?;
        let table = EntityTable::new(BufWriter::with_capacity(1 << 20, file), csv)?;
        Ok(EntitiesCsv { table, tmp, path })
    }
}

impl CorpusSink for EntitiesCsv {
    fn add(&mut self, doc: &Document, _: &DocRecord) -> Result<()> {
        Ok(self.table.add(doc)?)
    }

    fn finish(self: Box<Self>, out: &OutputDir) -> Result<()> {
        let file = self
            .table
            .finish()?
            .into_inner()
            .map_err(|e| crate::Error::Output {
                action: "write",
                path: self.tmp.path().to_path_buf(),
                cause: e.into_error(),
            })?;
        out.commit(self.tmp, file, &self.path)
    }
}

/// `entity_counts.csv`.
struct EntityCountsCsv {
    counter: EntityCounter,
    csv: CsvOptions,
}

impl CorpusSink for EntityCountsCsv {
    fn add(&mut self, doc: &Document, _: &DocRecord) -> Result<()> {
        self.counter.add(doc);
        Ok(())
    }

    fn finish(self: Box<Self>, out: &OutputDir) -> Result<()> {
        let bytes = self.counter.write(Vec::new(), &self.csv)?;
        out.write(&out.root().join("entity_counts.csv"), &bytes)
    }
}

/// `errors.csv`: one row per failed input.
pub(crate) fn write_errors(out: &OutputDir, failures: &[Failure], csv: &CsvOptions) -> Result<()> {
    let mut table = ErrorTable::new(Vec::new(), csv)?;
    for f in failures {
        table.add(&ErrorRow {
            input: &f.input,
            line: f.line,
            byte_offset: f.byte_offset,
            error: &f.message,
        })?;
    }
    out.write(&out.root().join("errors.csv"), &table.finish()?)
}
