//! Documents of any size in bounded memory: a text longer than
//! [`PART_BYTES`] is annotated a part at a time and written as it goes.
//!
//! Every stage of [`Pipeline::annotate`] holds its whole input — the
//! aligned text keeps eight bytes per byte, the document four strings per
//! token — so a 20 MB single-line document needed gigabytes. Here the text
//! is cut ([`cut_points`]) at a blank line, else at the end of a line that
//! ends a sentence, else at a line break, else after a sentence end, else
//! after whitespace (else anywhere between two chars), into parts of at
//! most `max` bytes; each part is annotated on its own and handed on with
//! what a [`DocWriter`] needs to write the whole document (offsets count
//! from the start of the whole text, a paragraph cut in two is one). A text
//! of at most `max` bytes is one part, annotated exactly as
//! [`Pipeline::annotate`] does.
//!
//! What a part does not see: cleaning decisions that look across the cut
//! (a line joined to the next one, repeated boilerplate) and document-level
//! consistency of names (a name found in one part is not propagated to
//! mentions in another). With parts of a megabyte — hundreds of thousands
//! of characters — that is the document-level context of a book chapter.
//!
//! ```
//! use zhen::export::{DocWriter, Format, WriteOptions};
//! let pipeline = zhen::Pipeline::builder().build()?;
//! let text = "崔现忠前往罗定市新民村。李四在上海工作。";
//! let mut w = DocWriter::new("d", &WriteOptions::default());
//! w.add(Format::Jsonl, vec![Vec::new()])?;
//! // parts of at most 40 bytes: cut after the first sentence
//! assert_eq!(zhen::parts::cut_points(text, 40), [36]);
//! zhen::parts::annotate_into(&pipeline, "d", text, 40, &mut w)?;
//! let done = w.finish()?;
//! assert_eq!(done.stats.sentences, 2);
//! let line = String::from_utf8(done.outputs[0].1[0].clone()).unwrap();
//! let back = zhen::export::jsonl::read_str(&line, "d.jsonl")?;
//! assert_eq!(back[0].text, text);
//! assert!(back[0].entities.iter().any(|e| e.text == "上海"));
//! # Ok::<(), zhen::Error>(())
//! ```

use std::io::Write;
use std::ops::Range;

use rayon::prelude::*;
use zhen_core::{Document, Entity, Paragraph, Sentence, Span};
use zhen_export::DocWriter;

use crate::{Pipeline, Result};

/// The part size of `zhen annotate`: 1 MiB.
pub const PART_BYTES: usize = 1 << 20;

/// One part of a document: annotated on its own, with where it sits.
#[derive(Clone, Debug)]
pub struct Part {
    /// The part as a document of its own: its text is `text[range]`, its
    /// spans are relative to that.
    pub document: Document,
    /// The bytes of the whole text the part covers.
    pub range: Range<usize>,
    /// Whether the part's first paragraph goes on from the last paragraph
    /// of the parts before (no line break between them).
    pub continues: bool,
    /// The first char after the part, if any.
    pub next: Option<char>,
}

impl Part {
    /// Adds the part to `outline`, the whole document without its tokens:
    /// its paragraphs (a paragraph the cut went through is one), sentences
    /// and entities at offsets into the whole text (the caller sets
    /// `outline.text` to the whole text at the end). What the corpus tables
    /// need of a document too large to keep in full; a merged paragraph
    /// keeps the language and script of its first piece.
    pub fn outline_into(&self, outline: &mut Document) {
        let at = self.range.start;
        let shift = |s: Span| Span::new(s.start + at, s.end + at);
        let merge = self.continues && !outline.paragraphs.is_empty();
        let first = outline.paragraphs.len() - usize::from(merge);
        for (i, p) in self.document.paragraphs.iter().enumerate() {
            match outline.paragraphs.last_mut() {
                Some(last) if merge && i == 0 => last.span.end = shift(p.span).end,
                _ => outline.paragraphs.push(Paragraph {
                    span: shift(p.span),
                    ..p.clone()
                }),
            }
        }
        outline
            .sentences
            .extend(self.document.sentences.iter().map(|s| Sentence {
                span: shift(s.span),
                paragraph: first + s.paragraph,
            }));
        outline
            .entities
            .extend(self.document.entities.iter().map(|e| Entity {
                span: shift(e.span),
                ..e.clone()
            }));
    }
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '；' | '…' | '!' | '?' | ';' | '.' | '｡' | '．'
    )
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '"' | '\'' | '》' | '〉' | '】' | '］'
    )
}

/// Byte offsets where a text is cut into parts of at most `max` bytes
/// (none when it is no longer than that): see the [module docs](self) for
/// the order of preference. Each cut is in the second half of its part, so
/// parts are at least `max / 2` bytes (but the last).
pub fn cut_points(text: &str, max: usize) -> Vec<usize> {
    let max = max.max(8);
    let mut cuts = Vec::new();
    let mut start = 0;
    while text.len() - start > max {
        let mut hi = start + max;
        while !text.is_char_boundary(hi) {
            hi -= 1;
        }
        let mut lo = start + max / 2;
        while !text.is_char_boundary(lo) {
            lo += 1;
        }
        let cut = best_cut(text, lo, hi).unwrap_or(hi);
        let cut = if cut <= start { hi } else { cut };
        cuts.push(cut);
        start = cut;
    }
    cuts
}

/// The best cut in `text[lo..=hi]` (char boundaries), by the preferences
/// of [`cut_points`].
fn best_cut(text: &str, lo: usize, hi: usize) -> Option<usize> {
    let window = &text[lo..hi];
    // after a blank line
    if let Some(i) = window.rfind("\n\n") {
        return Some(lo + i + 2);
    }
    // after a line that ends a sentence
    let ends_sentence = |line_end: usize| {
        text[..line_end]
            .trim_end_matches([' ', '\t', '\r'])
            .trim_end_matches(is_closer)
            .ends_with(is_sentence_end)
    };
    let mut any_line = None;
    for (i, c) in window.char_indices().rev() {
        if is_line_break(c) {
            let at = lo + i;
            if ends_sentence(at) {
                return Some(at + c.len_utf8());
            }
            any_line.get_or_insert(at + c.len_utf8());
        }
    }
    if any_line.is_some() {
        return any_line;
    }
    // after a sentence end (and its closing quotes and spaces)
    let mut space = None;
    let chars: Vec<(usize, char)> = window.char_indices().collect();
    for k in (0..chars.len()).rev() {
        let (i, c) = chars[k];
        if is_sentence_end(c) {
            let mut j = k + 1;
            while j < chars.len() && is_closer(chars[j].1) {
                j += 1;
            }
            // an English full stop counts before whitespace only
            let before_space = chars.get(j).is_some_and(|&(_, c)| c.is_whitespace());
            if c != '.' || before_space {
                while j < chars.len() && matches!(chars[j].1, ' ' | '\t' | '\u{3000}') {
                    j += 1;
                }
                return Some(chars.get(j).map_or(hi, |&(i, _)| lo + i));
            }
        }
        if space.is_none() && c.is_whitespace() {
            space = Some(lo + i + c.len_utf8());
        }
    }
    space
}

/// Annotates `text` a part of at most `max` bytes at a time (see the
/// [module docs](self)), handing each [`Part`] to `each` in order. Parts
/// are annotated in parallel a few at a time (as many as there are
/// threads), so memory stays bounded by parts, not by the document.
pub fn annotate_parts(
    pipeline: &Pipeline,
    id: &str,
    text: &str,
    max: usize,
    mut each: impl FnMut(Part) -> Result<()>,
) -> Result<()> {
    let mut bounds = vec![0];
    bounds.extend(cut_points(text, max));
    bounds.push(text.len());
    let ranges: Vec<Range<usize>> = bounds.windows(2).map(|w| w[0]..w[1]).collect();
    // the end of the last paragraph so far (whole-text bytes), and its last char
    let mut last_paragraph: Option<(usize, char)> = None;
    for batch in ranges.chunks(rayon::current_num_threads().max(1)) {
        let docs: Vec<Result<Document>> = batch
            .par_iter()
            .map(|r| Ok(pipeline.annotate(id, &text[r.clone()])?.document))
            .collect();
        for (r, doc) in batch.iter().zip(docs) {
            let document = doc?;
            let continues = match (last_paragraph, document.paragraphs.first()) {
                (Some((end, last)), Some(p)) => {
                    let start = r.start + p.span.start;
                    let first = text[start..].chars().next().unwrap_or(' ');
                    let mut joint = String::with_capacity(start - end + 8);
                    joint.push(last);
                    joint.push_str(&text[end..start]);
                    joint.push(first);
                    !joint.chars().any(is_line_break)
                }
                _ => false,
            };
            if let Some(p) = document.paragraphs.last() {
                let end = r.start + p.span.end;
                let last = text[..end].chars().next_back().unwrap_or(' ');
                last_paragraph = Some((end, last));
            }
            each(Part {
                document,
                range: r.clone(),
                continues,
                next: text[r.end..].chars().next(),
            })?;
        }
    }
    Ok(())
}

/// [`annotate_parts`] into a [`DocWriter`]: annotates and writes a document
/// of any size in memory bounded by `max`.
pub fn annotate_into<W: Write>(
    pipeline: &Pipeline,
    id: &str,
    text: &str,
    max: usize,
    writer: &mut DocWriter<W>,
) -> Result<()> {
    annotate_parts(pipeline, id, text, max, |p| {
        writer.part(&p.document, p.continues, p.next)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str, max: usize) -> Vec<&str> {
        let mut b = vec![0];
        b.extend(cut_points(text, max));
        b.push(text.len());
        b.windows(2).map(|w| &text[w[0]..w[1]]).collect()
    }

    #[test]
    fn cuts_prefer_blank_lines_then_sentence_ends() {
        assert_eq!(parts("short", 100), ["short"]);
        // a blank line in the second half wins over sentence ends
        let t = "第一句。第二句。\n\n第三句。第四句。";
        assert_eq!(parts(t, 40), ["第一句。第二句。\n\n", "第三句。第四句。"]);
        // a line ending a sentence over a line that does not
        let t = "标题行\n正文第一句。\n正文第二句没有完";
        assert_eq!(parts(t, 45), ["标题行\n正文第一句。\n", "正文第二句没有完"]);
        // one line: after a sentence end with its closing quote and spaces
        let t = "他说：“走吧。” 然后我们就走了很远很远";
        assert_eq!(parts(t, 40), ["他说：“走吧。” ", "然后我们就走了很远很远"]);
        // an English full stop before a space, not inside a number
        let t = "It cost 3.5 million. Then it rose again";
        assert_eq!(
            parts(t, 30),
            ["It cost 3.5 million. ", "Then it rose again"]
        );
        // no sentence end, no space: between two chars
        let t = "一二三四五六七八九十一二三四五六七八九十";
        let p = parts(t, 16);
        assert_eq!(p.concat(), t);
        assert!(p.iter().all(|s| s.len() <= 16 && !s.is_empty()), "{p:?}");
    }

    #[test]
    fn parts_cover_the_text_on_char_boundaries() {
        let t = "王小明在北京工作。😀 Ab.\r\n李四\u{2028}在上海！".repeat(50);
        for max in [8, 9, 10, 17, 64, 100, 1000] {
            let p = parts(&t, max);
            assert_eq!(p.concat(), t, "{max}");
            assert!(p.iter().all(|s| s.len() <= max.max(8)), "{max}");
        }
    }
}
