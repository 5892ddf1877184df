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
