//! `zhen tokenize`: sentences, words and POS in original char offsets.

use std::io::Write;

use anyhow::Result;
use zhen::CharIndex;

use crate::io::{for_each_input, stdout, InputArgs};

/// Print one token per line: `start<TAB>end<TAB>token<TAB>pos` (original char
/// offsets), a blank line between sentences, `# lang=… script=…` before each
/// paragraph.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    pipeline: super::PipelineArgs,
}

pub fn run(args: Args) -> Result<i32> {
    let pipeline = args.pipeline.build(false)?;
    let mut out = stdout();
    let status = for_each_input(&args.input, |id, text, many| {
        let doc = pipeline.annotate(id, &text)?.document;
        if many {
            writeln!(out, "# doc={}", id)?;
        }
        let idx = CharIndex::new(&doc.text);
        let mut para = usize::MAX;
        for (si, s) in doc.sentences.iter().enumerate() {
            if s.paragraph != para {
                para = s.paragraph;
                let p = &doc.paragraphs[para];
                writeln!(out, "# lang={} script={}", p.lang, p.script)?;
            }
            for t in doc.sentence_tokens(si) {
                let (a, b) = idx.char_span(t.span);
                writeln!(
                    out,
                    "{a}\t{b}\t{}\t{}",
                    t.text.replace(['\n', '\t'], " "),
                    t.pos
                )?;
            }
            writeln!(out)?;
        }
        Ok(())
    })?;
    out.flush()?;
    Ok(status)
}
