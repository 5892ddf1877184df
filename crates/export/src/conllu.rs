//! CoNLL-U (Universal Dependencies), with char offsets and NER tags in MISC.
//!
//! # Writing
//!
//! [`write()`] writes every sentence of a document that has tokens:
//!
//! ```text
//! # (columns are separated by TABs)
//! # newdoc id = d1
//! # sent_id = d1-1
//! # text = 王小明在北京。
//! 1  王小明  _  PROPN  nr  _  _  _  _  SpaceAfter=No|start_char=0|end_char=3|NER=B-PER
//! ```
//!
//! * `# newdoc id` before the first sentence of the document; `# sent_id =
//!   <id>-<n>` with `n` counting the written sentences from 1 (whitespace in
//!   the id becomes `_`); `# text` is the original sentence with tabs, line
//!   breaks and other control chars replaced by spaces.
//! * Columns: ID, FORM (the original surface; whitespace and control chars
//!   inside it become U+00A0 NO-BREAK SPACE, an empty token is `_`), LEMMA
//!   `_`, UPOS (`token.upos`), XPOS (`token.pos`), FEATS, HEAD, DEPREL, DEPS
//!   `_` (an empty UPOS or XPOS is `_` too).
//! * MISC, always in this order: `SpaceAfter=No` when the char after the
//!   token in the original text exists and is not whitespace, then
//!   `start_char=…|end_char=…` (char offsets into the document text), then
//!   `NER=B-PER` (`NER=O` outside entities; word-level tags as in
//!   [`crate::conll`], scheme from [`ConlluOptions::scheme`]).
//! * A document without tokens writes nothing (CoNLL-U has no empty sentences).
//!
//! # Reading
//!
//! [`read_str`] / [`read_path`] read our files back, and other CoNLL-U: with
//! `start_char`/`end_char` in MISC the tokens keep their offsets (the gaps
//! between sentences, which CoNLL-U does not record, become line breaks);
//! without them each sentence is its `# text` (or its forms joined as
//! `SpaceAfter` says) and sentences are joined by line breaks. Multiword
//! token lines (`1-2`) and empty nodes (`1.1`) are skipped. Entities come
//! from `NER=` in MISC.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use zhen_core::{CharCursor, Document, Paragraph, Script, Sentence, Span, Token};

use crate::conll::push_entity;
use crate::stream::Before;
use crate::tags::{self, Scheme, Tag};
use crate::util::{self, io};
use crate::{Error, Result};

/// Options of the CoNLL-U writer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConlluOptions {
    /// The scheme of the `NER=` tags in MISC (IOB2 by default).
    pub scheme: Scheme,
}

/// Appends the FORM of `s`: the original surface with line breaks as no-break spaces and each
/// run of whitespace kept as its first char (UD's level-1 validation rejects
/// repeated whitespace, which OCR'd words carry); `start_char`/`end_char`
/// keep the exact original span.
fn push_form(out: &mut String, s: &str) {
    if s.is_empty() {
        out.push('_');
    } else if !s.bytes().any(util::may_start_break) || !s.chars().any(util::is_break) {
        // (every whitespace char is a break: nothing to replace or squeeze)
        out.push_str(s);
    } else {
        let mut prev_ws = false;
        for c in s.chars() {
            let c = if util::is_break(c) { '\u{a0}' } else { c };
            let ws = c.is_whitespace();
            if !(ws && prev_ws) {
                out.push(c);
            }
            prev_ws = ws;
        }
    }
}

/// Appends `s` with every break ([`util::is_break`]) replaced by `_`, or `_`
/// for an empty `s`.
fn push_or_underscore(out: &mut String, s: &str) {
    if s.is_empty() {
        out.push('_');
    } else if s.bytes().all(|b| b.is_ascii_graphic()) {
        // a tag (`NOUN`, `ns`): printable ASCII has no break to replace
        out.push_str(s);
    } else {
        out.extend(s.chars().map(|c| if util::is_break(c) { '_' } else { c }));
    }
}

/// Writes one document as CoNLL-U sentences.
pub fn write<W: Write + ?Sized>(out: &mut W, doc: &Document, opts: &ConlluOptions) -> Result<()> {
    util::check(doc)?;
    write_part(out, doc, opts, &mut Before::default())
}

/// The sentences of a checked document that is a part of a whole one
/// (`before` says what came before it; its counters move on).
pub(crate) fn write_part<W: Write + ?Sized>(
    out: &mut W,
    doc: &Document,
    opts: &ConlluOptions,
    before: &mut Before,
) -> Result<()> {
    let mut s = String::new();
    sentences(&mut s, doc, opts, before, |s| util::flush_if_full(out, s))?;
    out.write_all(s.as_bytes()).map_err(io)
}

/// [`write_part`] of a whole checked document appended to `s` directly (a
/// document's `.conllu` in file mode, in a buffer sized for the document):
/// no buffer of its own that grows and is copied to the output 64 KiB at a
/// time.
pub(crate) fn write_into(s: &mut String, doc: &Document, opts: &ConlluOptions) -> Result<()> {
    sentences(s, doc, opts, &mut Before::default(), |_| Ok(()))
}

/// Appends the sentences of [`write_part`] to `s`, calling `sentence_done`
/// after each.
fn sentences(
    s: &mut String,
    doc: &Document,
    opts: &ConlluOptions,
    before: &mut Before,
    mut sentence_done: impl FnMut(&mut String) -> Result<()>,
) -> Result<()> {
    // tokens come in text order: chars counted from one to the next
    let mut idx = CharCursor::new(&doc.text);
    let sent_prefix = util::replace_breaks(&doc.id, '_');
    let mut assigner = tags::Assigner::new(&doc.entities);
    let mut spans: Vec<Span> = Vec::new();
    for i in 0..doc.sentences.len() {
        let toks = doc.sentence_tokens(i);
        if toks.is_empty() {
            continue;
        }
        if before.sentences_written == 0 {
            let _ = writeln!(s, "# newdoc id = {}", util::one_line(&doc.id));
        }
        before.sentences_written += 1;
        let n = before.sentences_written;
        let sent = &doc.sentences[i];
        let _ = writeln!(s, "# sent_id = {sent_prefix}-{n}");
        let _ = writeln!(
            s,
            "# text = {}",
            util::one_line(&doc.text[sent.span.range()])
        );
        spans.clear();
        spans.extend(toks.iter().map(|t| t.span));
        let of = assigner.assign(&spans);
        let tags = tags::encode(opts.scheme, &of, &doc.entities);
        for (k, (t, tag)) in toks.iter().zip(tags).enumerate() {
            let (start, end) = idx.char_span(t.span);
            let (start, end) = (before.chars + start, before.chars + end);
            let space_after_no = doc.text[t.span.end..]
                .chars()
                .next()
                .or(before.next)
                .is_some_and(|c| !c.is_whitespace());
            // ID FORM _ UPOS XPOS _ _ _ _ MISC, pushed field by field (a
            // `writeln!` of the line was a tenth of writing CoNLL-U)
            util::push_usize(s, k + 1);
            s.push('\t');
            push_form(s, &t.text);
            s.push_str("\t_\t");
            push_or_underscore(s, &t.upos);
            s.push('\t');
            push_or_underscore(s, &t.pos);
            s.push_str("\t_\t_\t_\t_\t");
            if space_after_no {
                s.push_str("SpaceAfter=No|");
            }
            s.push_str("start_char=");
            util::push_usize(s, start);
            s.push_str("|end_char=");
            util::push_usize(s, end);
            s.push_str("|NER=");
            s.push_str(&tag);
            s.push('\n');
        }
        s.push('\n');
        sentence_done(s)?;
    }
    Ok(())
}

/// One token line read.
struct Row {
    line: usize,
    form: String,
    upos: String,
    xpos: String,
    space_after: bool,
    offsets: Option<(usize, usize)>,
    tag: Tag,
}

/// One sentence read.
#[derive(Default)]
struct Block {
    line: usize,
    text: Option<String>,
    rows: Vec<Row>,
}

struct Reader<'a> {
    source: &'a str,
    docs: Vec<Document>,
    /// The document being read, its text as chars.
    doc: Option<(Document, Vec<char>)>,
    stem: String,
}

impl Reader<'_> {
    fn err(&self, line: usize, column: usize, message: String) -> Error {
        Error::parse(self.source, line, column, message)
    }

    fn start_doc(&mut self, id: Option<String>) {
        self.finish_doc();
        let id = id.unwrap_or_else(|| format!("{}-{}", self.stem, self.docs.len() + 1));
        self.doc = Some((Document::new(id, ""), Vec::new()));
    }

    fn finish_doc(&mut self) {
        if let Some((mut doc, chars)) = self.doc.take() {
            doc.text = chars.iter().collect();
            // spans were recorded as char offsets: convert to bytes
            let idx: Vec<usize> = {
                let mut v: Vec<usize> = doc.text.char_indices().map(|(i, _)| i).collect();
                v.push(doc.text.len());
                v
            };
            let b = |s: Span| Span::new(idx[s.start], idx[s.end]);
            for p in &mut doc.paragraphs {
                p.span = b(p.span);
            }
            for s in &mut doc.sentences {
                s.span = b(s.span);
            }
            for t in &mut doc.tokens {
                t.span = b(t.span);
                t.text = doc.text[t.span.range()].to_string();
                t.norm = t.text.clone();
            }
            let ents: Vec<(Span, String)> = doc
                .entities
                .drain(..)
                .map(|e| (b(e.span), e.label.as_str().to_string()))
                .collect();
            for (span, label) in ents {
                push_entity(&mut doc, span, &label);
            }
            self.docs.push(doc);
        }
    }

    fn sentence(&mut self, block: Block) -> Result<()> {
        if block.rows.is_empty() {
            return Ok(());
        }
        if self.doc.is_none() {
            self.start_doc(None);
        }
        let with = block.rows.iter().filter(|r| r.offsets.is_some()).count();
        if with != 0 && with != block.rows.len() {
            let r = block.rows.iter().find(|r| r.offsets.is_none()).unwrap();
            return Err(self.err(
                r.line,
                1,
                "this token has no start_char/end_char in MISC but others of its sentence do; give all or none".into(),
            ));
        }
        let cmp = |s: &str| -> Vec<char> { util::replace_breaks(s, '\u{a0}').chars().collect() };
        // the sentence text, and the char offset of every token in it
        let (text, rel): (Vec<char>, Vec<(usize, usize)>) = match &block.text {
            Some(t) => (t.chars().collect(), Vec::new()),
            None => {
                let mut text = Vec::new();
                let mut rel = Vec::new();
                for (k, r) in block.rows.iter().enumerate() {
                    let f: Vec<char> = if r.form == "_" && r.offsets.is_some_and(|(s, e)| s == e) {
                        Vec::new()
                    } else {
                        r.form.chars().collect()
                    };
                    let s = text.len();
                    text.extend(f);
                    rel.push((s, text.len()));
                    if r.space_after && k + 1 < block.rows.len() {
                        text.push(' ');
                    }
                }
                (text, rel)
            }
        };
        if text.is_empty() {
            // found by fuzzing: an empty sentence sits at the same char as the
            // next one, so which paragraph holds it is ambiguous and zhen's
            // JSONL read it back in another
            return Err(self.err(
                block.line,
                1,
                "this sentence has no text (no # text and every token is empty: `_` with start_char = end_char)".into(),
            ));
        }
        let norm_text: Vec<char> = cmp(&text.iter().collect::<String>());
        let form_chars = |r: &Row| -> Vec<char> {
            if r.form == "_" && r.offsets.is_some_and(|(s, e)| s == e) {
                Vec::new()
            } else {
                cmp(&r.form)
            }
        };
        let (doc, chars) = self.doc.as_mut().unwrap();
        let first_tok = doc.tokens.len();
        let si = doc.sentences.len();
        let base;
        let mut spans: Vec<(usize, usize)> = Vec::new();
        if with > 0 {
            // absolute offsets: find where the sentence text starts
            let anchor = block
                .rows
                .iter()
                .find(|r| r.offsets.is_some_and(|(s, e)| e > s));
            let start = match anchor {
                None => block.rows[0].offsets.unwrap().0,
                Some(r) => {
                    let f = form_chars(r);
                    let Some((k, _)) = find(&norm_text, &f, 0) else {
                        let (line, form) = (r.line, r.form.clone());
                        return Err(Error::parse(
                            self.source,
                            line,
                            1,
                            format!("the form {form:?} does not occur in the sentence's # text (line {})", block.line),
                        ));
                    };
                    let s = r.offsets.unwrap().0;
                    if s < k {
                        return Err(Error::parse(
                            self.source,
                            r.line,
                            1,
                            format!("start_char={s} is before the start of its sentence's # text"),
                        ));
                    }
                    s - k
                }
            };
            if start < chars.len() {
                return Err(Error::parse(
                    self.source,
                    block.line,
                    1,
                    format!(
                        "this sentence starts at char {start}, inside the previous sentence (which ends at char {}); offsets must increase",
                        chars.len()
                    ),
                ));
            }
            base = start;
            let mut prev_end = base;
            for r in &block.rows {
                let (s, e) = r.offsets.unwrap();
                if s < prev_end {
                    return Err(Error::parse(
                        self.source,
                        r.line,
                        1,
                        format!(
                            "start_char={s} is before the end of the previous token (char {prev_end}); tokens must not overlap"
                        ),
                    ));
                }
                prev_end = e;
                let ok = s >= base
                    && e >= s
                    && e - base <= norm_text.len()
                    && loose_eq(&norm_text[s - base..e - base], &form_chars(r));
                if !ok {
                    let found: String = if s >= base && e >= s && e - base <= text.len() {
                        text[s - base..e - base].iter().collect()
                    } else {
                        "(outside the sentence)".into()
                    };
                    return Err(Error::parse(
                        self.source,
                        r.line,
                        1,
                        format!(
                            "start_char={s}|end_char={e} covers {found:?} in the sentence's # text, not the form {:?}",
                            r.form
                        ),
                    ));
                }
                spans.push((s, e));
            }
        } else {
            base = if chars.is_empty() { 0 } else { chars.len() + 1 };
            if block.text.is_some() {
                let mut cur = 0;
                for r in &block.rows {
                    let f = form_chars(r);
                    let Some((k, end)) = find(&norm_text, &f, cur) else {
                        return Err(Error::parse(
                            self.source,
                            r.line,
                            2,
                            format!(
                                "the form {:?} is not found in the sentence's # text after the previous token",
                                r.form
                            ),
                        ));
                    };
                    cur = end;
                    spans.push((base + k, base + cur));
                }
            } else {
                spans = rel.iter().map(|&(s, e)| (base + s, base + e)).collect();
            }
        }
        while chars.len() < base {
            chars.push('\n');
        }
        chars.extend(text.iter());
        let sent = Span::new(base, chars.len());
        doc.paragraphs.push(Paragraph {
            span: sent,
            lang: "und".into(),
            script: Script::None,
        });
        doc.sentences.push(Sentence {
            span: sent,
            paragraph: doc.paragraphs.len() - 1,
        });
        for (r, &(s, e)) in block.rows.iter().zip(&spans) {
            doc.tokens.push(Token {
                span: Span::new(s, e),
                text: String::new(),
                norm: String::new(),
                pos: r.xpos.clone(),
                upos: r.upos.clone(),
                sentence: si,
            });
        }
        let tags: Vec<Tag> = block.rows.iter().map(|r| r.tag.clone()).collect();
        for (a, b, label) in tags::decode(&tags) {
            let span = Span::new(
                doc.tokens[first_tok + a].span.start,
                doc.tokens[first_tok + b - 1].span.end,
            );
            doc.entities.push(zhen_core::Entity {
                span,
                label: zhen_core::Label::new(&label),
                text: String::new(),
                norm: String::new(),
            });
        }
        Ok(())
    }
}

/// The first occurrence of `needle` in `hay` at or after `from`.
/// The end of a match of `needle` at `hay[at..]`, where a run of whitespace
/// in either matches a run of whitespace in the other (FORM keeps one char
/// of each run, see [`form`]).
fn match_at(hay: &[char], at: usize, needle: &[char]) -> Option<usize> {
    let (mut p, mut j) = (at, 0);
    while j < needle.len() {
        let c = *hay.get(p)?;
        if needle[j].is_whitespace() {
            if !c.is_whitespace() {
                return None;
            }
            while hay.get(p).is_some_and(|c| c.is_whitespace()) {
                p += 1;
            }
            while needle.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
        } else if c == needle[j] {
            p += 1;
            j += 1;
        } else {
            return None;
        }
    }
    Some(p)
}

/// The first match of `needle` in `hay` at or after `from`, as a range.
fn find(hay: &[char], needle: &[char], from: usize) -> Option<(usize, usize)> {
    if needle.is_empty() {
        let k = from.min(hay.len());
        return Some((k, k));
    }
    (from..hay.len()).find_map(|i| match_at(hay, i, needle).map(|e| (i, e)))
}

/// Whether `a` and `b` are equal up to the length of whitespace runs.
fn loose_eq(a: &[char], b: &[char]) -> bool {
    match_at(a, 0, b) == Some(a.len())
}

/// Reads CoNLL-U. `source` names the input in errors and gives the ids of
/// documents without `# newdoc id` (`<file stem>-1`, …).
pub fn read_str(input: &str, source: &str) -> Result<Vec<Document>> {
    let mut r = Reader {
        source,
        docs: Vec::new(),
        doc: None,
        stem: util::stem(source),
    };
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut block = Block::default();
    for (ln, raw) in input.split('\n').enumerate() {
        let line_no = ln + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            r.sentence(std::mem::take(&mut block))?;
            continue;
        }
        if block.line == 0 {
            block.line = line_no;
        }
        if let Some(c) = line.strip_prefix('#') {
            let c = c.trim_start();
            if let Some(id) = c.strip_prefix("newdoc") {
                if block.rows.is_empty() {
                    let id = id
                        .trim_start()
                        .strip_prefix("id")
                        .and_then(|v| v.trim_start().strip_prefix('='));
                    r.start_doc(id.map(|v| v.trim().to_string()));
                }
            } else if let Some(v) = c
                .strip_prefix("text")
                .and_then(|v| v.trim_start().strip_prefix('='))
            {
                block.text = Some(v.strip_prefix(' ').unwrap_or(v).to_string());
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            let column = if cols.len() > 10 {
                cols[..10]
                    .iter()
                    .map(|c| c.chars().count() + 1)
                    .sum::<usize>()
                    + 1
            } else {
                line.chars().count() + 1
            };
            return Err(r.err(
                line_no,
                column,
                format!("{} TAB-separated columns, CoNLL-U needs 10 (ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC)", cols.len()),
            ));
        }
        let id = cols[0];
        if id.contains('-') || id.contains('.') {
            continue;
        }
        if id.parse::<usize>().is_err() {
            return Err(r.err(line_no, 1, format!("invalid ID {id:?}: expected a word index (1, 2, …), a range (1-2) or an empty node (1.1)")));
        }
        let misc_col = cols[..9]
            .iter()
            .map(|c| c.chars().count() + 1)
            .sum::<usize>()
            + 1;
        let mut row = Row {
            line: line_no,
            form: cols[1].to_string(),
            upos: if cols[3] == "_" {
                String::new()
            } else {
                cols[3].to_string()
            },
            xpos: if cols[4] == "_" {
                String::new()
            } else {
                cols[4].to_string()
            },
            space_after: true,
            offsets: None,
            tag: Tag::O,
        };
        let (mut start, mut end) = (None, None);
        if cols[9] != "_" {
            for item in cols[9].split('|') {
                let (k, v) = item.split_once('=').unwrap_or((item, ""));
                let num = |v: &str| {
                    v.parse::<usize>().map_err(|_| {
                        r.err(
                            line_no,
                            misc_col,
                            format!(
                                "{k}={v:?} in MISC is not a char offset (a non-negative integer)"
                            ),
                        )
                    })
                };
                match k {
                    "SpaceAfter" => row.space_after = v != "No",
                    "start_char" => start = Some(num(v)?),
                    "end_char" => end = Some(num(v)?),
                    "NER" => {
                        row.tag = tags::parse_tag(v).ok_or_else(|| {
                            r.err(
                                line_no,
                                misc_col,
                                format!("invalid NER tag {v:?} in MISC: {}", tags::TAG_HELP),
                            )
                        })?
                    }
                    _ => {}
                }
            }
        }
        row.offsets = match (start, end) {
            (Some(s), Some(e)) if s <= e => Some((s, e)),
            (None, None) => None,
            (s, e) => {
                let show = |name: &str, v: Option<usize>| match v {
                    Some(v) => format!("{name}={v}"),
                    None => format!("no {name}"),
                };
                return Err(r.err(
                    line_no,
                    misc_col,
                    format!(
                        "MISC needs both start_char and end_char with start ≤ end, found {} and {}",
                        show("start_char", s),
                        show("end_char", e)
                    ),
                ));
            }
        };
        block.rows.push(row);
    }
    r.sentence(block)?;
    r.finish_doc();
    Ok(r.docs)
}

/// Reads a CoNLL-U file from disk.
pub fn read_path(path: impl AsRef<Path>) -> Result<Vec<Document>> {
    let path = path.as_ref();
    read_str(&util::read_text(path)?, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_foreign_conllu_without_offsets() {
        let input = "# text = He didn't go.\n1\tHe\the\tPRON\tPRP\t_\t0\troot\t_\tNER=B-PER\n2-3\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_\n2\tdid\tdo\tAUX\tVBD\t_\t0\t_\t_\t_\n3\tn't\tnot\tPART\tRB\t_\t0\t_\t_\t_\n4\tgo\tgo\tVERB\tVB\t_\t0\t_\t_\tSpaceAfter=No\n5\t.\t.\tPUNCT\t.\t_\t0\t_\t_\t_\n\n1\t我\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n2\t来\t_\t_\t_\t_\t_\t_\t_\t_\n";
        let docs = read_str(input, "en.conllu").unwrap();
        assert_eq!(docs.len(), 1);
        let d = &docs[0];
        assert_eq!(d.text, "He didn't go.\n我来");
        let toks: Vec<&str> = d.tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(toks, ["He", "did", "n't", "go", ".", "我", "来"]);
        assert_eq!(d.entities[0].text, "He");
        d.validate().unwrap();
    }

    #[test]
    fn forms_keep_one_char_of_each_whitespace_run() {
        // OCR'd words carry runs of spaces; UD level 1 rejects them in FORM
        let input = "# text = 两  市 合作\n1\t两  市\t_\t_\t_\t_\t_\t_\t_\tstart_char=0|end_char=4\n2\t合作\t_\t_\t_\t_\t_\t_\t_\tstart_char=5|end_char=7\n";
        let docs = read_str(input, "ocr.conllu").unwrap();
        let d = &docs[0];
        assert_eq!(d.tokens[0].text, "两  市");
        let mut out = Vec::new();
        write(&mut out, d, &ConlluOptions::default()).unwrap();
        let out = String::from_utf8(out).unwrap();
        let forms: Vec<&str> = out
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| l.split('\t').nth(1).unwrap())
            .collect();
        assert_eq!(forms, ["两\u{a0}市", "合作"], "{out}");
        // and what was written reads back to the same spans and text
        let back = read_str(&out, "ocr.conllu").unwrap();
        assert_eq!(back[0].text, d.text);
        let spans = |d: &Document| d.tokens.iter().map(|t| t.span).collect::<Vec<_>>();
        assert_eq!(spans(&back[0]), spans(d));
        let mut again = Vec::new();
        write(&mut again, &back[0], &ConlluOptions::default()).unwrap();
        assert_eq!(String::from_utf8(again).unwrap(), out);
        // without offsets a one-space FORM still finds its run in # text
        let bare = "# text = 两  市合作\n1\t两 市\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n2\t合作\t_\t_\t_\t_\t_\t_\t_\t_\n";
        let d = &read_str(bare, "bare.conllu").unwrap()[0];
        let toks: Vec<&str> = d.tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(toks, ["两  市", "合作"]);
    }

    #[test]
    fn a_sentence_without_text_is_an_error() {
        // fuzz/regressions/read_conllu/: an empty sentence before another at
        // the same char read back into a different paragraph
        let input = "1\t_\t_\t_\t_\t_\t_\t_\t_\tstart_char=0|end_char=0\n\n# text = 他 在\n1\t他\t_\t_\t_\t_\t_\t_\t_\t_\n2\t在\t_\t_\t_\t_\t_\t_\t_\t_\n";
        let msg = read_str(input, "x.conllu").unwrap_err().to_string();
        assert_eq!(
            msg,
            "x.conllu:1:1: this sentence has no text (no # text and every token is empty: `_` with start_char = end_char)"
        );
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = |s: &str| read_str(s, "x.conllu").unwrap_err().to_string();
        assert_eq!(
            e("1\ta\t_\t_\t_\t_\t_\t_\t_\n"),
            "x.conllu:1:18: 9 TAB-separated columns, CoNLL-U needs 10 (ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC)"
        );
        assert_eq!(
            e("# text = ab\n1\ta\t_\t_\t_\t_\t_\t_\t_\tNER=Q-PER\n"),
            "x.conllu:2:19: invalid NER tag \"Q-PER\" in MISC: expected O or B-, I-, E-, S- followed by a label (e.g. B-PER)"
        );
        assert_eq!(
            e("# text = ab\n1\ta\t_\t_\t_\t_\t_\t_\t_\tstart_char=0|end_char=1\n2\tc\t_\t_\t_\t_\t_\t_\t_\tstart_char=1|end_char=2\n"),
            "x.conllu:3:1: start_char=1|end_char=2 covers \"b\" in the sentence's # text, not the form \"c\""
        );
        assert_eq!(
            e("# text = aab\n1\taa\t_\t_\t_\t_\t_\t_\t_\tstart_char=0|end_char=2\n2\ta\t_\t_\t_\t_\t_\t_\t_\tstart_char=1|end_char=2\n"),
            "x.conllu:3:1: start_char=1 is before the end of the previous token (char 2); tokens must not overlap"
        );
        assert_eq!(
            e("1\ta\t_\t_\t_\t_\t_\t_\t_\tstart_char=x\n"),
            "x.conllu:1:19: start_char=\"x\" in MISC is not a char offset (a non-negative integer)"
        );
        // issue 12 case 7: the values as written, not Rust's Some(…)
        let msg = e("1\ta\t_\t_\t_\t_\t_\t_\t_\tstart_char=99|end_char=5\n");
        assert!(msg.ends_with("found start_char=99 and end_char=5"), "{msg}");
        let msg = e("1\ta\t_\t_\t_\t_\t_\t_\t_\tstart_char=3\n");
        assert!(msg.ends_with("found start_char=3 and no end_char"), "{msg}");
        assert!(!msg.contains("Some("), "{msg}");
    }
}
