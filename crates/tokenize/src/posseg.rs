//! jieba's guess at the part of speech of a word its dictionary lacks.
//!
//! jieba tags a word found by its HMM (not in the dictionary) with the
//! tag of the longest word its part-of-speech HMM finds in it: a Viterbi
//! search over 256 states (position B/M/E/S × 64 tags). jieba-rs parses
//! that model from text (2.5 MB) the first time a process meets such a
//! word — a tenth of a `zhen tokenize` of 1.3 MB. Here it is compiled at
//! build time (`build.rs`) and read from the binary; the search is the
//! same, step for step, so the tag is the one jieba-rs gives (tested
//! against it in `src/jieba.rs`).

use std::cell::RefCell;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// The compiled model (see `build.rs`).
static DATA: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jieba-posseg.bin"));

/// The score of an impossible state.
const MIN_FLOAT: f64 = -3.14e100;
const NUM_TAGS: usize = 64;
const NUM_STATES: usize = 4 * NUM_TAGS;
/// The positions that may come before each position: B after E or S, M
/// and E after B or M, S after E or S (the only transitions the model has).
const PREV_POS: [[usize; 2]; 4] = [[2, 3], [0, 1], [0, 1], [2, 3]];

/// A character's candidate states: `start..start + bounds[4]` of
/// [`Model::states`], states of position `p` at `start + bounds[p]..start
/// + bounds[p + 1]`.
#[derive(Clone, Copy, Default)]
struct Row {
    start: u32,
    bounds: [u16; 5],
}

struct Model {
    tags: Vec<&'static str>,
    start: Vec<f64>,
    /// `[to * 256 + from]`.
    trans: Vec<f64>,
    /// Row of each BMP character (0: the empty row of an unknown one).
    bmp: Vec<u32>,
    other: FxHashMap<char, u32>,
    rows: Vec<Row>,
    states: Vec<u16>,
    emits: Vec<f64>,
}

/// Position-group bounds of states sorted ascending.
fn bounds(states: impl Iterator<Item = u16> + Clone) -> [u16; 5] {
    let mut b = [0u16; 5];
    for (p, slot) in b.iter_mut().skip(1).enumerate() {
        *slot = states
            .clone()
            .filter(|&s| s as usize / NUM_TAGS <= p)
            .count() as u16;
    }
    b
}

/// [`bounds`] of the live states.
#[inline]
fn live_bounds(live: &[(u16, f64)]) -> [u16; 5] {
    let mut b = [0u16; 5];
    for p in 0..4 {
        b[p + 1] = live.partition_point(|&(s, _)| s as usize / NUM_TAGS <= p) as u16;
    }
    b
}

impl Model {
    fn read() -> Model {
        assert_eq!(&DATA[..8], b"ZJPOS001", "the model compiled by build.rs");
        let (tags, mut p) = crate::jieba::read_tags(DATA, 8, NUM_TAGS);
        let f64s = |at: usize, n: usize| -> Vec<f64> {
            DATA[at..at + 8 * n]
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
                .collect()
        };
        let u32_at = |at: usize| u32::from_le_bytes(DATA[at..at + 4].try_into().expect("4 bytes"));
        let start = f64s(p, NUM_STATES);
        p += 8 * NUM_STATES;
        let trans = f64s(p, NUM_STATES * NUM_STATES);
        p += 8 * NUM_STATES * NUM_STATES;
        let nrows = u32_at(p) as usize;
        p += 4;
        let mut model = Model {
            tags,
            start,
            trans,
            bmp: vec![0; 0x1_0000],
            other: FxHashMap::default(),
            rows: Vec::with_capacity(nrows + 1),
            states: Vec::new(),
            emits: Vec::new(),
        };
        model.rows.push(Row::default());
        for _ in 0..nrows {
            let c = u32_at(p);
            let n = u32_at(p + 4) as usize;
            p += 8;
            let row = Row {
                start: model.states.len() as u32,
                bounds: bounds((0..n).map(|i| {
                    u16::from_le_bytes(DATA[p + 10 * i..p + 10 * i + 2].try_into().expect("2"))
                })),
            };
            for _ in 0..n {
                model
                    .states
                    .push(u16::from_le_bytes(DATA[p..p + 2].try_into().expect("2")));
                model.emits.push(f64::from_le_bytes(
                    DATA[p + 2..p + 10].try_into().expect("8"),
                ));
                p += 10;
            }
            let r = model.rows.len() as u32;
            model.rows.push(row);
            match char::from_u32(c) {
                Some(_) if c < 0x1_0000 => model.bmp[c as usize] = r,
                Some(ch) => {
                    model.other.insert(ch, r);
                }
                None => panic!("posseg model: not a char {c}"),
            }
        }
        model
    }

    #[inline]
    fn row(&self, c: char) -> Row {
        let r = if (c as usize) < 0x1_0000 {
            self.bmp[c as usize]
        } else {
            self.other.get(&c).copied().unwrap_or(0)
        };
        self.rows[r as usize]
    }

    /// States of `row` with position `pos` (all with `None`), with their
    /// emission log-probabilities.
    #[inline]
    fn states(&self, row: Row, pos: Option<usize>) -> impl Iterator<Item = (u16, f64)> + '_ {
        let s = row.start as usize;
        let (a, b) = match pos {
            Some(p) => (s + row.bounds[p] as usize, s + row.bounds[p + 1] as usize),
            None => (s, s + row.bounds[4] as usize),
        };
        self.states[a..b]
            .iter()
            .copied()
            .zip(self.emits[a..b].iter().copied())
    }
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(Model::read)
}

/// Buffers reused from word to word, and the tags found so far.
#[derive(Default)]
struct Scratch {
    /// The tag of each word searched (names and other words jieba does not
    /// know recur in a text); emptied when it holds [`CACHE_WORDS`].
    cache: FxHashMap<Box<str>, &'static str>,
    chars: Vec<(usize, char)>,
    /// Back pointers, `chars × NUM_STATES`.
    back: Vec<u16>,
    live: Vec<(u16, f64)>,
    next: Vec<(u16, f64)>,
    path: Vec<u16>,
}

/// The most words [`Scratch::cache`] holds.
const CACHE_WORDS: usize = 1 << 16;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The Viterbi search over the characters in `s.chars`: calls `emit(start,
/// end, tag)` for each word of the best path, in order.
fn viterbi(m: &'static Model, s: &mut Scratch, mut emit: impl FnMut(usize, usize, &'static str)) {
    let chars = &s.chars;
    let n = chars.len();
    if n == 0 {
        return;
    }
    let end = chars[n - 1].0 + chars[n - 1].1.len_utf8();
    if n == 1 {
        // the best single-character state (the last of equals)
        let mut best: Option<(f64, u16)> = None;
        for (st, em) in m.states(m.row(chars[0].1), Some(3)) {
            let prob = m.start[st as usize] + em;
            if prob > MIN_FLOAT && best.is_none_or(|(bp, _)| prob >= bp) {
                best = Some((prob, st));
            }
        }
        let tag = best.map_or("x", |(_, st)| m.tags[st as usize % NUM_TAGS]);
        emit(chars[0].0, end, tag);
        return;
    }
    // only states that can still be reached, ascending
    let (live, next) = (&mut s.live, &mut s.next);
    live.clear();
    for (st, em) in m.states(m.row(chars[0].1), None) {
        let prob = m.start[st as usize] + em;
        if prob > MIN_FLOAT {
            live.push((st, prob));
        }
    }
    if live.is_empty() {
        emit(chars[0].0, end, "x");
        return;
    }
    let mut b = live_bounds(live);
    if s.back.len() < n * NUM_STATES {
        s.back.resize(n * NUM_STATES, u16::MAX);
    }
    for t in 1..n {
        next.clear();
        for (st, em) in m.states(m.row(chars[t].1), None) {
            let si = st as usize;
            let from = &m.trans[si * NUM_STATES..(si + 1) * NUM_STATES];
            let (mut best, mut best_prev) = (MIN_FLOAT, u16::MAX);
            for &pp in &PREV_POS[si / NUM_TAGS] {
                for &(ps, pv) in &live[b[pp] as usize..b[pp + 1] as usize] {
                    let tp = from[ps as usize];
                    if tp <= MIN_FLOAT {
                        continue;
                    }
                    let prob = pv + tp + em;
                    if prob > best {
                        best = prob;
                        best_prev = ps;
                    }
                }
            }
            s.back[t * NUM_STATES + si] = best_prev;
            if best > MIN_FLOAT {
                next.push((st, best));
            }
        }
        std::mem::swap(live, next);
        if live.is_empty() {
            emit(chars[0].0, end, "x");
            return;
        }
        b = live_bounds(live);
    }
    // the best final state: E or S
    let (mut best, mut last) = (MIN_FLOAT, u16::MAX);
    for pos in [2, 3] {
        for &(st, score) in &live[b[pos] as usize..b[pos + 1] as usize] {
            if score > best {
                best = score;
                last = st;
            }
        }
    }
    if last == u16::MAX || best <= MIN_FLOAT {
        emit(chars[0].0, end, "x");
        return;
    }
    let path = &mut s.path;
    path.clear();
    path.resize(n, 0);
    path[n - 1] = last;
    for t in (1..n).rev() {
        path[t - 1] = s.back[t * NUM_STATES + path[t] as usize];
    }
    let mut word_start = chars[0].0;
    let mut last_end = None;
    for t in 0..n {
        let st = path[t] as usize;
        let at = if t + 1 < n { chars[t + 1].0 } else { end };
        match st / NUM_TAGS {
            0 => word_start = chars[t].0,
            2 => {
                emit(word_start, at, m.tags[st % NUM_TAGS]);
                last_end = Some(at);
            }
            3 => {
                emit(chars[t].0, at, m.tags[st % NUM_TAGS]);
                last_end = Some(at);
            }
            _ => {}
        }
    }
    match last_end {
        None => emit(chars[0].0, end, "x"),
        Some(e) if e < end => emit(e, end, "x"),
        Some(_) => {}
    }
}

/// Whether jieba counts `c` as a Han character (CJK Unified Ideographs and
/// their extensions, compatibility ideographs).
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2B73F}'
        | '\u{2B740}'..='\u{2B81F}'
        | '\u{2B820}'..='\u{2CEAF}'
        | '\u{2CEB0}'..='\u{2EBEF}'
        | '\u{2F800}'..='\u{2FA1F}')
}

/// jieba's tag of a word its dictionary lacks: `m` for ASCII digits, `eng`
/// for other ASCII letters and digits, for a word with a Han character the
/// tag of the longest word (the last of equals) the part-of-speech HMM
/// finds in it, else `x`.
pub(crate) fn guess_tag(word: &str) -> &'static str {
    let (mut alnum, mut digits) = (0, 0);
    for c in word.chars() {
        if c.is_ascii_alphanumeric() {
            alnum += 1;
            digits += usize::from(c.is_ascii_digit());
        }
    }
    if alnum > 0 {
        return if alnum == digits { "m" } else { "eng" };
    }
    if !word.chars().any(is_cjk) {
        return "x";
    }
    let m = model();
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        if let Some(&tag) = s.cache.get(word) {
            return tag;
        }
        s.chars.clear();
        s.chars.extend(word.char_indices());
        let mut best: Option<(usize, &'static str)> = None;
        viterbi(m, &mut s, |start, end, tag| {
            if best.is_none_or(|(len, _)| end - start >= len) {
                best = Some((end - start, tag));
            }
        });
        // a word of a whole document would keep its buffers forever
        if s.back.len() > 1 << 20 {
            *s = Scratch::default();
        }
        let tag = best.map_or("x", |(_, tag)| tag);
        if s.cache.len() >= CACHE_WORDS {
            s.cache.clear();
        }
        s.cache.insert(word.into(), tag);
        tag
    })
}
