//! Arbitrary Unicode through every config: the alignment stays on char
//! boundaries and monotone, and the aligned conversion equals `convert`.
#![cfg(feature = "embed")]

use proptest::prelude::*;
use zhen_core::AlignedText;
use zhen_script::{Config, Converter};

/// Phrases and chars from the dictionaries, so conversions actually happen.
fn dictionary_pieces() -> Vec<String> {
    let mut out = Vec::new();
    for text in [
        include_str!("../data/dictionary/STPhrases.txt"),
        include_str!("../data/dictionary/TSPhrases.txt"),
        include_str!("../data/dictionary/TWPhrases.txt"),
        include_str!("../data/dictionary/HKVariantsRevPhrases.txt"),
        include_str!("../data/dictionary/JPShinjitaiPhrases.txt"),
        include_str!("../data/dictionary/CJK_Compatibility_Ideographs.txt"),
    ] {
        for (i, line) in text.lines().enumerate() {
            if i % 7 != 0 || line.starts_with('#') {
                continue;
            }
            if let Some((k, v)) = line.split_once('\t') {
                out.push(k.to_string());
                out.push(v.split(' ').next().unwrap().to_string());
            }
        }
    }
    out
}

fn piece(pieces: &'static [String]) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0..pieces.len()).prop_map(move |i| pieces[i].clone()),
        2 => proptest::char::range('\u{4E00}', '\u{9FFF}').prop_map(String::from),
        1 => proptest::char::range('\u{20000}', '\u{2B81F}').prop_map(String::from),
        1 => proptest::char::range('\u{2FF0}', '\u{2FFF}').prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
        1 => "[ a-z\n\r\u{0}]{1,3}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    let pieces: &'static [String] = Box::leak(dictionary_pieces().into_boxed_slice());
    proptest::collection::vec(piece(pieces), 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn aligned_conversion_is_exact_and_well_formed(s in text()) {
        for config in Config::ALL {
            let conv = Converter::new(config).unwrap();
            let mut t = AlignedText::new(s.as_str());
            conv.convert_aligned(&mut t).unwrap();
            prop_assert_eq!(t.current(), conv.convert(&s), "config {}", config);
            let orig = t.original();
            let mut prev = (0, 0);
            for (i, c) in t.current().char_indices() {
                let span = t.to_original(i..i + c.len_utf8());
                prop_assert!(orig.is_char_boundary(span.start) && orig.is_char_boundary(span.end));
                prop_assert!(span.end <= orig.len());
                prop_assert!(span.start >= prev.0 && span.end >= prev.1, "not monotone at {} ({})", i, config);
                prev = (span.start, span.end);
                // every byte of a char maps to the same span
                for j in i..i + c.len_utf8() {
                    prop_assert_eq!(t.byte_alignment(j), span);
                }
            }
        }
    }

    #[test]
    fn converting_a_range_equals_converting_that_text(a in text(), b in text(), c in text()) {
        let conv = Converter::new(Config::S2twp).unwrap();
        let mut t = AlignedText::new(format!("{a}{b}{c}"));
        let r = conv.convert_range(&mut t, a.len()..a.len() + b.len()).unwrap();
        let expected = conv.convert(&b);
        prop_assert_eq!(&t.current()[r.clone()], expected.as_str());
        prop_assert_eq!(&t.current()[..r.start], a.as_str());
        prop_assert_eq!(&t.current()[r.end..], c.as_str());
    }

    /// Several ranges converted in one pass give the text, the ranges and
    /// the alignment of converting them one by one (last first, as the
    /// pipeline did).
    #[test]
    fn converting_ranges_at_once_equals_one_by_one(parts in proptest::collection::vec(text(), 1..7), pick in any::<u8>()) {
        for config in [Config::T2s, Config::S2twp, Config::Hk2s] {
            let conv = Converter::new(config).unwrap();
            let joined = parts.concat();
            let mut ranges = Vec::new();
            let mut at = 0;
            for (i, p) in parts.iter().enumerate() {
                if pick & (1 << (i % 8)) != 0 {
                    ranges.push(at..at + p.len());
                }
                at += p.len();
            }
            let mut once = AlignedText::new(joined.as_str());
            let got = conv.convert_ranges(&mut once, &ranges).unwrap();
            let mut each = AlignedText::new(joined.as_str());
            let mut want = ranges.clone();
            for i in (0..ranges.len()).rev() {
                let new = conv.convert_range(&mut each, ranges[i].clone()).unwrap();
                let d = new.len() as isize - ranges[i].len() as isize;
                want[i] = new;
                for w in want.iter_mut().skip(i + 1) {
                    *w = (w.start as isize + d) as usize..(w.end as isize + d) as usize;
                }
            }
            prop_assert_eq!(once.current(), each.current(), "config {}", config);
            prop_assert_eq!(&got, &want);
            for i in 0..once.current().len() {
                prop_assert_eq!(once.byte_alignment(i), each.byte_alignment(i));
            }
        }
    }
}
