//! `AlignedText` edits: arbitrary edits are applied or refused, and an
//! applied edit keeps the alignment's invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhen::core::Edit;
use zhen::AlignedText;

fuzz_target!(|data: &[u8]| {
    // text, then edits as (start, end, replacement) records after a NUL
    let (text, rest) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let text = String::from_utf8_lossy(text);
    let mut at = AlignedText::new(text.as_ref());
    let mut rounds = rest.split(|&b| b == 0xFF);
    for round in rounds.by_ref().take(4) {
        let mut edits = Vec::new();
        for rec in round.chunks(4) {
            if rec.len() < 3 {
                break;
            }
            let len = at.current().len().max(1);
            let start = rec[0] as usize * len / 256;
            let end = start + rec[1] as usize % 8;
            let replacement = ["", "x", "东", "頭髮", "\n", " ", "𠮷", "ab"][rec[2] as usize % 8];
            edits.push(Edit::new(start..end, replacement.repeat(rec.get(3).map_or(1, |n| *n as usize % 3))));
        }
        let before = at.clone();
        match at.apply(edits) {
            Ok(()) => zhen_fuzz::check_aligned(&at),
            Err(_) => assert_eq!(at, before, "a refused edit changed the text"),
        }
    }
    let cur = at.current().len();
    let ranges: Vec<_> = (0..=cur)
        .filter(|&i| at.current().is_char_boundary(i))
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| w[0]..w[1])
        .collect();
    let projected = at.project(&ranges);
    for w in projected.windows(2) {
        assert!(w[0].original.end <= w[1].original.start, "projection overlaps");
    }
});
