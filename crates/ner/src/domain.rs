//! Per-source conventions kept in the model ([`crate::flags::DOMAINS`]):
//! feature augmentation by source (Daumé III 2007) whose private features
//! are chosen at tagging time by a register classifier.
//!
//! Training files given with a source name (`zhen train-ner --train-domain
//! NAME=FILE`) train the shared weights as every file does, and beside them
//! a few features private to their source at every character: a tag bias,
//! the lexicon categories starting, ending and inside there, and the
//! character itself (not in [`crate::flags::DOMAIN_NO_CHAR`] models). The private weights are kept in the model. A small
//! classifier, trained on the same sentences (a linear model over character
//! unigrams, bigrams and sentence edges: [`RegisterTrainer`]), is stored with them;
//! tagging reads the text of each call (one document: the sentences given
//! together) and adds the private features of the source it picks. Nothing
//! but the text decides: no file name, no label, no hint; the same text gives
//! the same source.

use std::borrow::Cow;

use crate::features::{fin, mix, FeatBuf, IdMap};
use crate::model::{add_lanes_i16, FeatTable, Table, Units, LANES};
use zhen_core::chars::{is_cjk_terminator, is_closer};

/// At most this many sources (one classifier row of eight `i16` lanes).
pub(crate) const MAX_DOMAINS: usize = 8;
/// N-grams seen fewer times than this in the sources' sentences are not
/// classifier features.
const MIN_COUNT: u32 = 3;
/// The classifier keeps at most this many n-grams (those with the largest
/// weights).
const MAX_NGRAMS: usize = 60_000;
/// Classifier passes over the sources' sentences.
const EPOCHS: usize = 6;
/// The largest quantised classifier weight (small, so that a document's
/// sum of weights cannot overflow; [`Domains::choose`] sums in `i64`).
const QMAX: f32 = 4000.0;

/// Template ids of the classifier's n-grams and the private features.
const T_UNI: u64 = 0xd0_0001;
const T_BI: u64 = 0xd0_0002;
/// The first and last character of a sentence's piece beside its edge
/// ([`Walk`]; zh-news-9.1 on: models whose classifier was trained without
/// them have no such rows, so their scores are unchanged).
const T_EDGE: u64 = 0xd0_0003;
const T_BIAS: u64 = 0xd0_0011;
const T_LEX: u64 = 0xd0_0012;
const T_CHAR: u64 = 0xd0_0013;

#[inline(always)]
fn key(t: u64, a: u64, b: u64) -> u64 {
    // a full scramble of the template first, as the tagger's features do
    fin(mix(mix(fin(t.wrapping_mul(0x9e37_79b9_7f4a_7c15)), a), b))
}

/// A character as the classifier sees it: full-width forms as their ASCII
/// letters, every digit as `0`, every Latin letter as `a` — the pipeline's
/// cleaning turns full-width digits and letters into ASCII before tagging,
/// and MSRA writes them full-width where modern web text does not, so the
/// register must not be read off their width.
#[inline]
fn fold(c: char) -> u64 {
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    };
    match c {
        '0'..='9' => '0' as u64,
        'a'..='z' | 'A'..='Z' => 'a' as u64,
        c => c as u64,
    }
}

/// The start and the end of a sentence as [`T_EDGE`] keys see them (above
/// every code point, so no [`fold`]ed character).
const START: u64 = 0x11_0000;
const END: u64 = 0x11_0001;

/// Whether `c` ends a sentence where the pipeline cuts sentences
/// (`zhen_tokenize::sentences`' terminators, [`is_cjk_terminator`], and the
/// ASCII ones too).
#[inline]
fn is_terminator(c: char) -> bool {
    is_cjk_terminator(c) || matches!(c, '!' | '?' | ';')
}

/// The n-gram keys of a text, character by character ([`ngrams`]): every
/// character's bigram with the one before, and with `edges`, the
/// [`T_EDGE`] keys of the pieces the text falls into when it is cut after
/// each run of terminators and the closers after them ([`is_terminator`],
/// [`is_closer`]): the pipeline's sentences but for quotations. A piece's
/// edges are its first and its last character that is not a closer, so a
/// sentence that ends `。”` ends as one that ends `。`. Bigrams run across
/// the cuts, so a classifier without edge keys scores as it always did.
#[derive(Default)]
struct Walk {
    prev: Option<u64>,
    /// The piece's last character that is not a closer, once it has one.
    last: Option<u64>,
    /// Whether the run of terminators and closers the walk is in has a
    /// terminator (a piece ends before the next other character).
    ended: bool,
}

impl Walk {
    /// Gives `f` the keys of `c` (`fc` = [`fold`]`(c)`) other than its
    /// unigram: at most three (the end of the piece before, the start of
    /// this one, the bigram).
    #[inline(always)]
    fn step(&mut self, c: char, fc: u64, edges: bool, mut f: impl FnMut(u64)) {
        if let Some(p) = self.prev {
            f(key(T_BI, p, fc));
        }
        self.prev = Some(fc);
        if !edges {
            return;
        }
        let (t, cl) = (is_terminator(c), is_closer(c));
        if self.ended && !t && !cl {
            if let Some(l) = self.last.take() {
                f(key(T_EDGE, l, END));
            }
            self.ended = false;
        }
        self.ended |= t;
        if !cl {
            if self.last.is_none() {
                f(key(T_EDGE, START, fc));
            }
            self.last = Some(fc);
        }
    }

    /// Gives `f` the end key of the last piece (with `edges`).
    #[inline(always)]
    fn end(&mut self, edges: bool, mut f: impl FnMut(u64)) {
        if let (Some(l), true) = (self.last.take(), edges) {
            f(key(T_EDGE, l, END));
        }
    }
}

/// The classifier's n-gram keys of one sentence: every character and every
/// pair of neighbouring characters ([`fold`]ed), and with `edges`, the first
/// and the last character of each of its pieces beside the piece's start and
/// end ([`T_EDGE`], [`Walk`]): whether a sentence starts or stops mid-clause
/// (CLUENER's cut windows end on `，` or start on `的`) or ends on `。` or on
/// an emoticon is register. Without `edges`, the keys of the perceptron
/// (zh-news-9 and before); [`Domains::scores`] looks the edge keys up always
/// (a classifier trained without them has no such rows).
fn ngrams(chars: &[char], edges: bool, mut f: impl FnMut(u64)) {
    let mut w = Walk::default();
    for &c in chars {
        let fc = fold(c);
        f(key(T_UNI, fc, 0));
        w.step(c, fc, edges, &mut f);
    }
    w.end(edges, f);
}

/// The private features of source `d` (0-based) at position `i` of a
/// sentence whose features `buf` holds ([`FeatBuf::unit_cues`]): the tag
/// bias, the lexicon categories and, when `with_char`, the character
/// (`false` in [`crate::flags::DOMAIN_NO_CHAR`] models).
#[inline]
pub(crate) fn private_keys(
    buf: &FeatBuf,
    i: usize,
    d: usize,
    with_char: bool,
) -> impl Iterator<Item = u64> {
    let s = d as u64 + 1;
    let (unit, lex) = buf.unit_cues(i);
    let keys = [key(T_BIAS, s, 0), key(T_LEX, s, lex), key(T_CHAR, s, unit)];
    keys.into_iter().take(if with_char { 3 } else { 2 })
}

/// Appends the private features of source `d` to every position's own
/// features in `buf` (training; `with_char` as for [`private_keys`];
/// tagging adds their rows with [`Private::add`]).
pub(crate) fn add_private(buf: &mut FeatBuf, d: usize, with_char: bool) {
    let n = buf.offsets.len().saturating_sub(1);
    let mut feats = Vec::with_capacity(buf.feats.len() + 3 * n);
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0u32);
    for i in 0..n {
        feats.extend_from_slice(buf.of(i));
        feats.extend(private_keys(buf, i, d, with_char));
        offsets.push(feats.len() as u32);
    }
    buf.feats = feats;
    buf.offsets = offsets;
}

/// Code points below this have a place in the per-character rows
/// ([`CharRows`]): the Basic Multilingual Plane.
const DENSE_LEN: usize = 0x1_0000;

/// [`CharRows::index`] of a code point whose row was not looked up yet.
const UNSEEN: u16 = u16::MAX;
/// [`CharRows::index`] of a code point whose row did not fit
/// ([`MAX_ROWS`]): looked up in the hashed table every time.
const NOT_HELD: u16 = u16::MAX - 1;
/// At most this many rows in a [`CharRows`] (a handful in tests, so that
/// the rows that do not fit are tested too; a text's few thousand
/// characters otherwise).
const MAX_ROWS: usize = if cfg!(test) { 8 } else { NOT_HELD as usize - 1 };

/// Rows of `width` `i16` weights of the code points below [`DENSE_LEN`],
/// each looked up in a hashed table (much larger than the cache) the first
/// time this thread meets the code point, so that the few thousand rows a
/// text reads are small reads from the cache after that, and characters a
/// text never has are never looked up. The same weights as the hashed
/// table's. Kept per thread in [`Scratch`] for one owner (a [`Private`] or
/// a [`Domains`], whose table never changes).
#[derive(Debug)]
struct CharRows {
    /// The [`Private`] or [`Domains`] whose rows these are ([`next_id`]).
    owner: u64,
    /// Code point → 1 + its row, 0 for none (an absent or all-zero row),
    /// [`UNSEEN`] before the first look-up, [`NOT_HELD`].
    index: Box<[u16]>,
    rows: Vec<i16>,
    width: usize,
}

impl CharRows {
    fn new(owner: u64, width: usize) -> CharRows {
        CharRows {
            owner,
            index: vec![UNSEEN; DENSE_LEN].into_boxed_slice(),
            rows: Vec::new(),
            width,
        }
    }

    /// Code point `c`'s row: `Ok(None)` where it has none, `Err(())` where
    /// it is not held (past [`DENSE_LEN`], or past [`MAX_ROWS`]): `c`'s row
    /// is then to be looked up in the hashed table. `row(out)` adds its row
    /// from the hashed table to `out` (`width` zeros); it is called the
    /// first time `c` is asked for, never again.
    /// `width` is the rows' (given by the caller, for code that knows it
    /// at compile time).
    #[inline(always)]
    fn get(
        &mut self,
        c: u64,
        width: usize,
        row: impl FnOnce(&mut [i32]),
    ) -> Result<Option<&[i16]>, ()> {
        debug_assert_eq!(width, self.width);
        if c >= DENSE_LEN as u64 {
            return Err(());
        }
        let i = c as usize;
        let mut k = self.index[i];
        if k == UNSEEN {
            k = self.fill(i, row);
        }
        match k {
            0 => Ok(None),
            NOT_HELD => Err(()),
            k => {
                let a = (k as usize - 1) * width;
                Ok(Some(&self.rows[a..a + width]))
            }
        }
    }

    /// Looks up the row of code point `i` ([`CharRows::get`]) and returns
    /// its index entry.
    #[cold]
    #[inline(never)]
    fn fill(&mut self, i: usize, row: impl FnOnce(&mut [i32])) -> u16 {
        let mut tmp = vec![0i32; self.width];
        row(&mut tmp);
        let n = self.rows.len() / self.width;
        let k = if tmp.iter().all(|&x| x == 0) {
            0
        } else if n >= MAX_ROWS {
            NOT_HELD
        } else {
            // the row of one key: i16 weights, which fit again
            self.rows.extend(tmp.iter().map(|&x| x as i16));
            n as u16 + 1
        };
        self.index[i] = k;
        k
    }
}

/// Adds `row` to `acc` (the same length, whole vectors of [`LANES`]).
#[inline(always)]
fn add_row(acc: &mut [i32], row: &[i16]) {
    for (a, r) in acc.chunks_exact_mut(LANES).zip(row.chunks_exact(LANES)) {
        let a: &mut [i32; LANES] = a.try_into().expect("LANES");
        let r: &[i16; LANES] = r.try_into().expect("LANES");
        add_lanes_i16(a, r);
    }
}

/// [`add_row`] of an `i32` row.
#[inline(always)]
fn add_row32(acc: &mut [i32], row: &[i32]) {
    for (a, r) in acc.chunks_exact_mut(LANES).zip(row.chunks_exact(LANES)) {
        let a: &mut [i32; LANES] = a.try_into().expect("LANES");
        let r: &[i32; LANES] = r.try_into().expect("LANES");
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::*;
            // SAFETY: SSE2 is part of x86-64; `r` and `a` are 8 × i32 =
            // 2 × 128 bits each, read and written unaligned
            unsafe {
                let (p, q) = (a.as_mut_ptr() as *mut __m128i, r.as_ptr() as *const __m128i);
                _mm_storeu_si128(p, _mm_add_epi32(_mm_loadu_si128(p), _mm_loadu_si128(q)));
                let (p, q) = (p.add(1), q.add(1));
                _mm_storeu_si128(p, _mm_add_epi32(_mm_loadu_si128(p), _mm_loadu_si128(q)));
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        for (a, &w) in a.iter_mut().zip(r) {
            *a += w;
        }
    }
}

/// Slots of [`LexCache`] (four in tests, so that sets and sources share
/// slots and a stale row would show).
const LEX_SLOTS: usize = if cfg!(test) { 4 } else { 1024 };

/// The rows (tag bias included) of the lexicon category sets
/// [`Private::add`] met last, direct-mapped: a text has a few hundred
/// sets, most met in every sentence, and each is a lookup in a table larger
/// than the cache. A set has one slot whatever the source (a text is tagged
/// with one), tagged with the [`Private`]'s id (never reused) and the set,
/// so the cache can only be right or miss.
#[derive(Debug, Default)]
struct LexCache {
    /// (private id, set) per slot; id 0 marks an empty slot.
    tags: Vec<(u64, u64)>,
    /// `w` weights per slot.
    rows: Vec<i32>,
    w: usize,
}

impl LexCache {
    /// Makes the slots `w` wide (emptied if they were of another width).
    fn fit(&mut self, w: usize) {
        if self.w != w {
            self.tags = vec![(0, 0); LEX_SLOTS];
            self.rows = vec![0; LEX_SLOTS * w];
            self.w = w;
        }
    }

    /// The row of set `set` of the [`Private`] `owner`, `w` wide (after
    /// [`LexCache::fit`]): the cached one, or one that `fill` adds to zeros
    /// (and that is kept).
    #[inline(always)]
    fn row(&mut self, owner: u64, set: u64, w: usize, fill: impl FnOnce(&mut [i32])) -> &[i32] {
        debug_assert_eq!(w, self.w);
        let h = (set.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 54) as usize % LEX_SLOTS;
        let row = &mut self.rows[h * w..(h + 1) * w];
        if self.tags[h] != (owner, set) {
            row.iter_mut().for_each(|x| *x = 0);
            fill(row);
            self.tags[h] = (owner, set);
        }
        row
    }
}

/// At most this many [`CharRows`] per thread (a model has at most
/// [`MAX_DOMAINS`] sources and a classifier; the earliest made go first).
const MAX_CHAR_ROWS: usize = 2 * (MAX_DOMAINS + 1);

/// What tagging with sources keeps per thread between calls: the lexicon
/// category sets' rows met last and the character rows of the sources and
/// classifiers met last.
#[derive(Debug, Default)]
struct Scratch {
    lex: LexCache,
    chars: Vec<CharRows>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// `owner`'s character rows among `all` (`width` wide), new and empty if
/// this thread has none.
fn char_rows(all: &mut Vec<CharRows>, owner: u64, width: usize) -> &mut CharRows {
    let i = match all.iter().position(|r| r.owner == owner) {
        Some(i) => i,
        None => {
            if all.len() >= MAX_CHAR_ROWS {
                all.remove(0);
            }
            all.push(CharRows::new(owner, width));
            all.len() - 1
        }
    };
    debug_assert_eq!(all[i].width, width);
    &mut all[i]
}

/// The next id of a [`Private`] or [`Domains`] (ids start at 1).
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A number no other [`Private`] or [`Domains`] of this process has.
fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The private features of one source for tagging: its tag bias (`acc`
/// width, read once from the model's feature table), and an id under which
/// each thread keeps the rows of its lexicon category sets and characters
/// ([`Scratch`]).
#[derive(Debug)]
pub(crate) struct Private {
    /// A number no other `Private` of this process has ([`next_id`]).
    id: u64,
    /// The source (0-based).
    d: usize,
    bias: Vec<i16>,
}

impl Clone for Private {
    /// A copy with an id of its own.
    fn clone(&self) -> Private {
        Private {
            id: next_id(),
            d: self.d,
            bias: self.bias.clone(),
        }
    }
}

impl Private {
    /// Source `d`'s private features of a feature table whose rows are
    /// `w` wide (`row(key, out)` adds a key's row to `out`).
    pub(crate) fn build(d: usize, w: usize, mut row: impl FnMut(u64, &mut [i32])) -> Private {
        let mut bias = vec![0i32; w];
        row(key(T_BIAS, d as u64 + 1, 0), &mut bias);
        Private {
            id: next_id(),
            d,
            bias: bias.iter().map(|&x| x as i16).collect(),
        }
    }

    /// Adds the private features of this source (built from `table`, the
    /// only table it may be used with) to the score rows `acc` (`w` per
    /// position) of a sentence whose features `buf` holds
    /// ([`FeatBuf::unit_cues`]; `with_char` as for [`private_keys`]): each
    /// lexicon category set's row with the tag bias added, and each
    /// character's row, from this thread's rows of them where it has them
    /// and from `table` (then kept) where not ([`Scratch`]). The same sums
    /// as [`add_private`]'s features through the table.
    pub(crate) fn add(
        &self,
        table: &FeatTable,
        buf: &FeatBuf,
        acc: &mut [i32],
        w: usize,
        with_char: bool,
    ) {
        SCRATCH.with(|x| {
            let Scratch { lex, chars, .. } = &mut *x.borrow_mut();
            lex.fit(w);
            let chars = with_char.then(|| char_rows(chars, self.id, w));
            // rows of two vectors (9 to 16 tags, every Chinese model) with
            // their width known to the compiler
            if w == 2 * LANES {
                self.add_rows::<{ 2 * LANES }>(table, buf, acc, w, lex, chars);
            } else {
                self.add_rows::<0>(table, buf, acc, w, lex, chars);
            }
        })
    }

    /// [`Private::add`] with this thread's rows at hand; `W`: `w` if not 0.
    #[inline(always)]
    fn add_rows<const W: usize>(
        &self,
        table: &FeatTable,
        buf: &FeatBuf,
        acc: &mut [i32],
        w: usize,
        lex: &mut LexCache,
        mut chars: Option<&mut CharRows>,
    ) {
        let w = if W == 0 { w } else { W };
        let s = self.d as u64 + 1;
        for (i, a) in acc.chunks_exact_mut(w).enumerate() {
            let (unit, set) = buf.unit_cues(i);
            add_row32(
                a,
                lex.row(self.id, set, w, |row| {
                    add_row(row, &self.bias);
                    table.add(key(T_LEX, s, set), row);
                }),
            );
            if let Some(chars) = chars.as_deref_mut() {
                match chars.get(unit, w, |out| table.add(key(T_CHAR, s, unit), out)) {
                    Ok(Some(r)) => add_row(a, r),
                    Ok(None) => {}
                    Err(()) => table.add(key(T_CHAR, s, unit), a),
                }
            }
        }
    }
}

/// How the register classifier of a model with per-source features
/// ([`crate::flags::DOMAINS`]) is trained (`zhen train-ner --train-domain`,
/// [`crate::refit_domains_with`]). Either is stored the same way: one
/// quantised weight per source for each kept key. Both are deterministic:
/// the same sentences give the same bytes whatever the thread count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RegisterTrainer {
    /// zh-news-9's (and every model's before it): an averaged multiclass
    /// perceptron over character unigrams and bigrams, six passes in a
    /// fixed shuffled order.
    Perceptron,
    /// zh-news-9.1's: class-balanced multinomial logistic regression (each
    /// source's sentences weigh as much in all, L2 penalty on the n-gram
    /// weights) over unigrams, bigrams and the first and last character of
    /// each piece of a sentence (cut as the pipeline cuts sentences),
    /// fitted by full-batch L-BFGS on one thread, half of each source's log
    /// share of the sentences then added back to its bias.
    #[default]
    Logistic,
}

/// The averaged perceptron of [`RegisterTrainer::Perceptron`]: `(nf + 1) * k`
/// weights, row `nf` the bias.
fn perceptron(k: usize, nf: usize, docs: &[(usize, &[char])], feats: &[Vec<u32>]) -> Vec<f32> {
    // w, and the sum of updates weighted by time
    let mut w = vec![0f32; (nf + 1) * k];
    let mut acc = vec![0f64; (nf + 1) * k];
    let bias_row = nf;
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut c = 1f64;
    let mut scores = vec![0f32; k];
    for _ in 0..EPOCHS {
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        for &si in &order {
            let gold = docs[si].0;
            scores.copy_from_slice(&w[bias_row * k..bias_row * k + k]);
            for &f in &feats[si] {
                for (s, x) in scores
                    .iter_mut()
                    .zip(&w[f as usize * k..f as usize * k + k])
                {
                    *s += x;
                }
            }
            let mut pred = 0;
            for d in 1..k {
                if scores[d] > scores[pred] {
                    pred = d;
                }
            }
            if pred != gold {
                for f in feats[si]
                    .iter()
                    .map(|&f| f as usize)
                    .chain(std::iter::once(bias_row))
                {
                    w[f * k + gold] += 1.0;
                    acc[f * k + gold] += c;
                    w[f * k + pred] -= 1.0;
                    acc[f * k + pred] -= c;
                }
            }
            c += 1.0;
        }
    }
    w.iter()
        .zip(&acc)
        .map(|(w, a)| (*w as f64 - a / c) as f32)
        .collect()
}

/// The inverse L2 strength of [`logistic`] (scikit-learn's `C`: the penalty
/// is `|w|² / 2C` against the sum of the sentences' weighted losses).
const LR_C: f64 = 1.0;
/// At most this many L-BFGS iterations ([`logistic`]).
const LR_ITERS: usize = 100;
/// L-BFGS keeps this many pairs of steps and gradient changes.
const LR_HISTORY: usize = 8;
/// The logistic classifier keeps at most this many n-grams (200,000 gave
/// the same choices but in a few CLUENER sentences).
const LR_MAX_NGRAMS: usize = 60_000;
/// This much of each source's log share of the sentences is added back to
/// its bias after the balanced fit ([`logistic`]): 0 keeps the balanced
/// classifier, which reads too many entity-dense MSRA sentences as
/// CLUENER's (every CLUENER sentence has entities), 1 the sources' shares
/// as given. zh-news-9.1's: 0.5 (models/README.md, its ablation).
const LR_PRIOR: f64 = 0.5;

/// What [`lr_loss`] sums over: `k` sources, `nf` features, each
/// sentence's source and features, each source's weight `cw`, and the L2
/// strength `lambda`.
struct LrData<'a> {
    k: usize,
    nf: usize,
    labels: &'a [usize],
    feats: &'a [Vec<u32>],
    cw: &'a [f64],
    lambda: f64,
}

/// The loss of [`logistic`] at `x` (per sentence on average) and its
/// gradient in `g`: every sentence's cross-entropy weighted by its source's
/// weight, plus the L2 penalty on every weight but the bias row `nf`.
fn lr_loss(data: &LrData<'_>, x: &[f64], g: &mut [f64]) -> f64 {
    let LrData {
        k,
        nf,
        labels,
        feats,
        cw,
        lambda,
    } = *data;
    g.iter_mut().for_each(|v| *v = 0.0);
    let n = labels.len().max(1) as f64;
    let bias = &x[nf * k..nf * k + k];
    let mut loss = 0f64;
    let mut z = [0f64; MAX_DOMAINS];
    let z = &mut z[..k];
    for (fs, &y) in feats.iter().zip(labels) {
        z.copy_from_slice(bias);
        for &f in fs {
            for (a, b) in z.iter_mut().zip(&x[f as usize * k..f as usize * k + k]) {
                *a += b;
            }
        }
        let m = z.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        let zy = z[y] - m;
        let mut se = 0f64;
        for v in z.iter_mut() {
            *v = (*v - m).exp();
            se += *v;
        }
        let s = cw[y] / n;
        loss += s * (se.ln() - zy);
        // z becomes the residual s (p - e_y)
        for (d, v) in z.iter_mut().enumerate() {
            *v = s * (*v / se - if d == y { 1.0 } else { 0.0 });
        }
        for &f in fs.iter().chain(std::iter::once(&(nf as u32))) {
            for (a, b) in g[f as usize * k..f as usize * k + k]
                .iter_mut()
                .zip(z.iter())
            {
                *a += b;
            }
        }
    }
    let r = lambda / n;
    for (gi, xi) in g[..nf * k].iter_mut().zip(&x[..nf * k]) {
        loss += 0.5 * r * xi * xi;
        *gi += r * xi;
    }
    loss
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The class-balanced logistic regression of [`RegisterTrainer::Logistic`]:
/// `(nf + 1) * k` weights (row `nf` the bias) minimising the sentences'
/// cross-entropy, each sentence weighted `n / (s * n_c)` (`n` sentences,
/// `s` sources with sentences, `n_c` of its source), plus `|w|² / 2`[`LR_C`],
/// by L-BFGS from zero ([`LR_ITERS`] iterations at most, backtracking line
/// search), on one thread: deterministic. [`LR_PRIOR`] of each source's log
/// share of the sentences is then added to its bias.
fn logistic(k: usize, nf: usize, labels: &[usize], feats: &[Vec<u32>]) -> Vec<f64> {
    let n = labels.len();
    let mut per = vec![0usize; k];
    for &l in labels {
        per[l] += 1;
    }
    let present = per.iter().filter(|&&c| c > 0).count().max(1) as f64;
    let cw: Vec<f64> = per
        .iter()
        .map(|&c| {
            if c > 0 {
                n as f64 / (present * c as f64)
            } else {
                0.0
            }
        })
        .collect();
    let lambda = 1.0 / LR_C;
    let dim = (nf + 1) * k;
    let data = LrData {
        k,
        nf,
        labels,
        feats,
        cw: &cw,
        lambda,
    };
    let eval = |x: &[f64], g: &mut [f64]| lr_loss(&data, x, g);
    let mut x = vec![0f64; dim];
    let mut g = vec![0f64; dim];
    let mut f = eval(&x, &mut g);
    let (mut xn, mut gn, mut d) = (vec![0f64; dim], vec![0f64; dim], vec![0f64; dim]);
    // (s, y, 1 / s·y), oldest first
    let mut hist: std::collections::VecDeque<(Vec<f64>, Vec<f64>, f64)> = Default::default();
    let mut alpha = Vec::with_capacity(LR_HISTORY);
    for _ in 0..LR_ITERS {
        // the two-loop recursion: d = -H g
        for (di, gi) in d.iter_mut().zip(&g) {
            *di = -gi;
        }
        alpha.clear();
        for (s, y, rho) in hist.iter().rev() {
            let a = rho * dot(s, &d);
            for (di, yi) in d.iter_mut().zip(y) {
                *di -= a * yi;
            }
            alpha.push(a);
        }
        let gamma = match hist.back() {
            Some((s, y, _)) => dot(s, y) / dot(y, y),
            None => 1.0 / dot(&g, &g).sqrt().max(1e-12),
        };
        d.iter_mut().for_each(|v| *v *= gamma);
        for ((s, y, rho), a) in hist.iter().zip(alpha.iter().rev()) {
            let b = rho * dot(y, &d);
            for (di, si) in d.iter_mut().zip(s) {
                *di += (a - b) * si;
            }
        }
        let mut gd = dot(&g, &d);
        if gd >= 0.0 {
            // not a descent direction: start again from the gradient
            hist.clear();
            let norm = dot(&g, &g).sqrt().max(1e-12);
            for (di, gi) in d.iter_mut().zip(&g) {
                *di = -gi / norm;
            }
            gd = dot(&g, &d);
        }
        if gd > -1e-15 {
            break;
        }
        // backtracking to the Armijo condition
        let mut step = 1.0;
        let mut fnew = f;
        let mut found = false;
        for _ in 0..40 {
            for ((xn, xi), di) in xn.iter_mut().zip(&x).zip(&d) {
                *xn = xi + step * di;
            }
            fnew = eval(&xn, &mut gn);
            if fnew <= f + 1e-4 * step * gd {
                found = true;
                break;
            }
            step *= 0.5;
        }
        if !found {
            break;
        }
        let (mut s, mut y) = if hist.len() == LR_HISTORY {
            let (s, y, _) = hist.pop_front().unwrap_or_default();
            (s, y)
        } else {
            (vec![0f64; dim], vec![0f64; dim])
        };
        for i in 0..dim {
            s[i] = xn[i] - x[i];
            y[i] = gn[i] - g[i];
        }
        let sy = dot(&s, &y);
        if sy > 1e-12 {
            hist.push_back((s, y, 1.0 / sy));
        }
        let done = f - fnew <= 1e-10 * f.abs().max(1.0);
        std::mem::swap(&mut x, &mut xn);
        std::mem::swap(&mut g, &mut gn);
        f = fnew;
        if done {
            break;
        }
    }
    // part of the sources' priors back into the bias
    for (b, &c) in x[nf * k..].iter_mut().zip(&per) {
        if c > 0 {
            *b += LR_PRIOR * (c as f64 / n as f64).ln();
        }
    }
    x
}

/// The sources of a model and the classifier that picks one for a text.
#[derive(Debug)]
pub(crate) struct Domains {
    /// Source names, in the order of the classifier's rows.
    pub names: Vec<String>,
    /// The classifier's bias per source (quantised as the n-gram rows).
    pub bias: Vec<i32>,
    /// N-gram key → one quantised weight per source (`width` 1, `ntags` =
    /// the number of sources).
    pub ngrams: Table,
    /// A source fixed by [`crate::NerModel::set_domain`] instead of the
    /// classifier's choice (not stored).
    pub forced: Option<usize>,
    /// A number no other `Domains` of this process has, under which each
    /// thread keeps the unigram rows of `ngrams` it met ([`CharRows`]):
    /// half of the classifier's reads, from the cache.
    id: u64,
}

impl Clone for Domains {
    /// A copy with an id of its own.
    fn clone(&self) -> Domains {
        Domains {
            names: self.names.clone(),
            bias: self.bias.clone(),
            ngrams: self.ngrams.clone(),
            forced: self.forced,
            id: next_id(),
        }
    }
}

impl PartialEq for Domains {
    fn eq(&self, o: &Domains) -> bool {
        self.names == o.names && self.bias == o.bias && self.ngrams.bytes() == o.ngrams.bytes()
    }
}

impl Domains {
    /// The source of a document: the classifier's choice over all its
    /// sentences (ties go to the earlier source), or the forced one.
    pub fn choose(&self, units: &[Units<'_>]) -> usize {
        if let Some(d) = self.forced {
            return d;
        }
        let total = self.scores(units);
        let mut best = 0;
        for d in 1..self.names.len() {
            if total[d] > total[best] {
                best = d;
            }
        }
        best
    }

    /// The classifier's score of each source for a document (its bias plus
    /// the weights of the document's n-grams; quantised units).
    pub fn scores(&self, units: &[Units<'_>]) -> [i64; MAX_DOMAINS] {
        /// N-gram keys looked up together ([`Table::add_each`]).
        const KEYS: usize = 64;
        let mut total: [i64; MAX_DOMAINS] = [0; MAX_DOMAINS];
        for (t, b) in total.iter_mut().zip(&self.bias) {
            *t = *b as i64;
        }
        let mut acc = [0i32; MAX_DOMAINS];
        let flush = |acc: &mut [i32; MAX_DOMAINS], total: &mut [i64; MAX_DOMAINS]| {
            for (t, a) in total.iter_mut().zip(acc.iter_mut()) {
                *t += *a as i64;
                *a = 0;
            }
        };
        // the n-grams of `ngrams`: unigrams from this thread's rows of them
        // where it has them, the rest looked up KEYS at a time (a cache of
        // bigram rows cut instructions but missed the cache more than the
        // prefetched lookups do); `acc` is flushed every 2^16 characters
        // (at most 4000 per weight and four rows a character, two n-grams
        // and two piece edges: 4 * 2^16 rows, and a batch more, stay below
        // 2^31)
        let mut keys = [0u64; KEYS];
        let (mut n, mut pending) = (0usize, 0usize);
        SCRATCH.with(|x| {
            let Scratch { chars, .. } = &mut *x.borrow_mut();
            let uni = char_rows(chars, self.id, LANES);
            for u in units {
                let Units::Chars(chars) = u else { continue };
                let mut w = Walk::default();
                for &c0 in chars.iter() {
                    let c = fold(c0);
                    match uni.get(c, LANES, |out| self.ngrams.add(key(T_UNI, c, 0), 0, out)) {
                        Ok(Some(r)) => add_row(&mut acc, r),
                        Ok(None) => {}
                        Err(()) => {
                            keys[n] = key(T_UNI, c, 0);
                            n += 1;
                        }
                    }
                    w.step(c0, c, true, |k| {
                        keys[n] = k;
                        n += 1;
                    });
                    pending += 1;
                    if n + 4 > KEYS || pending >= 1 << 16 {
                        self.ngrams.add_each(&keys[..n], &mut acc);
                        n = 0;
                    }
                    if pending >= 1 << 16 {
                        flush(&mut acc, &mut total);
                        pending = 0;
                    }
                }
                // room for one key: at most KEYS - 4 are held after a character
                w.end(true, |k| {
                    keys[n] = k;
                    n += 1;
                });
            }
        });
        self.ngrams.add_each(&keys[..n], &mut acc);
        flush(&mut acc, &mut total);
        total
    }

    /// Trains the classifier on the sentences of each source (`docs`:
    /// source index, characters), deterministically, with the default
    /// trainer ([`RegisterTrainer::default`]).
    pub fn train(names: Vec<String>, docs: &[(usize, &[char])]) -> Domains {
        Domains::train_with(names, docs, RegisterTrainer::default())
    }

    /// [`Domains::train`] with the trainer `how`: the same input gives the
    /// same classifier, byte for byte, whatever the thread count (one
    /// thread, sums in a fixed order).
    pub fn train_with(
        names: Vec<String>,
        docs: &[(usize, &[char])],
        how: RegisterTrainer,
    ) -> Domains {
        let k = names.len();
        let edges = how == RegisterTrainer::Logistic;
        let mut count: IdMap<u32> = IdMap::default();
        for (_, chars) in docs {
            ngrams(chars, edges, |key| *count.entry(key).or_insert(0) += 1);
        }
        // dense feature ids in key order, so nothing depends on hash order
        let mut keys: Vec<u64> = count
            .iter()
            .filter(|(_, &c)| c >= MIN_COUNT)
            .map(|(&k, _)| k)
            .collect();
        keys.sort_unstable();
        let index: IdMap<u32> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i as u32))
            .collect();
        let feats: Vec<Vec<u32>> = docs
            .iter()
            .map(|(_, chars)| {
                let mut v = Vec::with_capacity(2 * chars.len() + 2);
                ngrams(chars, edges, |key| {
                    if let Some(&i) = index.get(&key) {
                        v.push(i);
                    }
                });
                v
            })
            .collect();
        let nf = keys.len();
        let bias_row = nf;
        let (avg, max_abs) = match how {
            RegisterTrainer::Perceptron => {
                let avg = perceptron(k, nf, docs, &feats);
                let max_abs = avg.iter().fold(0f32, |m, x| m.max(x.abs()));
                (avg, max_abs)
            }
            RegisterTrainer::Logistic => {
                let labels: Vec<usize> = docs.iter().map(|d| d.0).collect();
                let w = logistic(k, nf, &labels, &feats);
                let avg: Vec<f32> = w.iter().map(|&x| x as f32).collect();
                // the scale of the n-gram rows alone (the bias, an i32, has
                // room; a source without sentences has a low one)
                let max_abs = avg[..bias_row * k].iter().fold(0f32, |m, x| m.max(x.abs()));
                (avg, max_abs)
            }
        };
        let scale = if max_abs > 0.0 { max_abs / QMAX } else { 1.0 };
        let q = |x: f32| (x / scale).round() as i32;
        let bias: Vec<i32> = avg[bias_row * k..]
            .iter()
            .map(|&x| q(x).clamp(-(1 << 30), 1 << 30))
            .collect();
        let mut rows: Vec<(u64, Vec<i16>)> = keys
            .iter()
            .enumerate()
            .map(|(i, &key)| {
                let row = avg[i * k..i * k + k].iter().map(|&x| q(x) as i16).collect();
                (key, row)
            })
            .filter(|(_, r): &(u64, Vec<i16>)| r.iter().any(|&x| x != 0))
            .collect();
        // the strongest n-grams, ties by key
        rows.sort_unstable_by_key(|(key, r)| {
            (
                std::cmp::Reverse(r.iter().map(|x| x.unsigned_abs()).max().unwrap_or(0)),
                *key,
            )
        });
        rows.truncate(match how {
            RegisterTrainer::Perceptron => MAX_NGRAMS,
            RegisterTrainer::Logistic => LR_MAX_NGRAMS,
        });
        rows.sort_unstable_by_key(|r| r.0);
        Domains {
            names,
            bias,
            ngrams: Table::build_rows(k, &rows),
            forced: None,
            id: next_id(),
        }
    }

    /// The classifier table read from a model file's bytes.
    pub fn from_parts(
        names: Vec<String>,
        bias: Vec<i32>,
        bytes: Cow<'static, [u8]>,
        cap: usize,
    ) -> Result<Domains, String> {
        if names.is_empty() || names.len() > MAX_DOMAINS || bias.len() != names.len() {
            return Err(format!(
                "{} sources with {} biases (a model has 1 to {MAX_DOMAINS})",
                names.len(),
                bias.len()
            ));
        }
        if bias.iter().any(|b| b.unsigned_abs() > 1 << 30) {
            return Err("a source bias is out of range".into());
        }
        let ngrams = Table::from_bytes(bytes, names.len(), 1, cap)?;
        Ok(Domains {
            names,
            bias,
            ngrams,
            forced: None,
            id: next_id(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classifier_learns_registers_and_is_deterministic() {
        let a: Vec<Vec<char>> = [
            "国务院总理会见外宾",
            "新华社北京电国务院",
            "中共中央召开会议",
        ]
        .iter()
        .map(|s| s.chars().collect())
        .collect();
        let b: Vec<Vec<char>> = ["哈哈哈今天好开心啊", "好开心哈哈我的天", "今天吃了好多哈哈"]
            .iter()
            .map(|s| s.chars().collect())
            .collect();
        let mut docs: Vec<(usize, &[char])> = Vec::new();
        for _ in 0..3 {
            docs.extend(a.iter().map(|s| (0, s.as_slice())));
            docs.extend(b.iter().map(|s| (1, s.as_slice())));
        }
        let names = vec!["news".to_string(), "weibo".to_string()];
        let d = Domains::train(names.clone(), &docs);
        assert_eq!(d, Domains::train(names, &docs));
        let news: Vec<char> = "国务院召开会议".chars().collect();
        let chat: Vec<char> = "哈哈好开心".chars().collect();
        assert_eq!(d.choose(&[Units::Chars(&news)]), 0);
        assert_eq!(d.choose(&[Units::Chars(&chat)]), 1);
        // the scores are the bias plus every n-gram's row, one lookup after
        // the other, though unigrams come from this thread's rows of them (a
        // character the rows do not hold, a full-width one; more characters
        // than the test's rows hold; two classifiers of other weights taking
        // turns, and a copy, with an id of its own)
        let flipped: Vec<(usize, &[char])> = docs.iter().map(|&(l, c)| (1 - l, c)).collect();
        let other = Domains::train(vec!["a".into(), "b".into()], &flipped[..7]);
        assert_ne!(other.ngrams.bytes(), d.ngrams.bytes());
        let odd: Vec<char> = "哈\u{20000}国Ｗ务院".chars().collect();
        let long: Vec<char> = "中共中央国务院召开会议今天好开心啊哈哈".chars().collect();
        let copy = d.clone();
        for c in [&d, &other, &d, &copy, &other] {
            for doc in [&news[..], &chat[..], &odd[..], &long[..], &news[..]] {
                let mut want = [0i64; MAX_DOMAINS];
                for (t, b) in want.iter_mut().zip(&c.bias) {
                    *t = *b as i64;
                }
                ngrams(doc, true, |key| {
                    let mut row = [0i32; MAX_DOMAINS];
                    c.ngrams.add(key, 0, &mut row);
                    for (t, r) in want.iter_mut().zip(row) {
                        *t += r as i64;
                    }
                });
                assert_eq!(c.scores(&[Units::Chars(doc)]), want);
            }
        }
        // a sentence's edges are keys of their own: its first and its last
        // character beside the start and the end
        let mut got = Vec::new();
        ngrams(&['甲', '乙'], true, |k| got.push(k));
        let (a, b) = (fold('甲'), fold('乙'));
        assert_eq!(
            got,
            [
                key(T_UNI, a, 0),
                key(T_EDGE, START, a),
                key(T_UNI, b, 0),
                key(T_BI, a, b),
                key(T_EDGE, b, END)
            ]
        );
        // a sentence falls into pieces where the pipeline cuts sentences:
        // after terminators and the closers after them, whose edges skip
        // the closers; bigrams run across, so without edges nothing changes
        let text: Vec<char> = "甲。”乙；丙".chars().collect();
        let mut got = Vec::new();
        ngrams(&text, true, |k| got.push(k));
        let edges: Vec<u64> = got
            .iter()
            .copied()
            .filter(|&k| {
                let mut all = Vec::new();
                ngrams(&text, false, |x| all.push(x));
                !all.contains(&k)
            })
            .collect();
        let f = |c: char| fold(c);
        assert_eq!(
            edges,
            [
                key(T_EDGE, START, f('甲')),
                key(T_EDGE, f('。'), END),
                key(T_EDGE, START, f('乙')),
                key(T_EDGE, f('；'), END),
                key(T_EDGE, START, f('丙')),
                key(T_EDGE, f('丙'), END),
            ]
        );
        let mut plain = Vec::new();
        ngrams(&text, false, |k| plain.push(k));
        assert!(plain.contains(&key(T_BI, f('”'), f('乙'))));
        assert_eq!(got.len(), plain.len() + 6);
        // full-width digits and letters read as ASCII ones
        let wide: Vec<char> = "新华社１９９８年".chars().collect();
        let narrow: Vec<char> = "新华社1998年".chars().collect();
        let mut a = Vec::new();
        let mut b = Vec::new();
        ngrams(&wide, true, |k| a.push(k));
        ngrams(&narrow, true, |k| b.push(k));
        assert_eq!(a, b);
        // a document is chosen as a whole
        assert_eq!(
            d.choose(&[
                Units::Chars(&chat),
                Units::Chars(&news),
                Units::Chars(&news)
            ]),
            0
        );
        let forced = Domains {
            forced: Some(1),
            ..d.clone()
        };
        assert_eq!(forced.choose(&[Units::Chars(&news)]), 1);
    }

    #[test]
    fn the_logistic_loss_gradient_is_its_derivative() {
        // three sources, five features, weighted sentences: the analytic
        // gradient against central differences, the bias row unpenalised
        let (k, nf) = (3, 5);
        let labels = [0, 1, 2, 0, 1, 1];
        let feats: Vec<Vec<u32>> = vec![
            vec![0, 1, 1],
            vec![2, 3],
            vec![4, 0],
            vec![1],
            vec![3, 3, 2],
            vec![],
        ];
        let cw = [1.5, 0.5, 2.0];
        let x: Vec<f64> = (0..(nf + 1) * k)
            .map(|i| ((i * 7) % 11) as f64 / 5.0 - 1.0)
            .collect();
        let mut g = vec![0f64; x.len()];
        let data = LrData {
            k,
            nf,
            labels: &labels,
            feats: &feats,
            cw: &cw,
            lambda: 0.3,
        };
        let f = lr_loss(&data, &x, &mut g);
        assert!(f.is_finite() && f > 0.0);
        let mut scratch = vec![0f64; x.len()];
        for i in 0..x.len() {
            let h = 1e-6;
            let (mut a, mut b) = (x.clone(), x.clone());
            a[i] += h;
            b[i] -= h;
            let num =
                (lr_loss(&data, &a, &mut scratch) - lr_loss(&data, &b, &mut scratch)) / (2.0 * h);
            assert!(
                (num - g[i]).abs() < 1e-6,
                "weight {i}: {num} against {}",
                g[i]
            );
        }
    }

    #[test]
    fn the_logistic_trainer_is_deterministic_and_balances_sources() {
        // many news sentences, few chat ones; chat ends on an emoticon-like
        // mark, and a cut window of news ends on a comma
        let news: Vec<Vec<char>> = [
            "国务院总理会见外宾。",
            "新华社北京电国务院召开会议。",
            "中共中央召开会议。",
            "全国人大常委会举行会议。",
            "外交部发言人答记者问。",
            "国务院召开常务会议。",
        ]
        .iter()
        .map(|s| s.chars().collect())
        .collect();
        let chat: Vec<Vec<char>> = ["哈哈今天好开心啊～", "我的天好开心～"]
            .iter()
            .map(|s| s.chars().collect())
            .collect();
        let mut docs: Vec<(usize, &[char])> = Vec::new();
        for _ in 0..8 {
            docs.extend(news.iter().map(|s| (0, s.as_slice())));
        }
        for _ in 0..3 {
            docs.extend(chat.iter().map(|s| (1, s.as_slice())));
        }
        let names = vec!["news".to_string(), "weibo".to_string()];
        let lr = Domains::train_with(names.clone(), &docs, RegisterTrainer::Logistic);
        // the same bytes again, and from two threads at once
        assert_eq!(
            lr,
            Domains::train_with(names.clone(), &docs, RegisterTrainer::Logistic)
        );
        let both: Vec<Domains> = std::thread::scope(|s| {
            let h: Vec<_> = (0..2)
                .map(|_| {
                    let names = names.clone();
                    let docs = &docs;
                    s.spawn(move || Domains::train_with(names, docs, RegisterTrainer::Logistic))
                })
                .collect();
            h.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        assert!(both.iter().all(|d| *d == lr));
        // the default trainer; a classifier of its own, not the perceptron's
        let p = Domains::train_with(names.clone(), &docs, RegisterTrainer::Perceptron);
        assert_eq!(lr, Domains::train(names.clone(), &docs));
        assert_ne!(p.ngrams.bytes(), lr.ngrams.bytes());
        // it reads both registers, and the sentence's end is a key of its own
        let n: Vec<char> = "国务院召开会议。".chars().collect();
        let c: Vec<char> = "今天好开心～".chars().collect();
        assert_eq!(lr.choose(&[Units::Chars(&n)]), 0);
        assert_eq!(lr.choose(&[Units::Chars(&c)]), 1);
        let mut row = [0i32; MAX_DOMAINS];
        lr.ngrams.add(key(T_EDGE, fold('～'), END), 0, &mut row);
        assert!(row[1] > row[0], "{row:?}");
        // the perceptron has no edge keys
        let mut row = [0i32; MAX_DOMAINS];
        p.ngrams.add(key(T_EDGE, fold('～'), END), 0, &mut row);
        assert_eq!(row, [0; MAX_DOMAINS]);
        // a source without sentences: a bias in range, never chosen
        let three = vec!["news".to_string(), "weibo".to_string(), "none".to_string()];
        let lr3 = Domains::train_with(three, &docs, RegisterTrainer::Logistic);
        assert!(lr3.bias.iter().all(|b| b.unsigned_abs() <= 1 << 30));
        assert!(
            lr3.bias[2] < lr3.bias[0] && lr3.bias[2] < lr3.bias[1],
            "{:?}",
            lr3.bias
        );
        for doc in [&n, &c] {
            assert_ne!(lr3.choose(&[Units::Chars(doc)]), 2);
        }
    }
}
