//! OpenCC conversion through the aligned text, of the whole text and of a
//! range of it.
#![no_main]

// models load once, before the first timed input
libfuzzer_sys::fuzz_target!(init: zhen_fuzz::convert(b""), |data: &[u8]| zhen_fuzz::convert(data));
