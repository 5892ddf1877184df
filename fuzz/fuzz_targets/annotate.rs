//! The whole pipeline on arbitrary text: every offset it returns points
//! into the text, and every writer takes the document.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zhen_fuzz::annotate(data));
