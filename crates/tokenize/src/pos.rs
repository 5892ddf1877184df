//! English part-of-speech tagging: a greedy averaged perceptron in the style
//! of Collins (2002) and Honnibal's "A good POS tagger in about 200 lines".
//!
//! # Features
//! For token `i` (templates, each hashed with 64-bit FNV-1a together with its
//! template number): bias; the word; its normalised lower-case form
//! (`!YEAR` for 4-digit numbers, `!DIGITS` for other tokens starting with a
//! digit); suffixes of length 1, 2, 3 and the 3-char prefix of the lower
//! form; the first char (keeps its case); the word shape (`Xxxx` → `Xx`,
//! `U.S.` → `X.X.`, `3.5` → `d.d`); the previous tag, the two previous tags,
//! the previous tag with the word, the tag two back; the previous and next
//! words and their 3-char suffixes, the words two back and two ahead, the
//! shapes of the neighbours; sentence-initial + shape; all-caps sentence +
//! shape (CoNLL headlines are in capitals).
//!
//! Frequent unambiguous words (seen ≥ 20 times, ≥ 97 % with one tag) are
//! tagged from a tag dictionary without scoring.
//!
//! # Model file
//! `b"ZHENPOS\x01"` followed by a gzip stream of UTF-8 text:
//!
//! ```text
//! zhenpos 1
//! tags NNP NN CD …
//! scale 0.001
//! tagdict <n>
//! <word>\t<tag>                 (n lines)
//! features <m>
//! <16 hex digits>\t<class>:<q> <class>:<q> …   (m lines, weight = q × scale)
//! ```
//! Errors name the line of that text.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::OnceLock;

use crate::{Error, Result};

/// The magic header of a POS model file (version 1).
pub const MAGIC: &[u8; 8] = b"ZHENPOS\x01";

/// A sentence for training or evaluation: words and their gold tags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaggedSentence {
    /// The words.
    pub words: Vec<String>,
    /// One tag per word.
    pub tags: Vec<String>,
}

/// Options of [`PosTagger::train`].
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed of the per-epoch shuffle (training is deterministic for a seed).
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 10,
            seed: 1,
        }
    }
}

// Keys are already 64-bit hashes: hash them by identity.
#[derive(Default)]
struct IdHasher(u64);
impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Hash of a feature: template number, then each part followed by 0xff.
fn feat(template: u8, parts: &[&str]) -> u64 {
    let mut h = fnv(FNV_OFFSET, &[template]);
    for p in parts {
        h = fnv(h, p.as_bytes());
        h = fnv(h, &[0xff]);
    }
    // final avalanche so that the identity hasher spreads well
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// Per-token context strings, computed once per sentence.
struct Ctx {
    word: String,
    lower: String,
    shape: String,
}

fn normalise(word: &str) -> String {
    let first_digit = word.chars().next().is_some_and(|c| c.is_ascii_digit());
    if word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()) {
        "!YEAR".to_string()
    } else if first_digit {
        "!DIGITS".to_string()
    } else {
        word.to_lowercase()
    }
}

fn shape(word: &str) -> String {
    let mut s = String::new();
    let mut last = '\0';
    let mut run = 0;
    for c in word.chars() {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if k == last {
            run += 1;
            if run > 1 {
                continue;
            }
        } else {
            run = 0;
        }
        s.push(k);
        last = k;
    }
    s
}

fn suffix(s: &str, n: usize) -> &str {
    match s.char_indices().rev().nth(n - 1) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn contexts(words: &[&str]) -> Vec<Ctx> {
    words
        .iter()
        .map(|w| Ctx {
            word: w.to_string(),
            lower: normalise(w),
            shape: shape(w),
        })
        .collect()
}

fn is_upper_sentence(words: &[&str]) -> bool {
    let mut letters = 0;
    for w in words {
        for c in w.chars() {
            if c.is_lowercase() {
                return false;
            }
            if c.is_alphabetic() {
                letters += 1;
            }
        }
    }
    letters > 3
}

const START: [&str; 2] = ["-START-", "-START2-"];
const END: [&str; 2] = ["-END-", "-END2-"];

fn features(ctx: &[Ctx], i: usize, upper: bool, prev: &str, prev2: &str, out: &mut Vec<u64>) {
    out.clear();
    let c = &ctx[i];
    let w = |k: isize| -> (&str, &str) {
        let j = i as isize + k;
        if j < 0 {
            (START[(-j - 1) as usize], START[(-j - 1) as usize])
        } else if j as usize >= ctx.len() {
            let e = END[j as usize - ctx.len()];
            (e, e)
        } else {
            let x = &ctx[j as usize];
            (x.lower.as_str(), x.shape.as_str())
        }
    };
    let (p1, p1s) = w(-1);
    let (p2, _) = w(-2);
    let (n1, n1s) = w(1);
    let (n2, _) = w(2);
    let first: &str = prefix(&c.word, 1);
    let up = if upper { "U" } else { "l" };
    let init = if i == 0 { "I" } else { "-" };
    out.extend([
        feat(0, &[]),
        feat(1, &[&c.word]),
        feat(2, &[&c.lower]),
        feat(3, &[suffix(&c.lower, 1)]),
        feat(4, &[suffix(&c.lower, 2)]),
        feat(5, &[suffix(&c.lower, 3)]),
        feat(6, &[prefix(&c.lower, 3)]),
        feat(7, &[first]),
        feat(8, &[&c.shape]),
        feat(9, &[prev]),
        feat(10, &[prev2, prev]),
        feat(11, &[prev, &c.lower]),
        feat(12, &[p1]),
        feat(13, &[suffix(p1, 3)]),
        feat(14, &[p2]),
        feat(15, &[n1]),
        feat(16, &[suffix(n1, 3)]),
        feat(17, &[n2]),
        feat(18, &[p1s]),
        feat(19, &[n1s]),
        feat(20, &[init, &c.shape]),
        feat(21, &[up, &c.shape]),
        feat(22, &[prev2]),
        feat(23, &[&c.lower, n1]),
        feat(24, &[suffix(&c.lower, 4)]),
        feat(25, &[prev, suffix(&c.lower, 3)]),
        feat(26, &[p1, &c.lower]),
        feat(27, &[prev, n1]),
    ]);
}

/// An English POS tagger (Penn Treebank tags): a greedy averaged perceptron.
///
/// ```
/// # #[cfg(feature = "embed")] {
/// let tagger = zhen_tokenize::PosTagger::embedded().unwrap();
/// assert_eq!(tagger.tag(&["He", "said", "the", "plan", "was", "good", "."]), ["PRP", "VBD", "DT", "NN", "VBD", "JJ", "."]);
/// # }
/// ```
///
/// [`PosTagger::embedded`] is read on first use: a pipeline that never meets
/// English never pays for it.
#[derive(Clone, Debug)]
pub struct PosTagger {
    model: OnceLock<Model>,
    /// The bytes of a model read on first use (the embedded one).
    lazy: Option<&'static [u8]>,
}

#[derive(Clone, Debug, Default)]
struct Model {
    tags: Vec<String>,
    // feature hash -> (start, len) in `weights`
    index: IdMap<(u32, u16)>,
    weights: Vec<(u8, f32)>,
    tagdict: HashMap<String, u8>,
}

impl Default for PosTagger {
    fn default() -> Self {
        PosTagger::ready(Model::default())
    }
}

// One weight during training, with the bookkeeping for averaging.
#[derive(Clone, Copy)]
struct Acc {
    class: u8,
    w: f32,
    total: f64,
    stamp: u32,
}

struct Trainer {
    weights: IdMap<Vec<Acc>>,
    instances: u32,
}

impl Trainer {
    fn score(&self, feats: &[u64], scores: &mut [f32]) {
        scores.iter_mut().for_each(|s| *s = 0.0);
        for f in feats {
            if let Some(ws) = self.weights.get(f) {
                for a in ws {
                    scores[a.class as usize] += a.w;
                }
            }
        }
    }

    fn update(&mut self, feats: &[u64], truth: u8, guess: u8) {
        self.instances += 1;
        if truth == guess {
            return;
        }
        let now = self.instances;
        for f in feats {
            let ws = self.weights.entry(*f).or_default();
            for (class, v) in [(truth, 1.0f32), (guess, -1.0)] {
                let a = match ws.iter_mut().find(|a| a.class == class) {
                    Some(a) => a,
                    None => {
                        ws.push(Acc {
                            class,
                            w: 0.0,
                            total: 0.0,
                            stamp: now,
                        });
                        ws.last_mut().expect("just pushed")
                    }
                };
                a.total += (now - a.stamp) as f64 * a.w as f64;
                a.stamp = now;
                a.w += v;
            }
        }
    }
}

fn argmax(scores: &[f32]) -> u8 {
    let mut best = 0;
    for (i, s) in scores.iter().enumerate() {
        if *s > scores[best] {
            best = i;
        }
    }
    best as u8
}

// splitmix64: a tiny deterministic generator for the shuffle.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl PosTagger {
    fn ready(model: Model) -> PosTagger {
        PosTagger {
            model: OnceLock::from(model),
            lazy: None,
        }
    }

    /// The model, read now if it is the embedded one read on first use.
    fn m(&self) -> &Model {
        self.model.get_or_init(|| {
            let bytes = self.lazy.expect("a tagger without a model is built ready");
            PosTagger::read(bytes)
                .ok()
                .and_then(|t| t.model.into_inner())
                .expect("the embedded POS model is valid (its tests read it)")
        })
    }

    /// The model embedded at build time (`models/en-pos.zpos`), read when it
    /// first tags (about a tenth of a second); never fails.
    #[cfg(feature = "embed")]
    pub fn embedded() -> Result<PosTagger> {
        Ok(PosTagger {
            model: OnceLock::new(),
            lazy: Some(include_bytes!("../models/en-pos.zpos")),
        })
    }

    /// The tag set, in class order.
    pub fn tags(&self) -> &[String] {
        &self.m().tags
    }

    /// Number of features with at least one weight.
    pub fn feature_count(&self) -> usize {
        self.m().index.len()
    }

    /// Trains a tagger on `data`. `on_epoch(epoch, tagger_so_far)` is called
    /// after every epoch with the averaged model (e.g. to print dev accuracy);
    /// pass `|_, _| {}` to skip. Deterministic for a given seed.
    pub fn train(
        data: &[TaggedSentence],
        opts: &TrainOptions,
        mut on_epoch: impl FnMut(usize, &PosTagger),
    ) -> PosTagger {
        // tag set in order of first appearance: deterministic
        let mut tags: Vec<String> = Vec::new();
        let mut tag_ids: HashMap<String, u8> = HashMap::new();
        let mut counts: HashMap<&str, HashMap<u8, u32>> = HashMap::new();
        for s in data {
            for (w, t) in s.words.iter().zip(&s.tags) {
                let id = *tag_ids.entry(t.clone()).or_insert_with(|| {
                    tags.push(t.clone());
                    (tags.len() - 1) as u8
                });
                *counts.entry(w).or_default().entry(id).or_default() += 1;
            }
        }
        assert!(tags.len() <= 255, "at most 255 tags");
        let mut tagdict = HashMap::new();
        for (w, c) in &counts {
            let n: u32 = c.values().sum();
            let (best, m) = c
                .iter()
                .max_by_key(|(t, m)| (**m, std::cmp::Reverse(**t)))
                .expect("non-empty");
            if n >= 20 && *m as f64 / n as f64 >= 0.97 {
                tagdict.insert(w.to_string(), *best);
            }
        }
        let mut trainer = Trainer {
            weights: IdMap::default(),
            instances: 0,
        };
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut rng = Rng(opts.seed);
        let mut feats = Vec::new();
        let mut scores = vec![0.0f32; tags.len()];
        let mut model = PosTagger::default();
        for epoch in 0..opts.epochs {
            for i in (1..order.len()).rev() {
                let j = (rng.next() % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
            for &si in &order {
                let s = &data[si];
                let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
                let ctx = contexts(&words);
                let upper = is_upper_sentence(&words);
                let (mut prev, mut prev2) = (START[0], START[1]);
                for i in 0..words.len() {
                    let truth = tag_ids[&s.tags[i]];
                    let guess = match tagdict.get(words[i]) {
                        Some(&t) => t,
                        None => {
                            features(&ctx, i, upper, prev, prev2, &mut feats);
                            trainer.score(&feats, &mut scores);
                            let g = argmax(&scores);
                            trainer.update(&feats, truth, g);
                            g
                        }
                    };
                    prev2 = prev;
                    prev = tags[guess as usize].as_str();
                }
            }
            model = Self::average(&trainer, &tags, &tagdict);
            on_epoch(epoch + 1, &model);
        }
        model
    }

    fn average(trainer: &Trainer, tags: &[String], tagdict: &HashMap<String, u8>) -> PosTagger {
        let now = trainer.instances.max(1);
        let mut keys: Vec<u64> = trainer.weights.keys().copied().collect();
        keys.sort_unstable();
        let mut index = IdMap::default();
        let mut weights = Vec::new();
        for k in keys {
            let start = weights.len();
            for a in &trainer.weights[&k] {
                let total = a.total + (now - a.stamp) as f64 * a.w as f64;
                let avg = (total / now as f64) as f32;
                if avg != 0.0 {
                    weights.push((a.class, avg));
                }
            }
            if weights.len() > start {
                index.insert(k, (start as u32, (weights.len() - start) as u16));
            }
        }
        PosTagger::ready(Model {
            tags: tags.to_vec(),
            index,
            weights,
            tagdict: tagdict.clone(),
        })
    }

    /// Tags a sentence of words with Penn Treebank tags.
    pub fn tag(&self, words: &[&str]) -> Vec<String> {
        self.tag_ids(words)
            .into_iter()
            .map(|t| self.m().tags[t as usize].clone())
            .collect()
    }

    /// Like [`PosTagger::tag`], returning tags borrowed from the model.
    pub fn tag_str<'a>(&'a self, words: &[&str]) -> Vec<&'a str> {
        self.tag_ids(words)
            .into_iter()
            .map(|t| self.m().tags[t as usize].as_str())
            .collect()
    }

    fn tag_ids(&self, words: &[&str]) -> Vec<u8> {
        let m = self.m();
        if m.tags.is_empty() {
            return Vec::new();
        }
        let ctx = contexts(words);
        let upper = is_upper_sentence(words);
        let mut feats = Vec::with_capacity(32);
        let mut scores = vec![0.0f32; m.tags.len()];
        let mut out = Vec::with_capacity(words.len());
        let (mut prev, mut prev2) = (START[0], START[1]);
        for (i, w) in words.iter().enumerate() {
            let t = match m.tagdict.get(*w) {
                Some(&t) => t,
                None => {
                    features(&ctx, i, upper, prev, prev2, &mut feats);
                    scores.iter_mut().for_each(|s| *s = 0.0);
                    for f in &feats {
                        if let Some(&(s, n)) = m.index.get(f) {
                            for &(c, w) in &m.weights[s as usize..s as usize + n as usize] {
                                scores[c as usize] += w;
                            }
                        }
                    }
                    argmax(&scores)
                }
            };
            out.push(t);
            prev2 = prev;
            prev = m.tags[t as usize].as_str();
        }
        out
    }

    /// Token accuracy on `data`: (correct, total).
    pub fn evaluate(&self, data: &[TaggedSentence]) -> (usize, usize) {
        let (mut ok, mut n) = (0, 0);
        for s in data {
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            for (g, t) in self.tag_str(&words).iter().zip(&s.tags) {
                ok += (g == t) as usize;
                n += 1;
            }
        }
        (ok, n)
    }

    /// Writes the model (see the module docs for the format). Weights are
    /// quantised to multiples of `scale`; those that round to zero are
    /// dropped (pruned).
    pub fn write<W: Write>(&self, mut w: W, scale: f32) -> Result<()> {
        let m = self.m();
        w.write_all(MAGIC)?;
        let mut z = flate2::write::GzEncoder::new(w, flate2::Compression::best());
        writeln!(z, "zhenpos 1")?;
        writeln!(z, "tags {}", m.tags.join(" "))?;
        writeln!(z, "scale {scale}")?;
        let mut dict: Vec<(&String, &u8)> = m.tagdict.iter().collect();
        dict.sort();
        writeln!(z, "tagdict {}", dict.len())?;
        for (word, t) in dict {
            writeln!(z, "{word}\t{}", m.tags[*t as usize])?;
        }
        let mut keys: Vec<u64> = m.index.keys().copied().collect();
        keys.sort_unstable();
        let mut lines = Vec::new();
        for k in keys {
            let (s, n) = m.index[&k];
            let mut line = String::new();
            for &(c, wt) in &m.weights[s as usize..(s as usize + n as usize)] {
                let q = (wt / scale).round() as i64;
                if q != 0 {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(&format!("{c}:{q}"));
                }
            }
            if !line.is_empty() {
                lines.push(format!("{k:016x}\t{line}"));
            }
        }
        writeln!(z, "features {}", lines.len())?;
        for l in lines {
            writeln!(z, "{l}")?;
        }
        z.finish()?.flush()?;
        Ok(())
    }

    /// Reads a model written by [`PosTagger::write`].
    pub fn read<R: Read>(mut r: R) -> Result<PosTagger> {
        let mut magic = [0u8; 8];
        r.read_exact(&mut magic).map_err(|_| Error::Model {
            line: 0,
            what: "file too short for the ZHENPOS header".into(),
        })?;
        if magic[..7] != MAGIC[..7] {
            return Err(Error::Model {
                line: 0,
                what: "not a zhen POS model (missing ZHENPOS header)".into(),
            });
        }
        if magic[7] != MAGIC[7] {
            return Err(Error::Model {
                line: 0,
                what: format!(
                    "model format version {} is not supported (this build reads version {})",
                    magic[7], MAGIC[7]
                ),
            });
        }
        let mut lines = BufReader::new(flate2::read::GzDecoder::new(r)).lines();
        let mut no = 0usize;
        let mut next = |what: &str| -> Result<String> {
            no += 1;
            match lines.next() {
                Some(Ok(l)) => Ok(l),
                Some(Err(e)) => Err(Error::Model {
                    line: no,
                    what: format!("cannot read {what}: {e}"),
                }),
                None => Err(Error::Model {
                    line: no,
                    what: format!("unexpected end of model, expected {what}"),
                }),
            }
        };
        let bad = |line: usize, what: String| Error::Model { line, what };
        let l = next("the version line")?;
        if l != "zhenpos 1" {
            return Err(bad(1, format!("expected `zhenpos 1`, found {l:?}")));
        }
        let l = next("the tag list")?;
        let tags: Vec<String> = match l.strip_prefix("tags ") {
            Some(t) => t.split(' ').map(str::to_string).collect(),
            None => return Err(bad(2, format!("expected `tags …`, found {l:?}"))),
        };
        if tags.is_empty() || tags.len() > 255 {
            return Err(bad(2, format!("{} tags (1 to 255 allowed)", tags.len())));
        }
        let l = next("the scale")?;
        let scale: f32 = l
            .strip_prefix("scale ")
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(3, format!("expected `scale <number>`, found {l:?}")))?;
        let count = |l: &str, key: &str, line: usize| -> Result<usize> {
            l.strip_prefix(key)
                .and_then(|s| s.strip_prefix(' '))
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad(line, format!("expected `{key} <count>`, found {l:?}")))
        };
        let tag_of: HashMap<&str, u8> = tags
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i as u8))
            .collect();
        let l = next("the tag dictionary size")?;
        let n = count(&l, "tagdict", 4)?;
        let mut tagdict = HashMap::with_capacity(n);
        for i in 0..n {
            let line = 5 + i;
            let l = next("a tag dictionary entry")?;
            let (w, t) = l
                .split_once('\t')
                .ok_or_else(|| bad(line, format!("expected `word<TAB>tag`, found {l:?}")))?;
            let t = *tag_of
                .get(t)
                .ok_or_else(|| bad(line, format!("unknown tag {t:?}")))?;
            tagdict.insert(w.to_string(), t);
        }
        let fline = 5 + n;
        let l = next("the feature count")?;
        let m = count(&l, "features", fline)?;
        let mut index = IdMap::default();
        index.reserve(m);
        let mut weights = Vec::with_capacity(m * 3);
        for i in 0..m {
            let line = fline + 1 + i;
            let l = next("a feature line")?;
            let (k, ws) = l
                .split_once('\t')
                .ok_or_else(|| bad(line, format!("expected `hash<TAB>weights`, found {l:?}")))?;
            let k = u64::from_str_radix(k, 16)
                .map_err(|_| bad(line, format!("bad feature hash {k:?}")))?;
            let start = weights.len();
            for cw in ws.split(' ') {
                let parsed = cw
                    .split_once(':')
                    .and_then(|(c, q)| Some((c.parse::<u8>().ok()?, q.parse::<i64>().ok()?)));
                match parsed {
                    Some((c, q)) if (c as usize) < tags.len() => {
                        weights.push((c, q as f32 * scale))
                    }
                    _ => return Err(bad(line, format!("bad weight {cw:?}"))),
                }
            }
            index.insert(k, (start as u32, (weights.len() - start) as u16));
        }
        Ok(PosTagger::ready(Model {
            tags,
            index,
            weights,
            tagdict,
        }))
    }
}

/// Reads the words and POS tags (first two columns) of a CoNLL-2003 file,
/// skipping `-DOCSTART-` lines; sentences end at blank lines. `name` is used
/// in error messages.
pub fn read_conll_pos<R: BufRead>(r: R, name: &str) -> Result<Vec<TaggedSentence>> {
    let mut out = Vec::new();
    let mut cur = TaggedSentence::default();
    for (i, line) in r.lines().enumerate() {
        let line = line.map_err(|e| Error::Data {
            path: name.to_string(),
            line: i + 1,
            what: e.to_string(),
        })?;
        let line = line.trim_end();
        if line.is_empty() {
            if !cur.words.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if line.starts_with("-DOCSTART-") {
            continue;
        }
        let mut cols = line.split_whitespace();
        match (cols.next(), cols.next()) {
            (Some(w), Some(t)) => {
                cur.words.push(w.to_string());
                cur.tags.push(t.to_string());
            }
            _ => {
                return Err(Error::Data {
                    path: name.to_string(),
                    line: i + 1,
                    what: format!("expected `word POS …`, found {line:?}"),
                })
            }
        }
    }
    if !cur.words.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Vec<TaggedSentence> {
        let s = |w: &str, t: &str| TaggedSentence {
            words: w.split(' ').map(String::from).collect(),
            tags: t.split(' ').map(String::from).collect(),
        };
        vec![
            s("the dog runs", "DT NN VBZ"),
            s("a cat sleeps", "DT NN VBZ"),
            s("the cats run", "DT NNS VBP"),
        ]
    }

    #[test]
    fn shapes_and_affixes() {
        assert_eq!(shape("Xxxxx"), "Xxx");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(shape("3.5"), "d.d");
        assert_eq!(shape("1996-08-22"), "dd-dd-dd");
        assert_eq!(suffix("hello", 3), "llo");
        assert_eq!(suffix("é", 3), "é");
        assert_eq!(prefix("héllo", 2), "hé");
        assert_eq!(normalise("1996"), "!YEAR");
        assert_eq!(normalise("3.5"), "!DIGITS");
        assert_eq!(normalise("The"), "the");
    }

    #[test]
    fn learns_toy_data_and_round_trips() {
        let data = toy();
        let m = PosTagger::train(&data, &TrainOptions::default(), |_, _| {});
        assert_eq!(m.tag(&["a", "dog", "sleeps"]), ["DT", "NN", "VBZ"]);
        let mut buf = Vec::new();
        m.write(&mut buf, 0.001).unwrap();
        assert_eq!(&buf[..8], MAGIC);
        let r = PosTagger::read(&buf[..]).unwrap();
        assert_eq!(r.tags(), m.tags());
        assert_eq!(r.tag(&["the", "cats", "run"]), ["DT", "NNS", "VBP"]);
    }

    #[test]
    fn training_is_deterministic() {
        let data = toy();
        let write = |m: &PosTagger| {
            let mut b = Vec::new();
            m.write(&mut b, 0.001).unwrap();
            b
        };
        let opts = TrainOptions { epochs: 3, seed: 7 };
        let a = PosTagger::train(&data, &opts, |_, _| {});
        let b = PosTagger::train(&data, &opts, |_, _| {});
        assert_eq!(write(&a), write(&b));
    }

    #[test]
    fn bad_model_files_name_the_problem() {
        let e = PosTagger::read(&b"ZHENPO"[..]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "POS model line 0: file too short for the ZHENPOS header"
        );
        let e = PosTagger::read(&b"ZHENPOS\x02rest"[..]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "POS model line 0: model format version 2 is not supported (this build reads version 1)"
        );
        let mut buf = MAGIC.to_vec();
        let mut z = flate2::write::GzEncoder::new(&mut buf, flate2::Compression::fast());
        z.write_all(b"zhenpos 1\ntags DT NN\nscale 0.01\ntagdict 1\nthe\tVB\n")
            .unwrap();
        z.finish().unwrap();
        let e = PosTagger::read(&buf[..]).unwrap_err();
        assert_eq!(e.to_string(), "POS model line 5: unknown tag \"VB\"");
    }

    #[test]
    fn conll_reader_skips_docstart() {
        let text =
            "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n\nPeter NNP I-NP I-PER\n";
        let s = read_conll_pos(text.as_bytes(), "t").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].words, ["EU", "rejects"]);
        assert_eq!(s[0].tags, ["NNP", "VBZ"]);
        let e = read_conll_pos("oops\n".as_bytes(), "t").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t line 1: expected `word POS …`, found \"oops\""
        );
    }
}
