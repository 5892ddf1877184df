//! `zhen.Doc` and its parts. A `Doc` owns the annotated Rust document; the
//! Python objects of its tokens, entities, sentences and paragraphs are made
//! on first access (so `nlp.pipe` pays only for what is read), with char
//! (code point) offsets — Python `str` indices into `doc.text`.

use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyList, PyString, PyType};
use zhen::core::CharIndex;
use zhen::export::{self, Scheme};
use zhen::Document;

use crate::errors::{export_failure, Failure, Kind};

/// A token (a word, a number, a punctuation mark) of a :class:`Doc`.
///
/// ``doc.text[token.start:token.end] == token.text``.
#[pyclass(frozen, get_all, eq, module = "zhen")]
#[derive(PartialEq)]
pub struct Token {
    /// Char offset of the first character in ``doc.text``.
    start: usize,
    /// Char offset after the last character.
    end: usize,
    /// The original surface (in the original script).
    text: String,
    /// The form the models saw: simplified (with ``convert="t2s"``), cleaned.
    norm: String,
    /// Language-specific part of speech: a jieba tag (Chinese) or Penn Treebank tag (English).
    pos: String,
    /// Universal POS tag (UD v2).
    upos: String,
    /// Index of its sentence in ``doc.sentences``.
    sentence: usize,
}

#[pymethods]
impl Token {
    fn __repr__(&self) -> String {
        format!(
            "Token(start={}, end={}, text={:?}, norm={:?}, pos={:?}, upos={:?})",
            self.start, self.end, self.text, self.norm, self.pos, self.upos
        )
    }
}

/// A named entity of a :class:`Doc`.
///
/// ``doc.text[entity.start:entity.end] == entity.text``.
#[pyclass(frozen, get_all, eq, module = "zhen")]
#[derive(PartialEq)]
pub struct Entity {
    /// Char offset of the first character in ``doc.text``.
    start: usize,
    /// Char offset after the last character.
    end: usize,
    /// ``"PER"``, ``"LOC"``, ``"ORG"`` (and ``"MISC"`` for English).
    label: String,
    /// The original surface (in the original script).
    text: String,
    /// The normalized (simplified, cleaned) form: the key to count mentions by.
    norm: String,
}

#[pymethods]
impl Entity {
    fn __repr__(&self) -> String {
        format!(
            "Entity(start={}, end={}, label={:?}, text={:?}, norm={:?})",
            self.start, self.end, self.label, self.text, self.norm
        )
    }
}

/// A sentence of a :class:`Doc`.
#[pyclass(frozen, get_all, eq, module = "zhen")]
#[derive(PartialEq)]
pub struct Sentence {
    /// Char offset of the first character in ``doc.text``.
    start: usize,
    /// Char offset after the last character.
    end: usize,
    /// ``doc.text[start:end]``.
    text: String,
    /// Index of its paragraph in ``doc.paragraphs``.
    paragraph: usize,
}

#[pymethods]
impl Sentence {
    fn __repr__(&self) -> String {
        format!(
            "Sentence(start={}, end={}, text={:?}, paragraph={})",
            self.start, self.end, self.text, self.paragraph
        )
    }
}

/// A paragraph of a :class:`Doc`, with its language and script.
#[pyclass(frozen, get_all, eq, module = "zhen")]
#[derive(PartialEq)]
pub struct Paragraph {
    /// Char offset of the first character in ``doc.text``.
    start: usize,
    /// Char offset after the last character.
    end: usize,
    /// ``doc.text[start:end]``.
    text: String,
    /// ``"zh-Hans"``, ``"zh-Hant"``, ``"en"``, another ISO 639-3 code, or ``"und"``.
    lang: String,
    /// Script of its Chinese characters: ``"Hans"``, ``"Hant"``, ``"Mixed"`` or ``"None"``.
    script: String,
}

#[pymethods]
impl Paragraph {
    fn __repr__(&self) -> String {
        format!(
            "Paragraph(start={}, end={}, lang={:?}, script={:?}, text={:?})",
            self.start, self.end, self.lang, self.script, self.text
        )
    }
}

/// An annotated document: the original text, its paragraphs, sentences,
/// tokens and entities, every offset a char offset into ``text``.
///
/// Made by calling a :class:`Pipeline`. The exporters give the same bytes
/// as the ``zhen annotate`` files (``to_json``: the ``.jsonl`` line,
/// ``to_conllu``: the ``.conllu`` file, …).
#[pyclass(frozen, module = "zhen")]
pub struct Doc {
    doc: Document,
    index: OnceLock<CharIndex>,
    json: OnceLock<Result<Vec<u8>, Failure>>,
    summary: OnceLock<(String, String)>,
    tokens: PyOnceLock<Vec<Py<Token>>>,
    entities: PyOnceLock<Vec<Py<Entity>>>,
    sentences: PyOnceLock<Vec<Py<Sentence>>>,
    paragraphs: PyOnceLock<Vec<Py<Paragraph>>>,
}

impl Doc {
    /// Wraps an annotated document.
    pub fn new(doc: Document) -> Self {
        Doc {
            doc,
            index: OnceLock::new(),
            json: OnceLock::new(),
            summary: OnceLock::new(),
            tokens: PyOnceLock::new(),
            entities: PyOnceLock::new(),
            sentences: PyOnceLock::new(),
            paragraphs: PyOnceLock::new(),
        }
    }

    fn index(&self) -> &CharIndex {
        self.index.get_or_init(|| CharIndex::new(&self.doc.text))
    }

    fn chars(&self, span: zhen::Span) -> (usize, usize) {
        self.index().char_span(span)
    }

    /// The JSONL line (with its newline), rendered once.
    fn json_bytes(&self, py: Python<'_>) -> PyResult<&[u8]> {
        self.json
            .get_or_init(|| {
                render(|buf| export::jsonl::write(buf, &self.doc))
                    .map_err(|f| f.context(&self.doc.id))
            })
            .as_deref()
            .map_err(|f| f.clone().into_pyerr(py))
    }

    /// The JSONL line (with its newline) as a `str`.
    fn json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        text(py, self.json_bytes(py)?)
    }

    /// The document's language and script: `Document::stats`, the one
    /// rule the JSONL writer and the manifest use too.
    fn summary(&self) -> &(String, String) {
        self.summary.get_or_init(|| {
            let stats = self.doc.stats();
            (stats.lang, stats.script.to_string())
        })
    }

    /// Reads one line of zhen's JSONL.
    pub fn parse(py: Python<'_>, line: &str) -> PyResult<Doc> {
        let mut docs = export::jsonl::read_str(line, "<json>")
            .map_err(|e| export_failure(&e).into_pyerr(py))?;
        if docs.len() != 1 {
            return Err(Failure::new(
                Kind::Format,
                format!(
                    "<json>: expected one JSON line, found {} documents",
                    docs.len()
                ),
            )
            .into_pyerr(py));
        }
        Ok(Doc::new(docs.remove(0)))
    }

    fn list<'py, T: pyo3::PyClass + Sync>(
        py: Python<'py>,
        cell: &PyOnceLock<Vec<Py<T>>>,
        make: impl FnOnce() -> PyResult<Vec<Py<T>>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let items = cell.get_or_try_init(py, make)?;
        PyList::new(py, items.iter().map(|i| i.clone_ref(py)))
    }
}

/// Runs a writer into a buffer (the exporters write UTF-8).
fn render(
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), export::Error>,
) -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    write(&mut buf).map_err(|e| export_failure(&e))?;
    Ok(buf)
}

/// An export's bytes as a Python `str`. CPython checks the UTF-8 as it
/// decodes it, so it is not checked twice (as `String::from_utf8` would:
/// 2 % of `nlp.pipe` + `to_json` at one thread, 17 bytes of JSON a byte of
/// input); bytes that are not UTF-8 would be a `UnicodeDecodeError`.
fn text<'py>(py: Python<'py>, bytes: &[u8]) -> PyResult<Bound<'py, PyString>> {
    PyString::from_bytes(py, bytes)
}

/// Renders an export as a Python `str`.
fn export_str<'py>(
    py: Python<'py>,
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), export::Error>,
) -> PyResult<Bound<'py, PyString>> {
    let bytes = render(write).map_err(|f| f.into_pyerr(py))?;
    text(py, &bytes)
}

/// Whether an encoding name means UTF-8 (as Python spells it: `"utf-8"`,
/// `"UTF8"`, `"utf_8"`, …).
fn is_utf8(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase().replace(['-', '_'], "");
    n == "utf8"
}

fn scheme(py: Python<'_>, name: &str) -> PyResult<Scheme> {
    name.parse::<Scheme>()
        .map_err(|e| export_failure(&e).into_pyerr(py))
}

#[pymethods]
impl Doc {
    /// The document's identifier.
    #[getter]
    fn id(&self) -> &str {
        &self.doc.id
    }

    /// The original text, exactly as given.
    #[getter]
    fn text(&self) -> &str {
        &self.doc.text
    }

    /// The language covering most of the text: ``"zh-Hans"``, ``"zh-Hant"``,
    /// ``"en"``, …, ``"und"`` (the JSONL ``lang`` field).
    #[getter]
    fn lang(&self) -> &str {
        &self.summary().0
    }

    /// ``"Hans"``, ``"Hant"``, ``"Mixed"`` (both occur) or ``"None"`` (the JSONL ``script`` field).
    #[getter]
    fn script(&self) -> &str {
        &self.summary().1
    }

    /// The tokens, in order (a new list of shared :class:`Token` objects).
    #[getter]
    fn tokens<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Self::list(py, &self.tokens, || {
            self.doc
                .tokens
                .iter()
                .map(|t| {
                    let (start, end) = self.chars(t.span);
                    Py::new(
                        py,
                        Token {
                            start,
                            end,
                            text: t.text.clone(),
                            norm: t.norm.clone(),
                            pos: t.pos.clone(),
                            upos: t.upos.clone(),
                            sentence: t.sentence,
                        },
                    )
                })
                .collect()
        })
    }

    /// The named entities, in order of their start.
    #[getter]
    fn entities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Self::list(py, &self.entities, || {
            self.doc
                .entities
                .iter()
                .map(|e| {
                    let (start, end) = self.chars(e.span);
                    Py::new(
                        py,
                        Entity {
                            start,
                            end,
                            label: e.label.to_string(),
                            text: e.text.clone(),
                            norm: e.norm.clone(),
                        },
                    )
                })
                .collect()
        })
    }

    /// The sentences, in order.
    #[getter]
    fn sentences<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Self::list(py, &self.sentences, || {
            self.doc
                .sentences
                .iter()
                .map(|s| {
                    let (start, end) = self.chars(s.span);
                    Py::new(
                        py,
                        Sentence {
                            start,
                            end,
                            text: self.doc.text[s.span.range()].to_string(),
                            paragraph: s.paragraph,
                        },
                    )
                })
                .collect()
        })
    }

    /// The paragraphs, in order, each with its language and script.
    #[getter]
    fn paragraphs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Self::list(py, &self.paragraphs, || {
            self.doc
                .paragraphs
                .iter()
                .map(|p| {
                    let (start, end) = self.chars(p.span);
                    Py::new(
                        py,
                        Paragraph {
                            start,
                            end,
                            text: self.doc.text[p.span.range()].to_string(),
                            lang: p.lang.clone(),
                            script: p.script.to_string(),
                        },
                    )
                })
                .collect()
        })
    }

    /// The document as a dict, exactly the JSON object of :meth:`to_json`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let json = self.json(py)?;
        py.import("json")?.call_method1("loads", (json,))
    }

    /// The document as one JSON line, with its newline: the ``.jsonl``
    /// file ``zhen annotate`` writes (and a line of ``zhen annotate
    /// --jsonl``). Writing ``to_json()`` of each document to a file gives a
    /// JSONL corpus.
    ///
    /// ``encoding``: ``None`` (a ``str``), or ``"utf-8"`` for those bytes
    /// as ``bytes`` — for a file opened in binary mode (``"wb"``), a socket
    /// or a message queue. The JSON line is some 17 bytes per byte of text,
    /// and ``bytes`` skip the two conversions of a ``str`` (decoding it
    /// here, encoding it again when a text file writes it):
    /// ``out.write(doc.to_json(encoding="utf-8"))`` to a binary file writes
    /// the same file as ``to_json()`` to a UTF-8 text file, with less work.
    ///
    /// Raises:
    ///     UsageError: an ``encoding`` other than UTF-8 (the JSON line is UTF-8).
    #[pyo3(signature = (encoding = None))]
    fn to_json<'py>(&self, py: Python<'py>, encoding: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        match encoding {
            None => Ok(self.json(py)?.into_any()),
            Some(e) if is_utf8(e) => Ok(PyBytes::new(py, self.json_bytes(py)?).into_any()),
            Some(e) => Err(Failure::new(
                Kind::Usage,
                format!("to_json: encoding {e:?}: the JSON line is UTF-8 (give \"utf-8\" for bytes, or None for a str)"),
            )
            .into_pyerr(py)),
        }
    }

    /// The document as CoNLL-U: the ``.conllu`` file of ``zhen annotate``
    /// (``scheme``: the tag scheme of ``NER=`` in MISC, ``"iob2"``,
    /// ``"iob1"`` or ``"bioes"``).
    #[pyo3(signature = (scheme = "iob2"))]
    fn to_conllu<'py>(&self, py: Python<'py>, scheme: &str) -> PyResult<Bound<'py, PyString>> {
        let opts = export::ConlluOptions {
            scheme: self::scheme(py, scheme)?,
        };
        export_str(py, |b| export::conllu::write(b, &self.doc, &opts))
    }

    /// The document as CoNLL-2003 columns (``TOKEN POS CHUNK NER``): the
    /// ``.conll`` file of ``zhen annotate --scheme SCHEME [--char-level]``.
    #[pyo3(signature = (scheme = "iob2", char_level = false))]
    fn to_conll<'py>(
        &self,
        py: Python<'py>,
        scheme: &str,
        char_level: bool,
    ) -> PyResult<Bound<'py, PyString>> {
        let opts = export::ConllOptions {
            scheme: self::scheme(py, scheme)?,
            char_level,
        };
        export_str(py, |b| export::conll::write(b, &self.doc, &opts))
    }

    /// The token table as CSV: the ``.csv`` file of ``zhen annotate``
    /// (``excel``: with a UTF-8 BOM; ``raw_cells``: without the ``'`` that
    /// keeps spreadsheets from running cells as formulas).
    #[pyo3(signature = (scheme = "iob2", excel = false, raw_cells = false))]
    fn to_csv<'py>(
        &self,
        py: Python<'py>,
        scheme: &str,
        excel: bool,
        raw_cells: bool,
    ) -> PyResult<Bound<'py, PyString>> {
        let opts = export::CsvOptions {
            excel,
            raw_cells,
            crlf: false,
            scheme: self::scheme(py, scheme)?,
        };
        export_str(py, |b| {
            export::csv::write_tokens(b, &self.doc, &opts).map(drop)
        })
    }

    /// A spaCy ``Doc`` with the same text, tokens (split at entity
    /// boundaries, so every entity is whole tokens), sentences, ``tag_``
    /// (jieba/PTB), ``pos_`` (UPOS), ``norm_`` and ``ents``. Its char
    /// offsets are this document's, so ``char_span(e.start, e.end)`` works.
    /// ``vocab``: a spaCy ``Vocab`` or ``Language`` (e.g. ``spacy.blank("zh")``).
    fn to_spacy<'py>(
        slf: &Bound<'py, Self>,
        vocab: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        py.import("zhen._bridges")?
            .call_method1("to_spacy", (slf, vocab))
    }

    /// Rebuilds a document from one line of zhen's JSONL (what
    /// :meth:`to_json` and ``zhen annotate`` write).
    ///
    /// Raises:
    ///     FormatError: not one valid JSON line of zhen's JSONL.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, py: Python<'_>, line: &str) -> PyResult<Doc> {
        Doc::parse(py, line)
    }

    /// Pickles as its JSONL line.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyString>,))> {
        let py = slf.py();
        let rebuild = py.import("zhen._zhen")?.getattr("_doc_from_json")?;
        Ok((rebuild, (slf.get().json(py)?,)))
    }

    /// The number of tokens.
    fn __len__(&self) -> usize {
        self.doc.tokens.len()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Doc>().is_ok_and(|o| o.get().doc == self.doc)
    }

    fn __repr__(&self) -> String {
        format!(
            "<zhen.Doc id={:?}: {} chars, {} sentences, {} tokens, {} entities>",
            self.doc.id,
            self.index().char_len(),
            self.doc.sentences.len(),
            self.doc.tokens.len(),
            self.doc.entities.len()
        )
    }
}
