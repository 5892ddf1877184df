//! JSON Lines: our full document format, and doccano's span-labelling format.
//!
//! # Ours
//!
//! One document per line, fields in this order (every offset a char offset
//! into `text`, the original text):
//!
//! ```json
//! {"id":"d1","text":"王小明在北京。","lang":"zh-Hans","script":"Hans",
//!  "paragraphs":[{"start":0,"end":7,"lang":"zh-Hans","script":"Hans"}],
//!  "sentences":[{"start":0,"end":7}],
//!  "tokens":[{"start":0,"end":3,"text":"王小明","norm":"王小明","pos":"nr","upos":"PROPN"}, …],
//!  "entities":[{"start":0,"end":3,"label":"PER","text":"王小明","norm":"王小明"}, …]}
//! ```
//!
//! (on one line). The document's `lang` and `script` are
//! [`Document::stats`]'s, as in the manifest: the language and the script
//! covering most characters among the paragraphs that have one (`und`,
//! `None` when none has).
//!
//! When reading, only `text` is required: `id` defaults to `<file
//! stem>-<line>`, the lists to empty, a token's `text` to the text it
//! covers, `norm` to its `text`, `pos`/`upos` to empty; an entity's `text`
//! (checked against the text when given) and `norm` likewise. `lang` and
//! `script` of the document are ignored (they are derived). A token belongs
//! to the last sentence starting at or before it, a sentence to the last
//! paragraph starting at or before it. Unknown fields are ignored.
//!
//! # doccano
//!
//! [`write_doccano`] writes `{"id":…,"text":…,"label":[[start,end,"PER"],…]}`,
//! the JSONL that doccano's sequence-labelling import takes (char offsets).
//! [`read_doccano_str`] reads that, and also doccano's export with
//! `"entities":[{"start_offset":…,"end_offset":…,"label":…}]`; a numeric
//! `id` is kept as its decimal string. Note: doccano's browser front end
//! counts UTF-16 units, so spans after an emoji (or another char outside the
//! BMP) may be shifted in doccano itself; code points are what its import
//! and export use.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use zhen_core::{
    CharIndex, Document, Entity, Label, Paragraph, Script, Sentence, Span, Stats, Token,
};

use crate::stream::{Before, DocWriter, ParaRec, Spool};
use crate::util::{self, io};
use crate::{Error, Result};

#[derive(Serialize)]
struct WPara<'a> {
    start: usize,
    end: usize,
    lang: &'a str,
    script: Script,
}

#[derive(Serialize)]
struct WSpan {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct WTok<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    norm: &'a str,
    pos: &'a str,
    upos: &'a str,
}

#[derive(Serialize)]
struct WEnt<'a> {
    start: usize,
    end: usize,
    label: &'a str,
    text: &'a str,
    norm: &'a str,
}

/// Writes one value as compact JSON.
fn json<W: Write + ?Sized, T: Serialize + ?Sized>(out: &mut W, value: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(|e| Error::Write(e.into()))
}

/// Writes a string's JSON escape without the quotes: the escapes of two
/// pieces joined are the escape of the two joined.
fn escaped<W: Write + ?Sized>(out: &mut W, s: &str) -> Result<()> {
    let mut buf = Vec::with_capacity(s.len() + s.len() / 16 + 8);
    push_escaped(&mut buf, s);
    out.write_all(&buf).map_err(io)
}

/// Appends a string's JSON escape without the quotes, as serde_json writes
/// it: `"` and `\\` backslashed, the control chars below U+0020 as `\b`,
/// `\t`, `\n`, `\f`, `\r` or `\u00XX` (lower-case hex), everything else as
/// it is. Runs that need no escape are copied whole.
#[inline]
fn push_escaped(buf: &mut Vec<u8>, s: &str) {
    // most strings (a token's text, norm and tags) need no escape: one
    // table look-up a byte, one copy
    if s.bytes().all(|b| PLAIN[b as usize]) {
        buf.extend_from_slice(s.as_bytes());
    } else {
        push_escapes(buf, s);
    }
}

/// Whether a byte stands for itself in a JSON string ([`push_escaped`]).
static PLAIN: [bool; 256] = {
    let mut t = [true; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = false;
        b += 1;
    }
    t[b'"' as usize] = false;
    t[b'\\' as usize] = false;
    t
};

/// [`push_escaped`] of a string with a byte to escape.
fn push_escapes(buf: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if PLAIN[b as usize] {
            continue;
        }
        buf.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            0x08 => buf.extend_from_slice(b"\\b"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            0x0c => buf.extend_from_slice(b"\\f"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            _ => buf.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 15) as usize],
            ]),
        }
    }
    buf.extend_from_slice(&bytes[start..]);
}

/// Appends a string as a JSON string, quotes included.
fn push_json_str(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    push_escaped(buf, s);
    buf.push(b'"');
}

/// Appends the JSON objects of `tokens`, comma-separated, after the
/// `count` written before them (`count` goes up).
fn push_tokens(
    buf: &mut Vec<u8>,
    count: &mut usize,
    tokens: &[Token],
    c: impl Fn(Span) -> (usize, usize),
) {
    buf.reserve(tokens.len() * 96);
    for t in tokens {
        if *count > 0 {
            buf.push(b',');
        }
        *count += 1;
        let (start, end) = c(t.span);
        push_token(
            buf,
            &WTok {
                start,
                end,
                text: &t.text,
                norm: &t.norm,
                pos: &t.pos,
                upos: &t.upos,
            },
        );
    }
}

/// Appends a token's JSON object (what serde_json writes for [`WTok`]),
/// without serde's per-field machinery: tokens are most of a JSONL file.
fn push_token(buf: &mut Vec<u8>, t: &WTok<'_>) {
    buf.extend_from_slice(b"{\"start\":");
    buf.extend_from_slice(zhen_core::decimal(&mut [0; 20], t.start).as_bytes());
    buf.extend_from_slice(b",\"end\":");
    buf.extend_from_slice(zhen_core::decimal(&mut [0; 20], t.end).as_bytes());
    buf.extend_from_slice(b",\"text\":");
    push_json_str(buf, t.text);
    buf.extend_from_slice(b",\"norm\":");
    push_json_str(buf, t.norm);
    buf.extend_from_slice(b",\"pos\":");
    push_json_str(buf, t.pos);
    buf.extend_from_slice(b",\"upos\":");
    push_json_str(buf, t.upos);
    buf.push(b'}');
}

/// Writes one document as one JSON line.
pub fn write<W: Write + ?Sized>(out: &mut W, doc: &Document) -> Result<()> {
    write_via_parts(out, doc, crate::Format::Jsonl)
}

/// One document through a [`DocWriter`] as its only part: the one-document
/// writers and the part writers are one code.
fn write_via_parts<W: Write + ?Sized>(
    out: &mut W,
    doc: &Document,
    format: crate::Format,
) -> Result<()> {
    // nothing written for a document a writer refuses
    util::check(doc)?;
    write_checked_via_parts(out, doc, format)
}

/// [`write`] of a document [`util::check`] has passed.
pub(crate) fn write_checked<W: Write + ?Sized>(out: &mut W, doc: &Document) -> Result<()> {
    write_checked_via_parts(out, doc, crate::Format::Jsonl)
}

fn write_checked_via_parts<W: Write + ?Sized>(
    out: &mut W,
    doc: &Document,
    format: crate::Format,
) -> Result<()> {
    let mut w = DocWriter::new(&doc.id, &Default::default());
    w.add(format, vec![&mut *out])?;
    w.part(doc, false, None)?;
    w.finish()?;
    Ok(())
}

/// Our JSONL of one document written a part at a time (see [`DocWriter`]):
/// the id and the text go out at once; paragraphs and sentences (spans),
/// the tokens (in the spool) and the entities wait for the document's
/// language and script at the end.
pub(crate) struct JsonlParts<W: Write> {
    out: W,
    /// Where the tokens wait; `None`: in `held` (a small document).
    spool: Option<Box<dyn Spool>>,
    held: Vec<u8>,
    tokens: usize,
    entities: Vec<u8>,
}

impl<W: Write> JsonlParts<W> {
    /// The tokens wait in `spool`, or in memory without one.
    pub(crate) fn new(mut out: W, id: &str, mut spool: Option<Box<dyn Spool>>) -> Result<Self> {
        if let Some(spool) = &mut spool {
            spool.rewind().map_err(io)?;
        }
        out.write_all(b"{\"id\":").map_err(io)?;
        json(&mut out, id)?;
        out.write_all(b",\"text\":\"").map_err(io)?;
        Ok(JsonlParts {
            out,
            spool,
            held: Vec::new(),
            tokens: 0,
            entities: Vec::new(),
        })
    }

    pub(crate) fn part(&mut self, doc: &Document, idx: &CharIndex, before: &Before) -> Result<()> {
        escaped(&mut self.out, &doc.text)?;
        let c = |s: Span| {
            let (a, b) = idx.char_span(s);
            (before.chars + a, before.chars + b)
        };
        match &mut self.spool {
            None => push_tokens(&mut self.held, &mut self.tokens, &doc.tokens, c),
            Some(spool) => {
                // about 64 KiB at a time
                let mut buf = Vec::new();
                for chunk in doc.tokens.chunks(512) {
                    buf.clear();
                    push_tokens(&mut buf, &mut self.tokens, chunk, c);
                    spool.write_all(&buf).map_err(io)?;
                }
            }
        }
        self.entities(doc, c)
    }

    /// Keeps the part's entities for the end.
    fn entities(&mut self, doc: &Document, c: impl Fn(Span) -> (usize, usize)) -> Result<()> {
        for e in &doc.entities {
            if !self.entities.is_empty() {
                self.entities.push(b',');
            }
            let (start, end) = c(e.span);
            json(
                &mut self.entities,
                &WEnt {
                    start,
                    end,
                    label: e.label.as_str(),
                    text: &e.text,
                    norm: &e.norm,
                },
            )?;
        }
        Ok(())
    }

    pub(crate) fn finish(
        mut self,
        stats: &Stats,
        paragraphs: &[ParaRec],
        sentences: &[(usize, usize)],
    ) -> Result<W> {
        let out = &mut self.out;
        out.write_all(b"\",\"lang\":").map_err(io)?;
        json(out, &stats.lang)?;
        out.write_all(b",\"script\":").map_err(io)?;
        json(out, &stats.script)?;
        out.write_all(b",\"paragraphs\":[").map_err(io)?;
        for (i, p) in paragraphs.iter().enumerate() {
            if i > 0 {
                out.write_all(b",").map_err(io)?;
            }
            json(
                out,
                &WPara {
                    start: p.start,
                    end: p.end,
                    lang: &p.lang,
                    script: p.script,
                },
            )?;
        }
        out.write_all(b"],\"sentences\":[").map_err(io)?;
        for (i, &(start, end)) in sentences.iter().enumerate() {
            if i > 0 {
                out.write_all(b",").map_err(io)?;
            }
            json(out, &WSpan { start, end })?;
        }
        out.write_all(b"],\"tokens\":[").map_err(io)?;
        match &mut self.spool {
            Some(spool) => {
                spool.rewind().map_err(io)?;
                std::io::copy(spool, out).map_err(io)?;
            }
            None => out.write_all(&self.held).map_err(io)?,
        }
        out.write_all(b"],\"entities\":[").map_err(io)?;
        out.write_all(&self.entities).map_err(io)?;
        out.write_all(b"]}\n").map_err(io)?;
        Ok(self.out)
    }
}

/// doccano JSONL of one document written a part at a time: the text goes
/// out at once, the labels (small) at the end.
pub(crate) struct DoccanoParts<W: Write> {
    out: W,
    labels: Vec<u8>,
}

impl<W: Write> DoccanoParts<W> {
    pub(crate) fn new(mut out: W, id: &str) -> Result<Self> {
        out.write_all(b"{\"id\":").map_err(io)?;
        json(&mut out, id)?;
        out.write_all(b",\"text\":\"").map_err(io)?;
        Ok(DoccanoParts {
            out,
            labels: Vec::new(),
        })
    }

    pub(crate) fn part(&mut self, doc: &Document, idx: &CharIndex, before: &Before) -> Result<()> {
        escaped(&mut self.out, &doc.text)?;
        for e in &doc.entities {
            if !self.labels.is_empty() {
                self.labels.push(b',');
            }
            let (s, t) = idx.char_span(e.span);
            json(
                &mut self.labels,
                &(before.chars + s, before.chars + t, e.label.as_str()),
            )?;
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<W> {
        self.out.write_all(b"\",\"label\":[").map_err(io)?;
        self.out.write_all(&self.labels).map_err(io)?;
        self.out.write_all(b"]}\n").map_err(io)?;
        Ok(self.out)
    }
}

/// Writes one document as one line of doccano JSONL.
pub fn write_doccano<W: Write + ?Sized>(out: &mut W, doc: &Document) -> Result<()> {
    write_via_parts(out, doc, crate::Format::Doccano)
}

#[derive(Deserialize)]
struct RDoc {
    id: Option<serde_json::Value>,
    text: String,
    #[serde(default)]
    paragraphs: Vec<RPara>,
    #[serde(default)]
    sentences: Vec<RSpan>,
    #[serde(default)]
    tokens: Vec<RTok>,
    #[serde(default)]
    entities: Vec<REnt>,
}

#[derive(Deserialize)]
struct RPara {
    start: usize,
    end: usize,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    script: Option<Script>,
}

#[derive(Deserialize)]
struct RSpan {
    start: usize,
    end: usize,
}

#[derive(Deserialize)]
struct RTok {
    start: usize,
    end: usize,
    text: Option<String>,
    norm: Option<String>,
    #[serde(default)]
    pos: String,
    #[serde(default)]
    upos: String,
}

#[derive(Deserialize)]
struct REnt {
    start: usize,
    end: usize,
    label: Label,
    text: Option<String>,
    norm: Option<String>,
}

/// serde_json's message without its " at line … column …" suffix.
fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Converts char spans of one JSON line to byte spans, naming what failed.
struct Spans<'a> {
    idx: CharIndex,
    text: &'a str,
    source: &'a str,
    line: usize,
}

impl Spans<'_> {
    fn span(&self, what: &dyn Fn() -> String, start: usize, end: usize) -> Result<Span> {
        self.idx.byte_span(start, end).ok_or_else(|| {
            Error::parse(
                self.source,
                self.line,
                1,
                format!(
                    "{} has start {start} and end {end}, but the text has {} chars (offsets are code points, start ≤ end)",
                    what(),
                    self.idx.char_len()
                ),
            )
        })
    }

    fn surface(
        &self,
        what: &dyn Fn() -> String,
        span: Span,
        given: Option<String>,
    ) -> Result<String> {
        let actual = &self.text[span.range()];
        match given {
            Some(g) if g != actual => {
                let (s, e) = self.idx.char_span(span);
                Err(Error::parse(
                    self.source,
                    self.line,
                    1,
                    format!(
                        "{} says {g:?} but the text at {s}..{e} is {actual:?}",
                        what()
                    ),
                ))
            }
            _ => Ok(actual.to_string()),
        }
    }
}

fn id_of(v: Option<serde_json::Value>, default: String) -> String {
    match v {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Null) | None => default,
        Some(other) => other.to_string(),
    }
}

fn parse_line<T: for<'de> Deserialize<'de>>(s: &str, source: &str, line: usize) -> Result<T> {
    serde_json::from_str(s).map_err(|e| {
        Error::parse(
            source,
            line,
            e.column().max(1),
            format!("invalid JSON: {}", json_message(&e)),
        )
    })
}

/// One document per non-blank line of `input` (a BOM first is skipped):
/// each line parsed as a `T` and built into a document by `build(line, the
/// id of an id-less line, line number)`.
fn read_lines<T: for<'de> Deserialize<'de>>(
    input: &str,
    source: &str,
    mut build: impl FnMut(T, String, usize) -> Result<Document>,
) -> Result<Vec<Document>> {
    let stem = util::stem(source);
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut docs = Vec::new();
    for (ln, l) in input.split('\n').enumerate() {
        let line_no = ln + 1;
        if l.trim().is_empty() {
            continue;
        }
        let record: T = parse_line(l, source, line_no)?;
        docs.push(build(record, format!("{stem}-{line_no}"), line_no)?);
    }
    Ok(docs)
}

/// Reads our JSONL. `source` names the input in errors. Blank lines are skipped.
pub fn read_str(input: &str, source: &str) -> Result<Vec<Document>> {
    read_lines(input, source, |r: RDoc, default_id, line_no| {
        let mut doc = Document::new(id_of(r.id, default_id), r.text);
        let sp = Spans {
            idx: CharIndex::new(&doc.text),
            text: &doc.text,
            source,
            line: line_no,
        };
        for (i, p) in r.paragraphs.into_iter().enumerate() {
            doc.paragraphs.push(Paragraph {
                span: sp.span(&|| format!("paragraphs[{i}]"), p.start, p.end)?,
                lang: p.lang.unwrap_or_else(|| "und".into()),
                script: p.script.unwrap_or_default(),
            });
        }
        for (i, s) in r.sentences.into_iter().enumerate() {
            let span = sp.span(&|| format!("sentences[{i}]"), s.start, s.end)?;
            let paragraph = doc
                .paragraphs
                .partition_point(|p| p.span.start <= span.start)
                .saturating_sub(1);
            doc.sentences.push(Sentence { span, paragraph });
        }
        if !r.tokens.is_empty() && doc.sentences.is_empty() {
            return Err(Error::parse(
                source,
                line_no,
                1,
                "tokens are given without sentences; add \"sentences\":[{\"start\":0,\"end\":…}]",
            ));
        }
        for (i, t) in r.tokens.into_iter().enumerate() {
            let what = || format!("tokens[{i}]");
            let span = sp.span(&what, t.start, t.end)?;
            let text = sp.surface(&what, span, t.text)?;
            let sentence = doc
                .sentences
                .partition_point(|s| s.span.start <= span.start)
                .saturating_sub(1);
            doc.tokens.push(Token {
                span,
                norm: t.norm.unwrap_or_else(|| text.clone()),
                text,
                pos: t.pos,
                upos: t.upos,
                sentence,
            });
        }
        for (i, e) in r.entities.into_iter().enumerate() {
            let what = || format!("entities[{i}]");
            let span = sp.span(&what, e.start, e.end)?;
            let text = sp.surface(&what, span, e.text)?;
            doc.entities.push(Entity {
                span,
                label: e.label,
                norm: e.norm.unwrap_or_else(|| text.clone()),
                text,
            });
        }
        drop(sp);
        util::check(&doc).map_err(|e| {
            let msg = match e {
                Error::InvalidDocument { message, .. } => message,
                e => e.to_string(),
            };
            Error::parse(source, line_no, 1, format!("{msg} (offsets in bytes)"))
        })?;
        Ok(doc)
    })
}

#[derive(Deserialize)]
struct RDoccano {
    id: Option<serde_json::Value>,
    text: String,
    #[serde(default)]
    label: Option<serde_json::Value>,
    #[serde(default)]
    entities: Vec<RDoccanoEnt>,
}

#[derive(Deserialize)]
struct RDoccanoEnt {
    start_offset: usize,
    end_offset: usize,
    label: Label,
}

/// Reads doccano JSONL (`label` as `[start, end, label]` triples, or
/// `entities` as objects with `start_offset`, `end_offset`, `label`).
/// Entities are sorted by start; `text` and `norm` are the covered text.
pub fn read_doccano_str(input: &str, source: &str) -> Result<Vec<Document>> {
    read_lines(input, source, |r: RDoccano, default_id, line_no| {
        let mut spans: Vec<(usize, usize, Label)> = r
            .entities
            .into_iter()
            .map(|e| (e.start_offset, e.end_offset, e.label))
            .collect();
        if let Some(label) = r.label {
            let bad = || {
                Error::parse(
                    source,
                    line_no,
                    1,
                    "\"label\" must be a list of [start, end, \"LABEL\"] spans (a list of category names is text classification, not NER)",
                )
            };
            let list = label.as_array().ok_or_else(bad)?;
            for item in list {
                let (s, e, l) = match item.as_array().map(Vec::as_slice) {
                    Some([s, e, l]) => (s.as_u64(), e.as_u64(), l.as_str()),
                    _ => return Err(bad()),
                };
                let (Some(s), Some(e), Some(l)) = (s, e, l) else {
                    return Err(bad());
                };
                let label: Label = l.parse().map_err(|_| bad())?;
                spans.push((s as usize, e as usize, label));
            }
        }
        let mut doc = Document::new(id_of(r.id, default_id), r.text);
        let sp = Spans {
            idx: CharIndex::new(&doc.text),
            text: &doc.text,
            source,
            line: line_no,
        };
        spans.sort_by_key(|a| (a.0, a.1));
        let mut ents = Vec::new();
        for (i, (s, e, label)) in spans.into_iter().enumerate() {
            let span = sp.span(&|| format!("label {i} (sorted by start)"), s, e)?;
            let text = sp.surface(&|| String::new(), span, None)?;
            ents.push(Entity {
                span,
                label,
                norm: text.clone(),
                text,
            });
        }
        drop(sp);
        doc.entities = ents;
        Ok(doc)
    })
}

/// Reads our JSONL from disk.
pub fn read_path(path: impl AsRef<Path>) -> Result<Vec<Document>> {
    let path = path.as_ref();
    read_str(&util::read_text(path)?, &path.display().to_string())
}

/// Reads doccano JSONL from disk.
pub fn read_doccano_path(path: impl AsRef<Path>) -> Result<Vec<Document>> {
    let path = path.as_ref();
    read_doccano_str(&util::read_text(path)?, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written token objects and string escapes are what
    /// serde_json writes, byte for byte (every control char, quotes,
    /// backslashes, non-ASCII).
    #[test]
    fn tokens_and_escapes_are_written_as_serde_json_writes_them() {
        let mut strings: Vec<String> = (0u8..0x80).map(|b| format!("a{}b", b as char)).collect();
        strings
            .extend(["", "\"", "\\", "王小明", "\u{2028}\u{7f}é", "x\"y\\z\n"].map(String::from));
        for s in &strings {
            let mut ours = Vec::new();
            push_json_str(&mut ours, s);
            assert_eq!(ours, serde_json::to_vec(s).unwrap(), "{s:?}");
            let t = WTok {
                start: 7,
                end: 123456,
                text: s,
                norm: "n",
                pos: s,
                upos: "",
            };
            let mut ours = Vec::new();
            push_token(&mut ours, &t);
            assert_eq!(ours, serde_json::to_vec(&t).unwrap(), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn escapes_match_serde_json(s in "\\PC*|[\\x00-\\x7f]*") {
            let mut ours = Vec::new();
            push_json_str(&mut ours, &s);
            proptest::prop_assert_eq!(ours, serde_json::to_vec(&s).unwrap());
        }
    }

    #[test]
    fn minimal_input_gets_defaults() {
        let docs = read_str(
            "{\"text\":\"王小明在北京\",\"entities\":[{\"start\":0,\"end\":3,\"label\":\"PER\"}]}\n\n",
            "in/a.jsonl",
        )
        .unwrap();
        assert_eq!(docs[0].id, "a-1");
        assert_eq!(docs[0].entities[0].text, "王小明");
        assert_eq!(docs[0].entities[0].span, Span::new(0, 9));
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = |s: &str| read_str(s, "c.jsonl").unwrap_err().to_string();
        assert_eq!(
            e("{\"text\":\"ab\"}\n{\"text\":\"ab\",}\n"),
            "c.jsonl:2:14: invalid JSON: trailing comma"
        );
        assert_eq!(
            e("{\"text\":\"王小明\",\"entities\":[{\"start\":1,\"end\":4,\"label\":\"PER\"}]}"),
            "c.jsonl:1:1: entities[0] has start 1 and end 4, but the text has 3 chars (offsets are code points, start ≤ end)"
        );
        assert_eq!(
            e("{\"text\":\"王小明\",\"entities\":[{\"start\":1,\"end\":3,\"label\":\"PER\",\"text\":\"王小\"}]}"),
            "c.jsonl:1:1: entities[0] says \"王小\" but the text at 1..3 is \"小明\""
        );
        assert_eq!(
            e("{\"id\":1}"),
            "c.jsonl:1:8: invalid JSON: missing field `text`"
        );
        let e =
            read_doccano_str("{\"text\":\"ab\",\"label\":[\"POSITIVE\"]}", "d.jsonl").unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.jsonl:1:1: \"label\" must be a list of [start, end, \"LABEL\"] spans (a list of category names is text classification, not NER)"
        );
    }

    #[test]
    fn doccano_export_with_entities_objects() {
        let docs = read_doccano_str(
            "{\"id\":7,\"text\":\"去上海\",\"entities\":[{\"id\":1,\"label\":\"LOC\",\"start_offset\":1,\"end_offset\":3}],\"relations\":[]}",
            "x",
        )
        .unwrap();
        assert_eq!(docs[0].id, "7");
        assert_eq!(docs[0].entities[0].text, "上海");
    }
}
