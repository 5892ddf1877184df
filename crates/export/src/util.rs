//! Helpers shared by the formats: document checks, char offsets, escaping,
//! and the text builder of the readers.

use std::borrow::Cow;
use std::path::Path;

use zhen_core::Document;

use crate::{Error, Result};

/// Checks what every writer relies on: the core offset contract, plus
/// tokens grouped by sentence in order and pointing at existing sentences.
pub(crate) fn check(doc: &Document) -> Result<()> {
    let bad = |message: String| Error::InvalidDocument {
        id: doc.id.clone(),
        message,
    };
    doc.validate().map_err(|e| bad(e.to_string()))?;
    let mut prev = 0;
    for (i, t) in doc.tokens.iter().enumerate() {
        if t.sentence >= doc.sentences.len() {
            return Err(bad(format!(
                "token {i} belongs to sentence {}, but the document has {} sentences",
                t.sentence,
                doc.sentences.len()
            )));
        }
        if t.sentence < prev {
            return Err(bad(format!(
                "token {i} belongs to sentence {} after a token of sentence {prev}; tokens must be in sentence order",
                t.sentence
            )));
        }
        prev = t.sentence;
    }
    Ok(())
}

/// Whitespace or a control char: what cannot appear inside a field of a
/// line-based format.
pub(crate) fn is_break(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// Whether `b` may start the UTF-8 of a [`is_break`] char: the ASCII ones,
/// and the lead bytes of U+0080–U+00BF (C1 controls, U+0085, U+00A0),
/// U+1680, U+2000–U+205F and U+3000. A string with none of these bytes
/// (a token of Chinese characters, a word of letters) has no break.
#[inline]
pub(crate) fn may_start_break(b: u8) -> bool {
    b <= 0x20 || b == 0x7f || b == 0xc2 || (0xe1..=0xe3).contains(&b)
}

/// Appends the decimal digits of `n` (what `write!(s, "{n}")` writes,
/// without the formatting machinery).
pub(crate) fn push_usize(s: &mut String, n: usize) {
    s.push_str(zhen_core::decimal(&mut [0; 20], n));
}

/// `s` with every whitespace or control char replaced by `with`.
pub(crate) fn replace_breaks(s: &str, with: char) -> String {
    s.chars()
        .map(|c| if is_break(c) { with } else { c })
        .collect()
}

/// `s` with line breaks, tabs and other control chars replaced by spaces
/// (spaces are kept); `s` itself when it has none (a sentence of
/// `entities.csv` or a CoNLL-U `# text` nearly always: no copy, char by
/// char, of every entity's sentence).
pub(crate) fn one_line(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    // the UTF-8 of the chars replaced: C0 controls and DEL (one byte), C1
    // controls U+0080–U+009F (C2 80–C2 9F, U+0085 among them), U+2028 and
    // U+2029 (E2 80 A8, E2 80 A9). First a pass without an early exit,
    // which the compiler vectorises, for the bytes they start with (E2 also
    // starts Chinese quotes and dashes, C2 the middle dot of names), then,
    // only if one is there, the exact test.
    let starts = b.iter().fold(false, |acc, &x| {
        acc | (x < 0x20) | (x == 0x7f) | (x == 0xc2) | (x == 0xe2)
    });
    if !starts {
        return Cow::Borrowed(s);
    }
    // (each a pass without an early exit too: byte pairs and triples)
    let (b1, b2) = (b.get(1..).unwrap_or(&[]), b.get(2..).unwrap_or(&[]));
    let c0 = b
        .iter()
        .fold(false, |acc, &x| acc | (x < 0x20) | (x == 0x7f));
    let c1 = b
        .iter()
        .zip(b1)
        .fold(false, |acc, (&x, &y)| acc | ((x == 0xc2) & (y < 0xa0)));
    let seps = b.iter().zip(b1).zip(b2).fold(false, |acc, ((&x, &y), &z)| {
        acc | ((x == 0xe2) & (y == 0x80) & ((z | 1) == 0xa9))
    });
    if !(c0 | c1 | seps) {
        return Cow::Borrowed(s);
    }
    // the runs between the chars replaced copied whole, not char by char
    // (`char::is_control` is exactly C0, DEL and C1, U+0085 among them)
    let mut out = String::with_capacity(s.len());
    let (mut run, mut i) = (0, 0);
    while i < b.len() {
        let x = b[i];
        let n = if x < 0x20 || x == 0x7f {
            1
        } else if x == 0xc2 && b.get(i + 1).is_some_and(|&y| y < 0xa0) {
            2
        } else if x == 0xe2
            && b.get(i + 1) == Some(&0x80)
            && b.get(i + 2).is_some_and(|&z| z | 1 == 0xa9)
        {
            3
        } else {
            0
        };
        if n == 0 {
            i += 1;
        } else {
            // `i` starts a char: ASCII or a lead byte
            out.push_str(&s[run..i]);
            out.push(' ');
            i += n;
            run = i;
        }
    }
    out.push_str(&s[run..]);
    Cow::Owned(out)
}

/// The identifier stem of a source name: its file stem, or the name itself.
pub(crate) fn stem(source: &str) -> String {
    Path::new(source)
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty())
        .unwrap_or("document")
        .to_string()
}

/// Reads a UTF-8 file for a reader.
pub(crate) fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::File {
        action: "read",
        path: path.to_path_buf(),
        source,
    })
}

/// Writes out and empties `buf` once it holds 64 KiB, so a writer's buffer
/// stays small however long the document.
pub(crate) fn flush_if_full<W: std::io::Write + ?Sized>(
    out: &mut W,
    buf: &mut String,
) -> Result<()> {
    if buf.len() >= 1 << 16 {
        out.write_all(buf.as_bytes()).map_err(io)?;
        buf.clear();
    }
    Ok(())
}

/// The writer's io error.
pub(crate) fn io(e: std::io::Error) -> Error {
    Error::Write(e)
}

/// The index of the sentence holding byte `pos` (an empty sentence holds its
/// own start), or `None` outside every sentence.
pub(crate) fn sentence_of(doc: &Document, pos: usize) -> Option<usize> {
    let i = doc
        .sentences
        .partition_point(|s| s.span.start <= pos)
        .checked_sub(1)?;
    let sp = doc.sentences[i].span;
    (pos < sp.end || sp.is_empty() && pos == sp.start).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_replaces_every_control_char_and_borrows_when_there_is_none() {
        let slow = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                        ' '
                    } else {
                        c
                    }
                })
                .collect()
        };
        let samples = [
            "崔现忠前往罗定市新民村。",
            "“引号”—破折号…省略号 €",
            "a\tb\nc\rd\u{7f}e\u{80}f\u{85}g\u{9f}h\u{a0}i\u{2028}j\u{2029}k\u{2027}l\u{202a}",
            "\u{0}",
            "\u{c2}\u{a9}ÿ",
            "",
        ];
        for s in samples {
            assert_eq!(one_line(s), slow(s), "{s:?}");
            let borrowed = matches!(one_line(s), Cow::Borrowed(_));
            assert_eq!(borrowed, slow(s) == s, "{s:?}");
        }
        // every break char starts with a byte `may_start_break` flags
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            if is_break(c) {
                let mut u = [0; 4];
                let lead = c.encode_utf8(&mut u).as_bytes()[0];
                assert!(may_start_break(lead), "{c:?}");
            }
        }
        // every char of the first 0x3000 and the line separators alone
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let s = format!("前{c}后");
            assert_eq!(one_line(&s), slow(&s), "{c:?}");
        }
    }
}
