//! # zhen
//!
//! Annotated corpora from raw Chinese (simplified and traditional) and
//! English text: cleaning of scraped and OCR'd text, OpenCC-exact script
//! conversion, sentences, words and POS, PER/LOC/ORG entities, and export to
//! CoNLL-2003, CoNLL-U, CSV, JSONL and brat — every offset pointing into the
//! ORIGINAL text, so an entity found in traditional text is reported in
//! traditional text at its true position.
//!
//! This crate is the facade: it re-exports the stage crates, composes them
//! into a [`Pipeline`] (configured by [`PipelineOptions`]), and runs whole
//! corpora ([`corpus::annotate_corpus`], [`corpus::annotate_jsonl`]) and
//! evaluations ([`eval::evaluate_files`]) as library functions that return
//! summaries and print nothing.
//!
//! ```
//! use zhen::Pipeline;
//!
//! let pipeline = Pipeline::builder().build()?;
//! let text = "2019年5月10日，崔現忠前往羅定市新民村。";
//! let doc = pipeline.annotate("news-1", text)?.document;
//! for e in &doc.entities {
//!     // every span slices the original, traditional text
//!     assert_eq!(&text[e.span.range()], e.text);
//!     println!("{} {} ({})", e.label, e.text, e.norm);
//! }
//! assert!(doc.entities.iter().any(|e| e.text == "羅定市" && e.norm == "罗定市"));
//! # Ok::<(), zhen::Error>(())
//! ```
#![deny(missing_docs)]

pub mod corpus;
mod error;
pub mod eval;
pub mod input;
mod options;
mod par;
pub mod parts;
mod pipeline;

pub use error::{Error, Result};
pub use options::PipelineOptions;
pub use pipeline::{
    lang_tag, AnnotateIter, Annotated, ConvertMode, Para, Pipeline, PipelineBuilder, SegSentence,
    Segmented,
};

pub use zhen_clean as clean;
pub use zhen_core as core;
pub use zhen_export as export;
pub use zhen_ner as ner;
pub use zhen_script as script;
pub use zhen_tokenize as tokenize;

pub use zhen_core::{
    AlignedText, CharCursor, CharIndex, Document, Entity, Label, Script, Sentence, Span, Token,
};
