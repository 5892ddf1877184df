//! The keys of a matcher as a double-array trie over char codes: the
//! anchored walk that finds the longest key starting at a position, reading
//! the text only as far as some key still continues.
//!
//! Every char that occurs in a key has a code (1, 2, …; the most frequent in
//! the keys first, so the array stays dense). A state `s` has a `base`; its
//! child by the char of code `c` sits in slot `base + c`, and is that child
//! only if the slot's `check` names `s`. A state records the key that ends
//! there. Slot 0 is the root (the empty prefix).
//!
//! The layout is computed once (at build time for the embedded configs) and
//! stored as three `u32` per slot; a lookup is one code (from the matcher's
//! per-char table) and one slot per char.

use std::cmp::Reverse;

use rustc_hash::FxHashMap;

/// A slot: see the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Unit {
    base: u32,
    /// The parent state, or [`FREE`].
    check: u32,
    /// One more than the index of the key that ends at this state; 0: none.
    key: u32,
}

/// The `check` of a slot that holds no state (and of the root).
const FREE: u32 = u32::MAX;

/// A double-array trie (see the module docs).
pub(crate) struct Trie {
    units: Vec<Unit>,
}

impl std::fmt::Debug for Trie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trie")
            .field("slots", &self.units.len())
            .finish()
    }
}

/// The root state.
pub(crate) const ROOT: u32 = 0;

impl Trie {
    /// The trie of `keys` (distinct, in byte order; key `i` records `i`)
    /// and the code of every char they contain, as `(char, code)` pairs.
    pub fn build(keys: &[&str]) -> (Trie, Vec<(u32, u32)>) {
        let chars: Vec<Vec<u32>> = keys
            .iter()
            .map(|k| k.chars().map(|c| c as u32).collect())
            .collect();
        let mut freq: FxHashMap<u32, u32> = FxHashMap::default();
        for k in &chars {
            for &c in k {
                *freq.entry(c).or_insert(0) += 1;
            }
        }
        let mut order: Vec<(u32, u32)> = freq.into_iter().collect();
        order.sort_unstable_by_key(|&(c, f)| (Reverse(f), c));
        let codes: Vec<(u32, u32)> = order
            .iter()
            .enumerate()
            .map(|(i, &(c, _))| (c, i as u32 + 1))
            .collect();
        let code: FxHashMap<u32, u32> = codes.iter().copied().collect();
        let keys: Vec<Vec<u32>> = chars
            .iter()
            .map(|k| k.iter().map(|c| code[c]).collect())
            .collect();

        let mut b = Builder {
            units: vec![Unit {
                base: 0,
                check: FREE,
                key: 0,
            }],
            next_free: vec![1],
        };
        // breadth first: (state, keys[lo..hi] share the first `depth` chars)
        let mut queue = std::collections::VecDeque::new();
        if !keys.is_empty() {
            queue.push_back((ROOT, 0, keys.len(), 0));
        }
        let mut children: Vec<(u32, usize, usize)> = Vec::new();
        while let Some((s, mut lo, hi, depth)) = queue.pop_front() {
            // in byte order a key sorts before the keys it is a prefix of
            if keys[lo].len() == depth {
                b.units[s as usize].key = lo as u32 + 1;
                lo += 1;
            }
            children.clear();
            let mut i = lo;
            while i < hi {
                let c = keys[i][depth];
                let mut j = i + 1;
                while j < hi && keys[j][depth] == c {
                    j += 1;
                }
                children.push((c, i, j));
                i = j;
            }
            if children.is_empty() {
                continue;
            }
            children.sort_unstable_by_key(|&(c, _, _)| c);
            let base = b.find_base(&children);
            b.units[s as usize].base = base;
            for &(c, i, j) in &children {
                let t = base + c;
                b.units[t as usize].check = s;
                queue.push_back((t, i, j, depth + 1));
            }
        }
        (Trie { units: b.units }, codes)
    }

    /// The child of state `s` by the char of code `code` (not 0).
    #[inline(always)]
    pub fn step(&self, s: u32, code: u32) -> Option<u32> {
        let base = self.units.get(s as usize)?.base;
        let t = base.checked_add(code)?;
        match self.units.get(t as usize) {
            Some(u) if u.check == s => Some(t),
            _ => None,
        }
    }

    /// The index of the key that ends at state `s`, if one does.
    #[inline(always)]
    pub fn key(&self, s: u32) -> Option<u32> {
        self.units.get(s as usize)?.key.checked_sub(1)
    }

    /// Appends the trie in the form [`Trie::read`] reads.
    #[cfg_attr(not(test), allow(dead_code))] // used by build.rs
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.units.len() as u32).to_le_bytes());
        for u in &self.units {
            for v in [u.base, u.check, u.key] {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
    }

    /// A trie written by [`Trie::write`] at the start of `b`, whose keys
    /// are below `keys`, and the bytes after it; `None` if the bytes are
    /// not one.
    #[cfg_attr(not(feature = "embed"), allow(dead_code))] // the embedded tables
    pub fn read(b: &[u8], keys: usize) -> Option<(Trie, &[u8])> {
        let n = u32::from_le_bytes(b.get(..4)?.try_into().ok()?) as usize;
        let body = b.get(4..4 + n.checked_mul(12)?)?;
        let units: Vec<Unit> = body
            .chunks_exact(12)
            .map(|u| {
                let v = |i: usize| u32::from_le_bytes(u[i..i + 4].try_into().expect("4 bytes"));
                Unit {
                    base: v(0),
                    check: v(4),
                    key: v(8),
                }
            })
            .collect();
        if units.is_empty() || units.iter().any(|u| u.key as usize > keys) {
            return None;
        }
        Some((Trie { units }, &b[4 + body.len()..]))
    }
}

/// The double array while it is laid out.
struct Builder {
    units: Vec<Unit>,
    /// For every slot, a slot at or before the first free slot from it on
    /// (a slot's own index while it is free): followed with
    /// [`Builder::free_from`], which shortens the paths it takes, so runs of
    /// taken slots are skipped at once. Slots past the end are free.
    next_free: Vec<u32>,
}

impl Builder {
    /// The first free slot at or after `i`.
    fn free_from(&mut self, i: usize) -> usize {
        let mut r = i;
        while r < self.next_free.len() && self.next_free[r] as usize != r {
            r = self.next_free[r] as usize;
        }
        // path compression
        let mut j = i;
        while j < self.next_free.len() && self.next_free[j] as usize != j {
            let n = self.next_free[j] as usize;
            self.next_free[j] = r as u32;
            j = n;
        }
        r
    }

    fn is_free(&self, i: usize) -> bool {
        self.next_free.get(i).is_none_or(|&n| n as usize == i)
    }

    /// The smallest base (≥ 1) at which every child of `children` (sorted
    /// codes) falls into a free slot, whose slots it then takes.
    fn find_base(&mut self, children: &[(u32, usize, usize)]) -> u32 {
        let first = children[0].0 as usize;
        // the first child's slot runs over the free slots
        let mut pos = self.free_from(first + 1);
        let base = loop {
            let base = pos - first;
            if children[1..]
                .iter()
                .all(|&(c, _, _)| self.is_free(base + c as usize))
            {
                break base;
            }
            pos = self.free_from(pos + 1);
        };
        let top = base + children[children.len() - 1].0 as usize;
        if top >= self.next_free.len() {
            let from = self.next_free.len();
            self.next_free.extend(from as u32..=top as u32);
            self.units.resize(
                top + 1,
                Unit {
                    base: 0,
                    check: FREE,
                    key: 0,
                },
            );
        }
        for &(c, _, _) in children {
            // taken: its first free slot is the next one's
            let i = base + c as usize;
            self.next_free[i] = i as u32 + 1;
        }
        base as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest key at the start of `s`, walked char by char.
    fn longest(t: &Trie, codes: &[(u32, u32)], s: &str) -> Option<u32> {
        let code: FxHashMap<u32, u32> = codes.iter().copied().collect();
        let mut st = ROOT;
        let mut best = None;
        for c in s.chars() {
            let Some(&k) = code.get(&(c as u32)) else {
                break;
            };
            match t.step(st, k) {
                Some(n) => st = n,
                None => break,
            }
            best = t.key(st).or(best);
        }
        best
    }

    #[test]
    fn finds_the_longest_key_at_the_start_and_nothing_else() {
        let mut keys = vec!["一", "一二三", "一二三四五", "二", "二三", "四五", "五六七"];
        keys.sort_unstable();
        let (t, codes) = Trie::build(&keys);
        let idx = |k: &str| keys.iter().position(|x| *x == k).map(|i| i as u32);
        assert_eq!(longest(&t, &codes, "一二三四"), idx("一二三"));
        assert_eq!(longest(&t, &codes, "一二三四五六"), idx("一二三四五"));
        assert_eq!(longest(&t, &codes, "一二"), idx("一"));
        assert_eq!(longest(&t, &codes, "二三四"), idx("二三"));
        assert_eq!(longest(&t, &codes, "五六"), None);
        assert_eq!(longest(&t, &codes, "三"), None);
        // round trip
        let mut b = Vec::new();
        t.write(&mut b);
        b.push(7);
        let (r, rest) = Trie::read(&b, keys.len()).unwrap();
        assert_eq!(r.units, t.units);
        assert_eq!(rest, [7]);
        assert!(Trie::read(&b, 2).is_none(), "a key beyond the count");
        assert!(Trie::read(&b[..b.len() - 3], keys.len()).is_none());
    }

    #[test]
    fn every_key_of_many_is_found_and_no_prefix_of_one_is_a_key() {
        // keys over a small alphabet share many prefixes
        let alphabet: Vec<char> = "天地玄黄宇宙洪荒".chars().collect();
        let mut keys: Vec<String> = Vec::new();
        let mut x: u64 = 7;
        for _ in 0..3000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = 1 + (x >> 60) as usize % 6;
            keys.push(
                (0..len)
                    .map(|i| alphabet[(x >> (8 * i + 3)) as usize % alphabet.len()])
                    .collect(),
            );
        }
        keys.sort_unstable();
        keys.dedup();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let (t, codes) = Trie::build(&refs);
        for (i, k) in refs.iter().enumerate() {
            // the key followed by a char no key has
            assert_eq!(longest(&t, &codes, &format!("{k}x")), Some(i as u32), "{k}");
        }
        let set: std::collections::HashSet<&str> = refs.iter().copied().collect();
        for k in &refs {
            let cs: Vec<char> = k.chars().collect();
            for n in 1..=cs.len() {
                let p: String = cs[..n].iter().collect();
                let want = (1..=n)
                    .rev()
                    .map(|m| cs[..m].iter().collect::<String>())
                    .find(|q| set.contains(q.as_str()))
                    .map(|q| refs.iter().position(|r| *r == q).unwrap() as u32);
                assert_eq!(longest(&t, &codes, &p), want, "{p}");
            }
        }
    }

    #[test]
    fn no_keys_give_a_root_alone() {
        let (t, codes) = Trie::build(&[]);
        assert!(codes.is_empty());
        assert_eq!(t.units.len(), 1);
        assert_eq!(t.step(ROOT, 1), None);
    }
}
