//! Helpers shared by the formats: document checks, char offsets, escaping,
//! and the text builder of the readers.

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
/// (spaces are kept).
pub(crate) fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{85}' {
                ' '
            } else {
                c
            }
        })
        .collect()
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
