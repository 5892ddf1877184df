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
//! * [`NerModel`]: read/write model files ([`MAGIC`] header), tag sentences.
//! * [`tag_document_zh`], [`tag_document_en`]: tagging with document-level consistency.
//! * [`Gazetteer`]: user entity lists that override predictions.
//! * [`train()`], [`read_bio`]: training from BIO files.
//! * [`score`]: entity-level P/R/F1 with conlleval semantics.
//!
//! ```
//! # #[cfg(feature = "embed")] {
//! use zhen_core::Label;
//! use zhen_ner::NerModel;
//!
//! let model = NerModel::embedded_zh();
//! let s = "崔现忠作为第二批扶贫干部前往罗定市新民村。";
//! let ents = model.tag_chars(s);
//! assert!(ents.iter().any(|(r, l)| &s[r.clone()] == "崔现忠" && *l == Label::Per));
//! # }
//! ```
#![deny(missing_docs)]

mod bio;
mod cues;
mod doc;
mod error;
mod features;
mod gazetteer;
mod mem;
mod model;
pub mod score;
mod train;

pub use bio::{bio_from_spans, read_bio, read_bio_from, spans_from_bio, BioSentence, Part, TagSet};
pub use doc::{tag_document_en, tag_document_zh, tag_document_zh_segmented};
pub use error::{Error, Result};
pub use features::{cat, flags, Clusters, Lexicon};
pub use gazetteer::Gazetteer;
pub use model::{NerModel, MAGIC};
pub use train::{load_clusters, load_lexicon, train, TrainOptions};

#[cfg(feature = "embed")]
mod embedded {
    use std::sync::OnceLock;

    use crate::NerModel;

    static ZH_BYTES: &[u8] = include_bytes!("../../../models/zh-news.zner");
    static EN_BYTES: &[u8] = include_bytes!("../../../models/en-conll.zner");

    impl NerModel {
        /// The embedded Chinese news model (`models/zh-news.zner`), loaded on first use.
        pub fn embedded_zh() -> &'static NerModel {
            static M: OnceLock<NerModel> = OnceLock::new();
            M.get_or_init(|| NerModel::read(ZH_BYTES).expect("the embedded zh model is valid"))
        }

        /// The embedded English CoNLL-2003 model (`models/en-conll.zner`), loaded on first use.
        pub fn embedded_en() -> &'static NerModel {
            static M: OnceLock<NerModel> = OnceLock::new();
            M.get_or_init(|| NerModel::read(EN_BYTES).expect("the embedded en model is valid"))
        }
    }
}
