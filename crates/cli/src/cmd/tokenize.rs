//! `zhen tokenize`: sentences, words and POS in original char offsets.

use anyhow::Result;
use zhen::CharCursor;

/// Print one token per line: `start<TAB>end<TAB>token<TAB>pos` (original char
/// offsets), a blank line between sentences, `# lang=… script=…` before each
/// paragraph.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    docs: super::DocArgs,
}

pub fn run(args: Args) -> Result<i32> {
    // a sentence's lines are put together here and written at once
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 12);
    args.docs.print_each_with(
        false,
        |pipeline, _, text| Ok(pipeline.segment(text)?),
        |out, pipeline, seg| {
            let text = seg.text.original();
            // tokens come in text order: count chars from one to the next
            let mut at = CharCursor::new(text);
            let mut para = usize::MAX;
            // one sentence's tokens at a time: no `Document` with four
            // strings per token (their allocation and pages were a fifth of
            // a 1.3 MB run)
            let mut tokens = Vec::new();
            for (si, s) in seg.sentences.iter().enumerate() {
                buf.clear();
                if s.paragraph != para {
                    para = s.paragraph;
                    let p = &seg.paragraphs[para];
                    buf.extend_from_slice(
                        format!("# lang={} script={}\n", p.lang, p.script).as_bytes(),
                    );
                }
                tokens.clear();
                pipeline.tokens(seg, si, &mut tokens);
                for t in &tokens {
                    let (a, b) = at.char_span(t.span);
                    buf.extend_from_slice(zhen::core::decimal(&mut [0; 20], a).as_bytes());
                    buf.push(b'\t');
                    buf.extend_from_slice(zhen::core::decimal(&mut [0; 20], b).as_bytes());
                    buf.push(b'\t');
                    // a line break or tab inside a token becomes a space
                    let text = text[t.span.range()].as_bytes();
                    if text.iter().any(|&c| c == b'\n' || c == b'\t') {
                        buf.extend(text.iter().map(|&c| match c {
                            b'\n' | b'\t' => b' ',
                            c => c,
                        }));
                    } else {
                        buf.extend_from_slice(text);
                    }
                    buf.push(b'\t');
                    buf.extend_from_slice(t.pos.as_bytes());
                    buf.push(b'\n');
                }
                buf.push(b'\n');
                out.write_all(&buf)?;
            }
            Ok(())
        },
    )
}
