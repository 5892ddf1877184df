//! `AlignedText` edits: arbitrary edits are applied or refused, and an
//! applied edit keeps the alignment's invariants.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zhen_fuzz::aligned_edits(data));
