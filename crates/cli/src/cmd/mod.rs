//! Subcommands, one module each.

use anyhow::Result;
use clap::{Parser, Subcommand};

mod annotate;
mod clean;
mod convert;
mod convert_format;
mod detect;
mod eval;
mod tag;
mod tokenize;
mod train_ner;

/// zhen: annotated corpora from raw Chinese (simplified and traditional) and
/// English text. Every offset points into the ORIGINAL text.
#[derive(Parser, Debug)]
#[command(name = "zhen", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Annotate a corpus: clean, convert, split, tokenise, tag, export.
    Annotate(annotate::Args),
    /// Convert between Chinese scripts with OpenCC 1.4.2's tables (exactly).
    Convert(convert::Args),
    /// Clean scraped/OCR'd text and print it (with --report: what changed, where).
    Clean(clean::Args),
    /// Print each paragraph's char offsets, script and language.
    Detect(detect::Args),
    /// Print tokens: `start<TAB>end<TAB>token<TAB>pos` in original char offsets.
    Tokenize(tokenize::Args),
    /// Print entities: `start<TAB>end<TAB>label<TAB>text` in original char offsets.
    Tag(tag::Args),
    /// Score the whole pipeline against gold annotations (BIO/CoNLL, CoNLL-U, JSONL, brat).
    Eval(eval::Args),
    /// Train a NER model from BIO files.
    TrainNer(train_ner::Args),
    /// Convert annotation files between formats.
    ConvertFormat(convert_format::Args),
}

/// Runs a subcommand; returns the exit status (0 ok, 1 some inputs failed).
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Annotate(a) => annotate::run(a),
        Command::Convert(a) => convert::run(a),
        Command::Clean(a) => clean::run(a),
        Command::Detect(a) => detect::run(a),
        Command::Tokenize(a) => tokenize::run(a),
        Command::Tag(a) => tag::run(a),
        Command::Eval(a) => eval::run(a),
        Command::TrainNer(a) => train_ner::run(a),
        Command::ConvertFormat(a) => convert_format::run(a),
    }
}

/// Exit status from a failure count.
pub(crate) fn status(failures: usize) -> i32 {
    if failures > 0 {
        1
    } else {
        0
    }
}

/// Inputs and the pipeline: what tokenize, tag and annotate read with.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct DocArgs {
    #[command(flatten)]
    pub input: crate::io::InputArgs,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

impl DocArgs {
    /// Annotates every input (entities if `tag`) and prints each document
    /// with `print` on standard output, after a `# doc=ID` line when there
    /// are several inputs; returns the exit status.
    pub(crate) fn print_each(
        &self,
        tag: bool,
        mut print: impl FnMut(&mut dyn std::io::Write, &zhen::Document) -> Result<()>,
    ) -> Result<i32> {
        self.print_each_with(
            tag,
            |pipeline, id, text| Ok(pipeline.annotate(id, text)?.document),
            |out, _, doc| print(out, doc),
        )
    }

    /// Like [`DocArgs::print_each`], with `make` to process each input
    /// (`pipeline, id, text`) before its `# doc=ID` line is written.
    pub(crate) fn print_each_with<T>(
        &self,
        tag: bool,
        make: impl Fn(&zhen::Pipeline, &str, &str) -> Result<T>,
        mut print: impl FnMut(&mut dyn std::io::Write, &zhen::Pipeline, &T) -> Result<()>,
    ) -> Result<i32> {
        use std::io::Write;
        let pipeline = self.pipeline.build(tag)?;
        let mut out = crate::io::stdout();
        let status = crate::io::for_each_input(&self.input, |id, text, many| {
            let made = make(&pipeline, id, &text)?;
            if many {
                writeln!(out, "# doc={id}")?;
            }
            print(&mut out, &pipeline, &made)
        })?;
        out.flush()?;
        Ok(status)
    }
}

/// Options that shape the pipeline, shared by tokenize, tag, eval and annotate.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct PipelineArgs {
    /// Do not clean the text (OCR spaces, broken lines, boilerplate…) first.
    #[arg(long)]
    no_clean: bool,
    /// Conversion before segmentation and tagging: t2s (traditional and mixed
    /// paragraphs are tagged as simplified, reported in the original), s2t
    /// (the same, with traditional converted forms), none.
    #[arg(long, value_enum, default_value_t = zhen::ConvertMode::T2s)]
    convert: zhen::ConvertMode,
    /// jieba user dictionary: `word [freq] [tag]` per line, UTF-8.
    #[arg(long, value_name = "FILE")]
    user_dict: Option<std::path::PathBuf>,
    /// Known entities to force: CSV `surface,label`.
    #[arg(long, value_name = "FILE.csv")]
    entities: Option<std::path::PathBuf>,
    /// A NER model file (from `zhen train-ner`) instead of the embedded one
    /// for its language.
    #[arg(long, value_name = "MODEL")]
    model: Option<std::path::PathBuf>,
    /// Do not propagate names recognised once to their other mentions in a document.
    #[arg(long)]
    no_doc_consistency: bool,
}

impl PipelineArgs {
    /// The pipeline settings.
    pub(crate) fn options(&self) -> zhen::PipelineOptions {
        zhen::PipelineOptions {
            clean: !self.no_clean,
            convert: self.convert,
            user_dict: self.user_dict.clone(),
            entities: self.entities.clone(),
            model: self.model.clone(),
            doc_consistency: !self.no_doc_consistency,
        }
    }

    /// Builds the pipeline (`tag`: with the NER stage).
    pub(crate) fn build(&self, tag: bool) -> Result<zhen::Pipeline> {
        Ok(self.options().builder()?.entities(tag).build()?)
    }
}
