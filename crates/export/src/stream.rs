//! Writing one document that arrives in parts: [`DocWriter`].
//!
//! A document of hundreds of megabytes is annotated a part at a time (a
//! stretch of paragraphs or sentences), so that no stage ever holds the
//! tokens of the whole of it. [`DocWriter`] takes those parts in order and
//! writes the document in any number of formats as it goes, byte for byte
//! what the one-document writers ([`write_document`](crate::write_document))
//! write for the whole: offsets are counted from the start of the whole
//! text, sentence, paragraph, token and entity numbers run on across parts,
//! and a paragraph cut by a part boundary is one paragraph. What the
//! formats need only at the end — JSONL's paragraphs, sentences and tokens
//! come before its entities, after the document's language — is kept small
//! (spans, counts) or spooled ([`DocWriter::spool`]). Memory is bounded by
//! the part, whatever the document.

use std::collections::BTreeMap;
use std::io::{Read, Seek, Write};

use zhen_core::{lang_tag, Document, Script, Stats};

use crate::csv::{EntityCounter, EntityTable, TokenTable};
use crate::jsonl::{DoccanoParts, JsonlParts};
use crate::util::{self, io};
use crate::{brat, conll, conllu, Error, Format, Result, WriteOptions};

/// What came before the part being written, in the whole document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Before {
    /// Chars of the whole text before the part.
    pub chars: usize,
    /// The index of the part's first paragraph in the whole document.
    pub paragraphs: usize,
    /// Sentences before the part.
    pub sentences: usize,
    /// Sentences with tokens before the part (CoNLL-U numbers only those).
    pub sentences_written: usize,
    /// Tokens before the part.
    pub tokens: usize,
    /// Entities before the part.
    pub entities: usize,
    /// The char that follows the part's text in the whole text.
    pub next: Option<char>,
}

/// A place to keep JSONL's tokens until the end of the document: a file for
/// a large document (without one, [`DocWriter`] keeps them in memory).
pub trait Spool: Read + Write + Seek + Send {}
impl<T: Read + Write + Seek + Send> Spool for T {}

/// A paragraph of the whole document, in chars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParaRec {
    pub start: usize,
    pub end: usize,
    pub lang: String,
    pub script: Script,
    /// Chars per language (without the script) of the pieces it was made
    /// of, when a part boundary cut it.
    pieces: Vec<(String, usize)>,
}

impl ParaRec {
    /// The paragraph continued by `next`, the first paragraph of the next
    /// part: one span, the scripts combined, the language covering most
    /// chars.
    fn merge(&mut self, next: ParaRec) {
        if self.pieces.is_empty() {
            self.pieces.push((base(&self.lang), self.end - self.start));
        }
        self.pieces.push((base(&next.lang), next.end - next.start));
        self.end = next.end;
        self.script = match (self.script, next.script) {
            (a, b) if a == b => a,
            (Script::None, b) => b,
            (a, Script::None) => a,
            _ => Script::Mixed,
        };
        let mut best: Option<(&str, usize)> = None;
        let mut tally: Vec<(&str, usize)> = Vec::new();
        for (l, n) in &self.pieces {
            match tally.iter_mut().find(|(k, _)| k == l) {
                Some((_, m)) => *m += n,
                None => tally.push((l, *n)),
            }
        }
        for (l, n) in tally {
            if best.is_none_or(|(_, m)| n > m) {
                best = Some((l, n));
            }
        }
        self.lang = lang_tag(best.map_or("und", |b| b.0), self.script);
    }
}

fn base(lang: &str) -> String {
    lang.split('-').next().unwrap_or("und").to_string()
}

enum Sink<W: Write> {
    Conll(W),
    Conllu(W),
    Csv(Box<TokenTable<W>>),
    Jsonl(JsonlParts<W>),
    Doccano(DoccanoParts<W>),
    Brat { txt: W, ann: W },
}

/// What [`DocWriter::finish`] hands back.
pub struct Finished<W> {
    /// The writers of each format added, in order, as given to
    /// [`DocWriter::add`].
    pub outputs: Vec<(Format, Vec<W>)>,
    /// The document's counts, language and script, as
    /// [`Document::stats`] gives them for the whole document.
    pub stats: Stats,
    /// Its entity mentions, for `entity_counts.csv` (merge into a
    /// corpus-wide counter).
    pub counter: EntityCounter,
    /// Its `entities.csv` rows (no header), when [`DocWriter::entity_rows`]
    /// asked for them: for a corpus-wide [`EntityTable::append`].
    pub entity_rows: Option<Vec<u8>>,
}

/// Writes one document, arriving in parts, in any number of formats: byte
/// for byte what [`write_document`](crate::write_document) writes for the
/// whole document, with offsets and sentence, paragraph, token and entity
/// numbers running on across parts.
///
/// ```
/// use zhen_core::{Document, Entity, Label, Paragraph, Script, Sentence, Span, Token};
/// use zhen_export::{write_document, DocWriter, Format, WriteOptions};
///
/// // one paragraph cut in two parts after its first sentence
/// fn part(text: &str, ents: &[(usize, usize)]) -> Document {
///     let mut d = Document::new("d", text);
///     let span = Span::new(0, text.len());
///     d.paragraphs.push(Paragraph { span, lang: "zh-Hans".into(), script: Script::Hans });
///     d.sentences.push(Sentence { span, paragraph: 0 });
///     for &(s, e) in ents {
///         d.entities.push(Entity { span: Span::new(s, e), label: Label::Per,
///             text: text[s..e].into(), norm: text[s..e].into() });
///     }
///     d
/// }
/// let (a, b) = (part("王小明来了。", &[(0, 9)]), part("李四也来了。", &[(0, 6)]));
/// let mut w = DocWriter::new("d", &WriteOptions::default());
/// w.add(Format::Brat, vec![Vec::new(), Vec::new()]).unwrap();
/// w.part(&a, false, Some('李')).unwrap();
/// w.part(&b, true, None).unwrap();
/// let done = w.finish().unwrap();
/// let files = &done.outputs[0].1;
/// assert_eq!(files[0], "王小明来了。李四也来了。".as_bytes());
/// assert_eq!(String::from_utf8_lossy(&files[1]), "T1\tPER 0 3\t王小明\nT2\tPER 6 8\t李四\n");
/// assert_eq!((done.stats.paragraphs, done.stats.sentences, done.stats.entities), (1, 2, 2));
/// ```
pub struct DocWriter<W: Write> {
    id: String,
    opts: WriteOptions,
    sinks: Vec<(Format, Sink<W>)>,
    spool: Option<Box<dyn Spool>>,
    entity_rows: Option<EntityTable<Vec<u8>>>,
    before: Before,
    parts: usize,
    paragraphs: Vec<ParaRec>,
    sentences: Vec<(usize, usize)>,
    labels: BTreeMap<String, usize>,
    counter: EntityCounter,
}

impl<W: Write> DocWriter<W> {
    /// A writer of the document `id` in no format yet.
    pub fn new(id: &str, opts: &WriteOptions) -> Self {
        DocWriter {
            id: id.to_string(),
            opts: *opts,
            sinks: Vec::new(),
            spool: None,
            entity_rows: None,
            before: Before::default(),
            parts: 0,
            paragraphs: Vec::new(),
            sentences: Vec::new(),
            labels: BTreeMap::new(),
            counter: EntityCounter::new(),
        }
    }

    /// Where JSONL keeps its tokens until the end (default: memory). Give a
    /// temporary file for a large document.
    pub fn spool(&mut self, spool: Box<dyn Spool>) {
        self.spool = Some(spool);
    }

    /// Also collects the document's `entities.csv` rows (no header) in
    /// [`Finished::entity_rows`].
    pub fn entity_rows(&mut self) {
        self.entity_rows = Some(EntityTable::rows(Vec::new(), &self.opts.csv));
    }

    /// Writes the document in `format` too, to `outs`: one writer per file
    /// of [`Format::extensions`] (brat: the text, then the annotations).
    /// Add formats before the first part.
    pub fn add(&mut self, format: Format, outs: Vec<W>) -> Result<()> {
        let want = format.extensions().len();
        if outs.len() != want || self.parts > 0 {
            return Err(Error::InvalidDocument {
                id: self.id.clone(),
                message: format!(
                    "DocWriter::add({format}) takes {want} writer(s) before the first part, got {} after {} part(s)",
                    outs.len(),
                    self.parts
                ),
            });
        }
        let mut outs = outs.into_iter();
        let mut one = || outs.next().expect("counted above");
        let sink =
            match format {
                Format::Conll => {
                    let mut out = one();
                    conll::write_header(&mut out)?;
                    Sink::Conll(out)
                }
                Format::Conllu => Sink::Conllu(one()),
                Format::Csv => Sink::Csv(Box::new(TokenTable::new(one(), &self.opts.csv)?)),
                Format::Jsonl => Sink::Jsonl(JsonlParts::new(one(), &self.id, self.spool.take())?),
                Format::Doccano => Sink::Doccano(DoccanoParts::new(one(), &self.id)?),
                Format::Brat => {
                    let txt = one();
                    Sink::Brat { txt, ann: one() }
                }
                Format::Html => return Err(Error::InvalidDocument {
                    id: self.id.clone(),
                    message:
                        "the HTML view is written for documents annotated whole, not a part at a \
                              time (too large for a browser page); write this one without html"
                            .into(),
                }),
            };
        self.sinks.push((format, sink));
        Ok(())
    }

    /// Writes the next part: a document whose text is the next piece of the
    /// whole text (parts joined give the whole text), its spans relative to
    /// that piece. `continues`: its first paragraph goes on from the last
    /// paragraph of the part before (the part boundary cut a paragraph).
    /// `next`: the first char of the next part, if any.
    pub fn part(&mut self, doc: &Document, continues: bool, next: Option<char>) -> Result<()> {
        util::check(doc)?;
        let mut before = self.before;
        before.next = next;
        let merge = continues && !self.paragraphs.is_empty() && !doc.paragraphs.is_empty();
        before.paragraphs = self.paragraphs.len() - usize::from(merge);
        let idx = zhen_core::CharIndex::new(&doc.text);
        for (_, sink) in &mut self.sinks {
            let conll = &self.opts.conll;
            match sink {
                Sink::Conll(out) => conll::write_sentences(out, doc, conll)?,
                Sink::Conllu(out) => {
                    conllu::write_part(out, doc, &self.opts.conllu, &mut before.clone())?
                }
                Sink::Csv(table) => table.add_part(doc, &before)?,
                Sink::Jsonl(j) => j.part(doc, &idx, &before)?,
                Sink::Doccano(d) => d.part(doc, &idx, &before)?,
                Sink::Brat { txt, ann } => {
                    txt.write_all(doc.text.as_bytes()).map_err(io)?;
                    brat::write_ann_part(ann, doc, &before)?;
                }
            }
        }
        if let Some(rows) = &mut self.entity_rows {
            rows.add_part(doc, before.chars)?;
        }
        // the whole document's paragraphs, sentences and counts
        for (i, p) in doc.paragraphs.iter().enumerate() {
            let (start, end) = idx.char_span(p.span);
            let rec = ParaRec {
                start: before.chars + start,
                end: before.chars + end,
                lang: p.lang.clone(),
                script: p.script,
                pieces: Vec::new(),
            };
            match self.paragraphs.last_mut() {
                Some(last) if merge && i == 0 => last.merge(rec),
                _ => self.paragraphs.push(rec),
            }
        }
        if self.sinks.iter().any(|(f, _)| *f == Format::Jsonl) {
            for s in &doc.sentences {
                let (start, end) = idx.char_span(s.span);
                self.sentences
                    .push((before.chars + start, before.chars + end));
            }
        }
        for e in &doc.entities {
            *self.labels.entry(e.label.to_string()).or_default() += 1;
        }
        self.counter.add_document_part(doc);
        self.before.chars += idx.char_len();
        self.before.sentences += doc.sentences.len();
        self.before.sentences_written += (0..doc.sentences.len())
            .filter(|&i| !doc.sentence_tokens(i).is_empty())
            .count();
        self.before.tokens += doc.tokens.len();
        self.before.entities += doc.entities.len();
        self.parts += 1;
        Ok(())
    }

    /// Ends the document: flushes what each format kept for the end, and
    /// returns the writers with the document's stats.
    pub fn finish(self) -> Result<Finished<W>> {
        let (lang, script) = Stats::lang_and_script(
            self.paragraphs
                .iter()
                .map(|p| (p.lang.as_str(), p.script, p.end - p.start)),
        );
        let stats = Stats {
            chars: self.before.chars,
            paragraphs: self.paragraphs.len(),
            sentences: self.before.sentences,
            tokens: self.before.tokens,
            entities: self.before.entities,
            labels: self.labels,
            lang,
            script,
        };
        let mut outputs = Vec::with_capacity(self.sinks.len());
        for (format, sink) in self.sinks {
            let outs = match sink {
                Sink::Conll(out) | Sink::Conllu(out) => vec![out],
                Sink::Csv(table) => vec![table.finish()?],
                Sink::Jsonl(j) => vec![j.finish(&stats, &self.paragraphs, &self.sentences)?],
                Sink::Doccano(d) => vec![d.finish()?],
                Sink::Brat { txt, ann } => vec![txt, ann],
            };
            outputs.push((format, outs));
        }
        let entity_rows = match self.entity_rows {
            Some(t) => Some(t.finish()?),
            None => None,
        };
        Ok(Finished {
            outputs,
            stats,
            counter: self.counter,
            entity_rows,
        })
    }
}
