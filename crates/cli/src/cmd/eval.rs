//! `zhen eval`: the whole pipeline scored against gold annotations.

use std::path::PathBuf;

use anyhow::Result;
use zhen::eval::{evaluate_files, write_predictions};
use zhen::export;

/// Score the whole pipeline on gold files: each gold sentence's text
/// (Chinese: the characters joined; English: the tokens joined by spaces) is
/// annotated and its entities compared by exact span and label (conlleval
/// semantics). Prints per-label and micro precision/recall/F1.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Gold file(s): BIO/CoNLL columns (.bio, .conll, .txt, any layout),
    /// CoNLL-U (.conllu), JSONL (.jsonl; doccano with --gold-format doccano), brat (.ann).
    #[arg(long, required = true, num_args = 1..)]
    gold: Vec<PathBuf>,
    /// Format of the gold files (default: from the extension).
    #[arg(long, value_name = "FORMAT", value_enum, ignore_case = true)]
    gold_format: Option<export::Format>,
    /// Print JSON: {"micro":{"precision":…,"recall":…,"f1":…},"per_label":{…},"sentences":N}.
    #[arg(long)]
    json: bool,
    /// Also write the predictions over the gold tokens as CoNLL columns
    /// (`TOKEN<TAB>TAG`, IOB2) to this file, for seqeval or conlleval.
    #[arg(long, value_name = "FILE")]
    write_pred: Option<PathBuf>,
    #[command(flatten)]
    pipeline: super::PipelineArgs,
}

pub fn run(args: Args) -> Result<i32> {
    let pipeline = args.pipeline.build(true)?;
    let e = evaluate_files(&pipeline, &args.gold, args.gold_format)?;
    if let Some(path) = &args.write_pred {
        let mut buf = Vec::new();
        write_predictions(&mut buf, &e.gold, &e.predicted)?;
        crate::io::write_atomic(path, &buf)?;
    }
    if args.json {
        println!("{}", e.scores.to_json());
    } else {
        print!("{}", e.scores);
    }
    Ok(0)
}
