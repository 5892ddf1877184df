//! OpenCC's prefix matching (`PrefixMatch.cpp`, `DictGroup.cpp`) compiled
//! into one longest-match table per conversion step.
//!
//! OpenCC walks a text left to right; at each position it asks the
//! dictionary (or group) for its match there, emits the value and jumps past
//! the key, or passes one character (or a whole ideographic description
//! sequence) through. Groups combine their children per position:
//!
//! * `union`: the longest key of any child, the earlier child on ties (a
//!   key in several dictionaries keeps the first one's value);
//! * `short_circuit`: the longest key of the *first* child that has any key
//!   at that position.
//!
//! Whatever the group, the keys that match at a position are exactly the
//! prefixes of the longest key `k` of all its dictionaries that matches
//! there. So the group's answer at that position depends on `k` alone, and
//! is precomputed for every key: evaluate the group on the text `k`.
//!
//! The walk then needs, at each position, only the longest key there. Most
//! positions are settled by a per-char table: a char that starts no key
//! passes; one that starts no longer key, or whose next char cannot
//! continue one (a pair filter says so), matches alone if it is a key.
//! Only where a longer key may start does a trie of all keys ([`Trie`])
//! walk on from the position, as far as some key continues. The walk emits
//! the precomputed answer and goes on after it. For a plain dictionary this
//! is the classic leftmost-longest, non-overlapping search.

use std::ops::Range;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::dict::Dict;
use crate::trie::{Trie, ROOT};
use crate::{Error, Result};

/// How a dictionary group combines its children (OpenCC `match_policy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Policy {
    /// The first child with any match wins.
    ShortCircuit,
    /// The longest match of any child wins; the earlier child on ties.
    Union,
}

/// One or more dictionaries merged for lookup: key → first candidate; a key
/// present in several keeps the value of the first dictionary, as OpenCC's
/// `LeafMatcher::AddEntry`.
#[derive(Debug)]
pub(crate) struct Leaf {
    map: FxHashMap<Box<str>, Box<str>>,
    max_len: usize,
}

impl Leaf {
    pub fn build(dicts: &[Arc<Dict>]) -> Leaf {
        let mut map: FxHashMap<Box<str>, Box<str>> = FxHashMap::default();
        let mut max_len = 0;
        for d in dicts {
            for e in &d.entries {
                if map.contains_key(e.key.as_str()) {
                    continue;
                }
                let v = e.values.first().map(String::as_str).unwrap_or("");
                max_len = max_len.max(e.key.len());
                map.insert(e.key.as_str().into(), v.into());
            }
        }
        Leaf { map, max_len }
    }

    /// The longest key that is a prefix of `s`, and its value.
    fn longest_prefix<'a>(&'a self, s: &str) -> Option<(usize, &'a str)> {
        let mut end = s.len().min(self.max_len);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        while end > 0 {
            if let Some(v) = self.map.get(&s[..end]) {
                return Some((end, v));
            }
            end -= 1;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
        }
        None
    }
}

/// The shape of a dictionary (group): leaves are indices into a leaf list.
#[derive(Clone, Debug)]
pub(crate) enum Tree {
    Leaf(usize),
    Group(Policy, Vec<Tree>),
}

impl Tree {
    /// The group's match at the start of `s`: (key length, value).
    fn eval<'a>(&self, leaves: &'a [Arc<Leaf>], s: &str) -> Option<(usize, &'a str)> {
        match self {
            Tree::Leaf(i) => leaves[*i].longest_prefix(s),
            Tree::Group(Policy::ShortCircuit, children) => {
                children.iter().find_map(|c| c.eval(leaves, s))
            }
            Tree::Group(Policy::Union, children) => {
                let mut best: Option<(usize, &str)> = None;
                for c in children {
                    if let Some(m) = c.eval(leaves, s) {
                        if best.is_none_or(|b| m.0 > b.0) {
                            best = Some(m);
                        }
                    }
                }
                best
            }
        }
    }
}

/// The answer for one key: how much to consume, what to emit (a
/// range of [`Matcher::values`]), and whether that equals the consumed text.
#[derive(Clone, Copy, Debug)]
struct Answer {
    len: u32,
    same: bool,
    value: (u32, u32),
}

/// A dictionary or dictionary group compiled for maximum forward matching.
pub(crate) struct Matcher {
    /// All keys; key `i` has answer `i`.
    trie: Trie,
    answers: Vec<Answer>,
    /// The outputs of all answers, one after another.
    values: String,
    chars: CharTable,
}

/// A char's entry in the [`CharTable`]. The low 32 bits ("the start"): 0
/// when no key starts with it; otherwise the flags [`MULTI`] and [`IDS_OP`]
/// and, in the low bits, one more than the index of its own single-char key
/// (0: it is no key). The high 32 bits: its code in the [`Trie`] (0: no key
/// contains it).
type Entry = u64;
/// A key of two or more chars starts with the char.
const MULTI: u64 = 1 << 31;
/// The char is an ideographic description operator.
const IDS_OP: u64 = 1 << 30;
const SINGLE: u64 = (1 << 30) - 1;
const CODE_SHIFT: u32 = 32;

/// Which chars may begin a key, what they match alone and their trie codes (the role of
/// OpenCC's `Utf8SkipTable`, extended): the walk skips runs of chars that
/// start no key without touching the trie, and a char that starts no
/// longer key — or whose next char cannot continue one — is answered by a
/// table lookup. Only where a key of two or more chars may begin does the
/// trie walk run. Ideographic description operators always stop the walk.
struct CharTable {
    /// The entry of every BMP code point.
    bmp: Box<[Entry; 0x10000]>,
    /// The entries of supplementary-plane chars, sorted by char.
    astral: Vec<(u32, Entry)>,
    /// A Bloom-style bit set over the (first, second) char pairs of the keys
    /// of two or more chars, hashed ([`CharTable::pair_bit`]): a clear bit
    /// proves that no such key starts with the pair.
    pairs: Vec<u64>,
    /// log2 of the bit count of `pairs`.
    pair_bits: u32,
    /// The UTF-8 lead bytes of every char that starts a key, when there are at
    /// most three (the normalization tables: U+F900.. and astral
    /// compatibility ideographs, and the IDS operators): the walk then
    /// jumps from one such byte to the next with memchr instead of
    /// decoding every char.
    leads: Option<[u8; 3]>,
}

/// Decodes the char at byte `p`, a char boundary of a str's bytes: (code
/// point, byte length).
#[inline(always)]
fn decode_at(b: &[u8], p: usize) -> (u32, usize) {
    let lead = b[p];
    if lead < 0x80 {
        (lead as u32, 1)
    } else if lead < 0xE0 {
        (((lead as u32 & 0x1F) << 6) | (b[p + 1] as u32 & 0x3F), 2)
    } else if lead < 0xF0 {
        (
            ((lead as u32 & 0x0F) << 12)
                | ((b[p + 1] as u32 & 0x3F) << 6)
                | (b[p + 2] as u32 & 0x3F),
            3,
        )
    } else {
        (
            ((lead as u32 & 0x07) << 18)
                | ((b[p + 1] as u32 & 0x3F) << 12)
                | ((b[p + 2] as u32 & 0x3F) << 6)
                | (b[p + 3] as u32 & 0x3F),
            4,
        )
    }
}

impl CharTable {
    /// The table of `keys` (in answer order; fewer than [`SINGLE`]) and
    /// the codes of their chars in the [`Trie`] (`(char, code)`).
    fn new(keys: &[&str], codes: &[(u32, u32)]) -> CharTable {
        let mut entries: FxHashMap<u32, Entry> = FxHashMap::default();
        let mut pairs = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let mut cs = k.chars();
            let Some(c) = cs.next() else { continue };
            let e = entries.entry(c as u32).or_insert(0);
            match cs.next() {
                None => *e |= i as Entry + 1,
                Some(c2) => {
                    *e |= MULTI;
                    pairs.push((c as u32, c2 as u32));
                }
            }
        }
        for &(c, code) in codes {
            *entries.entry(c).or_insert(0) |= (code as Entry) << CODE_SHIFT;
        }
        for c in 0x2FF0..=0x2FFF {
            *entries.entry(c).or_insert(0) |= IDS_OP;
        }
        let mut entries: Vec<(u32, Entry)> = entries.into_iter().collect();
        entries.sort_unstable();
        pairs.sort_unstable();
        pairs.dedup();
        // about 16 bits per pair: a false positive (which only costs a
        // trie walk) on about 1 in 20 unrelated pairs
        let pair_bits = (pairs.len() * 16)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(6, 21);
        let mut set = vec![0u64; 1 << (pair_bits - 6)];
        for &(a, b) in &pairs {
            let bit = Self::pair_bit(pair_bits, a, b);
            set[bit >> 6] |= 1 << (bit & 63);
        }
        Self::from_parts(&entries, set, pair_bits)
    }

    /// The table of sorted `(char, entry)` pairs and a pair set.
    fn from_parts(entries: &[(u32, Entry)], pairs: Vec<u64>, pair_bits: u32) -> CharTable {
        let mut bmp: Box<[Entry; 0x10000]> = vec![0; 0x10000]
            .into_boxed_slice()
            .try_into()
            .expect("0x10000 entries");
        let mut astral = Vec::new();
        let mut seen = [false; 256];
        for &(c, e) in entries {
            let mut utf8 = [0; 4];
            if let Some(ch) = char::from_u32(c).filter(|_| e as u32 != 0) {
                seen[ch.encode_utf8(&mut utf8).as_bytes()[0] as usize] = true;
            }
            if c < 0x10000 {
                bmp[c as usize] = e;
            } else {
                astral.push((c, e));
            }
        }
        let leads: Vec<u8> = (0..=255u8).filter(|&b| seen[b as usize]).collect();
        let leads = match leads[..] {
            [] => Some([0xFF; 3]), // 0xFF never occurs in UTF-8
            [a] => Some([a, a, a]),
            [a, b] => Some([a, b, b]),
            [a, b, c] => Some([a, b, c]),
            _ => None,
        };
        CharTable {
            bmp,
            astral,
            pairs,
            pair_bits,
            leads,
        }
    }

    /// The bit of the pair (`a`, `b`) in a pair set of 2^`bits` bits.
    #[inline(always)]
    fn pair_bit(bits: u32, a: u32, b: u32) -> usize {
        let h = ((a as u64) << 21 | b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> (64 - bits)) as usize
    }

    /// Whether a key of two or more chars may start with `a` followed by
    /// `b`.
    #[inline(always)]
    fn may_pair(&self, a: u32, b: u32) -> bool {
        let bit = Self::pair_bit(self.pair_bits, a, b);
        self.pairs[bit >> 6] >> (bit & 63) & 1 != 0
    }

    /// The entry of code point `c`.
    #[inline(always)]
    fn entry(&self, c: u32) -> Entry {
        if c < 0x10000 {
            self.bmp[c as usize]
        } else {
            match self.astral.binary_search_by_key(&c, |&(k, _)| k) {
                Ok(i) => self.astral[i].1,
                Err(_) => 0,
            }
        }
    }

    /// The first char at or after byte `p` (and before `end`) that starts
    /// a key or is an IDS operator: (position, entry, code point, byte
    /// length); `p == end` when there is none.
    #[inline(always)]
    fn next(&self, b: &[u8], mut p: usize, end: usize) -> (usize, Entry, u32, usize) {
        if let Some([x, y, z]) = self.leads {
            // only chars with these lead bytes have entries
            while p < end {
                match memchr::memchr3(x, y, z, &b[p..end]) {
                    None => break,
                    Some(i) => p += i,
                }
                let (c, n) = decode_at(b, p);
                let e = self.entry(c);
                if e as u32 != 0 {
                    return (p, e, c, n);
                }
                p += n;
            }
            return (end, 0, 0, 0);
        }
        while p < end {
            let (c, n) = decode_at(b, p);
            let e = self.entry(c);
            if e as u32 != 0 {
                return (p, e, c, n);
            }
            p += n;
        }
        (end, 0, 0, 0)
    }
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("keys", &self.answers.len())
            .finish()
    }
}

/// A match: byte range of the text and its output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit<'m> {
    pub start: usize,
    pub end: usize,
    pub value: &'m str,
    /// The output equals the matched text (no edit needed).
    pub same: bool,
    /// Which key matched (an index below [`Matcher::keys`]): hits with the
    /// same key cover the same text and have the same output.
    pub key: u32,
}

impl Matcher {
    /// Compiles `tree` over `leaves`; `name` names it in errors.
    pub fn compile(leaves: &[Arc<Leaf>], tree: &Tree, name: &str) -> Result<Matcher> {
        let mut keys: Vec<&str> = Vec::new();
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        let mut used = vec![false; leaves.len()];
        fn mark(t: &Tree, used: &mut [bool]) {
            match t {
                Tree::Leaf(i) => used[*i] = true,
                Tree::Group(_, cs) => cs.iter().for_each(|c| mark(c, used)),
            }
        }
        mark(tree, &mut used);
        for (l, _) in leaves.iter().zip(&used).filter(|(_, u)| **u) {
            for k in l.map.keys() {
                if seen.insert(k) {
                    keys.push(k);
                }
            }
        }
        keys.sort_unstable();
        if keys.len() >= SINGLE as usize {
            return Err(Error::Generate {
                name: name.to_string(),
                message: format!("{} keys: more than the matcher holds", keys.len()),
            });
        }
        let (trie, codes) = Trie::build(&keys);
        let chars = CharTable::new(&keys, &codes);
        let mut answers = Vec::with_capacity(keys.len());
        let mut values = String::new();
        for k in keys {
            let (len, value) = tree
                .eval(leaves, k)
                .expect("a key matches at least itself in its own dictionary");
            answers.push(Answer {
                len: len as u32,
                same: value == &k[..len],
                value: (values.len() as u32, value.len() as u32),
            });
            values.push_str(value);
        }
        Ok(Matcher {
            trie,
            answers,
            values,
            chars,
        })
    }

    /// The output of an answer.
    #[inline]
    fn value(&self, a: &Answer) -> &str {
        &self.values[a.value.0 as usize..(a.value.0 + a.value.1) as usize]
    }

    #[cfg_attr(not(test), allow(dead_code))] // used by build.rs
    /// Appends the matcher in the form [`Matcher::read`] reads (see
    /// `compiled.rs`): answers, their outputs, the char table, the trie.
    pub fn write(&self, out: &mut Vec<u8>) {
        put_u32(out, self.answers.len() as u32);
        for a in &self.answers {
            put_u32(out, a.len);
            out.push(a.same as u8);
            put_u32(out, a.value.0);
            put_u32(out, a.value.1);
        }
        put_u32(out, self.values.len() as u32);
        out.extend_from_slice(self.values.as_bytes());
        let t = &self.chars;
        let entries: Vec<(u32, Entry)> = (0..0x10000u32)
            .map(|c| (c, t.bmp[c as usize]))
            .filter(|&(_, e)| e != 0)
            .chain(t.astral.iter().copied())
            .collect();
        put_u32(out, entries.len() as u32);
        for (c, e) in entries {
            put_u32(out, c);
            out.extend_from_slice(&e.to_le_bytes());
        }
        out.push(t.pair_bits as u8);
        for w in &t.pairs {
            out.extend_from_slice(&w.to_le_bytes());
        }
        self.trie.write(out);
    }

    /// A matcher written by [`Matcher::write`]; `None` if the bytes are not one.
    #[cfg_attr(not(feature = "embed"), allow(dead_code))] // the embedded tables
    pub fn read(b: &[u8]) -> Option<Matcher> {
        let mut r = Reader { b, p: 0 };
        let n = r.u32()? as usize;
        let mut answers = Vec::with_capacity(n.min(b.len() / 13));
        for _ in 0..n {
            answers.push(Answer {
                len: r.u32()?,
                same: r.take(1)?[0] != 0,
                value: (r.u32()?, r.u32()?),
            });
        }
        let len = r.u32()? as usize;
        let values = std::str::from_utf8(r.take(len)?).ok()?.to_string();
        if answers.iter().any(|a| {
            values
                .get(a.value.0 as usize..(a.value.0 as usize).saturating_add(a.value.1 as usize))
                .is_none()
        }) {
            return None;
        }
        let n = r.u32()? as usize;
        let mut entries = Vec::with_capacity(n.min(b.len() / 12));
        for _ in 0..n {
            let (c, e) = (r.u32()?, r.u64()?);
            // sorted chars; a single-char key's answer covers that char
            let ch = char::from_u32(c)?;
            let single = (e & SINGLE) as usize;
            if entries.last().is_some_and(|&(l, _)| l >= c)
                || e == 0
                || (single != 0 && answers.get(single - 1)?.len as usize != ch.len_utf8())
            {
                return None;
            }
            entries.push((c, e));
        }
        let pair_bits = r.take(1)?[0] as u32;
        if !(6..=24).contains(&pair_bits) {
            return None;
        }
        let pairs: Vec<u64> = r
            .take(1 << (pair_bits - 3))?
            .chunks_exact(8)
            .map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")))
            .collect();
        let (trie, rest) = Trie::read(&b[r.p..], answers.len())?;
        if !rest.is_empty() {
            return None;
        }
        Some(Matcher {
            trie,
            answers,
            values,
            chars: CharTable::from_parts(&entries, pairs, pair_bits),
        })
    }

    /// The index of the longest key that starts with the char of code
    /// `first` and goes on at byte `p` of `b` (a char boundary, not past
    /// `end`, which is one).
    #[inline(always)]
    fn longest_at(&self, b: &[u8], mut p: usize, end: usize, first: u32) -> Option<u32> {
        let t = &self.trie;
        let mut s = t.step(ROOT, first)?;
        let mut best = t.key(s);
        while p < end {
            let (c, n) = decode_at(b, p);
            let code = (self.chars.entry(c) >> CODE_SHIFT) as u32;
            if code == 0 {
                break;
            }
            match t.step(s, code) {
                Some(next) => s = next,
                None => break,
            }
            p += n;
            if let Some(k) = t.key(s) {
                best = Some(k);
            }
        }
        best
    }

    /// Number of keys.
    pub fn keys(&self) -> usize {
        self.answers.len()
    }
}

#[cfg_attr(not(test), allow(dead_code))] // used by build.rs
fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// A bounds-checked reader of [`Matcher::write`]'s form.
#[cfg_attr(not(feature = "embed"), allow(dead_code))] // the embedded tables
struct Reader<'a> {
    b: &'a [u8],
    p: usize,
}

#[cfg_attr(not(feature = "embed"), allow(dead_code))] // the embedded tables
impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.p..self.p.checked_add(n)?)?;
        self.p += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// Ideographic description operators U+2FF0..=U+2FFF (all have an arity in
/// OpenCC 1.4.2's `IdeographicDescriptionOperatorArity`). UTF-8: E2 BF B0..BF.
fn ids_arity(c: char) -> usize {
    match c as u32 {
        0x2FF2 | 0x2FF3 => 3,
        0x2FFE | 0x2FFF => 1,
        0x2FF0..=0x2FFD => 2,
        _ => 0,
    }
}

/// Whether the text contains an ideographic description operator.
pub(crate) fn has_ids(text: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), b"\xE2\xBF").any(|i| {
        text.as_bytes()
            .get(i + 2)
            .is_some_and(|b| (0xB0..=0xBF).contains(b))
    })
}

/// `UTF8Util::NextIdeographicDescriptionSequenceLength`: the byte length of
/// a complete IDS starting at the start of `s`, or 0.
fn ids_len(s: &str) -> usize {
    fn consume(s: &str, depth_left: usize, code_points: &mut usize) -> Result<usize, bool> {
        // Err(true): incomplete, Err(false): invalid
        let Some(c) = s.chars().next() else {
            return Err(true);
        };
        if depth_left == 0 || *code_points >= 64 {
            return Err(false);
        }
        *code_points += 1;
        let arity = ids_arity(c);
        let mut offset = c.len_utf8();
        if arity == 0 {
            return Ok(offset);
        }
        for _ in 0..arity {
            if offset >= s.len() {
                return Err(true);
            }
            offset += consume(&s[offset..], depth_left - 1, code_points)?;
        }
        Ok(offset)
    }
    match s.chars().next() {
        Some(c) if ids_arity(c) > 0 => consume(s, 16, &mut 0).unwrap_or(0),
        _ => 0,
    }
}

/// OpenCC's maximum forward matching over `text[range]`: calls `on_hit` for
/// every dictionary match, in order; everything between passes through.
/// `ids`: whether the text may contain ideographic description operators
/// (see [`has_ids`]); an IDS at an unmatched position is passed through
/// whole, so no key may start inside it.
pub(crate) fn scan<'m>(
    m: &'m Matcher,
    text: &str,
    range: Range<usize>,
    ids: bool,
    mut on_hit: impl FnMut(Hit<'m>),
) {
    if m.answers.is_empty() {
        return;
    }
    let t = &m.chars;
    let b = text.as_bytes();
    let end = range.end;
    let mut p = range.start;
    while p < end {
        let (at, e, c, n) = t.next(b, p, end);
        if at >= end {
            break;
        }
        p = at;
        // the longest key at `p`: the char alone (or none) unless a longer
        // key starts with it and the next char; then the trie's
        let single = (e & SINGLE) as u32;
        let key = if e & MULTI != 0 && p + n < end && t.may_pair(c, decode_at(b, p + n).0) {
            m.longest_at(b, p + n, end, (e >> CODE_SHIFT) as u32)
        } else {
            single.checked_sub(1)
        };
        match key {
            Some(k) => {
                let a = &m.answers[k as usize];
                on_hit(Hit {
                    start: p,
                    end: p + a.len as usize,
                    value: m.value(a),
                    same: a.same,
                    key: k,
                });
                p += a.len as usize;
            }
            // nothing matches here: the char passes, or a whole IDS
            None if ids && e & IDS_OP != 0 => {
                p += match ids_len(&text[p..end]) {
                    0 => n,
                    l => l,
                }
            }
            None => p += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn dict(s: &str) -> Arc<Dict> {
        Arc::new(Dict::parse(s, Path::new("t.txt")).unwrap())
    }

    fn run(leaves: Vec<Arc<Leaf>>, tree: Tree, text: &str) -> Vec<(usize, usize, String)> {
        let m = Matcher::compile(&leaves, &tree, "test").unwrap();
        let mut out = Vec::new();
        scan(&m, text, 0..text.len(), has_ids(text), |h| {
            out.push((h.start, h.end, h.value.to_string()));
        });
        out
    }

    #[test]
    fn short_circuit_prefers_first_child_even_if_shorter() {
        let a = Arc::new(Leaf::build(&[dict("ab\tX\n")]));
        let b = Arc::new(Leaf::build(&[dict("abc\tY\nb\tZ\n")]));
        let leaves = vec![a, b];
        let sc = Tree::Group(Policy::ShortCircuit, vec![Tree::Leaf(0), Tree::Leaf(1)]);
        assert_eq!(
            run(leaves.clone(), sc.clone(), "abc"),
            vec![(0, 2, "X".into())]
        );
        // after the shorter answer the search restarts inside the longer key
        assert_eq!(
            run(leaves.clone(), sc, "abcb"),
            vec![(0, 2, "X".into()), (3, 4, "Z".into())]
        );
        let un = Tree::Group(Policy::Union, vec![Tree::Leaf(0), Tree::Leaf(1)]);
        assert_eq!(
            run(leaves.clone(), un.clone(), "abc"),
            vec![(0, 3, "Y".into())]
        );
        // "b" inside "ab" is not matched; after it, the walk continues
        assert_eq!(
            run(leaves, un, "abxb"),
            vec![(0, 2, "X".into()), (3, 4, "Z".into())]
        );
    }

    #[test]
    fn first_dictionary_wins_a_merged_key() {
        let l = Leaf::build(&[dict("k\t1\n"), dict("k\t2\nkk\t3\n")]);
        let m = Matcher::compile(&[Arc::new(l)], &Tree::Leaf(0), "t").unwrap();
        assert_eq!(m.keys(), 2);
        let l = Leaf::build(&[dict("k\t1\n"), dict("k\t2\nkk\t3\n")]);
        assert_eq!(
            run(vec![Arc::new(l)], Tree::Leaf(0), "k"),
            vec![(0, 1, "1".into())]
        );
    }

    #[test]
    fn ideographic_description_sequences_pass_whole() {
        let run1 = |t: &str| {
            run(
                vec![Arc::new(Leaf::build(&[dict("言\tX\n兌\tY\n")]))],
                Tree::Leaf(0),
                t,
            )
        };
        // ⿰言兌 is one unit; the 言 after it is matched
        assert_eq!(run1("⿰言兌言"), vec![(9, 12, "X".into())]);
        // an incomplete IDS passes the operator only
        assert_eq!(run1("⿰言"), vec![(3, 6, "X".into())]);
        assert_eq!(ids_len("⿲a⿱bcd!"), "⿲a⿱bcd".len());
        assert_eq!(ids_len("a"), 0);
    }

    /// Fuzzing found conversion quadratic in the IDS operators before a
    /// distant match: each one restarted the search, which scanned on to
    /// the match again. 300,000 of them before the only match took hours;
    /// now one scan.
    #[test]
    fn many_ideographic_description_operators_before_a_distant_match_are_linear() {
        let leaves = vec![Arc::new(Leaf::build(&[dict("ab\tX\nz\tZ\n")]))];
        // "a" can start a key, so the search starts at each one; the "⿰"
        // after it is an operator without its operands
        let text = format!("{}z", "a⿰".repeat(300_000));
        assert_eq!(
            run(leaves.clone(), Tree::Leaf(0), &text),
            vec![(text.len() - 1, text.len(), "Z".into())]
        );
        // an operator whose IDS reaches past the match hides it
        assert_eq!(run(leaves, Tree::Leaf(0), "a⿰ab"), vec![]);
    }

    #[test]
    fn an_empty_matcher_matches_nothing() {
        let l = Arc::new(Leaf::build(&[]));
        assert_eq!(
            run(
                vec![l],
                Tree::Leaf(0),
                "\u{FFFF}\u{FFFF}\u{FFFF}\u{FFFF}abc"
            ),
            vec![]
        );
    }
}
