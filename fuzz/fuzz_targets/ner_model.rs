//! The NER model loader: a model file is hostile input. A model that loads
//! must tag text without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhen::ner::{NerModel, TagOptions, Text};

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = NerModel::read(data) {
        let jieba = zhen::tokenize::Tokenizer::jieba_only();
        let options = TagOptions {
            segmenter: Some(&jieba),
            consistency: true,
        };
        let sentences = [Text::from("崔现忠前往罗定市新民村。"), Text::from("Peter Blackburn went to Brussels.")];
        if let Ok(found) = model.tag_text(&sentences, &options) {
            for (s, ms) in sentences.iter().zip(found) {
                for m in ms {
                    assert!(s.text.get(m.range.range()).is_some(), "mention {:?} off char boundaries", m.range);
                }
            }
        }
        let _ = model.tag_tokens(&[&["Peter", "Blackburn"][..]], &options);
    }
});
