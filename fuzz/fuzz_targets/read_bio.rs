//! The BIO reader of `train-ner`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sents) = zhen::ner::read_bio_from(data, std::path::Path::new("fuzz.bio")) {
        for s in sents {
            assert_eq!(s.tokens.len(), s.tags.len());
            assert!(!s.tokens.is_empty());
            for (a, b, _) in s.spans() {
                assert!(a < b && b <= s.tokens.len());
            }
        }
    }
});
