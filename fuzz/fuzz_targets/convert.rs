//! OpenCC conversion through the aligned text, of the whole text and of a
//! range of it.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zhen_fuzz::convert(data));
