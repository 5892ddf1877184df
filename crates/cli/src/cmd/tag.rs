//! `zhen tag`: entities in original char offsets.

use std::io::Write;

use anyhow::Result;
use zhen::CharIndex;

use crate::io::{for_each_input, stdout, InputArgs};

/// Print entities: `start<TAB>end<TAB>label<TAB>text` (original char offsets;
/// with several inputs, a `# doc=…` line before each).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    pipeline: super::PipelineArgs,
}

pub fn run(args: Args) -> Result<i32> {
    let pipeline = args.pipeline.build(true)?;
    let mut out = stdout();
    let status = for_each_input(&args.input, |id, text, many| {
        let doc = pipeline.annotate(id, &text)?.document;
        if many {
            writeln!(out, "# doc={}", id)?;
        }
        let idx = CharIndex::new(&doc.text);
        for e in &doc.entities {
            let (a, b) = idx.char_span(e.span);
            writeln!(
                out,
                "{a}\t{b}\t{}\t{}",
                e.label,
                e.text.replace(['\n', '\t'], " ")
            )?;
        }
        Ok(())
    })?;
    out.flush()?;
    Ok(status)
}
