//! `zhen detect`: per-paragraph script and language.

use std::io::Write;

use anyhow::Result;
use zhen::{CharIndex, Pipeline};

use crate::io::{for_each_input, stdout, InputArgs};

/// Print each paragraph: `start<TAB>end<TAB>script<TAB>language<TAB>first chars`
/// in original char offsets (after cleaning; `--no-clean` to see the raw paragraphs).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// Do not clean first.
    #[arg(long)]
    no_clean: bool,
}

pub fn run(args: Args) -> Result<i32> {
    let mut b = Pipeline::builder();
    if args.no_clean {
        b = b.no_clean();
    }
    let pipeline = b.entities(false).build()?;
    let mut out = stdout();
    let status = for_each_input(&args.input, |id, text, many| {
        let (at, _, paras) = pipeline.normalize(&text)?;
        if many {
            writeln!(out, "# {}", id)?;
        }
        let idx = CharIndex::new(at.original());
        let ranges: Vec<_> = paras.iter().map(|p| p.range.clone()).collect();
        for proj in at.project(&ranges) {
            let p = &paras[proj.first];
            let (s, e) = idx.char_span(proj.original);
            let head: String = at.original()[proj.original.range()]
                .chars()
                .take(20)
                .collect();
            writeln!(
                out,
                "{s}\t{e}\t{}\t{}\t{}",
                p.script,
                zhen::lang_tag(&p.lang, p.script),
                head.replace(['\n', '\t'], " ")
            )?;
        }
        Ok(())
    })?;
    out.flush()?;
    Ok(status)
}
