//! The cleaners of scraped and OCR'd text, alone and together.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhen::clean::{CleanOptions, Cleaner};
use zhen::AlignedText;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let options = CleanOptions {
        ocr_spaces: mode & 1 != 0,
        join_lines: mode & 2 != 0,
        doubled_chars: mode & 4 != 0,
        punctuation: mode & 8 != 0,
        boilerplate: mode & 16 != 0,
    };
    let mut at = AlignedText::new(text.as_ref());
    let report = Cleaner::new(options)
        .clean(&mut at)
        .expect("cleaning failed");
    zhen_fuzz::check_aligned(&at);
    for c in &report.changes {
        assert!(text.get(c.original.range()).is_some(), "change {:?} off the original", c.original);
    }
});
