//! The whole pipeline on arbitrary text: every offset it returns points
//! into the text, and every writer takes the document.
#![no_main]

// models load once, before the first timed input: the pipeline reads each
// model and converter when a text first needs it, so the warm-up text has
// traditional Chinese and an English paragraph
libfuzzer_sys::fuzz_target!(
    init: zhen_fuzz::annotate("崔現忠是第一書記。\n\nPeter Blackburn works in Brussels.".as_bytes()),
    |data: &[u8]| zhen_fuzz::annotate(data)
);
