//! The NER model loader: a model file is hostile input. A model that loads
//! must tag text without panicking.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zhen_fuzz::ner_model(data));
