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
    /// Builds the pipeline.
    pub(crate) fn build(&self, tag: bool) -> Result<zhen::Pipeline> {
        use anyhow::Context;
        let mut b = zhen::Pipeline::builder()
            .convert(self.convert)
            .entities(tag)
            .document_consistency(!self.no_doc_consistency);
        if self.no_clean {
            b = b.no_clean();
        }
        if let Some(p) = &self.user_dict {
            b = b
                .user_dict_path(p)
                .with_context(|| format!("--user-dict {}", p.display()))?;
        }
        if let Some(p) = &self.entities {
            b = b
                .entities_path(p)
                .with_context(|| format!("--entities {}", p.display()))?;
        }
        if let Some(p) = &self.model {
            b = b
                .model_path(p)
                .with_context(|| format!("--model {}", p.display()))?;
        }
        Ok(b.build()?)
    }

    /// The options as recorded in manifests.
    pub(crate) fn describe(&self) -> serde_json::Value {
        serde_json::json!({
            "clean": !self.no_clean,
            "convert": self.convert.name(),
            "user_dict": self.user_dict.as_ref().map(|p| p.display().to_string()),
            "entities": self.entities.as_ref().map(|p| p.display().to_string()),
            "model": self.model.as_ref().map(|p| p.display().to_string()),
            "doc_consistency": !self.no_doc_consistency,
        })
    }
}
