//! The input decoder: detection on arbitrary bytes, forced encodings, lossy
//! replacement, and line-by-line decoding of a stream.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zhen_fuzz::decode(data));
