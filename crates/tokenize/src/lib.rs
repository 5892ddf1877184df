//! # zhen-tokenize
//!
//! The tokenisation stage of zhen: paragraphs, language identification,
//! sentence splitting, Chinese words and POS (jieba-rs) and English words
//! and POS (an averaged-perceptron tagger trained on CoNLL-2003), with
//! universal POS tags.
//!
//! It works on the *current* text of a [`zhen_core::AlignedText`] — for
//! Chinese, the caller (the `zhen` facade) has already converted traditional
//! characters to simplified through the alignment — and reports every token
//! with its span in the ORIGINAL text.
//!
//! * [`paragraphs`] — non-empty, trimmed lines;
//! * [`language`] → [`Lang`] — `zh`, `en`, `ja`, … or `und`;
//! * [`sentences`] — sentence ranges of a paragraph;
//! * [`route`] → [`Route`] — the one decision of which tokenizer and NER model a sentence goes to;
//! * [`Tokenizer::tokenize`] → [`Tok`] — tokens with original spans, POS and UPOS;
//! * [`upos`] — the jieba → UPOS and Penn Treebank → UPOS tables;
//! * [`PosTagger`] — training, tagging, reading and writing the English model.
//!
//! ```
//! use zhen_core::{AlignedText, Edit};
//! use zhen_tokenize::{language, paragraphs, route, sentences, Tokenizer};
//!
//! // original text with an OCR space; the normalizers removed it
//! let mut text = AlignedText::new("钟山县 委组织部抓好帮扶工作。OPPO于2020-04-20发布。");
//! text.apply([Edit::delete(9..10)]).unwrap();
//! let tokenizer = Tokenizer::new().unwrap();
//! let cur = text.current();
//! let mut words = Vec::new();
//! for p in paragraphs(cur) {
//!     let lang = language(&cur[p.clone()]);
//!     assert_eq!(lang.as_str(), "zh");
//!     for s in sentences(cur, p, &lang) {
//!         let to = route(&lang, &cur[s.clone()]);
//!         for t in tokenizer.tokenize(&text, s, to) {
//!             words.push((&text.original()[t.span.range()], t.pos, t.upos));
//!         }
//!     }
//! }
//! assert_eq!(words[0], ("钟山", "nr".to_string(), "PROPN"));
//! // jieba saw "县委"; its original span still holds the space
//! assert_eq!(words[1], ("县 委", "n".to_string(), "NOUN"));
//! assert!(words.iter().any(|w| w.0 == "2020-04-20" && w.1 == "m" && w.2 == "NUM"));
//! assert!(words.iter().any(|w| w.0 == "OPPO" && w.1 == "eng"));
//! ```
#![deny(missing_docs)]

mod error;
mod jieba;
mod lang;
pub mod pos;
mod posseg;
mod route;
mod sentence;
mod tokenizer;
mod upos;

pub use error::{Error, Result};
pub use lang::{language, Lang, MIN_CJK_CHARS, MIN_LETTERS};
pub use pos::{PosTagger, TaggedSentence, TrainOptions};
pub use route::{route, Route};
pub use sentence::{paragraphs, sentences, MAX_SENTENCE_CHARS, QUOTE_LOOKAHEAD};
pub use tokenizer::{Tok, TokSpan, Tokenizer};
pub use upos::{jieba_upos, ptb_upos, upos};
