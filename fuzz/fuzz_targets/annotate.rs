//! The whole pipeline on arbitrary text: every offset it returns points
//! into the text, and every writer takes the document.
#![no_main]

// models load once, before the first timed input
libfuzzer_sys::fuzz_target!(init: zhen_fuzz::annotate(b""), |data: &[u8]| zhen_fuzz::annotate(data));
