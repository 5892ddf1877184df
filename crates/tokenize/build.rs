//! Compiles the jieba dictionary (`data/jieba/dict.txt`, `word freq tag`
//! lines) into the binary form `src/jieba.rs` reads at run time: words
//! grouped by their first character, so a process loads into jieba only the
//! words that can occur in the text it sees, and parses no text to do it.
//!
//! Layout (little-endian): magic `ZJDICT01`; `u64` sum of all frequencies;
//! `u32` tag count, then each tag as `u8` length + bytes; `u32` group
//! count, then per group (sorted by character) `u32` character, `u32`
//! offset into the entries, `u32` word count; `u32` entry bytes, then per
//! word (in dictionary order within its group) `u8` length + bytes, `u32`
//! frequency, `u8` tag index.

use std::collections::BTreeMap;
use std::path::Path;

fn main() {
    let src = Path::new("data/jieba/dict.txt");
    println!("cargo:rerun-if-changed={}", src.display());
    let text =
        std::fs::read_to_string(src).expect("data/jieba/dict.txt (see data/jieba/README.md)");
    let mut tags: Vec<&str> = Vec::new();
    let mut groups: BTreeMap<char, Vec<u8>> = BTreeMap::new();
    let mut counts: BTreeMap<char, u32> = BTreeMap::new();
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
        let first = word.chars().next().expect("a word");
        let g = groups.entry(first).or_default();
        g.push(word.len() as u8);
        g.extend_from_slice(word.as_bytes());
        g.extend_from_slice(&freq.to_le_bytes());
        g.push(t as u8);
        *counts.entry(first).or_default() += 1;
    }
    let mut out = b"ZJDICT01".to_vec();
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(&(tags.len() as u32).to_le_bytes());
    for t in &tags {
        out.push(t.len() as u8);
        out.extend_from_slice(t.as_bytes());
    }
    out.extend_from_slice(&(groups.len() as u32).to_le_bytes());
    let mut offset = 0u32;
    for (c, g) in &groups {
        out.extend_from_slice(&(*c as u32).to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&counts[c].to_le_bytes());
        offset += g.len() as u32;
    }
    out.extend_from_slice(&offset.to_le_bytes());
    for g in groups.values() {
        out.extend_from_slice(g);
    }
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("jieba-dict.bin");
    std::fs::write(&dest, out).expect("write jieba-dict.bin");
}
