//! `zhen tag`: entities in original char offsets.

use std::io::Write;

use anyhow::Result;
use zhen::CharIndex;

use crate::io::{stdout, InputArgs};

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
    let mut failures = 0;
    let many = args.input.is_many()?;
    for input in args.input.read_all()? {
        let (d, _) = match input.decoded {
            Ok(x) => x,
            Err(e) => {
                super::report_failure(&mut failures, e);
                continue;
            }
        };
        let doc = pipeline.annotate(&input.id, &d.text)?.document;
        if many {
            writeln!(out, "# doc={}", input.id)?;
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
    }
    out.flush()?;
    Ok(super::status(failures))
}
