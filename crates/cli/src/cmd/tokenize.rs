//! `zhen tokenize`: sentences, words and POS in original char offsets.

use anyhow::Result;
use zhen::CharIndex;

/// Print one token per line: `start<TAB>end<TAB>token<TAB>pos` (original char
/// offsets), a blank line between sentences, `# lang=… script=…` before each
/// paragraph.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    docs: super::DocArgs,
}

pub fn run(args: Args) -> Result<i32> {
    args.docs.print_each(false, |out, doc| {
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
                // (a copy only for the rare token with a line break or tab)
                let text: std::borrow::Cow<str> = if t.text.contains(['\n', '\t']) {
                    t.text.replace(['\n', '\t'], " ").into()
                } else {
                    t.text.as_str().into()
                };
                writeln!(out, "{a}\t{b}\t{text}\t{}", t.pos)?;
            }
            writeln!(out)?;
        }
        Ok(())
    })
}
