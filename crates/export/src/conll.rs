//! CoNLL-2003 and other BIO column files.
//!
//! # Writing
//!
//! [`write()`] writes one document as
//!
//! ```text
//! -DOCSTART- -X- -X- O
//!
//! 王小明 nr _ B-PER
//! 在 p _ O
//! …
//!
//! ```
//!
//! four space-separated columns `TOKEN POS CHUNK NER` (chunk is always `_`,
//! an empty POS is written `_`), a blank line after every sentence, tags in
//! the [`Scheme`] of [`ConllOptions::scheme`] (IOB2 by default). Call it once
//! per document to write a corpus file.
//!
//! * **Word level** (default): one token per line. A token takes the tag of
//!   the entity that overlaps it (the one starting first if several do):
//!   `B-` on the first token of the entity, `I-` after. So an entity whose
//!   boundary falls inside a token grows to the whole token (`北京市长` with
//!   the entity `北京市` is tagged `B-LOC`).
//! * **Char level** ([`ConllOptions::char_level`], the MSRA layout): one char
//!   per line, its POS column the POS of its token. Whitespace chars inside
//!   a token are skipped.
//! * **Escaping**: CoNLL cannot hold whitespace inside a field, so every
//!   whitespace or control char inside a token (or POS) is written as `_`
//!   (`New York` → `New_York`); an empty token is written `_`. (U+00A0 is
//!   not used: Python's `str.split()` splits on it.)
//!
//! # Reading
//!
//! [`read_str`] / [`read_path`] read any column layout: TAB-separated if the
//! first token line contains a TAB, else separated by runs of spaces; the
//! token is the first column, the NER tag the last, the POS the second when
//! there are at least 4 columns. Every token line must have the column
//! count of the first one. `-DOCSTART-` lines split documents; a blank line
//! ends a sentence. Tags may be IOB1, IOB2 or BIOES (also BMES `M-` and
//! BILOU `L-`/`U-`). The document text joins the tokens as [`Join`] says, and
//! sentences with a line break.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use zhen_core::{chars, Document, Entity, Label, Paragraph, Script, Sentence, Span, Token};

use crate::tags::{self, Scheme, Tag};
use crate::util::{self, io};
use crate::{Error, Result};

/// Options of the CoNLL-2003 writer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConllOptions {
    /// The tag scheme (IOB2 by default).
    pub scheme: Scheme,
    /// One char per line instead of one token per line.
    pub char_level: bool,
}

/// Escapes a CoNLL field: whitespace and control chars become `_`, an empty
/// field is `_`.
fn field(s: &str) -> String {
    if s.is_empty() {
        "_".to_string()
    } else {
        util::replace_breaks(s, '_')
    }
}

/// Writes one document in CoNLL-2003 layout.
///
/// ```
/// use zhen_core::{Document, Entity, Label, Sentence, Span, Token};
/// use zhen_export::conll::{self, ConllOptions};
///
/// let mut doc = Document::new("d", "王小明来了");
/// doc.sentences.push(Sentence { span: Span::new(0, 15), paragraph: 0 });
/// for (s, e, pos) in [(0, 9, "nr"), (9, 15, "v")] {
///     let text = doc.text[s..e].to_string();
///     doc.tokens.push(Token { span: Span::new(s, e), norm: text.clone(), text,
///         pos: pos.into(), upos: String::new(), sentence: 0 });
/// }
/// doc.entities.push(Entity { span: Span::new(0, 9), label: Label::Per,
///     text: "王小明".into(), norm: "王小明".into() });
/// let mut out = Vec::new();
/// conll::write(&mut out, &doc, &ConllOptions::default()).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(),
///     "-DOCSTART- -X- -X- O\n\n王小明 nr _ B-PER\n来了 v _ O\n\n");
/// ```
pub fn write<W: Write + ?Sized>(out: &mut W, doc: &Document, opts: &ConllOptions) -> Result<()> {
    util::check(doc)?;
    write_header(out)?;
    write_sentences(out, doc, opts)
}

/// The line that starts a document.
pub(crate) fn write_header<W: Write + ?Sized>(out: &mut W) -> Result<()> {
    out.write_all(b"-DOCSTART- -X- -X- O\n\n").map_err(io)
}

/// The sentences of a checked document (or of a part of one: CoNLL has
/// neither offsets nor indexes, so a part is written as it is).
pub(crate) fn write_sentences<W: Write + ?Sized>(
    out: &mut W,
    doc: &Document,
    opts: &ConllOptions,
) -> Result<()> {
    let mut s = String::new();
    let mut assigner = tags::Assigner::new(&doc.entities);
    for i in 0..doc.sentences.len() {
        let toks = doc.sentence_tokens(i);
        if toks.is_empty() {
            continue;
        }
        // (span, surface, token)
        let mut units: Vec<(Span, &str, &Token)> = Vec::new();
        for t in toks {
            if opts.char_level {
                for (o, c) in t.text.char_indices() {
                    if !util::is_break(c) {
                        let start = t.span.start + o;
                        let span = Span::new(start, start + c.len_utf8());
                        units.push((span, &doc.text[span.range()], t));
                    }
                }
            } else {
                units.push((t.span, &t.text, t));
            }
        }
        if units.is_empty() {
            continue;
        }
        let spans: Vec<Span> = units.iter().map(|u| u.0).collect();
        let of = assigner.assign(&spans);
        let tags = tags::encode(opts.scheme, &of, &doc.entities);
        for ((_, surface, t), tag) in units.iter().zip(tags) {
            let _ = writeln!(s, "{} {} _ {}", field(surface), field(&t.pos), tag);
        }
        s.push('\n');
        util::flush_if_full(out, &mut s)?;
    }
    out.write_all(s.as_bytes()).map_err(io)
}

/// How a reader joins tokens into the document text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Join {
    /// No separator between two CJK chars (Han, kana, Hangul, CJK
    /// punctuation, fullwidth forms, and the curly quotes, dashes and
    /// ellipsis of U+2010–U+2027) at the junction, a space otherwise; a
    /// sentence of one-character tokens with some CJK among them (a
    /// character-level Chinese file) is joined without separators, as
    /// [`Join::None`].
    #[default]
    Auto,
    /// Always a space.
    Space,
    /// Never a separator.
    None,
}

impl FromStr for Join {
    type Err = Error;
    /// Parses `auto`, `space`, `none`.
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "auto" => Join::Auto,
            "space" => Join::Space,
            "none" => Join::None,
            _ => {
                return Err(Error::Unknown {
                    what: "join mode",
                    value: s.to_string(),
                    expected: "auto, space, none",
                })
            }
        })
    }
}

impl Join {
    /// The separator between a token ending with `prev` and one starting with `next`.
    pub(crate) fn sep(self, prev: Option<char>, next: Option<char>) -> &'static str {
        match self {
            Join::None => "",
            Join::Space => " ",
            Join::Auto => match (prev, next) {
                (Some(a), Some(b)) if chars::is_cjk(a) && chars::is_cjk(b) => "",
                _ => " ",
            },
        }
    }
}

/// Options of the column readers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// How tokens are joined into the document text.
    pub join: Join,
}

/// Builds a document from sentences of (token, pos, upos) and tags.
pub(crate) struct DocBuilder {
    doc: Document,
    join: Join,
}

impl DocBuilder {
    pub(crate) fn new(id: String, join: Join) -> Self {
        DocBuilder {
            doc: Document::new(id, ""),
            join,
        }
    }

    /// Appends a sentence of `(surface, pos, upos, tag)`.
    pub(crate) fn sentence(&mut self, rows: &[(String, String, String, Tag)]) {
        if rows.is_empty() {
            return;
        }
        let doc = &mut self.doc;
        if !doc.text.is_empty() {
            doc.text.push('\n');
        }
        let si = doc.sentences.len();
        let start = doc.text.len();
        let first_tok = doc.tokens.len();
        // A character-level Chinese sentence (every token one character, some
        // of them CJK) is the characters joined: its Latin letters and digits
        // are runs of the original text ("1966", "GregRoh"), not words.
        let join = if self.join == Join::Auto && char_level_cjk(rows) {
            Join::None
        } else {
            self.join
        };
        for (k, (surface, pos, upos, _)) in rows.iter().enumerate() {
            if k > 0 {
                let prev = doc.text.chars().next_back();
                let sep = join.sep(prev, surface.chars().next());
                doc.text.push_str(sep);
            }
            let s = doc.text.len();
            doc.text.push_str(surface);
            doc.tokens.push(Token {
                span: Span::new(s, doc.text.len()),
                text: surface.clone(),
                norm: surface.clone(),
                pos: pos.clone(),
                upos: upos.clone(),
                sentence: si,
            });
        }
        let span = Span::new(start, doc.text.len());
        doc.paragraphs.push(Paragraph {
            span,
            lang: "und".to_string(),
            script: Script::None,
        });
        doc.sentences.push(Sentence {
            span,
            paragraph: doc.paragraphs.len() - 1,
        });
        let tags: Vec<Tag> = rows.iter().map(|r| r.3.clone()).collect();
        for (a, b, label) in tags::decode(&tags) {
            let span = Span::new(
                doc.tokens[first_tok + a].span.start,
                doc.tokens[first_tok + b - 1].span.end,
            );
            push_entity(doc, span, &label);
        }
    }

    pub(crate) fn finish(self) -> Document {
        self.doc
    }
}

/// Whether every token of the sentence is one character and some are CJK.
fn char_level_cjk(rows: &[(String, String, String, Tag)]) -> bool {
    let mut cjk = false;
    for (surface, ..) in rows {
        let mut it = surface.chars();
        match (it.next(), it.next()) {
            (Some(c), None) => cjk |= chars::is_cjk(c),
            _ => return false,
        }
    }
    cjk
}

/// Adds an entity over `span` of the document text (surface and norm = the text).
pub(crate) fn push_entity(doc: &mut Document, span: Span, label: &str) {
    let text = doc.text[span.range()].to_string();
    doc.entities.push(Entity {
        span,
        label: Label::new(label),
        norm: text.clone(),
        text,
    });
}

/// Splits a line into fields with their 1-based char columns.
fn fields(line: &str, tab: bool) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let sep = |c: char| c == '\t' || (!tab && c == ' ');
    let mut field_col = 1;
    for (col, (i, c)) in (1..).zip(line.char_indices()) {
        if sep(c) {
            if tab || i > start {
                out.push((field_col, &line[start..i]));
            }
            start = i + c.len_utf8();
            field_col = col + 1;
        }
    }
    if tab || line.len() > start {
        out.push((field_col, &line[start..]));
    }
    out
}

/// Reads a CoNLL / BIO column file. `source` names the input in errors and
/// gives the document ids (`<file stem>-1`, `-2`, … in order).
///
/// ```
/// use zhen_export::conll::{read_str, ReadOptions};
/// let docs = read_str("王 B-PER\n小明 I-PER\n来 O\n\nHe O\n", "a.bio", &ReadOptions::default()).unwrap();
/// assert_eq!(docs[0].text, "王小明来\nHe");
/// assert_eq!(docs[0].entities[0].text, "王小明");
/// ```
pub fn read_str(input: &str, source: &str, opts: &ReadOptions) -> Result<Vec<Document>> {
    let stem = util::stem(source);
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut docs = Vec::new();
    let mut cur: Option<DocBuilder> = None;
    let mut rows: Vec<(String, String, String, Tag)> = Vec::new();
    // (tab separated, column count, line that fixed it)
    let mut layout: Option<(bool, usize, usize)> = None;
    let new_doc = |n: usize| DocBuilder::new(format!("{stem}-{n}"), opts.join);
    for (ln, raw) in input.split('\n').enumerate() {
        let line_no = ln + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            if let Some(b) = cur.as_mut() {
                b.sentence(&rows);
            }
            rows.clear();
            continue;
        }
        let tab = layout.map_or(line.contains('\t'), |l| l.0);
        let fs = fields(line, tab);
        if fs[0].1 == "-DOCSTART-" {
            if let Some(mut b) = cur.take() {
                b.sentence(&rows);
                docs.push(b.finish());
            }
            rows.clear();
            cur = Some(new_doc(docs.len() + 1));
            continue;
        }
        let (_, n, first) = *layout.get_or_insert((tab, fs.len(), line_no));
        if fs.len() < 2 {
            return Err(Error::parse(
                source,
                line_no,
                1,
                format!(
                    "a token line needs at least 2 {} columns (token … NER tag), found 1",
                    if tab {
                        "TAB-separated"
                    } else {
                        "space-separated"
                    }
                ),
            ));
        }
        if fs.len() != n {
            let column = if fs.len() > n {
                fs[n].0
            } else {
                line.chars().count() + 1
            };
            return Err(Error::parse(
                source,
                line_no,
                column,
                format!(
                    "{} columns, but line {first} has {n}; every token line must have the same columns{}",
                    fs.len(),
                    if tab { "" } else { " (a token containing a space? use TABs between columns)" }
                ),
            ));
        }
        if fs[0].1.trim().is_empty() {
            // found by fuzzing: an empty token read into an empty sentence
            // and entity, which no format writes back the same
            return Err(Error::parse(
                source,
                line_no,
                1,
                "the token is empty (the line starts with a TAB); a token line starts with its token",
            ));
        }
        let (tag_col, tag) = fs[n - 1];
        let Some(tag) = tags::parse_tag(tag) else {
            return Err(Error::parse(
                source,
                line_no,
                tag_col,
                format!("invalid NER tag {tag:?}: {}", tags::TAG_HELP),
            ));
        };
        let pos = if n >= 4 && fs[1].1 != "_" {
            fs[1].1
        } else {
            ""
        };
        rows.push((fs[0].1.to_string(), pos.to_string(), String::new(), tag));
        if cur.is_none() {
            cur = Some(new_doc(docs.len() + 1));
        }
    }
    if let Some(mut b) = cur {
        b.sentence(&rows);
        docs.push(b.finish());
    }
    Ok(docs)
}

/// Reads a CoNLL / BIO column file from disk (UTF-8, an optional BOM is skipped).
pub fn read_path(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Vec<Document>> {
    let path = path.as_ref();
    read_str(&util::read_text(path)?, &path.display().to_string(), opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Result<Vec<Document>> {
        read_str(s, "t.conll", &ReadOptions::default())
    }

    #[test]
    fn reads_layouts_and_documents() {
        let docs = read("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\n-DOCSTART- -X- -X- O\n\n-DOCSTART- -X- -X- O\n\n北\tB-LOC\n").unwrap_err();
        // the third document has 2 columns: the layout is per file
        assert_eq!(
            docs.to_string(),
            "t.conll:10:8: 2 columns, but line 3 has 4; every token line must have the same columns (a token containing a space? use TABs between columns)"
        );
        assert_eq!(
            read("\tI-PER\tI-LOC\n\nA\tO\tO\n").unwrap_err().to_string(),
            "t.conll:1:1: the token is empty (the line starts with a TAB); a token line starts with its token"
        );
        assert_eq!(
            read("tok\n").unwrap_err().to_string(),
            "t.conll:1:1: a token line needs at least 2 space-separated columns (token … NER tag), found 1"
        );
        let docs = read("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\n-DOCSTART- -X- -X- O\n\n-DOCSTART- -X- -X- O\n\n北 _ _ B-LOC\n京 _ _ I-LOC\n").unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].id, "t-1");
        assert_eq!(docs[0].text, "EU rejects");
        assert_eq!(docs[0].tokens[0].pos, "NNP");
        assert_eq!(docs[0].entities[0].text, "EU");
        assert_eq!(docs[1].text, "");
        assert_eq!(docs[2].text, "北京");
        assert_eq!(docs[2].entities[0].label, Label::Loc);
        for d in &docs {
            d.validate().unwrap();
        }
    }

    #[test]
    fn join_modes() {
        let input = "我\tO\n在\tO\nNew\tB-LOC\nYork\tI-LOC\n。\tO\n";
        let text = |join| {
            read_str(input, "x", &ReadOptions { join }).unwrap()[0]
                .text
                .clone()
        };
        assert_eq!(text(Join::Auto), "我在 New York 。");
        assert_eq!(text(Join::Space), "我 在 New York 。");
        assert_eq!(text(Join::None), "我在NewYork。");
        // character level: the characters joined, digits and letters included
        let chars = "谢\tB-PER\n生\tO\n：\tO\n1\tO\n9\tO\n年\tO\nP\tB-PER\nh\tI-PER\n";
        let docs = read_str(chars, "x", &ReadOptions { join: Join::Auto }).unwrap();
        assert_eq!(docs[0].text, "谢生：19年Ph");
        assert_eq!(docs[0].entities[1].text, "Ph");
        let space = read_str(chars, "x", &ReadOptions { join: Join::Space }).unwrap();
        assert_eq!(space[0].text, "谢 生 ： 1 9 年 P h");
        // single-character tokens without CJK stay words
        let en = read_str("I\tO\na\tO\n", "x", &ReadOptions { join: Join::Auto }).unwrap();
        assert_eq!(en[0].text, "I a");
    }

    #[test]
    fn errors_name_line_and_column() {
        assert_eq!(
            read("a O\nb X-PER\n").unwrap_err().to_string(),
            "t.conll:2:3: invalid NER tag \"X-PER\": expected O or B-, I-, E-, S- followed by a label (e.g. B-PER)"
        );
        assert_eq!(
            read("a NN O\nNew York NNP B-LOC\n").unwrap_err().to_string(),
            "t.conll:2:14: 4 columns, but line 1 has 3; every token line must have the same columns (a token containing a space? use TABs between columns)"
        );
        assert_eq!(
            read("a\tNN\tO\nb\tO\n").unwrap_err().to_string(),
            "t.conll:2:4: 2 columns, but line 1 has 3; every token line must have the same columns"
        );
    }

    #[test]
    fn escapes_whitespace_in_tokens() {
        assert_eq!(field("New York"), "New_York");
        assert_eq!(field("a\tb\u{3000}c"), "a_b_c");
        assert_eq!(field(""), "_");
    }
}
