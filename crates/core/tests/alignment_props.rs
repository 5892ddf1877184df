//! Property tests: arbitrary Unicode through arbitrary edits keeps the
//! alignment contract.

use proptest::prelude::*;
use zhen_core::{AlignedText, Edit};

/// Checks the contract: spans on char boundaries, monotone, and every current
/// char came from the original text its span covers.
fn check(t: &AlignedText) {
    let orig = t.original();
    let cur = t.current();
    let mut prev = (0, 0);
    for (i, _) in cur.char_indices() {
        let s = t.byte_alignment(i);
        assert!(orig.is_char_boundary(s.start) && orig.is_char_boundary(s.end));
        assert!(s.start >= prev.0 && s.end >= prev.1, "not monotone at {i}");
        prev = (s.start, s.end);
    }
    // a round trip through to_current covers what came from the span
    for (i, c) in cur.char_indices() {
        let span = t.to_original(i..i + c.len_utf8());
        let back = t.to_current(span);
        assert!(back.start <= i && i + c.len_utf8() <= back.end || span.is_empty());
    }
}

fn edits_for(text: &str, picks: &[(usize, usize, String)]) -> Vec<Edit> {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let mut cuts: Vec<(usize, usize, String)> = picks
        .iter()
        .map(|(a, b, r)| {
            let a = bounds[a % bounds.len()];
            let b = bounds[b % bounds.len()];
            (a.min(b), a.max(b), r.clone())
        })
        .collect();
    cuts.sort();
    let mut out = Vec::new();
    let mut end = 0;
    for (a, b, r) in cuts {
        if a >= end && !(a == b && a == end && !out.is_empty()) {
            out.push(Edit::new(a..b, r));
            end = b;
        }
    }
    out
}

proptest! {
    #[test]
    fn arbitrary_edits_keep_the_contract(
        text in "\\PC{0,40}",
        rounds in prop::collection::vec(
            prop::collection::vec((0usize..64, 0usize..64, "\\PC{0,3}"), 0..5), 1..4)
    ) {
        let mut t = AlignedText::new(text.clone());
        check(&t);
        for picks in rounds {
            let edits = edits_for(t.current(), &picks);
            t.apply(edits).unwrap();
            check(&t);
        }
        prop_assert_eq!(t.original(), text.as_str());
        // the whole current text maps inside the original
        let whole = t.to_original(0..t.current().len());
        prop_assert!(whole.end <= text.len());
    }

    #[test]
    fn identical_length_edits_map_char_by_char(text in "[\\u{4e00}-\\u{9fff}\\u{20000}-\\u{2a6df}a-z]{1,30}") {
        let mut t = AlignedText::new(text.clone());
        let replaced: String = text.chars().map(|c| if c.is_ascii() { 'X' } else { '𠀀' }).collect();
        t.replace(0..text.len(), &replaced).unwrap();
        for ((i, c), (j, oc)) in t.current().char_indices().zip(text.char_indices()) {
            let s = t.to_original(i..i + c.len_utf8());
            prop_assert_eq!(s.range(), j..j + oc.len_utf8());
        }
    }
}
