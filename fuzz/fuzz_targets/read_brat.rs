//! The brat standoff reader: the `.txt` and the `.ann`, split at the first
//! NUL byte of the input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zhen_fuzz::read_brat(data));
