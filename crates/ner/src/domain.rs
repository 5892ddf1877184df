//! Per-source conventions kept in the model ([`crate::flags::DOMAINS`]):
//! feature augmentation by source (Daumé III 2007) whose private features
//! are chosen at tagging time by a register classifier.
//!
//! Training files given with a source name (`zhen train-ner --train-domain
//! NAME=FILE`) train the shared weights as every file does, and beside them
//! a few features private to their source at every character: a tag bias,
//! the lexicon categories starting, ending and inside there, and the
//! character itself (not in [`crate::flags::DOMAIN_NO_CHAR`] models). The private weights are kept in the model. A small
//! classifier, trained on the same sentences (an averaged multiclass
//! perceptron over character unigrams and bigrams), is stored with them;
//! tagging reads the text of each call (one document: the sentences given
//! together) and adds the private features of the source it picks. Nothing
//! but the text decides: no file name, no label, no hint; the same text gives
//! the same source.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::features::{fin, mix, FeatBuf, IdMap};
use crate::model::{FeatTable, Table, Units, LANES};

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

/// The classifier's n-gram keys of one sentence: every character and every
/// pair of neighbouring characters ([`fold`]ed).
fn ngrams(chars: &[char], mut f: impl FnMut(u64)) {
    let mut prev: Option<u64> = None;
    for &c in chars {
        let c = fold(c);
        f(key(T_UNI, c, 0));
        if let Some(p) = prev {
            f(key(T_BI, p, c));
        }
        prev = Some(c);
    }
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

/// The code points whose rows the dense per-character tables hold
/// ([`CharRows`]): Latin, general punctuation, CJK symbols and punctuation,
/// the CJK unified ideographs and the full-width forms; as ranges, the
/// first code point and the one past the last.
const DENSE_RANGES: [(u32, u32); 5] = [
    (0, 0x250),
    (0x2000, 0x2070),
    (0x3000, 0x3040),
    (0x4e00, 0xa000),
    (0xff00, 0xfff0),
];

/// The place of code point `c` in the dense tables, if they hold it.
#[inline(always)]
fn dense_slot(c: u64) -> Option<usize> {
    let mut base = 0usize;
    for &(a, b) in &DENSE_RANGES {
        if c < b as u64 {
            return (c >= a as u64).then(|| base + (c - a as u64) as usize);
        }
        base += (b - a) as usize;
    }
    None
}

/// Code points the dense tables hold ([`DENSE_RANGES`]).
fn dense_chars() -> impl Iterator<Item = u64> {
    DENSE_RANGES
        .iter()
        .flat_map(|&(a, b)| (a as u64)..(b as u64))
}

/// Rows of `width` `i16` weights for the code points of [`DENSE_RANGES`],
/// built at first use from a hashed table, so that the few thousand rows a
/// text reads stay in the cache instead of being random reads of a table
/// many times larger than it. The same weights as the hashed table's.
#[derive(Clone, Debug, Default)]
pub(crate) struct CharRows {
    /// Place in [`DENSE_RANGES`] → 1 + its row, 0 for none (an absent or
    /// all-zero row), `u16::MAX` for one not held.
    index: Vec<u16>,
    rows: Vec<i16>,
    width: usize,
}

impl CharRows {
    /// The rows of every code point of [`DENSE_RANGES`]: `row(c, out)`
    /// adds code point `c`'s row to `out` (`width` zeros). Rows past the
    /// 65,534th are left out (never for real tables: a source's characters
    /// are far fewer); [`CharRows::get`] says so.
    fn build(width: usize, mut row: impl FnMut(u64, &mut [i32])) -> CharRows {
        let mut out = CharRows {
            index: Vec::new(),
            rows: Vec::new(),
            width,
        };
        let mut tmp = vec![0i32; width];
        for c in dense_chars() {
            tmp.iter_mut().for_each(|x| *x = 0);
            row(c, &mut tmp);
            let n = out.rows.len() / width;
            out.index.push(if tmp.iter().all(|&x| x == 0) {
                0
            } else if n + 1 >= u16::MAX as usize {
                u16::MAX
            } else {
                // the rows were i16 weights: they fit again
                out.rows.extend(tmp.iter().map(|&x| x as i16));
                n as u16 + 1
            });
        }
        out
    }

    /// Code point `c`'s row: `Ok(None)` where it has none, `Err(())` where
    /// it is not held (outside [`DENSE_RANGES`] or past the table's room).
    #[inline(always)]
    fn get(&self, c: u64) -> Result<Option<&[i16]>, ()> {
        match dense_slot(c).and_then(|i| self.index.get(i)) {
            None | Some(&u16::MAX) => Err(()),
            Some(0) => Ok(None),
            Some(&i) => {
                let a = (i as usize - 1) * self.width;
                Ok(Some(&self.rows[a..a + self.width]))
            }
        }
    }
}

#[inline(always)]
fn add_row(acc: &mut [i32], row: &[i16]) {
    for (a, &w) in acc.iter_mut().zip(row) {
        *a += w as i32;
    }
}

/// The private rows of one source held densely for tagging: its tag bias
/// and its characters' rows (`acc` width each), read once from the model's
/// feature table (`row(key, out)` adds a key's row to `out`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Private {
    bias: Vec<i16>,
    chars: CharRows,
}

impl Private {
    pub(crate) fn build(d: usize, w: usize, mut row: impl FnMut(u64, &mut [i32])) -> Private {
        let s = d as u64 + 1;
        let mut bias = vec![0i32; w];
        row(key(T_BIAS, s, 0), &mut bias);
        Private {
            bias: bias.iter().map(|&x| x as i16).collect(),
            chars: CharRows::build(w, |c, out| row(key(T_CHAR, s, c), out)),
        }
    }

    /// Adds the private features of source `d` (this one's) to the score
    /// rows `acc` (`w` per position) of a sentence whose features `buf`
    /// holds ([`FeatBuf::unit_cues`]; `with_char` as for [`private_keys`]):
    /// the tag bias and the characters' rows from the dense rows, a
    /// character they do not hold from `table`, and each lexicon category
    /// set from `table` once per sentence (a sentence has few). The same
    /// sums as [`add_private`]'s features through the table.
    pub(crate) fn add(
        &self,
        table: &FeatTable,
        buf: &FeatBuf,
        acc: &mut [i32],
        w: usize,
        d: usize,
        with_char: bool,
    ) {
        let s = d as u64 + 1;
        // the sentence's lexicon category sets and their rows (`w` each)
        let (mut lex_keys, mut lex_rows) = (Vec::<u64>::new(), Vec::<i32>::new());
        for (i, a) in acc.chunks_exact_mut(w).enumerate() {
            let (unit, lex) = buf.unit_cues(i);
            add_row(a, &self.bias);
            let k = match lex_keys.iter().position(|&x| x == lex) {
                Some(k) => k,
                None => {
                    lex_keys.push(lex);
                    lex_rows.resize(lex_keys.len() * w, 0);
                    let row = &mut lex_rows[(lex_keys.len() - 1) * w..];
                    table.add(key(T_LEX, s, lex), row);
                    lex_keys.len() - 1
                }
            };
            for (x, y) in a.iter_mut().zip(&lex_rows[k * w..(k + 1) * w]) {
                *x += y;
            }
            if with_char {
                match self.chars.get(unit) {
                    Ok(Some(r)) => add_row(a, r),
                    Ok(None) => {}
                    Err(()) => table.add(key(T_CHAR, s, unit), a),
                }
            }
        }
    }
}

/// The sources of a model and the classifier that picks one for a text.
#[derive(Clone, Debug)]
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
    /// The unigram rows of `ngrams` held densely ([`CharRows`], built at
    /// first use): half of the classifier's reads, from the cache.
    pub uni: OnceLock<CharRows>,
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
        let mut total: [i64; MAX_DOMAINS] = [0; MAX_DOMAINS];
        for (t, b) in total.iter_mut().zip(&self.bias) {
            *t = *b as i64;
        }
        let mut acc = [0i32; MAX_DOMAINS];
        let mut pending = 0usize;
        let flush = |acc: &mut [i32; MAX_DOMAINS], total: &mut [i64; MAX_DOMAINS]| {
            for (t, a) in total.iter_mut().zip(acc.iter_mut()) {
                *t += *a as i64;
                *a = 0;
            }
        };
        let uni = self.uni.get_or_init(|| {
            CharRows::build(LANES, |c, out| self.ngrams.add(key(T_UNI, c, 0), 0, out))
        });
        // the n-grams of `ngrams`, unigrams read from `uni` where it holds
        // them, the rest looked up together (a sentence at a time, at most
        // 2^18 characters: at most 4000 per weight, 2^19 rows stay below 2^31)
        let mut keys: Vec<u64> = Vec::new();
        let mut cands: Vec<u32> = Vec::new();
        for u in units {
            let Units::Chars(chars) = u else { continue };
            let mut prev: Option<u64> = None;
            for &c in chars.iter() {
                let c = fold(c);
                match uni.get(c) {
                    Ok(Some(r)) => add_row(&mut acc, r),
                    Ok(None) => {}
                    Err(()) => keys.push(key(T_UNI, c, 0)),
                }
                if let Some(p) = prev {
                    keys.push(key(T_BI, p, c));
                }
                prev = Some(c);
                pending += 1;
                if pending >= 1 << 18 {
                    self.ngrams.add_each(&keys, &mut acc, &mut cands);
                    keys.clear();
                    flush(&mut acc, &mut total);
                    pending = 0;
                }
            }
            self.ngrams.add_each(&keys, &mut acc, &mut cands);
            keys.clear();
        }
        flush(&mut acc, &mut total);
        total
    }

    /// Trains the classifier on the sentences of each source (`docs`:
    /// source index, characters), deterministically.
    pub fn train(names: Vec<String>, docs: &[(usize, &[char])]) -> Domains {
        let k = names.len();
        let mut count: IdMap<u32> = IdMap::default();
        for (_, chars) in docs {
            ngrams(chars, |key| *count.entry(key).or_insert(0) += 1);
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
                let mut v = Vec::with_capacity(2 * chars.len());
                ngrams(chars, |key| {
                    if let Some(&i) = index.get(&key) {
                        v.push(i);
                    }
                });
                v
            })
            .collect();
        // averaged perceptron: w, and the sum of updates weighted by time
        let nf = keys.len();
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
        let avg: Vec<f32> = w
            .iter()
            .zip(&acc)
            .map(|(w, a)| (*w as f64 - a / c) as f32)
            .collect();
        let max_abs = avg.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max_abs > 0.0 { max_abs / QMAX } else { 1.0 };
        let q = |x: f32| (x / scale).round() as i32;
        let bias: Vec<i32> = avg[bias_row * k..].iter().map(|&x| q(x)).collect();
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
        rows.truncate(MAX_NGRAMS);
        rows.sort_unstable_by_key(|r| r.0);
        Domains {
            names,
            bias,
            ngrams: Table::build_rows(k, &rows),
            forced: None,
            uni: OnceLock::new(),
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
            uni: OnceLock::new(),
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
        // the other (unigrams come from the dense rows; a character they do
        // not hold, and a full-width one)
        let odd: Vec<char> = "哈\u{20000}国Ｗ务院".chars().collect();
        for doc in [&news[..], &chat[..], &odd[..]] {
            let mut want = [0i64; MAX_DOMAINS];
            for (t, b) in want.iter_mut().zip(&d.bias) {
                *t = *b as i64;
            }
            ngrams(doc, |key| {
                let mut row = [0i32; MAX_DOMAINS];
                d.ngrams.add(key, 0, &mut row);
                for (t, r) in want.iter_mut().zip(row) {
                    *t += r as i64;
                }
            });
            assert_eq!(d.scores(&[Units::Chars(doc)]), want);
        }
        assert_eq!(dense_slot(0x20000), None);
        assert_eq!(dense_slot(0x4e00), Some(0x250 + 0x70 + 0x40));
        assert_eq!(dense_chars().count(), dense_slot(0xffef).unwrap() + 1);
        // full-width digits and letters read as ASCII ones
        let wide: Vec<char> = "新华社１９９８年".chars().collect();
        let narrow: Vec<char> = "新华社1998年".chars().collect();
        let mut a = Vec::new();
        let mut b = Vec::new();
        ngrams(&wide, |k| a.push(k));
        ngrams(&narrow, |k| b.push(k));
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
}
