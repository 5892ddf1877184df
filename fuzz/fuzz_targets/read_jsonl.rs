//! The JSONL readers: zhen's documents and doccano's.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zhen_fuzz::read_jsonl(data));
