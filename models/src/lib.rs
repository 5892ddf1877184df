//! # zhen-models
//!
//! The named-entity models zhen ships, as the bytes of their files:
//! [`ZH_NEWS`] (`zh-news.zner`, simplified Chinese, PER/LOC/ORG) and
//! [`EN_CONLL`] (`en-conll.zner`, English CoNLL-2003, PER/LOC/ORG/MISC).
//! `zhen-ner` embeds them behind its `embed` feature
//! (`NerModel::embedded_zh`, `NerModel::embedded_en`), as lindera's
//! dictionary crates serve its `embed-*` features; this crate only carries
//! the data, so the tagger builds and publishes without it. `README.md` is
//! the model card: training data, commands, scores, terms.
//!
//! ```
//! assert!(zhen_models::ZH_NEWS.starts_with(b"ZHENNER"));
//! assert!(zhen_models::EN_CONLL.starts_with(b"ZHENNER"));
//! ```
#![deny(missing_docs)]

/// `zh-news.zner`: the Chinese news model (character tagging).
pub static ZH_NEWS: &[u8] = include_bytes!("../zh-news.zner");

/// `en-conll.zner`: the English CoNLL-2003 model (token tagging).
pub static EN_CONLL: &[u8] = include_bytes!("../en-conll.zner");
