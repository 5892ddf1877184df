//! Training: a structured averaged perceptron over BIOES tags with
//! constrained Viterbi decoding, deterministic shuffling and best-epoch
//! selection on a dev file.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use zhen_core::Label;

use crate::bio::{read_bio, BioSentence, TagSet};
use zhen_core::Segmenter;

use crate::domain::RegisterTrainer;
use crate::features::{cat, flags, seg_units, Clusters, FeatBuf, IdMap, Lexicon, SegUnit};
use crate::model::{Decoder, Extractor, FeatTable, NerModel, Units};
use crate::score::score;
use crate::{cues, Error, Result, TagOptions};

/// Training settings.
#[derive(Clone)]
pub struct TrainOptions<'a> {
    /// Passes over the training data (the best one on dev is kept).
    pub epochs: usize,
    /// Seed of the shuffle (training is deterministic for a given seed).
    pub seed: u64,
    /// Feature families ([`crate::flags`]).
    pub flags: u32,
    /// Lexicon files: jieba `dict.txt` lines (`word freq tag`: `ns` → LOC,
    /// `nt` → ORG, `nr*` → PER, `nz` → MISC, every word of 2+ chars → WORD)
    /// or `word<TAB>CAT|CAT` lines with categories from [`crate::cat::NAMES`].
    pub lexicons: Vec<PathBuf>,
    /// A cluster file (`STRING<TAB>id[<TAB>id[<TAB>id]]`, ids coarsest
    /// first, each below 1023; English: lowercased words; Chinese: `c:X`
    /// characters, `b:XY` bigrams and `w:WORD` words, as
    /// `scripts/clusters-zh` writes them). Setting it turns on
    /// [`flags::CLUSTERS`]; the clusters are stored in the model.
    pub clusters: Option<PathBuf>,
    /// Training files annotated with conventions of their own (another
    /// corpus beside the main one): their sentences train the shared
    /// weights together with a copy of every feature private to the file,
    /// which takes up what the file's conventions do differently; the
    /// copies are left out of the model (feature augmentation, Daumé III
    /// 2007). Each file is its own source.
    pub other_conventions: Vec<PathBuf>,
    /// Training files of named sources (`(name, file)`, read after
    /// `train_files` in this order; a name may have several files; at most 8
    /// names; an empty name: a file of no source, which trains the shared
    /// weights only): their sentences train the shared
    /// weights and a few features private to their source, which are kept in
    /// the model, with a register classifier that picks a source for each
    /// document at tagging time ([`flags::DOMAINS`], set by this; Chinese
    /// models with [`flags::LEXICON`]).
    pub domains: Vec<(String, PathBuf)>,
    /// Training files of named sources (`(name, file)`; each name one of
    /// [`TrainOptions::domains`]' names; read after them) whose sentences
    /// train only their source's private features: not the shared weights,
    /// the transitions or the register classifier. More weight on one
    /// source's conventions (its file given here as well as in `domains`)
    /// without pulling the weights the other sources share.
    pub domains_private: Vec<(String, PathBuf)>,
    /// Add the built-in Chinese cue lists (suffixes, titles, surnames).
    pub builtin_cues: bool,
    /// English: add the entity strings of the training data to the lexicon,
    /// with `gazetteer_folds`-fold jackknifing so training sentences only see
    /// entries found in the other folds.
    pub train_gazetteer: bool,
    /// Number of jackknife folds for [`TrainOptions::train_gazetteer`].
    pub gazetteer_folds: usize,
    /// Drop feature rows whose largest averaged weight is below this.
    pub prune: f32,
    /// Model id written into the file (default `<lang>-custom-1`).
    pub id: Option<String>,
    /// Passive-aggressive updates (PA-I, Crammer et al. 2006) when above 0:
    /// a wrong sentence moves the weights by `min(pa, (loss − margin) / ‖Δφ‖²)`
    /// (loss: the tags that differ; margin: the gold path's score minus the
    /// predicted one's) instead of the perceptron's step of 1. 0 keeps the
    /// perceptron.
    pub pa: f32,
    /// Loss-augmented decoding in training: every tag but the gold one gets
    /// this added to its score before decoding, so a sentence counts as
    /// right only when the gold path wins by a margin. 0 turns it off.
    pub cost: f32,
    /// Print per-epoch progress and dev F1 to stderr.
    pub verbose: bool,
    /// Cuts the training and dev sentences into words when `flags` has
    /// [`flags::SEGMENTS`] (required then; pass the segmenter the model will
    /// be used with, e.g. `zhen_tokenize::Tokenizer::jieba_only()`).
    pub segmenter: Option<&'a dyn Segmenter>,
}

impl std::fmt::Debug for TrainOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrainOptions")
            .field("epochs", &self.epochs)
            .field("seed", &self.seed)
            .field("flags", &self.flags)
            .field("lexicons", &self.lexicons)
            .field("clusters", &self.clusters)
            .field("other_conventions", &self.other_conventions)
            .field("domains", &self.domains)
            .field("domains_private", &self.domains_private)
            .field("builtin_cues", &self.builtin_cues)
            .field("train_gazetteer", &self.train_gazetteer)
            .field("gazetteer_folds", &self.gazetteer_folds)
            .field("prune", &self.prune)
            .field("pa", &self.pa)
            .field("cost", &self.cost)
            .field("id", &self.id)
            .field("verbose", &self.verbose)
            .field("segmenter", &self.segmenter.map(|_| "…"))
            .finish()
    }
}

impl Default for TrainOptions<'_> {
    fn default() -> Self {
        TrainOptions {
            epochs: 10,
            seed: 42,
            flags: flags::DEFAULT,
            lexicons: Vec::new(),
            clusters: None,
            other_conventions: Vec::new(),
            domains: Vec::new(),
            domains_private: Vec::new(),
            builtin_cues: true,
            train_gazetteer: false,
            gazetteer_folds: 4,
            prune: 0.0,
            pa: 0.0,
            cost: 0.0,
            id: None,
            verbose: true,
            segmenter: None,
        }
    }
}

/// Reads a lexicon file into `lex` (see [`TrainOptions::lexicons`]).
pub fn load_lexicon(path: &Path, lex: &mut Lexicon) -> Result<()> {
    for_each_entry(path, |i, line| {
        let (word, mask) = if let Some((w, cats)) = line.split_once('\t') {
            let mut m = 0u16;
            for c in cats.split('|') {
                let Some(k) = cat::NAMES.iter().position(|n| *n == c.trim()) else {
                    return Err(Error::Train(format!(
                        "{}:{}: unknown lexicon category {c:?}; use one of {}",
                        path.display(),
                        i + 1,
                        cat::NAMES.join(", ")
                    )));
                };
                m |= 1 << k;
            }
            (w, m)
        } else {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() < 2 {
                return Ok(());
            }
            let w = parts[0];
            let tag = parts.get(2).copied().unwrap_or("");
            let mut m = 0u16;
            if w.chars().count() >= 2 {
                m |= 1 << cat::WORD;
            }
            match tag {
                "ns" => m |= 1 << cat::LOC,
                "nt" => m |= 1 << cat::ORG,
                "nr" | "nrfg" | "nrt" => m |= 1 << cat::PER,
                "nz" => m |= 1 << cat::MISC,
                _ => {}
            }
            (w, m)
        };
        lex.insert(word, mask);
        Ok(())
    })
}

/// Calls `f(line_index, line)` for every line of a lexicon or cluster file
/// that is not blank or a `#` comment (BOM and trailing space removed).
fn for_each_entry(path: &Path, mut f: impl FnMut(usize, &str) -> Result<()>) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(Some(path), e))?;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::io(Some(path), e))?;
        let line = line.trim_start_matches('\u{feff}').trim_end();
        if !line.is_empty() && !line.starts_with('#') {
            f(i, line)?;
        }
    }
    Ok(())
}

/// Reads a word-cluster file (see [`TrainOptions::clusters`]).
pub fn load_clusters(path: &Path) -> Result<Clusters> {
    let mut out = Clusters::default();
    for_each_entry(path, |i, line| {
        let mut parts = line.split('\t');
        let word = parts.next().unwrap_or("");
        let ids: std::result::Result<Vec<u32>, _> = parts.map(|p| p.trim().parse()).collect();
        let ok = match ids {
            Ok(ids) => !word.is_empty() && out.insert(word, &ids),
            Err(_) => false,
        };
        if !ok {
            return Err(Error::Train(format!(
                "{}:{}: expected `word<TAB>id[<TAB>id[<TAB>id]]` with 1-3 ids below 1023, got {line:?}",
                path.display(),
                i + 1
            )));
        }
        Ok(())
    })?;
    Ok(out)
}

/// Reads a Chinese cluster file (see [`TrainOptions::clusters`]).
pub fn load_clusters_zh(path: &Path) -> Result<Clusters> {
    let mut out = Clusters::default();
    for_each_entry(path, |i, line| {
        let mut parts = line.split('\t');
        let entry = parts.next().unwrap_or("");
        let ids: std::result::Result<Vec<u32>, _> = parts.map(|p| p.trim().parse()).collect();
        if !ids.is_ok_and(|ids| out.insert_zh(entry, &ids)) {
            return Err(Error::Train(format!(
                "{}:{}: expected `c:X`, `b:XY` or `w:WORD`, a tab and 1-3 tab-separated ids below 1023, got {line:?}",
                path.display(),
                i + 1
            )));
        }
        Ok(())
    })?;
    Ok(out)
}

fn builtin_cues(lex: &mut Lexicon) {
    for w in cues::LOC_SUFFIXES {
        lex.insert(w, 1 << cat::LOC_SUFFIX);
    }
    for w in cues::ORG_SUFFIXES {
        lex.insert(w, 1 << cat::ORG_SUFFIX);
    }
    for w in cues::TITLES {
        lex.insert(w, 1 << cat::TITLE);
    }
    for w in cues::SURNAMES {
        lex.insert(w, 1 << cat::SURNAME);
    }
}

fn label_order(l: &Label) -> (usize, String) {
    let rank = match l {
        Label::Per => 0,
        Label::Loc => 1,
        Label::Org => 2,
        Label::Misc => 3,
        _ => 4,
    };
    (rank, l.to_string())
}

struct Sample {
    /// 0: the main training files; k: the k-th of
    /// [`TrainOptions::other_conventions`].
    source: u64,
    /// 0: no source of [`TrainOptions::domains`]; k: the k-th name.
    domain: usize,
    /// A sentence of [`TrainOptions::domains_private`]: it updates only
    /// the private features of its `domain`.
    private_only: bool,
    chars: Vec<char>,
    /// The segmenter's words per character ([`flags::SEGMENTS`] models).
    seg: Vec<SegUnit>,
    tokens: Vec<String>,
    gold: Vec<u16>,
    fold: usize,
}

/// Deterministic xorshift generator for shuffling.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

struct Weights {
    t: usize,
    index: IdMap<u32>,
    w: Vec<f32>,
    acc: Vec<f64>,
    tw: Vec<f32>,
    tacc: Vec<f64>,
}

impl Weights {
    fn row(&mut self, k: u64) -> usize {
        let n = self.index.len() as u32;
        let r = *self.index.entry(k).or_insert(n) as usize;
        if r == n as usize {
            self.w.resize(self.w.len() + self.t, 0.0);
            self.acc.resize(self.acc.len() + self.t, 0.0);
        }
        r
    }
}

/// Trains a model for `lang` (`"zh"`: character tagging; `"en"`: token
/// tagging) on BIO files. With a dev file the F1 of every epoch is printed
/// (when `options.verbose`) and the best epoch's model is returned.
pub fn train(
    lang: &str,
    train_files: &[PathBuf],
    dev: Option<&Path>,
    options: TrainOptions<'_>,
) -> Result<NerModel> {
    let english = match lang {
        "zh" => false,
        "en" => true,
        _ => {
            return Err(Error::Train(format!(
            "unknown language {lang:?}: use \"zh\" (character tagging) or \"en\" (token tagging)"
        )))
        }
    };
    for (name, v) in [("pa", options.pa), ("cost", options.cost)] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(Error::Train(format!(
                "{name} must be a finite number of at least 0, got {v}"
            )));
        }
    }
    let mut data: Vec<BioSentence> = Vec::new();
    let mut sources: Vec<u64> = Vec::new();
    for f in train_files {
        data.extend(read_bio(f)?);
    }
    sources.resize(data.len(), 0);
    for (k, f) in options.other_conventions.iter().enumerate() {
        data.extend(read_bio(f)?);
        sources.resize(data.len(), k as u64 + 1);
    }
    let mut domain_names: Vec<String> = Vec::new();
    let mut domain_of: Vec<usize> = vec![0; data.len()];
    for (name, f) in &options.domains {
        let k = match domain_names.iter().position(|n| n == name) {
            _ if name.is_empty() => 0,
            Some(k) => k + 1,
            None => {
                domain_names.push(name.clone());
                domain_names.len()
            }
        };
        data.extend(read_bio(f)?);
        sources.resize(data.len(), 0);
        domain_of.resize(data.len(), k);
    }
    let mut private_only: Vec<bool> = vec![false; data.len()];
    for (name, f) in &options.domains_private {
        let Some(k) = domain_names.iter().position(|n| n == name) else {
            return Err(Error::Train(format!(
                "{}: sentences private to source {name:?}, which no training file of a named source has",
                f.display()
            )));
        };
        data.extend(read_bio(f)?);
        sources.resize(data.len(), 0);
        domain_of.resize(data.len(), k + 1);
        private_only.resize(data.len(), true);
    }
    if domain_names.is_empty() && options.flags & flags::DOMAIN_NO_CHAR != 0 {
        return Err(Error::Train(
            "the DOMAIN_NO_CHAR feature flag needs sources with private features (--train-domain NAME=FILE)".into(),
        ));
    }
    if !domain_names.is_empty() {
        if english || options.flags & flags::LEXICON == 0 {
            return Err(Error::Train(
                "sources with private features (domains) need a Chinese model with the LEXICON features".into(),
            ));
        }
        if domain_names.len() > crate::domain::MAX_DOMAINS {
            return Err(Error::Train(format!(
                "{} source names; at most {} are supported",
                domain_names.len(),
                crate::domain::MAX_DOMAINS
            )));
        }
    }
    if data.is_empty() {
        return Err(Error::Train("no training sentences".into()));
    }
    let dev_data = match dev {
        Some(p) => Some(read_bio(p)?),
        None => None,
    };
    let mut labels: Vec<Label> = Vec::new();
    for s in &data {
        for (_, _, l) in s.spans() {
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
    }
    labels.sort_by_key(label_order);
    let tags = TagSet::for_flags(labels, options.flags);
    let t = tags.len();
    let mut lexicon = Lexicon::new(english);
    for p in &options.lexicons {
        load_lexicon(p, &mut lexicon)?;
    }
    if options.builtin_cues && !english {
        builtin_cues(&mut lexicon);
    }
    if english && options.flags & flags::CASED != 0 {
        // words seen in lowercase in the training text
        for s in &data {
            for t in &s.tokens {
                if t.chars().any(|c| c.is_alphabetic()) && !t.chars().any(|c| c.is_uppercase()) {
                    lexicon.insert(t, 1 << cat::WORD);
                }
            }
        }
    }
    let folds = options.gazetteer_folds.max(2);
    let mut samples: Vec<Sample> = data
        .iter()
        .enumerate()
        .map(|(i, s)| Sample {
            source: sources[i],
            domain: domain_of[i],
            private_only: private_only[i],
            chars: if english {
                Vec::new()
            } else {
                s.tokens
                    .iter()
                    .map(|x| x.chars().next().unwrap_or(' '))
                    .collect()
            },
            seg: Vec::new(),
            tokens: if english {
                s.tokens.clone()
            } else {
                Vec::new()
            },
            gold: tags.encode(s.tokens.len(), &s.spans()),
            fold: i % folds,
        })
        .collect();
    if !english && options.flags & flags::SEGMENTS != 0 {
        let Some(segmenter) = options.segmenter else {
            return Err(Error::Train(
                "the SEGMENTS features need a segmenter (TrainOptions::segmenter)".into(),
            ));
        };
        for smp in &mut samples {
            let text: String = smp.chars.iter().collect();
            let words: Vec<(std::ops::Range<usize>, &str)> = segmenter
                .segment(&text)
                .into_iter()
                .map(|w| (w.range.range(), w.tag))
                .collect();
            smp.seg = seg_units(&text, &words);
        }
    }
    // English gazetteer from train entities: the full list ships in the model;
    // during training each fold sees only the other folds' entries.
    let mut fold_lex: Vec<Lexicon> = Vec::new();
    if options.train_gazetteer {
        let mut all = lexicon.clone();
        let mut per_fold: Vec<Lexicon> = (0..folds).map(|_| lexicon.clone()).collect();
        for (i, s) in data.iter().enumerate() {
            for (a, b, l) in s.spans() {
                let g = match l {
                    Label::Per => cat::PER,
                    Label::Loc => cat::LOC,
                    Label::Org => cat::ORG,
                    _ => cat::MISC,
                };
                let w = if english {
                    s.tokens[a..b].join(" ")
                } else {
                    s.tokens[a..b].concat()
                };
                all.insert(&w, 1 << g);
                for (f, lex) in per_fold.iter_mut().enumerate() {
                    if f != i % folds {
                        lex.insert(&w, 1 << g);
                    }
                }
            }
        }
        lexicon = all;
        fold_lex = per_fold;
    }
    let mut fl = options.flags;
    let clusters = match &options.clusters {
        Some(_) if !english && fl & flags::GROUP_UNIGRAMS == 0 => {
            return Err(Error::Train(
                "Chinese clusters (--clusters) need the GROUP_UNIGRAMS layout flag".into(),
            ))
        }
        Some(p) => {
            fl |= flags::CLUSTERS;
            if english {
                load_clusters(p)?
            } else {
                load_clusters_zh(p)?
            }
        }
        None if fl & flags::CLUSTERS != 0 => {
            return Err(Error::Train(
                "the CLUSTERS feature flag needs a cluster file".into(),
            ))
        }
        None => Clusters::default(),
    };
    let domains = (!domain_names.is_empty()).then(|| {
        fl |= flags::DOMAINS;
        let docs: Vec<(usize, &[char])> = samples
            .iter()
            .filter(|s| s.domain > 0 && !s.private_only)
            .map(|s| (s.domain - 1, s.chars.as_slice()))
            .collect();
        crate::domain::Domains::train(domain_names.clone(), &docs)
    });
    let ex = Extractor {
        english,
        flags: fl,
        lexicon,
        clusters: clusters.clone(),
    };
    let fold_ex: Vec<Extractor> = fold_lex
        .into_iter()
        .map(|lexicon| Extractor {
            english,
            flags: fl,
            lexicon,
            clusters: clusters.clone(),
        })
        .collect();
    let decoder = Decoder::new(&tags);
    // transitions, start and end scores, and (second order) tag trigrams
    let second = fl & flags::SECOND_ORDER != 0;
    let with_char = fl & flags::DOMAIN_NO_CHAR == 0;
    let nt = t * t + 2 * t + if second { t * t * t } else { 0 };
    let mut wts = Weights {
        t,
        index: IdMap::default(),
        w: Vec::new(),
        acc: Vec::new(),
        tw: vec![0.0; nt],
        tacc: vec![0.0; nt],
    };
    let mut rng = Rng(options.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut order: Vec<usize> = (0..samples.len()).collect();
    let mut buf = FeatBuf::default();
    let mut emit: Vec<f32> = Vec::new();
    let mut back: Vec<u16> = Vec::new();
    let mut work: Vec<f32> = Vec::new();
    let mut c: f64 = 1.0;
    // keys of the source-private feature copies (left out of the model)
    let mut copies: IdMap<()> = IdMap::default();
    let mut shared: Vec<usize> = Vec::new();
    let mut best: Option<(f64, usize, NerModel)> = None;
    let id = options
        .id
        .clone()
        .unwrap_or_else(|| format!("{lang}-custom-1"));
    for epoch in 1..=options.epochs.max(1) {
        let t0 = Instant::now();
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let mut errors = 0usize;
        for &si in &order {
            let s = &samples[si];
            let toks: Vec<&str> = s.tokens.iter().map(|x| x.as_str()).collect();
            let units = if english {
                Units::Tokens(&toks)
            } else {
                Units::Chars(&s.chars)
            };
            let e = fold_ex.get(s.fold).unwrap_or(&ex);
            let seg = (!s.seg.is_empty()).then_some(&s.seg[..]);
            e.extract(&units, None, seg, &mut buf);
            buf.flatten();
            if s.source != 0 {
                add_source_copies(&mut buf, s.source, &mut copies);
            }
            // where each position's private features start
            shared.clear();
            if s.domain != 0 {
                if s.private_only {
                    shared.extend(buf.offsets.windows(2).map(|w| (w[1] - w[0]) as usize));
                }
                crate::domain::add_private(&mut buf, s.domain - 1, with_char);
            }
            let n = s.gold.len();
            emit.clear();
            emit.resize(n * t, 0.0);
            for i in 0..n {
                let row = &mut emit[i * t..(i + 1) * t];
                for k in buf.of(i) {
                    if let Some(&r) = wts.index.get(k) {
                        let r = r as usize * t;
                        for (a, w) in row.iter_mut().zip(&wts.w[r..r + t]) {
                            *a += w;
                        }
                    }
                }
            }
            if options.cost > 0.0 {
                for (i, &g) in s.gold.iter().enumerate() {
                    for (j, a) in emit[i * t..(i + 1) * t].iter_mut().enumerate() {
                        if j != g as usize {
                            *a += options.cost;
                        }
                    }
                }
            }
            let (tr, rest) = wts.tw.split_at(t * t);
            let (st, rest) = rest.split_at(t);
            let (en, tr2) = rest.split_at(t);
            let pred = if second {
                decoder.decode2_with(&emit, tr, tr2, st, en, &mut work)
            } else {
                decoder.decode_with(&emit, tr, st, en, &mut back)
            };
            if pred != s.gold {
                errors += 1;
                let step = if options.pa > 0.0 {
                    pa_step(&emit, &wts.tw, t, &s.gold, &pred, &buf, &options)
                } else {
                    1.0
                };
                let cs = c * step as f64;
                for i in 0..n {
                    let (g, p) = (s.gold[i] as usize, pred[i] as usize);
                    if g != p {
                        let keys = buf.of(i);
                        let keys = if s.private_only {
                            &keys[shared[i]..]
                        } else {
                            keys
                        };
                        for &k in keys {
                            let r = wts.row(k) * t;
                            wts.w[r + g] += step;
                            wts.acc[r + g] += cs;
                            wts.w[r + p] -= step;
                            wts.acc[r + p] -= cs;
                        }
                    }
                    if s.private_only {
                        continue;
                    }
                    let (gi, pi) = if i == 0 {
                        (t * t + g, t * t + p)
                    } else {
                        (s.gold[i - 1] as usize * t + g, pred[i - 1] as usize * t + p)
                    };
                    if gi != pi {
                        wts.tw[gi] += step;
                        wts.tacc[gi] += cs;
                        wts.tw[pi] -= step;
                        wts.tacc[pi] -= cs;
                    }
                    if second && i >= 2 {
                        let (gi, pi) =
                            (trigram(t, &s.gold[i - 2..=i]), trigram(t, &pred[i - 2..=i]));
                        if gi != pi {
                            wts.tw[gi] += step;
                            wts.tacc[gi] += cs;
                            wts.tw[pi] -= step;
                            wts.tacc[pi] -= cs;
                        }
                    }
                }
                let (g, p) = (
                    t * t + t + s.gold[n - 1] as usize,
                    t * t + t + pred[n - 1] as usize,
                );
                if g != p && !s.private_only {
                    wts.tw[g] += step;
                    wts.tacc[g] += cs;
                    wts.tw[p] -= step;
                    wts.tacc[p] -= cs;
                }
            }
            c += 1.0;
        }
        let model = build_model(
            &wts,
            c,
            options.prune,
            &copies,
            &ex,
            &tags,
            &decoder,
            lang,
            &id,
            &domains,
        );
        let secs = t0.elapsed().as_secs_f64();
        let dev_f1 = match &dev_data {
            Some(d) => {
                let gold: Vec<_> = d.iter().map(|s| s.spans()).collect();
                let toks: Vec<Vec<&str>> = d.iter().map(|s| s.token_strs()).collect();
                let refs: Vec<&[&str]> = toks.iter().map(Vec::as_slice).collect();
                let tag = TagOptions {
                    consistency: false,
                    segmenter: options.segmenter,
                };
                let pred: Vec<Vec<_>> = if model.domains.is_some() {
                    // each dev sentence is a document of its own, as
                    // `zhen eval` tags it: its source is chosen from it
                    let mut out = Vec::with_capacity(refs.len());
                    for r in &refs {
                        let found = model.tag_tokens(std::slice::from_ref(r), &tag)?;
                        out.extend(
                            found
                                .into_iter()
                                .map(|f| f.into_iter().map(Into::into).collect()),
                        );
                    }
                    out
                } else {
                    model
                        .tag_tokens(&refs, &tag)?
                        .into_iter()
                        .map(|found| found.into_iter().map(Into::into).collect())
                        .collect()
                };
                Some(score(&gold, &pred).micro.f1)
            }
            None => None,
        };
        if options.verbose {
            eprintln!(
                "epoch {epoch}: {errors}/{} sentences wrong, {} features, {:.1}s{}",
                samples.len(),
                model.num_features(),
                secs,
                dev_f1
                    .map(|f| format!(", dev F1 {:.2}", 100.0 * f))
                    .unwrap_or_default()
            );
        }
        let f = dev_f1.unwrap_or(epoch as f64);
        if best.as_ref().is_none_or(|b| f > b.0) {
            best = Some((f, epoch, model));
        }
    }
    let (_, epoch, model) = best.expect("at least one epoch");
    if options.verbose && dev.is_some() {
        eprintln!("kept epoch {epoch}");
    }
    Ok(model)
}

/// The passive-aggressive step (PA-I) for a sentence decoded as `pred`
/// instead of `gold`: `min(C, (loss − margin) / ‖Δφ‖²)`, where the loss
/// counts the differing tags and `emit` holds the scores the decoder saw
/// (with the loss-augmenting cost, if any, which the loss then accounts
/// for). ‖Δφ‖² counts every feature of a differing position twice (once
/// up for the gold tag, once down for the predicted one) and every
/// differing transition (and tag trigram of a second-order model) twice.
fn pa_step(
    emit: &[f32],
    tw: &[f32],
    t: usize,
    gold: &[u16],
    pred: &[u16],
    buf: &FeatBuf,
    options: &TrainOptions<'_>,
) -> f32 {
    let n = gold.len();
    let second = tw.len() > t * t + 2 * t;
    let path = |tags: &[u16]| -> f32 {
        let mut sc = tw[t * t + tags[0] as usize] + tw[t * t + t + tags[n - 1] as usize];
        for i in 0..n {
            sc += emit[i * t + tags[i] as usize];
            if i > 0 {
                sc += tw[tags[i - 1] as usize * t + tags[i] as usize];
            }
            if second && i > 1 {
                sc += tw[trigram(t, &tags[i - 2..=i])];
            }
        }
        sc
    };
    let mut loss = 0f32;
    let mut norm = 0f32;
    for i in 0..n {
        if gold[i] != pred[i] {
            loss += 1.0;
            norm += 2.0 * buf.of(i).len() as f32;
        }
        let differs = if i == 0 {
            gold[0] != pred[0]
        } else {
            (gold[i - 1], gold[i]) != (pred[i - 1], pred[i])
        };
        norm += 2.0 * differs as u8 as f32;
        if second && i > 1 {
            norm += 2.0 * (gold[i - 2..=i] != pred[i - 2..=i]) as u8 as f32;
        }
    }
    norm += 2.0 * (gold[n - 1] != pred[n - 1]) as u8 as f32;
    // the cost already sits in the predicted path's score (the gold path
    // has none), so the margin to beat is the plain loss when cost is 0
    let excess = if options.cost > 0.0 { 0.0 } else { loss };
    let violation = path(pred) - path(gold) + excess;
    if norm <= 0.0 || violation <= 0.0 {
        return 0.0;
    }
    (violation / norm).min(options.pa)
}

/// Appends to every position's features a copy private to `source`
/// ([`TrainOptions::other_conventions`]), recording the copies' keys.
fn add_source_copies(buf: &mut FeatBuf, source: u64, copies: &mut IdMap<()>) {
    let n = buf.offsets.len().saturating_sub(1);
    let mut feats = Vec::with_capacity(2 * buf.feats.len());
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0u32);
    for i in 0..n {
        let own = buf.of(i);
        feats.extend_from_slice(own);
        for &k in own {
            let copy = source_copy(k, source);
            copies.insert(copy, ());
            feats.push(copy);
        }
        offsets.push(feats.len() as u32);
    }
    buf.feats = feats;
    buf.offsets = offsets;
}

/// The key of the copy of feature `k` private to `source` (a single,
/// ungrouped feature).
fn source_copy(k: u64, source: u64) -> u64 {
    let mut z =
        (k ^ 0x5ea5_0000_0000_0000).wrapping_add(source.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z & !15).max(32)
}

/// Trains the register classifier of a model with per-source features
/// ([`flags::DOMAINS`]) again from `domains` (the files and names of
/// [`TrainOptions::domains`], in the same order), leaving the tagger's
/// weights as they are: what [`train`] gives with the same files, for a
/// model whose classifier came from another build. Errors if the model has
/// no sources or other names.
pub fn refit_domains(model: &mut NerModel, domains: &[(String, PathBuf)]) -> Result<()> {
    refit_domains_with(model, domains, RegisterTrainer::default())
}

/// [`refit_domains`] with the classifier's trainer `how`
/// ([`RegisterTrainer`]; [`refit_domains`] uses its default, the logistic
/// one, and `RegisterTrainer::Perceptron` gives zh-news-9's classifier).
pub fn refit_domains_with(
    model: &mut NerModel,
    domains: &[(String, PathBuf)],
    how: RegisterTrainer,
) -> Result<()> {
    let names: Vec<String> = model.domain_names().iter().map(|s| s.to_string()).collect();
    let mut given: Vec<String> = Vec::new();
    let mut docs: Vec<(usize, Vec<char>)> = Vec::new();
    for (name, f) in domains {
        if name.is_empty() {
            continue;
        }
        if !given.contains(name) {
            given.push(name.clone());
        }
        let k = given.iter().position(|n| n == name).unwrap_or(0);
        for s in read_bio(f)? {
            let chars = s.tokens.iter().map(|x| x.chars().next().unwrap_or(' '));
            docs.push((k, chars.collect()));
        }
    }
    if names.is_empty() || names != given {
        return Err(Error::Train(format!(
            "the model's sources are [{}], the files name [{}]",
            names.join(", "),
            given.join(", ")
        )));
    }
    let refs: Vec<(usize, &[char])> = docs.iter().map(|(k, c)| (*k, c.as_slice())).collect();
    model.domains = Some(crate::domain::Domains::train_with(names, &refs, how));
    Ok(())
}

/// Trains one model per seed in `seeds` with `options` (its `seed` is
/// replaced), averages them ([`NerModel::average`]) and drops feature rows
/// whose largest weight is below `prune_q` quantisation steps
/// ([`NerModel::prune`]; 0 keeps every row). One seed gives that model,
/// pruned.
pub fn train_averaged(
    lang: &str,
    train_files: &[PathBuf],
    dev: Option<&Path>,
    options: TrainOptions,
    seeds: &[u64],
    prune_q: i16,
) -> Result<NerModel> {
    if seeds.is_empty() {
        return Err(Error::Train("no seeds to train with".into()));
    }
    let mut models = Vec::with_capacity(seeds.len());
    for &seed in seeds {
        if options.verbose {
            eprintln!("seed {seed}");
        }
        let opts = TrainOptions {
            seed,
            ..options.clone()
        };
        models.push(train(lang, train_files, dev, opts)?);
    }
    let mut model = if models.len() == 1 {
        models.pop().expect("one model")
    } else {
        NerModel::average(&models.iter().collect::<Vec<_>>())?
    };
    if prune_q > 0 {
        model.prune(prune_q);
    }
    Ok(model)
}

#[allow(clippy::too_many_arguments)]
fn build_model(
    wts: &Weights,
    c: f64,
    prune: f32,
    copies: &IdMap<()>,
    ex: &Extractor,
    tags: &TagSet,
    decoder: &Decoder,
    lang: &str,
    id: &str,
    domains: &Option<crate::domain::Domains>,
) -> NerModel {
    let t = wts.t;
    let avg = |w: f32, a: f64| (w as f64 - a / c) as f32;
    let mut max_abs = 0f32;
    for (&k, &r) in &wts.index {
        if !copies.contains_key(&k) {
            let r = r as usize * t;
            for (w, a) in wts.w[r..r + t].iter().zip(&wts.acc[r..r + t]) {
                max_abs = max_abs.max(avg(*w, *a).abs());
            }
        }
    }
    let scale = if max_abs > 0.0 {
        max_abs / 32000.0
    } else {
        1.0
    };
    let mut kept: Vec<(u64, Vec<i16>)> = Vec::new();
    let mut row = vec![0f32; t];
    for (&k, &r) in &wts.index {
        if copies.contains_key(&k) {
            continue;
        }
        let r = r as usize * t;
        let mut m = 0f32;
        for (j, x) in row.iter_mut().enumerate() {
            *x = avg(wts.w[r + j], wts.acc[r + j]);
            m = m.max(x.abs());
        }
        let q: Vec<i16> = row.iter().map(|v| (v / scale).round() as i16).collect();
        if m <= prune || q.iter().all(|&x| x == 0) {
            continue;
        }
        kept.push((k, q));
    }
    let table = FeatTable::build(t, ex.flags, &kept);
    let tr: Vec<f32> = wts
        .tw
        .iter()
        .zip(&wts.tacc)
        .map(|(w, a)| avg(*w, *a))
        .collect();
    NerModel {
        lang: lang.to_string(),
        id: id.to_string(),
        ex: ex.clone(),
        tags: tags.clone(),
        decoder: decoder.clone(),
        table,
        scale,
        trans: tr[..t * t].to_vec(),
        start: tr[t * t..t * t + t].to_vec(),
        end: tr[t * t + t..t * t + 2 * t].to_vec(),
        trans2: tr[t * t + 2 * t..].to_vec(),
        domains: domains.clone(),
    }
}

/// The index in the transition weights of a trained model of the tag
/// trigram `tags` (three tags; after the transitions, start and end scores).
fn trigram(t: usize, tags: &[u16]) -> usize {
    let [z, a, b] = [tags[0], tags[1], tags[2]].map(usize::from);
    t * t + 2 * t + (z * t + a) * t + b
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BIO file of one sentence `times` times: `line` is the sentence's
    /// characters, a space, and one tag per character separated by spaces.
    fn bio(line: &str, times: usize) -> String {
        let (text, tags) = line.split_once(' ').unwrap();
        let mut out = String::new();
        for _ in 0..times {
            for (c, t) in text.chars().zip(tags.split(' ')) {
                out.push_str(&format!("{c}\t{t}\n"));
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn source_copies_are_private_and_never_reach_the_model() {
        let dir = std::env::temp_dir().join(format!("zhen-ner-copies-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let main = dir.join("main.bio");
        let other = dir.join("other.bio");
        std::fs::write(
            &main,
            "张\tB-PER\n三\tI-PER\n说\tO\n\n北\tB-LOC\n京\tI-LOC\n\n",
        )
        .unwrap();
        std::fs::write(&other, "李\tB-PER\n四\tI-PER\n在\tO\n上\tO\n海\tO\n\n").unwrap();
        let opts = TrainOptions {
            epochs: 3,
            verbose: false,
            other_conventions: vec![other.clone()],
            ..TrainOptions::default()
        };
        let model = train("zh", std::slice::from_ref(&main), None, opts).unwrap();
        let keys: std::collections::HashSet<u64> = model.table.iter().map(|(k, _)| k).collect();
        // the other file's features are in the model, their copies are not
        let chars: Vec<char> = "李四在上海".chars().collect();
        let mut buf = FeatBuf::default();
        model
            .ex
            .extract(&Units::Chars(&chars), None, None, &mut buf);
        buf.flatten();
        let mut shared = 0;
        for &k in &buf.feats {
            shared += keys.contains(&k) as usize;
            assert!(
                !keys.contains(&source_copy(k, 1)),
                "a private copy reached the model"
            );
        }
        assert!(shared > 0, "the other file trains the shared weights");
        // copies are ungrouped keys and differ per source
        let k = buf.feats[0];
        assert_eq!(source_copy(k, 1) & 15, 0);
        assert_ne!(source_copy(k, 1), source_copy(k, 2));
        let mut b = FeatBuf::default();
        model.ex.extract(&Units::Chars(&chars), None, None, &mut b);
        b.flatten();
        let n = b.feats.len();
        let mut copies = IdMap::default();
        add_source_copies(&mut b, 1, &mut copies);
        assert_eq!(b.feats.len(), 2 * n);
        assert_eq!(b.offsets.len(), chars.len() + 1);
        assert!(b.of(0).contains(&source_copy(b.of(0)[0], 1)));
    }

    #[test]
    fn sources_keep_their_conventions_and_the_text_picks_one() {
        let dir = std::env::temp_dir().join(format!("zhen-ner-domains-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // the news source calls 美国 a place, the chat source an organisation
        let news = dir.join("news.bio");
        let chat = dir.join("chat.bio");
        let names = dir.join("names.bio");
        let n = "新华社电美国总统说 O O O O B-LOC I-LOC O O O";
        let c = "哈哈美国队赢了哈哈 O O B-ORG I-ORG O O O O O";
        std::fs::write(&news, bio(n, 4)).unwrap();
        std::fs::write(&chat, bio(c, 4)).unwrap();
        std::fs::write(&names, bio("张三说 B-PER I-PER O", 1)).unwrap();
        let opts = TrainOptions {
            epochs: 4,
            verbose: false,
            flags: flags::DEFAULT,
            domains: vec![
                ("news".into(), news.clone()),
                (String::new(), names.clone()),
                ("chat".into(), chat.clone()),
            ],
            ..TrainOptions::default()
        };
        let model = train("zh", &[], None, opts.clone()).unwrap();
        assert_ne!(model.flags() & flags::DOMAINS, 0);
        assert_eq!(model.domain_names(), ["news", "chat"]);
        assert_eq!(model.domain_of(&["新华社电国务院说"]), Some("news"));
        assert_eq!(model.domain_of(&["哈哈赢了"]), Some("chat"));
        let tag = |m: &NerModel, s: &str| -> Vec<(String, Label)> {
            let found = m
                .tag_text(&[crate::Text::from(s)], &TagOptions::default())
                .unwrap();
            found[0]
                .iter()
                .map(|x| (s[x.range.range()].to_string(), x.label.clone()))
                .collect()
        };
        // each source's convention for 美国, checked for both models below
        let conventions = [
            ("新华社电美国总统说", Label::Loc),
            ("哈哈美国队赢了哈哈", Label::Org),
        ];
        // the classifier's scores behind the choice: the largest wins
        for s in ["新华社电国务院说", "哈哈赢了"] {
            let sc = model.domain_scores(&[s]).unwrap();
            assert_eq!(sc.len(), 2);
            let best = if sc[1] > sc[0] { "chat" } else { "news" };
            assert_eq!(model.domain_of(&[s]), Some(best));
        }
        // without the private character (DOMAIN_NO_CHAR): fewer features,
        // the sources' conventions still apart, and read back the same
        let lean = train(
            "zh",
            &[],
            None,
            TrainOptions {
                flags: flags::DEFAULT | flags::DOMAIN_NO_CHAR,
                ..opts.clone()
            },
        )
        .unwrap();
        assert_ne!(lean.flags() & flags::DOMAIN_NO_CHAR, 0);
        assert!(lean.num_features() < model.num_features());
        for m in [&model, &lean] {
            for (s, label) in &conventions {
                assert_eq!(tag(m, s), [("美国".into(), label.clone())], "{s}");
            }
        }
        // tagging adds the characters' rows and the lexicon category sets'
        // rows (tag bias included) from per-thread rows and caches that both
        // models, both sources and every sentence share: the same sums as
        // through the feature table (a full-width letter, a character past
        // the Basic Multilingual Plane, more characters than the test's rows
        // hold; the first sentence again at the end: its sets and characters
        // are all in the caches then, beside the other model's and source's
        // rows of the same sets and characters)
        for m in [&model, &lean, &model] {
            let with_char = m.flags() & flags::DOMAIN_NO_CHAR == 0;
            let w = m.table.acc_len();
            for s in [
                "新华社电美国总统说",
                "哈哈美国队赢了哈哈",
                "Ａ美国\u{20000}说",
                "新华社电美国总统说",
            ] {
                let chars: Vec<char> = s.chars().collect();
                for d in 0..2 {
                    let sums = |dense: bool| {
                        let mut buf = FeatBuf::default();
                        m.ex.extract(&Units::Chars(&chars), None, None, &mut buf);
                        if !dense {
                            crate::domain::add_private(&mut buf, d, with_char);
                        }
                        let mut acc = vec![0i32; chars.len() * w];
                        m.table.score(&buf, &mut acc, w, &mut Vec::new());
                        if dense {
                            let private = m.table.private(d);
                            private.add(&m.table, &buf, &mut acc, w, with_char);
                        }
                        acc
                    };
                    assert_eq!(sums(true), sums(false), "{s} {d}");
                }
            }
        }
        let mut bytes = Vec::new();
        lean.write(&mut bytes).unwrap();
        let back = NerModel::from_bytes(&bytes).unwrap();
        assert_eq!(back.flags(), lean.flags());
        for s in ["新华社电美国总统说", "哈哈美国队赢了哈哈"] {
            assert_eq!(tag(&back, s), tag(&lean, s));
        }
        // the flag needs sources
        let err = train(
            "zh",
            std::slice::from_ref(&news),
            None,
            TrainOptions {
                flags: flags::DEFAULT | flags::DOMAIN_NO_CHAR,
                verbose: false,
                ..TrainOptions::default()
            },
        );
        assert!(err.is_err());
        // the choice can be fixed, and only to a source the model has
        let mut fixed = model.clone();
        fixed.set_domain(Some("chat")).unwrap();
        assert_eq!(fixed.domain_of(&["新华社电"]), Some("chat"));
        assert!(fixed.set_domain(Some("weibo")).is_err());
        // written and read back: the same sources, choices and tags
        let mut bytes = Vec::new();
        model.write(&mut bytes).unwrap();
        let back = NerModel::from_bytes(&bytes).unwrap();
        assert_eq!(back.domain_names(), model.domain_names());
        for s in ["新华社电美国总统说", "哈哈美国队赢了哈哈", "美国"] {
            assert_eq!(back.domain_of(&[s]), model.domain_of(&[s]));
            assert_eq!(tag(&back, s), tag(&model, s));
        }
        // seeds average with their sources
        let other = train("zh", &[], None, TrainOptions { seed: 7, ..opts }).unwrap();
        let avg = NerModel::average(&[&model, &other]).unwrap();
        assert_eq!(avg.domain_names(), ["news", "chat"]);
        // a model without sources is refused as a partner
        let plain = train(
            "zh",
            std::slice::from_ref(&news),
            None,
            TrainOptions {
                epochs: 1,
                verbose: false,
                ..TrainOptions::default()
            },
        )
        .unwrap();
        assert!(plain.domain_names().is_empty());
        assert_eq!(plain.domain_of(&["新华社"]), None);
        assert!(NerModel::average(&[&model, &plain]).is_err());
        // English models and models without lexicon features have no sources
        let err = train(
            "zh",
            &[],
            None,
            TrainOptions {
                flags: flags::NGRAMS,
                verbose: false,
                domains: vec![("news".into(), news.clone())],
                ..TrainOptions::default()
            },
        );
        assert!(err.is_err());
    }

    #[test]
    fn private_only_sentences_train_only_their_sources_private_rows() {
        let dir = std::env::temp_dir().join(format!("zhen-ner-private-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let news = dir.join("news.bio");
        let chat = dir.join("chat.bio");
        let extra = dir.join("extra.bio");
        std::fs::write(
            &news,
            bio("新华社电美国总统说 O O O O B-LOC I-LOC O O O", 4),
        )
        .unwrap();
        std::fs::write(
            &chat,
            bio("哈哈美国队赢了哈哈 O O B-ORG I-ORG O O O O O", 4),
        )
        .unwrap();
        // persons only in the sentences private to news
        std::fs::write(&extra, bio("张三说美国 B-PER I-PER O B-LOC I-LOC", 3)).unwrap();
        let opts = TrainOptions {
            epochs: 4,
            verbose: false,
            flags: flags::DEFAULT,
            domains: vec![("news".into(), news.clone()), ("chat".into(), chat.clone())],
            ..TrainOptions::default()
        };
        let plain = train("zh", &[], None, opts.clone()).unwrap();
        let with = TrainOptions {
            domains_private: vec![("news".into(), extra.clone())],
            ..opts.clone()
        };
        let model = train("zh", &[], None, with.clone()).unwrap();
        // the register classifier is trained without them
        assert_eq!(model.domains, plain.domains);
        // every private row any of the sentences can reach, of both sources
        let mut private = std::collections::HashSet::new();
        for text in ["新华社电美国总统说", "哈哈美国队赢了哈哈", "张三说美国"]
        {
            let chars: Vec<char> = text.chars().collect();
            let mut buf = FeatBuf::default();
            model
                .ex
                .extract(&Units::Chars(&chars), None, None, &mut buf);
            buf.flatten();
            for d in 0..2 {
                for i in 0..chars.len() {
                    private.extend(crate::domain::private_keys(&buf, i, d, true));
                }
            }
        }
        let per = model
            .tags
            .labels()
            .iter()
            .position(|l| *l == Label::Per)
            .unwrap();
        let is_per = |j: usize| model.tags.part(j).1 == per;
        // no shared row and no transition ever had a person's tag as the
        // gold one, so none favours it; news's private rows learnt them
        let (mut shared_rows, mut private_per) = (0, 0);
        for (k, row) in model.table.iter() {
            let pos = row.iter().enumerate().any(|(j, &w)| is_per(j) && w > 0);
            if private.contains(&k) {
                private_per += pos as usize;
            } else {
                shared_rows += 1;
                assert!(!pos, "shared row {k:#x} favours a person's tag: {row:?}");
            }
        }
        assert!(
            shared_rows > 0 && private_per > 0,
            "{shared_rows} {private_per}"
        );
        let t = model.tags.len();
        for (i, &w) in model.trans.iter().enumerate() {
            assert!(
                !(is_per(i % t) && w > 0.0),
                "transition {i} favours a person"
            );
        }
        for (j, &w) in model.start.iter().enumerate() {
            assert!(!(is_per(j) && w > 0.0), "start {j} favours a person");
        }
        // a name that is not one of the sources' is an error naming the file
        let err = train(
            "zh",
            &[],
            None,
            TrainOptions {
                domains_private: vec![("weibo".into(), extra.clone())],
                ..opts
            },
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("extra.bio") && err.contains("weibo"), "{err}");
    }
}
