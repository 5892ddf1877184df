//! OpenCC's prefix matching (`PrefixMatch.cpp`, `DictGroup.cpp`) recast as
//! "next match" queries over leftmost-longest automata.
//!
//! OpenCC walks a text left to right; at each position it asks the
//! dictionary (or group) for its longest key starting there, emits the value
//! and jumps past the key, or passes one character (or a whole ideographic
//! description sequence) through. For one dictionary that walk is exactly a
//! leftmost-longest, non-overlapping Aho-Corasick search, which daachorse
//! does in one pass. Groups combine their children per position:
//!
//! * `union`: the longest key of any child, the earlier child on ties. A
//!   tree of unions over plain dictionaries is merged into one automaton, as
//!   OpenCC itself merges it into one trie (first dictionary wins a key).
//! * `short_circuit`: the longest key of the *first* child that has any key
//!   at that position.
//!
//! Both reduce to: each child reports its leftmost match at or after the
//! position; the group's leftmost match starts at the smallest such start,
//! and among the children starting there the policy picks. Children cache
//! their next match until the walk passes its start, so the whole walk stays
//! linear.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder, MatchKind};

use crate::dict::Dict;
use crate::{Error, Result};

/// How a dictionary group combines its children (OpenCC `match_policy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Policy {
    /// The first child with any match wins.
    ShortCircuit,
    /// The longest match of any child wins; the earlier child on ties.
    Union,
}

/// One or more dictionaries merged into a leftmost-longest automaton.
pub(crate) struct Leaf {
    pma: CharwiseDoubleArrayAhoCorasick<u32>,
    // For pattern value i: the output (first candidate) and whether it
    // equals the key (no edit needed).
    values: Vec<(Box<str>, bool)>,
}

impl std::fmt::Debug for Leaf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Leaf")
            .field("keys", &self.values.len())
            .finish()
    }
}

impl Leaf {
    /// Merges `dicts` in order: a key present in several keeps the value of
    /// the first, as OpenCC's `LeafMatcher::AddEntry`.
    pub fn build(dicts: &[Arc<Dict>]) -> Result<Leaf> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut patterns: Vec<(&str, u32)> = Vec::new();
        let mut values: Vec<(Box<str>, bool)> = Vec::new();
        for d in dicts {
            for e in &d.entries {
                if !seen.insert(e.key.as_str()) {
                    continue;
                }
                let v = e.values.first().map(String::as_str).unwrap_or("");
                patterns.push((e.key.as_str(), values.len() as u32));
                values.push((v.into(), v == e.key));
            }
        }
        if patterns.is_empty() {
            // daachorse cannot build an empty automaton; a key no text can
            // contain stands in (never reported: its value is never read
            // because a char outside Unicode scalar values cannot occur).
            return Ok(Leaf {
                pma: CharwiseDoubleArrayAhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build_with_values([("\u{10FFFF}\u{10FFFF}\u{10FFFF}\u{10FFFE}", u32::MAX)])
                    .map_err(|e| Error::Generate {
                        name: "empty dictionary".into(),
                        message: e.to_string(),
                    })?,
                values,
            });
        }
        let pma = CharwiseDoubleArrayAhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build_with_values(patterns)
            .map_err(|e| Error::Generate {
                name: dicts
                    .iter()
                    .map(|d| d.label.display().to_string())
                    .collect::<Vec<_>>()
                    .join("+"),
                message: format!("cannot build the matcher: {e}"),
            })?;
        Ok(Leaf { pma, values })
    }

    fn find(&self, text: &str, from: usize, end: usize) -> Option<Hit> {
        let m = self.pma.leftmost_find_iter(&text[from..end]).next()?;
        if m.value() == u32::MAX {
            return None;
        }
        Some(Hit {
            start: from + m.start(),
            end: from + m.end(),
            value: m.value(),
            leaf: 0,
        })
    }

    /// Number of keys.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.values.len()
    }
}

/// A match: byte range of the text, the leaf index and value index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub leaf: u32,
    pub value: u32,
}

/// The shape of a dictionary (group) after union flattening.
#[derive(Clone, Debug)]
pub(crate) enum Tree {
    Leaf(usize),
    Group(Policy, Vec<Tree>),
}

/// A dictionary or dictionary group, ready to match.
#[derive(Clone, Debug)]
pub(crate) struct Matcher {
    pub leaves: Vec<Arc<Leaf>>,
    pub tree: Tree,
}

#[derive(Clone, Copy, Debug)]
struct Cached {
    // The search started here (usize::MAX: no search yet).
    from: usize,
    hit: Option<Hit>,
}

/// Walk state: one cached next match per leaf.
pub(crate) struct Cursor<'m> {
    m: &'m Matcher,
    cache: Vec<Cached>,
}

impl<'m> Cursor<'m> {
    pub fn new(m: &'m Matcher) -> Self {
        Cursor {
            m,
            cache: vec![
                Cached {
                    from: usize::MAX,
                    hit: None
                };
                m.leaves.len()
            ],
        }
    }

    /// Forgets cached matches (a new segment).
    pub fn reset(&mut self) {
        for c in &mut self.cache {
            c.from = usize::MAX;
        }
    }

    /// The leftmost match of the matcher within `text[from..end]`, with the
    /// group semantics applied at its start. Between calls `from` must not
    /// decrease and `end` must stay the same, unless [`Cursor::reset`].
    pub fn next(&mut self, text: &str, from: usize, end: usize) -> Option<Hit> {
        let m = self.m;
        self.next_in(&m.tree, text, from, end)
    }

    fn next_in(&mut self, tree: &Tree, text: &str, from: usize, end: usize) -> Option<Hit> {
        match tree {
            Tree::Leaf(i) => {
                let c = &mut self.cache[*i];
                let valid = c.from <= from && c.hit.is_none_or(|h| h.start >= from);
                if !valid {
                    c.from = from;
                    c.hit = self.m.leaves[*i].find(text, from, end).map(|mut h| {
                        h.leaf = *i as u32;
                        h
                    });
                }
                c.hit
            }
            Tree::Group(policy, children) => {
                let mut best: Option<Hit> = None;
                for child in children {
                    let Some(h) = self.next_in(child, text, from, end) else {
                        continue;
                    };
                    best = match best {
                        None => Some(h),
                        Some(b) if h.start < b.start => Some(h),
                        Some(b)
                            if h.start == b.start && *policy == Policy::Union && h.end > b.end =>
                        {
                            Some(h)
                        }
                        keep => keep,
                    };
                }
                best
            }
        }
    }
}

impl Matcher {
    /// The output of a hit and whether it equals the matched key.
    pub fn value(&self, h: Hit) -> (&str, bool) {
        let (v, same) = &self.leaves[h.leaf as usize].values[h.value as usize];
        (v, *same)
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

/// The first ideographic description operator in `text[range]`.
fn find_ids(text: &str, range: Range<usize>) -> Option<usize> {
    let bytes = &text.as_bytes()[range.clone()];
    memchr::memmem::find_iter(bytes, b"\xE2\xBF")
        .find(|&i| bytes.get(i + 2).is_some_and(|b| (0xB0..=0xBF).contains(b)))
        .map(|i| range.start + i)
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
pub(crate) fn scan(
    cursor: &mut Cursor<'_>,
    text: &str,
    range: Range<usize>,
    ids: bool,
    mut on_hit: impl FnMut(Hit),
) {
    cursor.reset();
    let end = range.end;
    let mut p = range.start;
    while p < end {
        let hit = cursor.next(text, p, end);
        let gap_end = hit.map_or(end, |h| h.start);
        if ids {
            if let Some(o) = find_ids(text, p..gap_end) {
                let l = ids_len(&text[o..end]);
                p = o + if l == 0 { 3 } else { l };
                continue;
            }
        }
        match hit {
            Some(h) => {
                on_hit(h);
                p = h.end;
            }
            None => break,
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

    fn run(m: &Matcher, text: &str) -> Vec<(usize, usize, String)> {
        let mut c = Cursor::new(m);
        let mut out = Vec::new();
        let ids = has_ids(text);
        scan(&mut c, text, 0..text.len(), ids, |h| {
            let (v, _) = m.value(h);
            out.push((h.start, h.end, v.to_string()));
        });
        out
    }

    #[test]
    fn short_circuit_prefers_first_child_even_if_shorter() {
        let a = Arc::new(Leaf::build(&[dict("ab\tX\n")]).unwrap());
        let b = Arc::new(Leaf::build(&[dict("abc\tY\nb\tZ\n")]).unwrap());
        let sc = Matcher {
            leaves: vec![a.clone(), b.clone()],
            tree: Tree::Group(Policy::ShortCircuit, vec![Tree::Leaf(0), Tree::Leaf(1)]),
        };
        assert_eq!(run(&sc, "abc"), vec![(0, 2, "X".into())]);
        let un = Matcher {
            leaves: vec![a, b],
            tree: Tree::Group(Policy::Union, vec![Tree::Leaf(0), Tree::Leaf(1)]),
        };
        assert_eq!(run(&un, "abc"), vec![(0, 3, "Y".into())]);
        // "b" inside "ab" is not matched; after it, the walk continues
        assert_eq!(
            run(&un, "abxb"),
            vec![(0, 2, "X".into()), (3, 4, "Z".into())]
        );
    }

    #[test]
    fn first_dictionary_wins_a_merged_key() {
        let l = Leaf::build(&[dict("k\t1\n"), dict("k\t2\nkk\t3\n")]).unwrap();
        assert_eq!(l.len(), 2);
        let m = Matcher {
            leaves: vec![Arc::new(l)],
            tree: Tree::Leaf(0),
        };
        assert_eq!(run(&m, "k"), vec![(0, 1, "1".into())]);
    }

    #[test]
    fn ideographic_description_sequences_pass_whole() {
        let m = Matcher {
            leaves: vec![Arc::new(Leaf::build(&[dict("言\tX\n兌\tY\n")]).unwrap())],
            tree: Tree::Leaf(0),
        };
        // ⿰言兌 is one unit; the 言 after it is matched
        let t = "⿰言兌言";
        assert_eq!(run(&m, t), vec![(9, 12, "X".into())]);
        // an incomplete IDS passes the operator only
        assert_eq!(run(&m, "⿰言"), vec![(3, 6, "X".into())]);
        assert_eq!(ids_len("⿲a⿱bcd!"), "⿲a⿱bcd".len());
        assert_eq!(ids_len("a"), 0);
    }
}
