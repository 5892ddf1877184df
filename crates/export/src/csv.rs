//! CSV tables for spreadsheets and pandas.
//!
//! * `tokens.csv` ([`TokenTable`]): `doc,paragraph,sentence,token_index,start,end,token,converted,pos,upos,ner`
//!   — one row per token; `paragraph` and `sentence` are 0-based indexes in
//!   the document, `token_index` the 0-based index of the token in the
//!   document, `start`/`end` char offsets into the original text, `token` the
//!   original surface, `converted` its normalized form (`norm`), `ner` the
//!   word-level tag (scheme from [`CsvOptions::scheme`], IOB2 by default).
//! * `entities.csv` ([`EntityTable`]): `doc,start,end,label,text,simplified,sentence_text`
//!   — one row per entity; `text` the original surface, `simplified` its
//!   normalized form, `sentence_text` the sentence containing the entity's
//!   start with line breaks, tabs and other control chars as spaces.
//! * `errors.csv` ([`ErrorTable`]): `input,line,byte_offset,error` — one
//!   row per input that failed, with the line and byte offset of the problem
//!   when known.
//! * `entity_counts.csv` ([`EntityCounter`]): `label,entity,simplified,mentions,documents`
//!   — one row per label and normalized form: `entity` is the most frequent
//!   original surface (ties: the lexicographically smallest), `mentions` the
//!   number of mentions, `documents` the number of documents mentioning it;
//!   sorted by mentions (descending), then label, then simplified.
//!
//! The tables accept documents one at a time, so a corpus-wide table is
//! built incrementally and comes out in the order documents were added.
//!
//! Output: UTF-8, LF line ends (CRLF with [`CsvOptions::crlf`]), a BOM first
//! with [`CsvOptions::excel`] (so Excel detects UTF-8), fields quoted only
//! when needed (commas, quotes, line breaks). **Formula injection**: a text
//! cell beginning with `=`, `+`, `-`, `@`, TAB or CR would be run as a
//! formula by spreadsheets, so it is written with a leading `'` (`'=SUM(1)`,
//! and also `'-3` for a token `-3`: the cell shows `-3` as text). Numeric
//! columns are never prefixed. The cell stays text, but spreadsheets show
//! the `'` (LibreOffice 7.4 checked by `scripts/interop/check_spreadsheet.sh`:
//! the cell holds the text `'=SUM(1)`, never a formula), and
//! [`read_tokens_str`] removes it again. [`CsvOptions::raw_cells`] turns this off.
//!
//! [`read_tokens_str`] reads a `tokens.csv` back into documents (the text is
//! rebuilt from the offsets: gaps become spaces inside a sentence and line
//! breaks between sentences).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use rustc_hash::FxHashMap;

use zhen_core::{CharCursor, CharIndex, Document, Paragraph, Script, Sentence, Span, Token};

use crate::conll::push_entity;
use crate::stream::Before;
use crate::tags::{self, Scheme, Tag};
use crate::util::{self, io};
use crate::{Error, Result};

/// Options of the CSV writers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// Write a UTF-8 byte order mark first, for Excel.
    pub excel: bool,
    /// Write cells as they are, without the `'` that neutralises formulas.
    pub raw_cells: bool,
    /// End records with CRLF instead of LF.
    pub crlf: bool,
    /// The scheme of the `ner` column of `tokens.csv`.
    pub scheme: Scheme,
}

/// The header of `tokens.csv`.
pub const TOKENS_HEADER: [&str; 11] = [
    "doc",
    "paragraph",
    "sentence",
    "token_index",
    "start",
    "end",
    "token",
    "converted",
    "pos",
    "upos",
    "ner",
];
/// The header of `entities.csv`.
pub const ENTITIES_HEADER: [&str; 7] = [
    "doc",
    "start",
    "end",
    "label",
    "text",
    "simplified",
    "sentence_text",
];
/// The header of `errors.csv`.
pub const ERRORS_HEADER: [&str; 4] = ["input", "line", "byte_offset", "error"];
/// The header of `entity_counts.csv`.
pub const COUNTS_HEADER: [&str; 5] = ["label", "entity", "simplified", "mentions", "documents"];

fn is_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A text cell, neutralised unless `raw`.
fn cell(s: &str, raw: bool) -> Cow<'_, str> {
    if !raw && s.starts_with(is_trigger) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A CSV writer with the rules the csv crate's writer applies to our
/// settings (comma, double quote, LF or CRLF), written by hand because
/// `tokens.csv` is a tenth of `zhen annotate`'s rendering: a field is quoted
/// when it holds a comma, a quote, CR or LF, and a quote in it is doubled; a
/// record of one empty field is `""`. Records go to a buffer that is written
/// out once it holds `flush_at` bytes, 64 KiB (and by [`Rows::into_inner`]);
/// a table whose output is itself a buffer writes to it directly
/// ([`Rows::direct`]).
struct Rows<W: Write> {
    out: W,
    buf: Vec<u8>,
    crlf: bool,
    flush_at: usize,
}

impl<W: Write> Rows<W> {
    fn new(out: W, opts: &CsvOptions) -> Self {
        Rows {
            out,
            buf: Vec::with_capacity(1 << 12),
            crlf: opts.crlf,
            flush_at: 1 << 16,
        }
    }

    /// Writes one record.
    fn write_record(&mut self, fields: &[&str]) -> Result<()> {
        let start = self.buf.len();
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            push_field(&mut self.buf, f);
        }
        if self.buf.len() == start {
            // one empty field: quoted, or the record would be an empty line
            self.buf.extend_from_slice(b"\"\"");
        }
        self.end_record()
    }

    /// Ends a record whose fields were pushed to [`Rows::buf`] (at least
    /// one byte of them: an empty record is [`Rows::write_record`]'s case).
    fn end_record(&mut self) -> Result<()> {
        self.buf
            .extend_from_slice(if self.crlf { b"\r\n" } else { b"\n" });
        if self.buf.len() >= self.flush_at {
            self.out.write_all(&self.buf).map_err(io)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Appends a whole record, terminator included.
    #[inline]
    fn push_row(&mut self, row: &[u8]) -> Result<()> {
        self.buf.extend_from_slice(row);
        if self.buf.len() >= self.flush_at {
            self.out.write_all(&self.buf).map_err(io)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes out what is buffered and returns the output.
    fn into_inner(mut self) -> Result<W> {
        self.out.write_all(&self.buf).map_err(io)?;
        Ok(self.out)
    }
}

impl Rows<Vec<u8>> {
    /// Records go straight to the output from now on, never to be copied
    /// from the buffer to it (a document's `tokens.csv` in file mode, in a
    /// buffer sized for the document): what is buffered moves to the end of
    /// the output, which becomes the buffer.
    fn direct(&mut self) {
        self.out.extend_from_slice(&self.buf);
        self.buf = std::mem::take(&mut self.out);
        self.flush_at = usize::MAX;
    }

    /// The output, the buffer written out.
    fn into_vec(mut self) -> Vec<u8> {
        if self.out.is_empty() {
            self.buf
        } else {
            self.out.extend_from_slice(&self.buf);
            self.out
        }
    }
}

/// Appends one field: quoted when it holds a comma, a quote, CR or LF (a
/// quote in it doubled), as it is otherwise.
#[inline]
fn push_field(buf: &mut Vec<u8>, f: &str) {
    let f = f.as_bytes();
    let special = |b: u8| matches!(b, b',' | b'"' | b'\r' | b'\n');
    // a long field (an entity's sentence) in a pass without an early exit,
    // which the compiler vectorises
    let quote = if f.len() >= 32 {
        f.iter().fold(false, |acc, &b| acc | special(b))
    } else {
        f.iter().any(|&b| special(b))
    };
    if quote {
        buf.push(b'"');
        for &b in f {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(f);
    }
}

/// The bytes of a `tokens.csv` row that [`token_row`] lays out on the
/// stack: rows longer than this (a very long token or document id) take the
/// cell-by-cell path.
const ROW: usize = 256;

/// Copies `s` into `row` at `at`, returns where it ends. Up to 16 bytes (a
/// token, a tag, a number) as two copies of a fixed size that overlap, which
/// the compiler turns into a load and a store each, where a copy of a
/// length known only at run time is a call of `memcpy`.
#[inline(always)]
fn put(row: &mut [u8], at: usize, s: &[u8]) -> usize {
    let n = s.len();
    let end = at + n;
    if n > 16 {
        row[at..end].copy_from_slice(s);
    } else if n >= 8 {
        row[at..at + 8].copy_from_slice(&s[..8]);
        row[end - 8..end].copy_from_slice(&s[n - 8..]);
    } else if n >= 4 {
        row[at..at + 4].copy_from_slice(&s[..4]);
        row[end - 4..end].copy_from_slice(&s[n - 4..]);
    } else if n > 0 {
        row[at] = s[0];
        row[at + n / 2] = s[n / 2];
        row[end - 1] = s[n - 1];
    }
    end
}

/// Lays out one `tokens.csv` row in `row` — `prefix` (the quoted id, the
/// paragraph and the sentence), the numbers, the four text cells
/// neutralised unless `raw`, the tag, the terminator — and returns its
/// length; `None` when a cell or the tag must be quoted or the row might
/// not fit. What [`push_field`] and [`cell`] write of the same cells.
#[inline]
fn token_row(
    row: &mut [u8; ROW],
    prefix: &[u8],
    nums: [&[u8]; 3],
    cells: [&str; 4],
    tag: &str,
    raw: bool,
    term: &[u8],
) -> Option<usize> {
    // at most: 3 × (comma, 20 digits), 4 × (comma, `'`), comma, terminator
    let most = prefix.len()
        + 3 * 21
        + 4 * 2
        + cells.iter().map(|c| c.len()).sum::<usize>()
        + 1
        + tag.len()
        + term.len();
    let special = |b: &u8| matches!(b, b',' | b'"' | b'\r' | b'\n');
    if most > ROW
        || cells.iter().any(|c| c.as_bytes().iter().any(special))
        || tag.as_bytes().iter().any(special)
    {
        return None;
    }
    let mut at = put(row, 0, prefix);
    for n in nums {
        row[at] = b',';
        at = put(row, at + 1, n);
    }
    for c in cells {
        let c = c.as_bytes();
        row[at] = b',';
        at += 1;
        // the chars `cell` neutralises are ASCII: a first byte that is one
        // of them is that char
        if !raw
            && c.first()
                .is_some_and(|&b| matches!(b, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
        {
            row[at] = b'\'';
            at += 1;
        }
        at = put(row, at, c);
    }
    row[at] = b',';
    at = put(row, at + 1, tag.as_bytes());
    Some(put(row, at, term))
}

/// A number's decimal digits, kept from one row to the next: the token
/// index goes up by one a row (a digit changed, not a number formatted),
/// and a token's start is most often where the token before ended.
struct Digits {
    buf: [u8; 20],
    /// The digits are `buf[at..]`.
    at: usize,
    n: usize,
}

impl Digits {
    fn new(n: usize) -> Self {
        let mut d = Digits {
            buf: [0; 20],
            at: 0,
            n,
        };
        d.set(n);
        d
    }

    #[inline]
    fn set(&mut self, n: usize) {
        self.at = 20 - zhen_core::decimal(&mut self.buf, n).len();
        self.n = n;
    }

    /// The digits of `n + 1`.
    #[inline]
    fn incr(&mut self) {
        let Some(n) = self.n.checked_add(1) else {
            return self.set(0);
        };
        self.n = n;
        let mut i = 20;
        loop {
            i -= 1;
            if self.buf[i] != b'9' {
                self.buf[i] += 1;
                break;
            }
            self.buf[i] = b'0';
            if i == self.at {
                // 9…9 + 1: a 1 in front (`at` > 0: 20 nines are more than
                // usize::MAX)
                self.at -= 1;
                self.buf[self.at] = b'1';
                break;
            }
        }
        debug_assert_eq!(
            self.digits(),
            zhen_core::decimal(&mut [0; 20], n).as_bytes()
        );
    }

    #[inline]
    fn digits(&self) -> &[u8] {
        &self.buf[self.at..]
    }
}

/// The writer: BOM, terminator, header.
fn writer<W: Write>(mut out: W, opts: &CsvOptions, header: &[&str]) -> Result<Rows<W>> {
    if opts.excel {
        out.write_all("\u{feff}".as_bytes()).map_err(io)?;
    }
    let mut w = Rows::new(out, opts);
    w.write_record(header)?;
    Ok(w)
}

fn finish<W: Write>(w: Rows<W>) -> Result<W> {
    w.into_inner()
}

/// `tokens.csv`, one document at a time.
pub struct TokenTable<W: Write> {
    w: Rows<W>,
    opts: CsvOptions,
}

impl<W: Write> TokenTable<W> {
    /// Starts the table (BOM if asked, header).
    pub fn new(out: W, opts: &CsvOptions) -> Result<Self> {
        Ok(TokenTable {
            w: writer(out, opts, &TOKENS_HEADER)?,
            opts: *opts,
        })
    }

    /// Adds the tokens of a document.
    pub fn add(&mut self, doc: &Document) -> Result<()> {
        util::check(doc)?;
        self.add_part(doc, &Before::default())
    }

    /// Adds the tokens of a checked document that is a part of a whole one
    /// (`before` says what came before it).
    pub(crate) fn add_part(&mut self, doc: &Document, before: &Before) -> Result<()> {
        // tokens come in text order: counting chars from one to the next
        // costs less than indexing every char of the text
        let mut idx = CharCursor::new(&doc.text);
        let raw = self.opts.raw_cells;
        // the token index, start and end of the row
        let mut k = Digits::new(before.tokens);
        let (mut start, mut end) = (Digits::new(0), Digits::new(usize::MAX));
        let mut assigner = tags::Assigner::new(&doc.entities);
        // What `write_record` writes of the eleven cells, without a string
        // per number or a scan of the id per row: the document's id (the
        // same in every row) quoted once, and with the paragraph and
        // sentence numbers once per sentence (`prefix`); a row is then laid
        // out in `row` on the stack with copies of fixed sizes and goes to
        // the buffer in one copy ([`token_row`]), where the cells pushed one
        // after the other cost about a dozen calls of `memcpy` a token.
        let mut id = Vec::new();
        push_field(&mut id, &cell(&doc.id, raw));
        let mut prefix = Vec::new();
        let mut spans: Vec<Span> = Vec::new();
        let mut digits = [0u8; 20];
        let mut row = [0u8; ROW];
        let term: &[u8] = if self.w.crlf { b"\r\n" } else { b"\n" };
        for si in 0..doc.sentences.len() {
            let toks = doc.sentence_tokens(si);
            spans.clear();
            spans.extend(toks.iter().map(|t| t.span));
            let of = assigner.assign(&spans);
            let tags = tags::encode(self.opts.scheme, &of, &doc.entities);
            let para = before.paragraphs + doc.sentences[si].paragraph;
            let sent = before.sentences + si;
            prefix.clear();
            prefix.extend_from_slice(&id);
            for n in [para, sent] {
                prefix.push(b',');
                prefix.extend_from_slice(zhen_core::decimal(&mut digits, n).as_bytes());
            }
            for (t, tag) in toks.iter().zip(tags) {
                let (s, e) = idx.char_span(t.span);
                let (s, e) = (before.chars + s, before.chars + e);
                if s == end.n {
                    std::mem::swap(&mut start, &mut end);
                } else {
                    start.set(s);
                }
                end.set(e);
                let nums = [k.digits(), start.digits(), end.digits()];
                let cells = [&*t.text, &*t.norm, &*t.pos, &*t.upos];
                match token_row(&mut row, &prefix, nums, cells, &tag, raw, term) {
                    Some(n) => self.w.push_row(&row[..n])?,
                    None => {
                        // a cell to quote, or a row longer than `row`: the
                        // cells pushed one after the other
                        let buf = &mut self.w.buf;
                        buf.extend_from_slice(&prefix);
                        for n in nums {
                            buf.push(b',');
                            buf.extend_from_slice(n);
                        }
                        for f in cells {
                            buf.push(b',');
                            push_field(buf, &cell(f, raw));
                        }
                        buf.push(b',');
                        push_field(buf, &tag);
                        self.w.end_record()?;
                    }
                }
                k.incr();
            }
        }
        Ok(())
    }

    /// Flushes and returns the output.
    pub fn finish(self) -> Result<W> {
        finish(self.w)
    }
}

/// `entities.csv`, one document at a time.
pub struct EntityTable<W: Write> {
    // `None` only after a failed `append`
    w: Option<Rows<W>>,
    opts: CsvOptions,
}

/// A CSV writer without BOM or header.
fn rows_writer<W: Write>(out: W, opts: &CsvOptions) -> Rows<W> {
    Rows::new(out, opts)
}

impl<W: Write> EntityTable<W> {
    /// Starts the table (BOM if asked, header).
    pub fn new(out: W, opts: &CsvOptions) -> Result<Self> {
        Ok(EntityTable {
            w: Some(writer(out, opts, &ENTITIES_HEADER)?),
            opts: *opts,
        })
    }

    /// Starts a table of rows only — no BOM, no header — for the rows of
    /// one document that a corpus-wide table takes with
    /// [`EntityTable::append`] (workers write, one thread collects in order).
    pub fn rows(out: W, opts: &CsvOptions) -> Self {
        EntityTable {
            w: Some(rows_writer(out, opts)),
            opts: *opts,
        }
    }

    fn w(&mut self) -> Result<&mut Rows<W>> {
        self.w.as_mut().ok_or_else(|| {
            Error::Write(std::io::Error::other(
                "the entity table failed to write earlier",
            ))
        })
    }

    /// Appends the rows an [`EntityTable::rows`] table wrote.
    pub fn append(&mut self, rows: &[u8]) -> Result<()> {
        self.w()?;
        let mut out = finish(self.w.take().expect("checked above"))?;
        out.write_all(rows).map_err(io)?;
        self.w = Some(rows_writer(out, &self.opts));
        Ok(())
    }

    /// Adds the entities of a document, in order of their start.
    pub fn add(&mut self, doc: &Document) -> Result<()> {
        util::check(doc)?;
        self.add_part(doc, 0)
    }

    /// Adds the entities of a checked document that is a part of a whole
    /// one, `chars_before` chars into it.
    pub(crate) fn add_part(&mut self, doc: &Document, chars_before: usize) -> Result<()> {
        // entities in order of their start: chars counted from one to the
        // next (a few per document) instead of indexing every char of the
        // text
        let mut idx = CharCursor::new(&doc.text);
        let raw = self.opts.raw_cells;
        let mut order: Vec<_> = doc.entities.iter().collect();
        order.sort_by_key(|e| (e.span.start, e.span.end));
        // what `write_record` writes of the seven cells, with the id's cell
        // made once per document and a sentence's (`one_line`, the
        // neutralising `'`, the quoting) once per sentence, not once per
        // entity in it
        let mut id = Vec::new();
        push_field(&mut id, &cell(&doc.id, raw));
        // the sentence whose cell `sentence` holds (`usize::MAX`: none yet;
        // `usize::MAX - 1`: no sentence holds the entity, an empty cell)
        let mut sentence_of = usize::MAX;
        let mut sentence = Vec::new();
        let mut digits = [0u8; 20];
        let w = self.w()?;
        for e in order {
            let (s, t) = idx.char_span(e.span);
            let (s, t) = (chars_before + s, chars_before + t);
            let si = doc
                .sentences
                .partition_point(|x| x.span.start <= e.span.start);
            let holder = si
                .checked_sub(1)
                .filter(|&i| {
                    let sp = doc.sentences[i].span;
                    e.span.start < sp.end || sp.is_empty() && e.span.start == sp.start
                })
                .unwrap_or(usize::MAX - 1);
            if holder != sentence_of {
                sentence_of = holder;
                sentence.clear();
                let text = doc.sentences.get(holder).map_or(Cow::Borrowed(""), |x| {
                    util::one_line(&doc.text[x.span.range()])
                });
                push_field(&mut sentence, &cell(&text, raw));
            }
            let buf = &mut w.buf;
            buf.extend_from_slice(&id);
            for n in [s, t] {
                buf.push(b',');
                buf.extend_from_slice(zhen_core::decimal(&mut digits, n).as_bytes());
            }
            for f in [e.label.as_str(), &e.text, &e.norm] {
                buf.push(b',');
                push_field(buf, &cell(f, raw));
            }
            buf.push(b',');
            buf.extend_from_slice(&sentence);
            w.end_record()?;
        }
        Ok(())
    }

    /// Flushes and returns the output.
    pub fn finish(mut self) -> Result<W> {
        self.w()?;
        finish(self.w.take().expect("checked above"))
    }
}

/// One row of `errors.csv`: an input that failed, where, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorRow<'a> {
    /// The input (a path, `-` or `<stdin>`).
    pub input: &'a str,
    /// 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// Byte offset of the problem in the input, when known.
    pub byte_offset: Option<usize>,
    /// The message.
    pub error: &'a str,
}

/// `errors.csv`: `input,line,byte_offset,error`, one row per failed input,
/// with the same cell guard and options as the other tables (an input's
/// name is text a spreadsheet would otherwise run as a formula).
pub struct ErrorTable<W: Write> {
    w: Rows<W>,
    opts: CsvOptions,
}

impl<W: Write> ErrorTable<W> {
    /// Starts the table (BOM if asked, header).
    pub fn new(out: W, opts: &CsvOptions) -> Result<Self> {
        Ok(ErrorTable {
            w: writer(out, opts, &ERRORS_HEADER)?,
            opts: *opts,
        })
    }

    /// Adds a row.
    pub fn add(&mut self, row: &ErrorRow<'_>) -> Result<()> {
        let raw = self.opts.raw_cells;
        let num = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
        let (line, offset) = (num(row.line), num(row.byte_offset));
        let rec: [&str; 4] = [&cell(row.input, raw), &line, &offset, &cell(row.error, raw)];
        self.w.write_record(&rec)
    }

    /// Flushes and returns the output.
    pub fn finish(self) -> Result<W> {
        finish(self.w)
    }
}

/// Writes the `tokens.csv` of one document.
pub fn write_tokens<W: Write>(out: W, doc: &Document, opts: &CsvOptions) -> Result<W> {
    let mut t = TokenTable::new(out, opts)?;
    t.add(doc)?;
    t.finish()
}

/// [`write_tokens`] of a document [`util::check`] has passed.
pub(crate) fn write_tokens_checked(
    out: Vec<u8>,
    doc: &Document,
    opts: &CsvOptions,
) -> Result<Vec<u8>> {
    let mut t = TokenTable::new(out, opts)?;
    t.w.direct();
    t.add_part(doc, &Before::default())?;
    Ok(t.w.into_vec())
}

/// Writes the `entities.csv` of one document.
pub fn write_entities<W: Write>(out: W, doc: &Document, opts: &CsvOptions) -> Result<W> {
    let mut t = EntityTable::new(out, opts)?;
    t.add(doc)?;
    t.finish()
}

/// One row of `entity_counts.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityCount {
    /// The label.
    pub label: String,
    /// The most frequent original surface among those with the fewest
    /// whitespace chars (line breaks of wrapped or OCR'd text); ties: the smallest.
    pub entity: String,
    /// The normalized form, the grouping key with the label.
    pub simplified: String,
    /// Number of mentions.
    pub mentions: u64,
    /// Number of documents with at least one mention.
    pub documents: u64,
}

#[derive(Clone, Debug, Default)]
struct Group {
    mentions: u64,
    documents: u64,
    /// The number of the last document [`EntityCounter::add`] counted in
    /// `documents` (0: none since the group was made or merged in).
    last_document: u64,
    surfaces: FxHashMap<String, u64>,
}

impl Group {
    /// Counts one mention with the surface `text`.
    #[inline]
    fn mention(&mut self, text: &str) {
        self.mentions += 1;
        match self.surfaces.get_mut(text) {
            Some(n) => *n += 1,
            None => {
                self.surfaces.insert(text.to_string(), 1);
            }
        }
    }
}

/// Counts entity mentions across a corpus, grouped by label and normalized
/// form; feed it documents with [`add`](Self::add), then [`write`](Self::write)
/// `entity_counts.csv`. Counters of parts of a corpus can be [`merge`](Self::merge)d.
///
/// ```
/// use zhen_export::csv::{CsvOptions, EntityCounter};
/// let counter = EntityCounter::new();
/// let out = counter.write(Vec::new(), &CsvOptions::default()).unwrap();
/// assert_eq!(out, b"label,entity,simplified,mentions,documents\n");
/// ```
#[derive(Clone, Debug, Default)]
pub struct EntityCounter {
    /// label → normalized form → group: two maps, so that a mention is
    /// looked up by its borrowed label and form (a map keyed by a pair of
    /// `String`s needs the pair built, two copies, for every lookup), with
    /// FxHash, as the tokenizer's and the NER's maps of text have (short
    /// keys; SipHash's guard against chosen keys is not worth its cost here).
    groups: FxHashMap<String, FxHashMap<String, Group>>,
    /// The number of documents [`EntityCounter::add`] counted.
    documents: u64,
}

impl EntityCounter {
    /// An empty counter.
    pub fn new() -> Self {
        Self::default()
    }

    /// The group of a label and normalized form, made if missing.
    #[inline]
    fn group(&mut self, label: &str, norm: &str) -> &mut Group {
        // each map looked up by the borrowed key, a `String` made only for
        // a key not met before (`contains_key` first: the borrow checker
        // does not let a miss of `get_mut` go on to insert)
        if !self.groups.contains_key(label) {
            self.groups.insert(label.to_string(), FxHashMap::default());
        }
        let forms = self.groups.get_mut(label).expect("inserted above");
        if !forms.contains_key(norm) {
            forms.insert(norm.to_string(), Group::default());
        }
        forms.get_mut(norm).expect("inserted above")
    }

    /// Counts the entities of a document.
    pub fn add(&mut self, doc: &Document) {
        self.documents += 1;
        let n = self.documents;
        for e in &doc.entities {
            let g = self.group(e.label.as_str(), &e.norm);
            g.mention(&e.text);
            if g.last_document != n {
                g.last_document = n;
                g.documents += 1;
            }
        }
    }

    /// Counts the entities of a part of the one document this counter
    /// counts ([`DocWriter`](crate::DocWriter)): every name it meets is in
    /// one document, however many parts mention it.
    pub(crate) fn add_document_part(&mut self, doc: &Document) {
        for e in &doc.entities {
            let g = self.group(e.label.as_str(), &e.norm);
            g.mention(&e.text);
            g.documents = 1;
        }
    }

    /// Adds the counts of another counter (of other documents).
    pub fn merge(&mut self, other: EntityCounter) {
        for (label, forms) in other.groups {
            let mine = self.groups.entry(label).or_default();
            for (k, o) in forms {
                // a group new here takes no document number: the other
                // counter's numbers are not this one's
                let g = mine.entry(k).or_default();
                g.mentions += o.mentions;
                g.documents += o.documents;
                for (s, n) in o.surfaces {
                    *g.surfaces.entry(s).or_default() += n;
                }
            }
        }
    }

    /// The rows, in output order.
    pub fn rows(&self) -> Vec<EntityCount> {
        let mut rows: Vec<EntityCount> = self
            .groups
            .iter()
            .flat_map(|(label, forms)| {
                forms
                    .iter()
                    .map(move |(simplified, g)| (label, simplified, g))
            })
            .map(|(label, simplified, g)| {
                // the surface with the fewest whitespace chars (line breaks
                // and spaces of wrapped or OCR'd text) first, then the most
                // frequent, then the smallest
                let best = g
                    .surfaces
                    .iter()
                    .min_by_key(|(s, &n)| {
                        (
                            s.contains(char::is_whitespace),
                            std::cmp::Reverse(n),
                            s.as_str(),
                        )
                    })
                    .map(|(s, &n)| (s.as_str(), n))
                    .unwrap_or(("", 0));
                EntityCount {
                    label: label.clone(),
                    entity: best.0.to_string(),
                    simplified: simplified.clone(),
                    mentions: g.mentions,
                    documents: g.documents,
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            b.mentions
                .cmp(&a.mentions)
                .then_with(|| a.label.cmp(&b.label))
                .then_with(|| a.simplified.cmp(&b.simplified))
        });
        rows
    }

    /// Writes `entity_counts.csv`.
    pub fn write<W: Write>(&self, out: W, opts: &CsvOptions) -> Result<W> {
        let mut w = writer(out, opts, &COUNTS_HEADER)?;
        let raw = opts.raw_cells;
        for r in self.rows() {
            let (m, d) = (r.mentions.to_string(), r.documents.to_string());
            let rec: [&str; 5] = [
                &cell(&r.label, raw),
                &cell(&r.entity, raw),
                &cell(&r.simplified, raw),
                &m,
                &d,
            ];
            w.write_record(&rec)?;
        }
        finish(w)
    }
}

/// A row of `tokens.csv` as read (the `doc` and `token_index` columns aside).
struct TokenRow {
    paragraph: usize,
    sentence: usize,
    /// Char offsets.
    start: usize,
    end: usize,
    token: String,
    converted: String,
    pos: String,
    upos: String,
    ner: Tag,
}

/// Undoes the neutralising `'` of a cell.
fn uncell(s: &str, raw: bool) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if !raw && rest.starts_with(is_trigger) => rest,
        _ => s,
    }
}

/// Reads a `tokens.csv` (ours: the header names the columns, in any order)
/// back into documents, one per run of rows with the same `doc`. A cell
/// starting with `'` followed by `=`, `+`, `-`, `@`, TAB or CR loses the `'`
/// unless `opts.raw_cells`. Paragraphs get the language `und`.
pub fn read_tokens_str(input: &str, source: &str, opts: &CsvOptions) -> Result<Vec<Document>> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut r = ::csv::ReaderBuilder::new().from_reader(input.as_bytes());
    let header = r.headers().map_err(|e| Error::from_csv(e, source))?.clone();
    let mut col = HashMap::new();
    for name in TOKENS_HEADER {
        match header.iter().position(|h| h == name) {
            Some(i) => {
                col.insert(name, i);
            }
            None => {
                return Err(Error::parse(
                    source,
                    1,
                    1,
                    format!(
                        "the header has no column {name:?}; a tokens.csv needs {}",
                        TOKENS_HEADER.join(",")
                    ),
                ))
            }
        }
    }
    // per document: its id and rows
    let mut docs: Vec<(String, Vec<TokenRow>)> = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| Error::from_csv(e, source))?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let get = |name: &str| rec.get(col[name]).unwrap_or("");
        let num = |name: &str| -> Result<usize> {
            get(name).parse().map_err(|_| {
                Error::parse(
                    source,
                    line,
                    col[name] + 1,
                    format!(
                        "{name} {:?} is not a non-negative integer (field {})",
                        get(name),
                        col[name] + 1
                    ),
                )
            })
        };
        let tag = tags::parse_tag(get("ner")).ok_or_else(|| {
            Error::parse(
                source,
                line,
                col["ner"] + 1,
                format!(
                    "invalid NER tag {:?} (field {}): {}",
                    get("ner"),
                    col["ner"] + 1,
                    tags::TAG_HELP
                ),
            )
        })?;
        let id = uncell(get("doc"), opts.raw_cells).to_string();
        let text = |name: &str| uncell(get(name), opts.raw_cells).to_string();
        let row = TokenRow {
            paragraph: num("paragraph")?,
            sentence: num("sentence")?,
            start: num("start")?,
            end: num("end")?,
            token: text("token"),
            converted: text("converted"),
            pos: text("pos"),
            upos: text("upos"),
            ner: tag,
        };
        let prev = docs
            .last()
            .and_then(|d| d.1.last())
            .map(|r| (r.sentence, r.end));
        if let (Some((ps, pe)), Some(d)) = (prev, docs.last()) {
            if d.0 == id && (row.sentence < ps || row.start < pe) {
                return Err(Error::parse(
                    source,
                    line,
                    1,
                    "rows of a document must be in order of sentence and start (sort the table by doc, start)",
                ));
            }
        }
        if row.end < row.start || row.token.chars().count() != row.end - row.start {
            return Err(Error::parse(
                source,
                line,
                col["token"] + 1,
                format!(
                    "token {:?} is {} chars but start..end is {}..{}",
                    row.token,
                    row.token.chars().count(),
                    row.start,
                    row.end
                ),
            ));
        }
        match docs.last_mut() {
            Some(d) if d.0 == id => d.1.push(row),
            _ => docs.push((id, vec![row])),
        }
    }
    Ok(docs.into_iter().map(|(id, rows)| build(id, rows)).collect())
}

fn build(id: String, rows: Vec<TokenRow>) -> Document {
    let mut chars: Vec<char> = Vec::new();
    let mut prev_sent = None;
    for r in &rows {
        let fill = if prev_sent.is_some_and(|s| s != r.sentence) {
            '\n'
        } else {
            ' '
        };
        while chars.len() < r.start {
            chars.push(fill);
        }
        chars.extend(r.token.chars());
        prev_sent = Some(r.sentence);
    }
    let mut doc = Document::new(id, chars.iter().collect::<String>());
    let idx = CharIndex::new(&doc.text);
    let b = |s: usize, e: usize| idx.byte_span(s, e).expect("within the rebuilt text");
    // sentences and paragraphs: renumbered in order of appearance
    let mut i = 0;
    while i < rows.len() {
        let j = i + rows[i..]
            .iter()
            .take_while(|r| r.sentence == rows[i].sentence)
            .count();
        let span = b(rows[i].start, rows[j - 1].end);
        let new_para = i == 0 || rows[i - 1].paragraph != rows[i].paragraph;
        if new_para {
            doc.paragraphs.push(Paragraph {
                span,
                lang: "und".into(),
                script: Script::None,
            });
        } else {
            let p = doc.paragraphs.last_mut().unwrap();
            p.span = Span::new(p.span.start, span.end);
        }
        let si = doc.sentences.len();
        doc.sentences.push(Sentence {
            span,
            paragraph: doc.paragraphs.len() - 1,
        });
        let first = doc.tokens.len();
        for r in &rows[i..j] {
            doc.tokens.push(Token {
                span: b(r.start, r.end),
                text: r.token.clone(),
                norm: r.converted.clone(),
                pos: r.pos.clone(),
                upos: r.upos.clone(),
                sentence: si,
            });
        }
        let tags: Vec<Tag> = rows[i..j].iter().map(|r| r.ner.clone()).collect();
        for (a, z, label) in tags::decode(&tags) {
            let span = Span::new(
                doc.tokens[first + a].span.start,
                doc.tokens[first + z - 1].span.end,
            );
            push_entity(&mut doc, span, &label);
        }
        i = j;
    }
    doc
}

/// Reads a `tokens.csv` from disk.
pub fn read_tokens_path(path: impl AsRef<Path>, opts: &CsvOptions) -> Result<Vec<Document>> {
    let path = path.as_ref();
    read_tokens_str(&util::read_text(path)?, &path.display().to_string(), opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use zhen_core::{Entity, Label};

    /// The hand-written record writer writes what the csv crate's writer
    /// writes with the same settings, byte for byte: quoting, doubled
    /// quotes, line breaks in fields, empty fields, both terminators.
    #[test]
    fn rows_are_written_as_the_csv_crate_writes_them() {
        let fields = [
            "",
            "a",
            "中文",
            "a,b",
            "say \"hi\"",
            "\"",
            "line\nbreak",
            "cr\rhere",
            "\r\n",
            " lead",
            "tail ",
            "'=SUM(1)",
            "=1",
            "-3",
            "\t",
            "a\"\"b,",
            "\u{feff}x",
            "é,\"",
            // 32 bytes and more (checked in one pass without an early exit)
            "a sentence of thirty-two bytes!!",
            "a sentence of thirty-two bytes,!",
            "广州市派驻清远市连南县寨岗镇工作队的一个句子",
            "广州市派驻清远市连南县寨岗镇工作队的一个句子\"",
            "\n广州市派驻清远市连南县寨岗镇工作队的一个句子",
        ];
        let mut records: Vec<Vec<&str>> = vec![vec![""], vec!["", ""], vec![","], vec!["x"]];
        for (i, a) in fields.iter().enumerate() {
            records.push(vec![a]);
            for b in &fields[i..] {
                records.push(vec![a, b, "1"]);
            }
        }
        for crlf in [false, true] {
            let opts = CsvOptions {
                crlf,
                ..CsvOptions::default()
            };
            let mut ours = Rows::new(Vec::new(), &opts);
            let term = if crlf {
                ::csv::Terminator::CRLF
            } else {
                ::csv::Terminator::Any(b'\n')
            };
            let mut theirs = ::csv::WriterBuilder::new()
                .terminator(term)
                .flexible(true)
                .from_writer(Vec::new());
            for r in &records {
                ours.write_record(r).unwrap();
                theirs.write_record(r).unwrap();
            }
            let ours = String::from_utf8(ours.into_inner().unwrap()).unwrap();
            let theirs = String::from_utf8(theirs.into_inner().unwrap()).unwrap();
            assert_eq!(ours, theirs, "crlf {crlf}");
        }
    }

    /// `TokenTable::add_part` as it was before rows were laid out on the
    /// stack (every cell pushed to the buffer one after the other): the
    /// reference the rows of [`token_row`] are compared with.
    fn add_part_reference(t: &mut TokenTable<Vec<u8>>, doc: &Document, before: &Before) {
        let mut idx = CharCursor::new(&doc.text);
        let raw = t.opts.raw_cells;
        let mut k = before.tokens;
        let mut assigner = tags::Assigner::new(&doc.entities);
        let mut id = Vec::new();
        push_field(&mut id, &cell(&doc.id, raw));
        let mut spans: Vec<Span> = Vec::new();
        let mut digits = [0u8; 20];
        for si in 0..doc.sentences.len() {
            let toks = doc.sentence_tokens(si);
            spans.clear();
            spans.extend(toks.iter().map(|t| t.span));
            let of = assigner.assign(&spans);
            let tags = tags::encode(t.opts.scheme, &of, &doc.entities);
            let para = before.paragraphs + doc.sentences[si].paragraph;
            let sent = before.sentences + si;
            for (tok, tag) in toks.iter().zip(tags) {
                let (s, e) = idx.char_span(tok.span);
                let (s, e) = (before.chars + s, before.chars + e);
                let buf = &mut t.w.buf;
                buf.extend_from_slice(&id);
                for n in [para, sent, k, s, e] {
                    buf.push(b',');
                    buf.extend_from_slice(zhen_core::decimal(&mut digits, n).as_bytes());
                }
                for f in [&tok.text, &tok.norm, &tok.pos, &tok.upos] {
                    buf.push(b',');
                    push_field(buf, &cell(f, raw));
                }
                buf.push(b',');
                push_field(buf, &tag);
                t.w.end_record().unwrap();
                k += 1;
            }
        }
    }

    /// Cells that test every rule: quotes, commas, CR and LF (quoted), the
    /// chars a formula starts with (neutralised unless raw), an empty cell,
    /// cells of 1 to 17 bytes (each size of [`put`]'s copies) and cells that
    /// make a row longer than [`ROW`].
    fn cell_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "",
            "a",
            "中",
            "文字",
            "\"",
            ",",
            "\r",
            "\n",
            "=",
            "+",
            "-",
            "@",
            "\t",
            "'",
            " ",
            "é",
            "1",
            "😀",
            "=SUM(A1,B2)",
            "-3",
            "@x",
            "abcdefgh",
            "广州市派驻清远市",
        ]);
        prop_oneof![
            8 => prop::collection::vec(pieces, 0..6).prop_map(|v| v.concat()),
            1 => "[a-z]{0,17}",
            1 => "[中文字]{80,100}",
        ]
    }

    /// A document of `sentences` (each a list of token cells: surface,
    /// converted, pos, upos), a paragraph every `para_every` sentences,
    /// a space after a token of an odd number of bytes, entities over the
    /// given token ranges.
    fn token_doc(
        id: &str,
        sentences: &[Vec<[String; 4]>],
        para_every: usize,
        ents: &[(usize, usize, String)],
    ) -> Document {
        let mut d = Document::new(id, "");
        for (si, toks) in sentences.iter().enumerate() {
            let start = d.text.len();
            if si % para_every == 0 {
                d.paragraphs.push(Paragraph {
                    span: Span::new(start, start),
                    lang: "zh".into(),
                    script: Script::None,
                });
            }
            for [text, norm, pos, upos] in toks {
                let s = d.text.len();
                d.text.push_str(text);
                d.tokens.push(Token {
                    span: Span::new(s, d.text.len()),
                    text: text.clone(),
                    norm: norm.clone(),
                    pos: pos.clone(),
                    upos: upos.clone(),
                    sentence: si,
                });
                // tokens apart and tokens side by side (a token starting
                // where the one before ended)
                if text.len() % 2 == 1 {
                    d.text.push(' ');
                }
            }
            let span = Span::new(start, d.text.len());
            d.sentences.push(Sentence {
                span,
                paragraph: d.paragraphs.len() - 1,
            });
            let p = d.paragraphs.last_mut().unwrap();
            p.span = Span::new(p.span.start, span.end);
        }
        let n = d.tokens.len();
        for (a, b, label) in ents {
            if n == 0 {
                break;
            }
            let (a, b) = (a % n, b % n);
            let (a, b) = (a.min(b), a.max(b));
            let span = Span::new(d.tokens[a].span.start, d.tokens[b].span.end);
            let text = d.text[span.range()].to_string();
            d.entities.push(Entity {
                span,
                label: Label::new(label),
                norm: text.clone(),
                text,
            });
        }
        d
    }

    proptest::proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Rows laid out on the stack are byte for byte the rows the cell by
        /// cell writer wrote: every quoting and neutralising rule, both
        /// terminators, raw cells, every scheme, a part after others.
        #[test]
        fn token_rows_are_written_as_before(
            id in cell_text(),
            sentences in prop::collection::vec(
                prop::collection::vec(
                    (cell_text(), cell_text(), "[a-z=,\"-]{0,3}", "[A-Z]{0,5}")
                        .prop_map(|(a, b, c, d)| [a, b, c, d]),
                    0..6,
                ),
                0..5,
            ),
            para_every in 1usize..3,
            ents in prop::collection::vec((0usize..30, 0usize..30, "[A-Z,\"=]{1,4}"), 0..4),
            crlf: bool,
            raw_cells: bool,
            scheme in prop::sample::select(vec![Scheme::Iob1, Scheme::Iob2, Scheme::Bioes]),
            before in (0usize..3, 0usize..100_000, 0usize..5, prop_oneof![
                0usize..20,
                90usize..100,
                990usize..1000,
                99_999_980usize..100_000_000,
                0usize..1_000_000_000_000,
            ]),
        ) {
            let d = token_doc(&id, &sentences, para_every, &ents);
            let opts = CsvOptions { crlf, raw_cells, scheme, excel: false };
            let before = Before {
                paragraphs: before.0,
                sentences: before.1,
                chars: before.2 + before.3,
                tokens: before.3,
                ..Before::default()
            };
            let mut ours = TokenTable::new(Vec::new(), &opts).unwrap();
            ours.add_part(&d, &before).unwrap();
            let mut theirs = TokenTable::new(Vec::new(), &opts).unwrap();
            add_part_reference(&mut theirs, &d, &before);
            let (ours, theirs) = (ours.finish().unwrap(), theirs.finish().unwrap());
            proptest::prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs).unwrap());
            // a whole document written straight into an output buffer (BOM
            // or not) that already holds something
            let opts = CsvOptions { excel: raw_cells != crlf, ..opts };
            let ours = write_tokens_checked(b"x".to_vec(), &d, &opts).unwrap();
            let mut theirs = TokenTable::new(b"x".to_vec(), &opts).unwrap();
            add_part_reference(&mut theirs, &d, &Before::default());
            let theirs = theirs.finish().unwrap();
            proptest::prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs).unwrap());
        }
    }

    fn doc_with(id: &str, ents: &[(&str, &str, &str)]) -> Document {
        // entities: (label, surface, norm) laid out one after another
        let mut d = Document::new(id, "");
        for (label, text, norm) in ents {
            let s = d.text.len();
            d.text.push_str(text);
            d.entities.push(Entity {
                span: Span::new(s, d.text.len()),
                label: Label::new(label),
                text: text.to_string(),
                norm: norm.to_string(),
            });
        }
        d
    }

    #[test]
    fn counts_group_by_label_and_simplified_form() {
        let mut c = EntityCounter::new();
        c.add(&doc_with(
            "a",
            &[
                ("PER", "張學友", "张学友"),
                ("PER", "张学友", "张学友"),
                ("LOC", "北京", "北京"),
            ],
        ));
        c.add(&doc_with(
            "b",
            &[("PER", "張學友", "张学友"), ("ORG", "北京", "北京")],
        ));
        c.add(&doc_with(
            "c",
            &[("LOC", "臺灣", "台湾"), ("LOC", "台灣", "台湾")],
        ));
        let out = String::from_utf8(c.write(Vec::new(), &CsvOptions::default()).unwrap()).unwrap();
        assert_eq!(
            out,
            "label,entity,simplified,mentions,documents\n\
             PER,張學友,张学友,3,2\n\
             LOC,台灣,台湾,2,1\n\
             LOC,北京,北京,1,1\n\
             ORG,北京,北京,1,1\n"
        );
    }

    /// A mention counts its document once, whatever the order of adds and
    /// merges: a group merged in from another counter is not taken for
    /// one this counter's current document already counted.
    #[test]
    fn documents_are_counted_once_across_adds_and_merges() {
        let a = doc_with("a", &[("PER", "王", "王"), ("PER", "王", "王")]);
        let b = doc_with("b", &[("PER", "王", "王"), ("LOC", "京", "京")]);
        let mut one = EntityCounter::new();
        one.add(&a);
        let mut other = EntityCounter::new();
        other.add(&b);
        other.add(&b);
        one.merge(other);
        one.add(&b);
        let out =
            String::from_utf8(one.write(Vec::new(), &CsvOptions::default()).unwrap()).unwrap();
        assert_eq!(
            out,
            "label,entity,simplified,mentions,documents\n\
             PER,王,王,5,4\n\
             LOC,京,京,3,3\n"
        );
        // a group first met in a merge, then in an add
        let mut fresh = EntityCounter::new();
        fresh.add(&a);
        let mut other = EntityCounter::new();
        other.add(&b);
        fresh.merge(other);
        fresh.add(&doc_with("c", &[("LOC", "京", "京")]));
        assert_eq!(
            fresh
                .rows()
                .iter()
                .map(|r| (r.label.as_str(), r.mentions, r.documents))
                .collect::<Vec<_>>(),
            [("PER", 3, 2), ("LOC", 2, 2)]
        );
    }

    /// `EntityTable::add_part` as it was before the rows were laid out by
    /// hand (a sentence's cell once per sentence): every cell through
    /// `write_record`, the sentence made again for every entity.
    fn entity_rows_reference(t: &mut EntityTable<Vec<u8>>, doc: &Document, chars_before: usize) {
        let mut idx = CharCursor::new(&doc.text);
        let raw = t.opts.raw_cells;
        let mut order: Vec<_> = doc.entities.iter().collect();
        order.sort_by_key(|e| (e.span.start, e.span.end));
        for e in order {
            let (s, tt) = idx.char_span(e.span);
            let (s, tt) = (chars_before + s, chars_before + tt);
            let si = doc
                .sentences
                .partition_point(|x| x.span.start <= e.span.start);
            let sentence = si
                .checked_sub(1)
                .map(|i| doc.sentences[i].span)
                .filter(|sp| e.span.start < sp.end || sp.is_empty() && e.span.start == sp.start)
                .map_or(Cow::Borrowed(""), |sp| {
                    util::one_line(&doc.text[sp.range()])
                });
            let (ss, ts) = (s.to_string(), tt.to_string());
            let rec: [&str; 7] = [
                &cell(&doc.id, raw),
                &ss,
                &ts,
                &cell(e.label.as_str(), raw),
                &cell(&e.text, raw),
                &cell(&e.norm, raw),
                &cell(&sentence, raw),
            ];
            t.w().unwrap().write_record(&rec).unwrap();
        }
    }

    proptest::proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// `entities.csv` rows are byte for byte those of the writer before:
        /// quoting and neutralising of every cell, sentences with control
        /// chars and line breaks, several entities in a sentence, entities
        /// outside any sentence, both terminators, raw cells, offsets after
        /// other parts.
        #[test]
        fn entity_rows_are_written_as_before(
            id in cell_text(),
            sentences in prop::collection::vec(
                prop::collection::vec(
                    (cell_text(), cell_text(), Just(String::new()), Just(String::new()))
                        .prop_map(|(a, b, c, d)| [a, b, c, d]),
                    0..6,
                ),
                0..5,
            ),
            para_every in 1usize..3,
            ents in prop::collection::vec((0usize..30, 0usize..30, "[A-Z,\"=]{1,4}"), 0..6),
            drop_sentence in prop::option::of(0usize..5),
            crlf: bool,
            raw_cells: bool,
            chars_before in 0usize..100_000,
        ) {
            let mut d = token_doc(&id, &sentences, para_every, &ents);
            // an entity whose start no sentence holds
            if let Some(i) = drop_sentence.filter(|&i| i < d.sentences.len()) {
                d.sentences.remove(i);
            }
            let opts = CsvOptions { crlf, raw_cells, ..CsvOptions::default() };
            let mut ours = EntityTable::rows(Vec::new(), &opts);
            ours.add_part(&d, chars_before).unwrap();
            let mut theirs = EntityTable::rows(Vec::new(), &opts);
            entity_rows_reference(&mut theirs, &d, chars_before);
            let (ours, theirs) = (ours.finish().unwrap(), theirs.finish().unwrap());
            proptest::prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs).unwrap());
        }
    }

    #[test]
    fn error_rows_are_guarded_like_every_cell() {
        let mut t = ErrorTable::new(Vec::new(), &CsvOptions::default()).unwrap();
        t.add(&ErrorRow {
            input: "=HYPERLINK(\"x\").txt",
            line: Some(3),
            byte_offset: Some(17),
            error: "bad byte",
        })
        .unwrap();
        t.add(&ErrorRow {
            input: "b.txt",
            line: None,
            byte_offset: None,
            error: "-cannot read",
        })
        .unwrap();
        assert_eq!(
            String::from_utf8(t.finish().unwrap()).unwrap(),
            "input,line,byte_offset,error\n\"'=HYPERLINK(\"\"x\"\").txt\",3,17,bad byte\nb.txt,,,'-cannot read\n"
        );
    }

    #[test]
    fn cells_are_neutralised_unless_raw() {
        assert_eq!(cell("=SUM(1)", false), "'=SUM(1)");
        assert_eq!(cell("-3", false), "'-3");
        assert_eq!(cell("@x", false), "'@x");
        assert_eq!(cell("\tx", false), "'\tx");
        assert_eq!(cell("a=b", false), "a=b");
        assert_eq!(cell("=x", true), "=x");
        assert_eq!(uncell("'=x", false), "=x");
        assert_eq!(uncell("'quoted'", false), "'quoted'");
        let c = EntityCounter::new();
        let out = c
            .write(
                Vec::new(),
                &CsvOptions {
                    excel: true,
                    crlf: true,
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(
            out,
            "\u{feff}label,entity,simplified,mentions,documents\r\n".as_bytes()
        );
    }

    #[test]
    fn reader_errors_name_line_and_field() {
        let h = TOKENS_HEADER.join(",");
        let e = |body: &str| {
            read_tokens_str(&format!("{h}\n{body}"), "t.csv", &CsvOptions::default())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e("d,0,0,0,0,1,a,a,,,X-PER\n"),
            "t.csv:2:11: invalid NER tag \"X-PER\" (field 11): expected O or B-, I-, E-, S- followed by a label (e.g. B-PER)"
        );
        assert_eq!(
            e("d,0,0,0,0,2,a,a,,,O\n"),
            "t.csv:2:7: token \"a\" is 1 chars but start..end is 0..2"
        );
        assert_eq!(
            e("d,0,0,0,0,1,a\n"),
            "t.csv:2:1: 7 fields, but the header has 11; quote fields that contain commas"
        );
        assert_eq!(
            read_tokens_str("doc,start\n", "t.csv", &CsvOptions::default()).unwrap_err().to_string(),
            "t.csv:1:1: the header has no column \"paragraph\"; a tokens.csv needs doc,paragraph,sentence,token_index,start,end,token,converted,pos,upos,ner"
        );
    }
}
