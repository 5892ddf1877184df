//! The cleaners of scraped and OCR'd text, alone and together.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zhen_fuzz::clean(data));
