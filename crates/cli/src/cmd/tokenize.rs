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
    args.docs.print_each(false, |out, doc| {
        // tokens come in text order: count chars from one to the next
        let mut at = CharCursor::new(&doc.text);
        let mut para = usize::MAX;
        // tokens are in sentence order: walk them along with the sentences
        // (`sentence_tokens` binary-searches all of them, two cache misses
        // a step on a large document: 3% of a 1.3 MB run)
        let mut next = 0;
        for (si, s) in doc.sentences.iter().enumerate() {
            buf.clear();
            if s.paragraph != para {
                para = s.paragraph;
                let p = &doc.paragraphs[para];
                buf.extend_from_slice(
                    format!("# lang={} script={}\n", p.lang, p.script).as_bytes(),
                );
            }
            let tokens = &doc.tokens;
            while next < tokens.len() && tokens[next].sentence < si {
                next += 1;
            }
            let first = next;
            while next < tokens.len() && tokens[next].sentence == si {
                next += 1;
            }
            for t in &tokens[first..next] {
                let (a, b) = at.char_span(t.span);
                buf.extend_from_slice(zhen::core::decimal(&mut [0; 20], a).as_bytes());
                buf.push(b'\t');
                buf.extend_from_slice(zhen::core::decimal(&mut [0; 20], b).as_bytes());
                buf.push(b'\t');
                // a line break or tab inside a token becomes a space
                let text = t.text.as_bytes();
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
    })
}
