//! # zhen-export
//!
//! Writers and readers for the formats annotated corpora travel in:
//!
//! | format | module | writes | reads |
//! |---|---|---|---|
//! | CoNLL-2003 (`TOKEN POS CHUNK NER`) | [`conll`] | [`conll::write`] | [`conll::read_str`] (any BIO column layout) |
//! | CoNLL-U (offsets and NER in MISC) | [`conllu`] | [`conllu::write`] | [`conllu::read_str`] |
//! | CSV (`tokens.csv`, `entities.csv`, `entity_counts.csv`) | [`csv`] | [`csv::TokenTable`], [`csv::EntityTable`], [`csv::EntityCounter`] | [`csv::read_tokens_str`] |
//! | JSONL (full documents) | [`jsonl`] | [`jsonl::write`] | [`jsonl::read_str`] |
//! | doccano JSONL | [`jsonl`] | [`jsonl::write_doccano`] | [`jsonl::read_doccano_str`] |
//! | brat standoff (`.txt` + `.ann`) | [`brat`] | [`brat::write_ann`], [`brat::write_files`] | [`brat::read_str`] |
//! | HTML view of a document (`<doc>.html`) | [`html`] | [`html::write`] | — |
//! | HTML corpus report (`index.html`) | [`report`] | [`report::Report`] | — |
//!
//! **Dispatch.** [`Format`] names the formats; [`write_document`] writes a
//! document's files in any of them, [`write_documents`] many documents into
//! one file, [`read_path`] reads any of them (the format from the file name
//! by [`Format::from_path`] unless given), and [`document_path`] is the one
//! rule that names a document's files. Nothing outside this crate matches on
//! a format. [`ErrorTable`] writes `errors.csv` with the same cell guard as
//! the other tables.
//!
//! **Offsets.** A [`Document`](zhen_core::Document) holds byte spans of its
//! original text; every offset written here is a char (code point) offset
//! into that ORIGINAL text, as Python, brat and doccano count — never UTF-16,
//! never into normalized text. Readers convert back to byte spans and check
//! that every recorded surface equals the text it covers.
//!
//! **Writers** take one document at a time (`&mut impl Write`), so a corpus
//! file is written by calling them in a loop; they first check the document
//! (the core offset contract, tokens in sentence order) and refuse an
//! invalid one with [`Error::InvalidDocument`]. **Readers** take the input as
//! `&str` plus the name to use in errors (or a path); every parse error names
//! the file, line and column.
//!
//! ```
//! use zhen_core::{Document, Entity, Label, Span};
//! use zhen_export::{brat, jsonl};
//!
//! let mut doc = Document::new("news-1", "王小明在北京。");
//! doc.entities.push(Entity { span: Span::new(0, 9), label: Label::Per,
//!     text: "王小明".into(), norm: "王小明".into() });
//! doc.entities.push(Entity { span: Span::new(12, 18), label: Label::Loc,
//!     text: "北京".into(), norm: "北京".into() });
//!
//! // brat: char offsets into the original text
//! let mut ann = Vec::new();
//! brat::write_ann(&mut ann, &doc).unwrap();
//! assert_eq!(String::from_utf8(ann).unwrap(), "T1\tPER 0 3\t王小明\nT2\tLOC 4 6\t北京\n");
//!
//! // JSONL round trip
//! let mut line = Vec::new();
//! jsonl::write(&mut line, &doc).unwrap();
//! let back = jsonl::read_str(std::str::from_utf8(&line).unwrap(), "corpus.jsonl").unwrap();
//! assert_eq!(back[0], doc);
//! ```
#![deny(missing_docs)]

pub mod brat;
pub mod conll;
pub mod conllu;
pub mod csv;
mod error;
mod format;
pub mod html;
pub mod jsonl;
pub mod report;
mod stream;
mod tags;
mod util;

pub use conll::{ConllOptions, Join, ReadOptions};
pub use conllu::ConlluOptions;
pub use csv::{CsvOptions, EntityCounter, ErrorRow, ErrorTable};
pub use error::{Error, Result};
pub use format::{
    document_path, read_path, write_document, write_document_formats, write_documents, Format,
    Part, WriteOptions,
};
pub use html::HtmlOptions;
pub use report::Report;
pub use stream::{DocWriter, Finished, Spool};
pub use tags::Scheme;
