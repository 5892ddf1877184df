//! Compiles the jieba dictionary (`data/jieba/dict.txt`, `word freq tag`
//! lines) into the binary form `src/jieba.rs` reads at run time: words
//! grouped by their first character and, within it, by their second (the
//! one-character word first), so a process loads into jieba only the words
//! whose first two characters occur together in the text it sees, and
//! parses no text to do it.
//!
//! Layout (little-endian): magic `ZJDICT02`; `u64` sum of all frequencies;
//! `u32` tag count, then each tag as `u8` length + bytes; `u32` group
//! count, then per group (sorted by first character) `u32` character,
//! `u32` index of its first key, `u32` key count; `u32` key count, then per
//! key (sorted by second character within a group; 0 for the word that is
//! the first character alone) `u32` second character, `u32` offset into
//! the entries, `u32` word count; `u32` entry bytes, then per word (in
//! dictionary order within its key) `u8` length + bytes, `u32` frequency,
//! `u8` tag index.

use std::collections::BTreeMap;
use std::path::Path;

fn main() {
    posseg();
    let src = Path::new("data/jieba/dict.txt");
    println!("cargo:rerun-if-changed={}", src.display());
    let text =
        std::fs::read_to_string(src).expect("data/jieba/dict.txt (see data/jieba/README.md)");
    let mut tags: Vec<&str> = Vec::new();
    // (first, second or 0) -> (entries, word count)
    let mut keys: BTreeMap<(u32, u32), (Vec<u8>, u32)> = BTreeMap::new();
    let mut total: u64 = 0;
    for (i, line) in text.lines().enumerate() {
        let mut f = line.split_ascii_whitespace();
        let Some(word) = f.next() else { continue };
        let freq: u32 = f
            .next()
            .and_then(|x| x.parse().ok())
            .unwrap_or_else(|| panic!("dict.txt:{}: no frequency", i + 1));
        let tag = f.next().unwrap_or("");
        assert!(f.next().is_none(), "dict.txt:{}: more than 3 fields", i + 1);
        let t = match tags.iter().position(|&x| x == tag) {
            Some(t) => t,
            None => {
                tags.push(tag);
                tags.len() - 1
            }
        };
        assert!(tags.len() <= 256 && word.len() <= 255 && tag.len() <= 255);
        total += freq as u64;
        let mut chars = word.chars();
        let first = chars.next().expect("a word") as u32;
        let second = chars.next().map_or(0, |c| c as u32);
        assert!(
            second != 0 || word.chars().count() == 1,
            "dict.txt:{}: NUL as a second character",
            i + 1
        );
        let (g, n) = keys.entry((first, second)).or_default();
        g.push(word.len() as u8);
        g.extend_from_slice(word.as_bytes());
        g.extend_from_slice(&freq.to_le_bytes());
        g.push(t as u8);
        *n += 1;
    }
    let mut out = b"ZJDICT02".to_vec();
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(&(tags.len() as u32).to_le_bytes());
    for t in &tags {
        out.push(t.len() as u8);
        out.extend_from_slice(t.as_bytes());
    }
    // groups: first character, first key, key count
    let mut groups: Vec<(u32, u32, u32)> = Vec::new();
    for (i, &(first, _)) in keys.keys().enumerate() {
        match groups.last_mut() {
            Some(g) if g.0 == first => g.2 += 1,
            _ => groups.push((first, i as u32, 1)),
        }
    }
    out.extend_from_slice(&(groups.len() as u32).to_le_bytes());
    for (c, first, n) in &groups {
        for v in [c, first, n] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out.extend_from_slice(&(keys.len() as u32).to_le_bytes());
    let mut offset = 0u32;
    for (&(_, second), (g, n)) in &keys {
        for v in [second, offset, *n] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        offset += g.len() as u32;
    }
    out.extend_from_slice(&offset.to_le_bytes());
    for (g, _) in keys.values() {
        out.extend_from_slice(g);
    }
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("jieba-dict.bin");
    std::fs::write(&dest, out).expect("write jieba-dict.bin");
}

/// The state number of position `pos` (B M E S) and tag `tag`.
fn state(pos: &str, tag: &str) -> u16 {
    let (pos, tag): (u16, u16) = (
        pos.parse().expect("a position"),
        tag.parse().expect("a tag"),
    );
    assert!(pos < 4 && tag < 64, "posseg.txt: state {pos},{tag}");
    pos * 64 + tag
}

/// Compiles jieba's part-of-speech HMM (`data/jieba/posseg.txt`, the model
/// jieba-rs parses at run time the first time it tags a word it does not
/// know) into `jieba-posseg.bin`, read by `src/posseg.rs`. The text is read
/// as jieba-rs 0.11 reads it, so every number is the same `f64`.
///
/// Layout (little-endian): magic `ZJPOS001`; 64 tags as `u8` length +
/// bytes; 256 `f64` start log-probabilities by state (position × 64 + tag);
/// 256 × 256 `f64` transition log-probabilities, `[to][from]`; `u32` row
/// count, then per row (characters sorted) `u32` character, `u32` state
/// count, and its states sorted ascending, each `u16` state + `f64`
/// emission log-probability.
fn posseg() {
    const MIN_FLOAT: f64 = -3.14e100;
    let src = Path::new("data/jieba/posseg.txt");
    println!("cargo:rerun-if-changed={}", src.display());
    let text =
        std::fs::read_to_string(src).expect("data/jieba/posseg.txt (see data/jieba/README.md)");
    let mut tags: Vec<&str> = Vec::new();
    let mut start = vec![MIN_FLOAT; 256];
    let mut trans = vec![MIN_FLOAT; 256 * 256];
    // per character: emissions in file order (one per state), and the
    // states it is restricted to
    let mut emit: BTreeMap<char, Vec<(u16, f64)>> = BTreeMap::new();
    let mut restrict: BTreeMap<char, Vec<u16>> = BTreeMap::new();
    let num = |s: &str| -> f64 { s.parse().expect("posseg.txt: a number") };
    let mut section = "";
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('@') {
            section = line;
            continue;
        }
        match section {
            "@TAGS" => {
                tags = line.split(',').map(str::trim).collect();
                assert_eq!(tags.len(), 64, "posseg.txt: 64 tags");
            }
            "@START" => {
                let mut f = line.splitn(3, ',');
                let (p, t, x) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
                start[state(p, t) as usize] = num(x);
            }
            "@TRANS" => {
                let mut segs = line.split('|');
                let mut from = segs.next().unwrap().splitn(2, ',');
                let from = state(from.next().unwrap(), from.next().unwrap()) as usize;
                for seg in segs.map(str::trim).filter(|s| !s.is_empty()) {
                    let mut f = seg.splitn(3, ',');
                    let (p, t, x) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
                    trans[state(p, t) as usize * 256 + from] = num(x);
                }
            }
            "@EMIT" => {
                let mut segs = line.split('|');
                let mut st = segs.next().unwrap().splitn(2, ',');
                let s = state(st.next().unwrap(), st.next().unwrap());
                for seg in segs.map(str::trim).filter(|s| !s.is_empty()) {
                    let mut f = seg.rsplitn(2, ',');
                    let x = num(f.next().unwrap());
                    let c = f.next().unwrap().chars().next().expect("a character");
                    let e = emit.entry(c).or_default();
                    match e.iter_mut().find(|(es, _)| *es == s) {
                        Some(found) => found.1 = x,
                        None => e.push((s, x)),
                    }
                }
            }
            "@CHAR_STATE" => {
                let mut segs = line.split('|');
                let c = segs.next().unwrap().chars().next().expect("a character");
                let states: Vec<u16> = segs
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|seg| {
                        let mut f = seg.splitn(2, ',');
                        state(f.next().unwrap(), f.next().unwrap())
                    })
                    .collect();
                // (an empty list: no restriction, as no list at all)
                if states.is_empty() {
                    restrict.remove(&c);
                } else {
                    restrict.insert(c, states);
                }
            }
            _ => {}
        }
    }
    assert_eq!(tags.len(), 64, "posseg.txt: no @TAGS");
    // A character restricted to some states takes exactly those (an
    // emission missing for one of them is MIN_FLOAT); any other character
    // with emissions may take every state, but one without an emission
    // never wins, so its row lists the states that have one.
    let mut rows: BTreeMap<char, Vec<(u16, f64)>> = BTreeMap::new();
    for (c, states) in &restrict {
        let e = emit.get(c);
        let row = states
            .iter()
            .map(|&s| {
                let x = e
                    .and_then(|e| e.iter().find(|(es, _)| *es == s))
                    .map_or(MIN_FLOAT, |&(_, x)| x);
                (s, x)
            })
            .collect();
        rows.insert(*c, row);
    }
    for (c, e) in emit {
        rows.entry(c).or_insert(e);
    }
    let mut out = b"ZJPOS001".to_vec();
    for t in &tags {
        assert!(t.len() < 256);
        out.push(t.len() as u8);
        out.extend_from_slice(t.as_bytes());
    }
    for x in start.iter().chain(&trans) {
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    for (c, mut row) in rows {
        // (a state listed twice has the same emission both times)
        row.sort_by_key(|&(s, _)| s);
        out.extend_from_slice(&(c as u32).to_le_bytes());
        out.extend_from_slice(&(row.len() as u32).to_le_bytes());
        for (s, x) in row {
            out.extend_from_slice(&s.to_le_bytes());
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("jieba-posseg.bin");
    std::fs::write(&dest, out).expect("write jieba-posseg.bin");
}
