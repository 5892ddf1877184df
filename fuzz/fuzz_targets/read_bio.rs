//! The BIO reader of `train-ner`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zhen_fuzz::read_bio(data));
