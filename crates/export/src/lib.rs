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
pub mod jsonl;
mod tags;
mod util;

use std::fmt;
use std::str::FromStr;

pub use conll::{ConllOptions, Join, ReadOptions};
pub use conllu::ConlluOptions;
pub use csv::{CsvOptions, EntityCounter};
pub use error::{Error, Result};
pub use tags::Scheme;

/// An output format, as named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// CoNLL-2003 columns (`conll`).
    Conll,
    /// CoNLL-U (`conllu`).
    Conllu,
    /// CSV tables (`csv`).
    Csv,
    /// Our JSON Lines (`jsonl`).
    Jsonl,
    /// doccano JSON Lines (`doccano`).
    Doccano,
    /// brat standoff (`brat`).
    Brat,
}

impl Format {
    /// Every format, in the order above.
    pub const ALL: [Format; 6] = [
        Format::Conll,
        Format::Conllu,
        Format::Csv,
        Format::Jsonl,
        Format::Doccano,
        Format::Brat,
    ];

    /// The name accepted by [`FromStr`]: `conll`, `conllu`, `csv`, `jsonl`,
    /// `doccano`, `brat`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Conll => "conll",
            Format::Conllu => "conllu",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Doccano => "doccano",
            Format::Brat => "brat",
        }
    }

    /// The file extension, without the dot: `conll`, `conllu`, `csv`,
    /// `jsonl`, `jsonl` (doccano: name the file e.g. `x.doccano.jsonl`),
    /// `ann` (brat also writes a `.txt` beside it).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Conll => "conll",
            Format::Conllu => "conllu",
            Format::Csv => "csv",
            Format::Jsonl | Format::Doccano => "jsonl",
            Format::Brat => "ann",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = Error;
    /// Parses a [`Format::name`] in any case, or the aliases `conll2003`,
    /// `bio`, `conll-u`, `json`.
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "conll" | "conll2003" | "bio" => Format::Conll,
            "conllu" | "conll-u" => Format::Conllu,
            "csv" => Format::Csv,
            "jsonl" | "json" => Format::Jsonl,
            "doccano" => Format::Doccano,
            "brat" => Format::Brat,
            _ => {
                return Err(Error::Unknown {
                    what: "format",
                    value: s.to_string(),
                    expected: "conll, conllu, csv, jsonl, doccano, brat",
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
        assert_eq!("CoNLL-U".parse::<Format>().unwrap(), Format::Conllu);
        assert_eq!(
            "xlsx".parse::<Format>().unwrap_err().to_string(),
            "unknown format \"xlsx\": expected one of conll, conllu, csv, jsonl, doccano, brat"
        );
    }
}
