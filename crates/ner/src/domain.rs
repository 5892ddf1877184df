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

use crate::features::{fin, mix, FeatBuf, IdMap};
use crate::model::{Table, Units};

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
/// features in `buf` (training and tagging; `with_char` as for
/// [`private_keys`]).
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
        for u in units {
            let Units::Chars(chars) = u else { continue };
            ngrams(chars, |key| {
                self.ngrams.add(key, 0, &mut acc);
                pending += 1;
                // at most 4000 per weight: 2^19 keys stay below 2^31
                if pending >= 1 << 19 {
                    flush(&mut acc, &mut total);
                    pending = 0;
                }
            });
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
