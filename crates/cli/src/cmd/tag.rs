//! `zhen tag`: entities in original char offsets.

use anyhow::Result;
use zhen::CharIndex;

/// Print entities: `start<TAB>end<TAB>label<TAB>text` (original char offsets;
/// with several inputs, a `# doc=…` line before each).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    docs: super::DocArgs,
}

pub fn run(args: Args) -> Result<i32> {
    args.docs.print_each(true, |out, doc| {
        let idx = CharIndex::new(&doc.text);
        for e in &doc.entities {
            let (a, b) = idx.char_span(e.span);
            let text = e.text.replace(['\n', '\t'], " ");
            writeln!(out, "{a}\t{b}\t{}\t{text}", e.label)?;
        }
        Ok(())
    })
}
