//! The CoNLL-U reader.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zhen_fuzz::read_conllu(data));
