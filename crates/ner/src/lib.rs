//! # zhen-ner
//!
//! Named-entity recognition for zhen: a structured averaged-perceptron
//! sequence tagger over BIOES tags with constrained Viterbi decoding.
//! Chinese models tag characters (features: character n-grams, character
//! types, lexicon matches with place/organisation/person categories, suffix,
//! title and surname cues); English models tag tokens (word, shape, affixes,
//! context words, gazetteer matches). Features are hashed into `u64` keys and
//! looked up in a compact table of quantised weights.
//!
//! * [`NerModel`]: read/write model files ([`MAGIC`] header).
//! * [`NerModel::tag_text`] (entities as byte ranges of each sentence) and
//!   [`NerModel::tag_tokens`] (as token ranges), with document-level
//!   consistency and the word segmenter as [`TagOptions`].
//! * [`Gazetteer`]: user entity lists that override predictions.
//! * [`train()`], [`read_bio`]: training from BIO files.
//! * [`score`]: entity-level P/R/F1 with conlleval semantics.
//!
//! zhen-ner segments no text itself: a model with word features
//! ([`flags::SEGMENTS`], as the shipped Chinese model) takes each sentence's
//! words from the caller, or a [`Segmenter`](zhen_core::Segmenter) such as
//! zhen-tokenize's jieba cut.
//!
//! ```
//! # #[cfg(feature = "embed")] {
//! use zhen_core::Label;
//! use zhen_ner::{NerModel, TagOptions, Text};
//!
//! let model = NerModel::embedded_zh();
//! let jieba = zhen_tokenize::Tokenizer::jieba_only();
//! let options = TagOptions { consistency: true, segmenter: Some(&jieba) };
//! let doc = ["崔现忠作为第二批扶贫干部前往罗定市新民村。", "崔现忠说。"];
//! let sentences: Vec<Text> = doc.iter().map(|s| Text::from(*s)).collect();
//! let found = model.tag_text(&sentences, &options).unwrap();
//! assert!(found[0].iter().any(|m| &doc[0][m.range.range()] == "崔现忠" && m.label == Label::Per));
//! assert!(found[1].iter().any(|m| &doc[1][m.range.range()] == "崔现忠"));
//! # }
//! ```
#![deny(missing_docs)]

mod bio;
mod cues;
mod doc;
mod domain;
mod error;
mod features;
mod format;
mod gazetteer;
mod mem;
mod model;
mod rules;
pub mod score;
mod tag;
mod train;

pub use bio::{bio_from_spans, read_bio, read_bio_from, spans_from_bio, BioSentence, Part, TagSet};
pub use domain::RegisterTrainer;
pub use error::{Error, Result};
pub use features::{cat, flags, Clusters, Lexicon};
pub use gazetteer::Gazetteer;
pub use model::{is_honorific, is_listed_company, is_member_title, NerModel, MAGIC};
pub use tag::{Mention, TagOptions, Text};
pub use train::{
    load_clusters, load_clusters_zh, load_lexicon, refit_domains, refit_domains_with, train,
    train_averaged, TrainOptions,
};

#[cfg(feature = "embed")]
mod embedded {
    use std::sync::OnceLock;

    use crate::NerModel;

    impl NerModel {
        /// The embedded Chinese news model ([`zhen_models::ZH_NEWS`]), loaded on first use.
        pub fn embedded_zh() -> &'static NerModel {
            static M: OnceLock<NerModel> = OnceLock::new();
            M.get_or_init(|| {
                NerModel::from_static(zhen_models::ZH_NEWS).expect("the embedded zh model is valid")
            })
        }

        /// The embedded English CoNLL-2003 model ([`zhen_models::EN_CONLL`]), loaded on first use.
        pub fn embedded_en() -> &'static NerModel {
            static M: OnceLock<NerModel> = OnceLock::new();
            M.get_or_init(|| {
                NerModel::from_static(zhen_models::EN_CONLL)
                    .expect("the embedded en model is valid")
            })
        }
    }
}
