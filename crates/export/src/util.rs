//! Helpers shared by the formats: document checks, char offsets, escaping,
//! and the text builder of the readers.

use std::path::Path;

use zhen_core::{CharIndex, Document, Script, Span};

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

/// Whether `c` is written without spaces around it: Han, kana, Hangul,
/// bopomofo, CJK punctuation and fullwidth forms, and the general
/// punctuation Chinese text uses (curly quotes, dashes, ellipsis, middle dot).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0xB7
        | 0x2010..=0x2027
        | 0x1100..=0x11FF
        | 0x2E80..=0x2FDF
        | 0x2FF0..=0x303F
        | 0x3040..=0x31FF
        | 0x3200..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// Whitespace or a control char: what cannot appear inside a field of a
/// line-based format.
pub(crate) fn is_break(c: char) -> bool {
    c.is_whitespace() || c.is_control()
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

/// A byte span as char offsets.
pub(crate) fn chars(idx: &CharIndex, span: Span) -> (usize, usize) {
    idx.char_span(span)
}

/// The language covering most chars of the document's paragraphs (ties go
/// to the language met first), or `und` without paragraphs.
pub(crate) fn doc_lang(doc: &Document, idx: &CharIndex) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for p in &doc.paragraphs {
        let (s, e) = chars(idx, p.span);
        match counts.iter_mut().find(|(l, _)| *l == p.lang) {
            Some((_, n)) => *n += e - s,
            None => counts.push((&p.lang, e - s)),
        }
    }
    let mut best: Option<(&str, usize)> = None;
    for (l, n) in counts {
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((l, n));
        }
    }
    best.map_or("und", |(l, _)| l).to_string()
}

/// The script of the whole document: `Mixed` if any paragraph is mixed or
/// both scripts occur, else `Hans` or `Hant` if one occurs, else `None`.
pub(crate) fn doc_script(doc: &Document) -> Script {
    let has = |s: Script| doc.paragraphs.iter().any(|p| p.script == s);
    if has(Script::Mixed) || (has(Script::Hans) && has(Script::Hant)) {
        Script::Mixed
    } else if has(Script::Hans) {
        Script::Hans
    } else if has(Script::Hant) {
        Script::Hant
    } else {
        Script::None
    }
}

/// The writer's io error.
pub(crate) fn io(e: std::io::Error) -> Error {
    Error::Write(e)
}
