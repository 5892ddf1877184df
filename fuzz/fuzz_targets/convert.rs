//! OpenCC conversion through the aligned text, of the whole text and of a
//! range of it.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zhen::script::{Config, Converter};
use zhen::AlignedText;

fn converters() -> &'static [Converter; 2] {
    static C: OnceLock<[Converter; 2]> = OnceLock::new();
    C.get_or_init(|| [Converter::new(Config::T2s).unwrap(), Converter::new(Config::S2t).unwrap()])
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let conv = &converters()[mode as usize % 2];
    let mut at = AlignedText::new(text.as_ref());
    // a range on char boundaries
    let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
    let a = bounds[(mode as usize / 2) % bounds.len()];
    let b = bounds[bounds.len() - 1 - (mode as usize / 8) % bounds.len()].max(a);
    let r = conv.convert_range(&mut at, a..b).expect("conversion failed");
    assert!(r.end <= at.current().len());
    assert_eq!(&at.current()[r.clone()], conv.convert(&text[a..b]), "aligned conversion differs");
    zhen_fuzz::check_aligned(&at);
});
