//! The model: tag set, lexicon, quantised feature weights in an
//! open-addressing table, transition scores, the file format and decoding.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::path::Path;

use zhen_core::Label;

use crate::bio::TagSet;
use crate::features::{
    extract_en, extract_zh, flags, Clusters, FeatBuf, Lexicon, SegUnit, GROUPED, UNIGRAM_GROUP,
};
use crate::mem::{home, prefetch, zeroed};
use crate::{Error, Result};

/// Magic bytes at the start of every model file; the last byte is the format
/// version. Version 2 changed how feature keys are hashed (version 1 keys of
/// different templates could collide), so version 1 files must be retrained.
pub const MAGIC: &[u8; 8] = b"ZHENNER\x02";

/// Feature extraction settings, shared by training and tagging.
#[derive(Clone, Debug)]
pub(crate) struct Extractor {
    pub english: bool,
    pub flags: u32,
    pub lexicon: Lexicon,
    pub clusters: Clusters,
}

/// The units of one sentence.
pub(crate) enum Units<'a> {
    Chars(&'a [char]),
    Tokens(&'a [&'a str]),
}

impl Extractor {
    pub fn extract(
        &self,
        units: &Units<'_>,
        extra: Option<&[Vec<String>]>,
        seg: Option<&[SegUnit]>,
        buf: &mut FeatBuf,
    ) {
        match units {
            Units::Chars(c) => extract_zh(c, &self.lexicon, self.flags, extra, seg, buf),
            Units::Tokens(t) => {
                extract_en(t, &self.lexicon, &self.clusters, self.flags, extra, buf)
            }
        }
    }
}

/// Open-addressing hash table from a slot key to `width` rows of `i16`
/// weights, stored inline after the key (as four `i16` words) so a lookup
/// touches one or two adjacent cache lines. Each row is padded to a multiple
/// of [`LANES`] so adding it to the score accumulator is a few vector adds.
/// Indexing is multiply-shift, so any capacity works.
#[derive(Clone, Debug)]
struct Table {
    slots: Vec<i16>,
    stride: usize,
    cap: usize,
    width: usize,
    ntags: usize,
    padded: usize,
}

/// Row padding: eight `i16` weights make one 128-bit vector.
const LANES: usize = 8;

#[inline(always)]
fn slot_key(s: &[i16]) -> u64 {
    (s[0] as u16 as u64)
        | (s[1] as u16 as u64) << 16
        | (s[2] as u16 as u64) << 32
        | (s[3] as u16 as u64) << 48
}

impl Table {
    fn with_capacity(ntags: usize, width: usize, n: usize) -> Table {
        let cap = (n + n / 2).max(16);
        let padded = ntags.next_multiple_of(LANES);
        let stride = 4 + width * padded;
        Table {
            slots: zeroed(cap * stride, 0),
            stride,
            cap,
            width,
            ntags,
            padded,
        }
    }

    #[inline(always)]
    fn home(&self, key: u64) -> usize {
        home(key, self.cap)
    }

    fn insert(&mut self, key: u64, sub: usize, row: &[i16]) {
        let mut i = self.home(key);
        loop {
            let slot = &mut self.slots[i * self.stride..(i + 1) * self.stride];
            let k = slot_key(slot);
            if k == 0 || k == key {
                for (j, w) in slot[..4].iter_mut().enumerate() {
                    *w = (key >> (16 * j)) as u16 as i16;
                }
                let off = 4 + sub * self.padded;
                slot[off..off + row.len()].copy_from_slice(row);
                return;
            }
            i = if i + 1 == self.cap { 0 } else { i + 1 };
        }
    }

    #[inline(always)]
    fn prefetch(&self, key: u64) {
        prefetch(
            self.slots
                .as_ptr()
                .wrapping_add(self.home(key) * self.stride),
        );
    }

    /// The slot of `key`, if present.
    #[inline(always)]
    fn slot(&self, key: u64) -> Option<&[i16]> {
        let mut i = self.home(key);
        loop {
            let slot = &self.slots[i * self.stride..(i + 1) * self.stride];
            let k = slot_key(slot);
            if k == key {
                return Some(slot);
            }
            if k == 0 {
                return None;
            }
            i = if i + 1 == self.cap { 0 } else { i + 1 };
        }
    }

    /// Adds row `sub` of a slot to `acc` (`padded` long).
    #[inline(always)]
    fn add_row(&self, slot: &[i16], sub: usize, acc: &mut [i32]) {
        let off = 4 + sub * self.padded;
        let row = &slot[off..off + self.padded];
        for (a, w) in acc.chunks_exact_mut(LANES).zip(row.chunks_exact(LANES)) {
            let a: &mut [i32; LANES] = a.try_into().expect("LANES");
            let w: &[i16; LANES] = w.try_into().expect("LANES");
            add_lanes(a, w);
        }
    }

    /// Adds row `sub` of `key`, if present, to `acc` (`padded` long).
    #[inline(always)]
    fn add(&self, key: u64, sub: usize, acc: &mut [i32]) {
        if let Some(slot) = self.slot(key) {
            self.add_row(slot, sub, acc);
        }
    }

    fn iter(&self) -> impl Iterator<Item = (u64, usize, Vec<i16>)> + '_ {
        self.slots
            .chunks_exact(self.stride)
            .filter(|s| slot_key(s) != 0)
            .flat_map(move |s| {
                (0..self.width).filter_map(move |sub| {
                    let off = 4 + sub * self.padded;
                    let row = s[off..off + self.ntags].to_vec();
                    row.iter()
                        .any(|&w| w != 0)
                        .then_some((slot_key(s), sub, row))
                })
            })
    }
}

/// `a += w`, widening: eight `i16` weights into eight `i32` sums. LLVM keeps
/// this scalar for the baseline x86-64 target (no `pmovsxwd` in SSE2), so
/// it is written with SSE2, which every x86-64 CPU has.
#[inline(always)]
fn add_lanes(a: &mut [i32; LANES], w: &[i16; LANES]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of x86-64; `w` is 8 × i16 = 128 bits and `a`
        // is 8 × i32 = 2 × 128 bits, and unaligned loads/stores are used.
        unsafe {
            let wv = _mm_loadu_si128(w.as_ptr() as *const __m128i);
            // interleave each weight with itself, then shift its copy out:
            // sign extension to 32 bits
            let lo = _mm_srai_epi32(_mm_unpacklo_epi16(wv, wv), 16);
            let hi = _mm_srai_epi32(_mm_unpackhi_epi16(wv, wv), 16);
            let p = a.as_mut_ptr() as *mut __m128i;
            _mm_storeu_si128(p, _mm_add_epi32(_mm_loadu_si128(p), lo));
            _mm_storeu_si128(p.add(1), _mm_add_epi32(_mm_loadu_si128(p.add(1)), hi));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    for l in 0..LANES {
        a[l] += w[l] as i32;
    }
}

/// Feature weights: single features in a narrow table, grouped n-gram
/// features ([`crate::features::GROUPED`]) in a wide one, one slot per n-gram.
#[derive(Clone, Debug)]
pub(crate) struct FeatTable {
    narrow: Table,
    wide: Table,
    /// Character unigram groups ([`flags::GROUP_UNIGRAMS`] models only).
    uni: Table,
    split_uni: bool,
    len: usize,
}

const GROUP_WIDTH: usize = 4;
/// Unigram groups: window positions −3…+3.
const UNI_WIDTH: usize = 7;

impl FeatTable {
    /// Builds the table from `(key, weights)` rows of a model with feature
    /// `flags` (they say whether unigram groups have a table of their own).
    pub fn build(ntags: usize, flags: u32, rows: &[(u64, Vec<i16>)]) -> FeatTable {
        let split_uni = flags & flags::GROUP_UNIGRAMS != 0;
        let mut groups = std::collections::HashSet::new();
        let mut uni_groups = std::collections::HashSet::new();
        let mut narrow_n = 0;
        for &(k, _) in rows {
            if k & GROUPED == 0 {
                narrow_n += 1;
            } else if split_uni && k & UNIGRAM_GROUP != 0 {
                uni_groups.insert(k & !15);
            } else {
                groups.insert(k & !15);
            }
        }
        let mut t = FeatTable {
            narrow: Table::with_capacity(ntags, 1, narrow_n),
            wide: Table::with_capacity(ntags, GROUP_WIDTH, groups.len()),
            uni: Table::with_capacity(ntags, UNI_WIDTH, uni_groups.len()),
            split_uni,
            len: rows.len(),
        };
        for (k, row) in rows {
            if k & GROUPED == 0 {
                t.narrow.insert(*k, 0, row);
            } else {
                t.group_table_mut(*k).insert(k & !15, (k & 7) as usize, row);
            }
        }
        t
    }

    #[inline(always)]
    fn group_table(&self, key: u64) -> &Table {
        if self.split_uni && key & UNIGRAM_GROUP != 0 {
            &self.uni
        } else {
            &self.wide
        }
    }

    fn group_table_mut(&mut self, key: u64) -> &mut Table {
        if self.split_uni && key & UNIGRAM_GROUP != 0 {
            &mut self.uni
        } else {
            &mut self.wide
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Length of the accumulator [`FeatTable::add`] adds to (the tag count
    /// rounded up to whole vectors).
    pub fn acc_len(&self) -> usize {
        self.narrow.padded
    }

    #[inline(always)]
    pub fn prefetch(&self, key: u64) {
        if key & GROUPED != 0 {
            self.group_table(key).prefetch(key & !15)
        } else {
            self.narrow.prefetch(key)
        }
    }

    /// Adds the row of `key`, if present, to `acc`.
    #[inline(always)]
    pub fn add(&self, key: u64, acc: &mut [i32]) {
        if key & GROUPED != 0 {
            self.group_table(key)
                .add(key & !15, (key & 7) as usize, acc)
        } else {
            self.narrow.add(key, 0, acc)
        }
    }

    /// Adds the grouped features of [`FeatBuf::spread`] to the score rows
    /// `acc` (`w` = [`FeatTable::acc_len`] per position): one table lookup
    /// per n-gram serves every position that sees it.
    pub fn add_spread(&self, spread: &[(u64, u32, u32)], acc: &mut [i32], w: usize) {
        const AHEAD: usize = 8;
        for &(k, _, _) in spread.iter().take(AHEAD) {
            self.prefetch(k);
        }
        let n = acc.len() / w;
        for (j, &(key, anchor, width)) in spread.iter().enumerate() {
            if let Some(&(k, _, _)) = spread.get(j + AHEAD) {
                self.prefetch(k);
            }
            let table = self.group_table(key);
            let Some(slot) = table.slot(key & !15) else {
                continue;
            };
            for sub in 0..width as usize {
                let Some(pos) = (anchor as usize).checked_sub(sub).filter(|&p| p < n) else {
                    continue;
                };
                table.add_row(slot, sub, &mut acc[pos * w..(pos + 1) * w]);
            }
        }
    }

    /// Every feature and its weights.
    pub fn iter(&self) -> impl Iterator<Item = (u64, Vec<i16>)> + '_ {
        self.narrow.iter().map(|(k, _, r)| (k, r)).chain(
            self.wide
                .iter()
                .chain(self.uni.iter())
                .map(|(k, sub, r)| (k | GROUPED | sub as u64, r)),
        )
    }
}

/// Constrained Viterbi decoding over a tag set.
#[derive(Clone, Debug)]
pub(crate) struct Decoder {
    ntags: usize,
    prev: Vec<Vec<u16>>,
    start_ok: Vec<bool>,
    end_ok: Vec<bool>,
}

impl Decoder {
    pub fn new(tags: &TagSet) -> Decoder {
        let n = tags.len();
        Decoder {
            ntags: n,
            prev: (0..n)
                .map(|b| {
                    (0..n)
                        .filter(|&a| tags.allowed(a, b))
                        .map(|a| a as u16)
                        .collect()
                })
                .collect(),
            start_ok: (0..n).map(|t| tags.allowed_start(t)).collect(),
            end_ok: (0..n).map(|t| tags.allowed_end(t)).collect(),
        }
    }

    /// The best valid tag sequence for emission scores `emit` (`n × ntags`),
    /// transitions `trans` (`ntags × ntags`), start and end scores.
    #[cfg(test)]
    pub fn decode(&self, emit: &[f32], trans: &[f32], start: &[f32], end: &[f32]) -> Vec<u16> {
        self.decode_with(emit, trans, start, end, &mut Vec::new())
    }

    /// [`Decoder::decode`] with a reusable back-pointer buffer.
    pub fn decode_with(
        &self,
        emit: &[f32],
        trans: &[f32],
        start: &[f32],
        end: &[f32],
        back: &mut Vec<u16>,
    ) -> Vec<u16> {
        let t = self.ntags;
        let n = emit.len() / t;
        if n == 0 {
            return Vec::new();
        }
        let mut delta = vec![f32::NEG_INFINITY; t];
        let mut next = vec![f32::NEG_INFINITY; t];
        back.clear();
        back.resize(n * t, 0);
        for j in 0..t {
            if self.start_ok[j] {
                delta[j] = start[j] + emit[j];
            }
        }
        // The allowed (predecessor, transition score) pairs of every tag in
        // one flat list, in ascending predecessor order (ties keep the first).
        let mut pairs: Vec<(usize, f32)> = Vec::new();
        let mut ends = Vec::with_capacity(t);
        for prev in &self.prev {
            pairs.extend(prev.iter().map(|&p| (p as usize, 0.0)));
            ends.push(pairs.len());
        }
        let mut k = 0;
        for (j, &e) in ends.iter().enumerate() {
            for pair in &mut pairs[k..e] {
                pair.1 = trans[pair.0 * t + j];
            }
            k = e;
        }
        for i in 1..n {
            let mut k = 0;
            for (j, &e) in ends.iter().enumerate() {
                let mut best = f32::NEG_INFINITY;
                let mut arg = 0u16;
                for &(p, tr) in &pairs[k..e] {
                    let s = delta[p] + tr;
                    if s > best {
                        best = s;
                        arg = p as u16;
                    }
                }
                k = e;
                next[j] = best + emit[i * t + j];
                back[i * t + j] = arg;
            }
            std::mem::swap(&mut delta, &mut next);
        }
        let mut best = f32::NEG_INFINITY;
        let mut arg = 0usize;
        for j in 0..t {
            if self.end_ok[j] && delta[j] + end[j] > best {
                best = delta[j] + end[j];
                arg = j;
            }
        }
        let mut out = vec![0u16; n];
        out[n - 1] = arg as u16;
        for i in (1..n).rev() {
            arg = back[i * t + arg] as usize;
            out[i - 1] = arg as u16;
        }
        out
    }
}

/// A trained named-entity tagger (`Send + Sync`; tag from many threads at once).
///
/// Chinese models tag characters of simplified-Chinese text, English
/// models tag tokens; either tags text ([`NerModel::tag_text`]) or tokens
/// ([`NerModel::tag_tokens`]).
#[derive(Clone, Debug)]
pub struct NerModel {
    pub(crate) lang: String,
    pub(crate) id: String,
    pub(crate) ex: Extractor,
    pub(crate) tags: TagSet,
    pub(crate) decoder: Decoder,
    pub(crate) table: FeatTable,
    pub(crate) scale: f32,
    pub(crate) trans: Vec<f32>,
    pub(crate) start: Vec<f32>,
    pub(crate) end: Vec<f32>,
}

/// Per-thread tagging buffers: features, score accumulator, emissions, back pointers.
type Scratch = (FeatBuf, Vec<i32>, Vec<f32>, Vec<u16>);

thread_local! {
    static BUF: RefCell<Scratch> = RefCell::new(Default::default());
}

impl NerModel {
    /// The language of the text the model tags (`"zh"` or `"en"`).
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// The model's name and version, e.g. `zh-news-1` (for manifests).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The labels the model predicts.
    pub fn labels(&self) -> &[Label] {
        self.tags.labels()
    }

    /// Number of feature weight rows.
    pub fn num_features(&self) -> usize {
        self.table.len()
    }

    /// Number of lexicon entries the model's features use.
    pub fn lexicon_len(&self) -> usize {
        self.ex.lexicon.len()
    }

    /// Number of words with a cluster (English models with
    /// [`flags::CLUSTERS`]).
    pub fn cluster_len(&self) -> usize {
        self.ex.clusters.len()
    }

    /// The feature families the model was trained with ([`flags`]).
    pub fn flags(&self) -> u32 {
        self.ex.flags
    }

    /// Whether the model uses a segmenter's words ([`flags::SEGMENTS`]):
    /// then tagging needs the words of each sentence or a
    /// [`Segmenter`](zhen_core::Segmenter) ([`crate::TagOptions`]).
    pub fn uses_segments(&self) -> bool {
        !self.ex.english && self.ex.flags & flags::SEGMENTS != 0
    }

    /// Tags one sentence's units; `seg` holds per-character words (Chinese
    /// models with [`flags::SEGMENTS`]; see [`crate::tag`]).
    pub(crate) fn tag_units(
        &self,
        units: &Units<'_>,
        extra: Option<&[Vec<String>]>,
        seg: Option<&[SegUnit]>,
    ) -> Vec<(usize, usize, Label)> {
        let tags = self.best_tags(units, extra, seg);
        self.tags.decode(&tags)
    }

    pub(crate) fn best_tags(
        &self,
        units: &Units<'_>,
        extra: Option<&[Vec<String>]>,
        seg: Option<&[SegUnit]>,
    ) -> Vec<u16> {
        BUF.with(|b| {
            let (buf, acc, emit, back) = &mut *b.borrow_mut();
            self.ex.extract(units, extra, seg, buf);
            let n = buf.offsets.len().saturating_sub(1);
            let w = self.table.acc_len();
            acc.clear();
            acc.resize(n * w, 0);
            self.table.add_spread(&buf.spread, acc, w);
            // Rows come from random places in a large table: ask for each
            // a few features before it is needed.
            const AHEAD: usize = 16;
            let feats = &buf.feats;
            for &k in feats.iter().take(AHEAD) {
                self.table.prefetch(k);
            }
            for (i, row) in acc.chunks_exact_mut(w).enumerate() {
                let (a, b) = (buf.offsets[i] as usize, buf.offsets[i + 1] as usize);
                for j in a..b {
                    if let Some(&k) = feats.get(j + AHEAD) {
                        self.table.prefetch(k);
                    }
                    self.table.add(feats[j], row);
                }
            }
            let t = self.tags.len();
            emit.clear();
            for row in acc.chunks_exact(w) {
                emit.extend(row[..t].iter().map(|&a| a as f32 * self.scale));
            }
            self.decoder
                .decode_with(emit, &self.trans, &self.start, &self.end, back)
        })
    }

    /// Drops feature rows whose largest weight is below `min` quantisation
    /// steps (a smaller, faster model; see the model card for the effect).
    pub fn prune(&mut self, min: i16) {
        let rows: Vec<(u64, Vec<i16>)> = self
            .table
            .iter()
            .filter(|(_, r)| r.iter().any(|&w| w.unsigned_abs() >= min.unsigned_abs()))
            .collect();
        let table = FeatTable::build(self.tags.len(), self.ex.flags, &rows);
        self.table = table;
    }

    /// The average of models trained with the same settings on the same
    /// data with different shuffle seeds (feature weights and transition
    /// scores averaged, then re-quantised). Errors if their language,
    /// features or labels differ. The lexicon of the first model is kept.
    pub fn average(models: &[&NerModel]) -> Result<NerModel> {
        let first = *models
            .first()
            .ok_or_else(|| Error::Train("no models to average".into()))?;
        for m in models {
            if m.lang != first.lang
                || m.ex.flags != first.ex.flags
                || m.ex.english != first.ex.english
                || m.tags != first.tags
                || m.ex.lexicon.len() != first.ex.lexicon.len()
                || m.ex.clusters.compiled() != first.ex.clusters.compiled()
            {
                return Err(Error::Train(format!(
                    "cannot average {} with {}: language, features, labels or lexicon differ",
                    first.id, m.id
                )));
            }
        }
        let t = first.tags.len();
        let n = models.len() as f32;
        let mut sum: std::collections::HashMap<u64, Vec<f32>> = std::collections::HashMap::new();
        for m in models {
            for (k, row) in m.table.iter() {
                let e = sum.entry(k).or_insert_with(|| vec![0.0; t]);
                for (a, &w) in e.iter_mut().zip(&row) {
                    *a += w as f32 * m.scale / n;
                }
            }
        }
        let max_abs = sum
            .values()
            .flat_map(|r| r.iter())
            .fold(0f32, |a, &b| a.max(b.abs()));
        let scale = if max_abs > 0.0 {
            max_abs / 32000.0
        } else {
            1.0
        };
        let mut rows: Vec<(u64, Vec<i16>)> = sum
            .into_iter()
            .map(|(k, r)| (k, r.iter().map(|v| (v / scale).round() as i16).collect()))
            .filter(|(_, r): &(u64, Vec<i16>)| r.iter().any(|&w| w != 0))
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        let avg = |f: fn(&NerModel) -> &Vec<f32>| -> Vec<f32> {
            (0..f(first).len())
                .map(|i| models.iter().map(|m| f(m)[i]).sum::<f32>() / n)
                .collect()
        };
        Ok(NerModel {
            lang: first.lang.clone(),
            id: first.id.clone(),
            ex: first.ex.clone(),
            tags: first.tags.clone(),
            decoder: first.decoder.clone(),
            table: FeatTable::build(t, first.ex.flags, &rows),
            scale,
            trans: avg(|m| &m.trans),
            start: avg(|m| &m.start),
            end: avg(|m| &m.end),
        })
    }

    /// Reads a model file from `path`.
    pub fn from_path(path: &Path) -> Result<NerModel> {
        let f = std::fs::File::open(path).map_err(|e| Error::io(Some(path), e))?;
        NerModel::read(std::io::BufReader::new(f)).map_err(|e| match e {
            Error::BadModel(m) => Error::BadModel(format!("{}: {m}", path.display())),
            Error::Io { source, .. } => Error::io(Some(path), source),
            e => e,
        })
    }

    /// Writes the model (format [`MAGIC`]).
    pub fn write(&self, mut w: impl Write) -> Result<()> {
        let mut b = Vec::new();
        b.extend_from_slice(MAGIC);
        put_str(&mut b, &self.lang);
        put_str(&mut b, &self.id);
        b.push(self.ex.english as u8);
        put_var(&mut b, self.ex.flags as u64);
        put_var(&mut b, self.tags.labels().len() as u64);
        for l in self.tags.labels() {
            put_str(&mut b, l.as_str());
        }
        b.push(self.ex.lexicon.is_tokens() as u8);
        put_var(&mut b, self.ex.lexicon.max_len() as u64);
        put_pairs(&mut b, &self.ex.lexicon.compiled());
        if self.ex.flags & flags::CLUSTERS != 0 {
            put_pairs(&mut b, &self.ex.clusters.compiled());
        }
        b.extend_from_slice(&self.scale.to_le_bytes());
        for v in self.trans.iter().chain(&self.start).chain(&self.end) {
            b.extend_from_slice(&v.to_le_bytes());
        }
        let mut rows: Vec<(u64, Vec<i16>)> = self.table.iter().collect();
        rows.sort_unstable_by_key(|r| r.0);
        put_var(&mut b, rows.len() as u64);
        let mut prev = 0u64;
        for (k, _) in &rows {
            put_var(&mut b, k - prev);
            prev = *k;
        }
        for (_, row) in &rows {
            for &v in row {
                put_var(&mut b, ((v as i64) << 1 ^ ((v as i64) >> 63)) as u64);
            }
        }
        b.extend_from_slice(b"END\0");
        w.write_all(&b).map_err(|e| Error::io(None, e))?;
        w.flush().map_err(|e| Error::io(None, e))
    }

    /// Reads a model written by [`NerModel::write`].
    pub fn read(mut r: impl Read) -> Result<NerModel> {
        let mut data = Vec::new();
        r.read_to_end(&mut data).map_err(|e| Error::io(None, e))?;
        if data.len() < 8 || &data[..7] != b"ZHENNER" {
            let n = data.len().min(8);
            return Err(Error::BadModel(format!(
                "starts with {:?}, expected the magic bytes \"ZHENNER\\x02\"; pass a .zner file written by zhen's NER trainer",
                String::from_utf8_lossy(&data[..n])
            )));
        }
        if data[7] != MAGIC[7] {
            return Err(Error::BadModel(format!(
                "format version {} is not supported (this build reads version {}); retrain or upgrade zhen",
                data[7], MAGIC[7]
            )));
        }
        let mut c = Cursor { d: &data, p: 8 };
        let lang = c.str()?;
        let id = c.str()?;
        let english = c.byte()? != 0;
        let flags = c.var()? as u32;
        if flags & !flags::KNOWN != 0 {
            return Err(Error::BadModel(format!(
                "feature flags {:#x} unknown to this version of zhen-ner (a newer model?)",
                flags & !flags::KNOWN
            )));
        }
        let nl = c.var()? as usize;
        if nl > 64 {
            return Err(Error::BadModel(format!("{nl} labels: the file is corrupt")));
        }
        let mut labels = Vec::with_capacity(nl);
        for _ in 0..nl {
            labels.push(Label::new(&c.str()?));
        }
        let tags = TagSet::for_flags(labels, flags);
        let t = tags.len();
        let lex_tokens = c.byte()? != 0;
        let lex_max = c.var()? as usize;
        let lex = c.pairs("lexicon entries")?;
        let lexicon = Lexicon::from_compiled(lex_tokens, lex_max, lex.into_iter());
        let mut clusters = Clusters::default();
        if flags & flags::CLUSTERS != 0 {
            clusters = Clusters::from_compiled(&c.pairs("word clusters")?);
        }
        let scale = c.f32()?;
        let mut fl = Vec::with_capacity(t * t + 2 * t);
        for _ in 0..t * t + 2 * t {
            fl.push(c.f32()?);
        }
        let end = fl.split_off(t * t + t);
        let start = fl.split_off(t * t);
        let trans = fl;
        let nf = c.var()? as usize;
        if nf > data.len() {
            return Err(Error::BadModel(format!(
                "{nf} features: the file is corrupt"
            )));
        }
        let mut keys = Vec::with_capacity(nf);
        let mut k = 0u64;
        for _ in 0..nf {
            k = k.wrapping_add(c.var()?);
            keys.push(k);
        }
        let mut rows = Vec::with_capacity(nf);
        for k in keys {
            let mut row = vec![0i16; t];
            for v in row.iter_mut() {
                let z = c.var()?;
                *v = ((z >> 1) as i64 ^ -((z & 1) as i64)) as i16;
            }
            if k == 0 {
                return Err(Error::BadModel("feature key 0: the file is corrupt".into()));
            }
            rows.push((k, row));
        }
        let table = FeatTable::build(t, flags, &rows);
        if c.d.get(c.p..c.p + 4) != Some(b"END\0") {
            return Err(Error::BadModel(
                "missing end marker: the file is truncated or corrupt".into(),
            ));
        }
        Ok(NerModel {
            lang,
            id,
            ex: crate::model::Extractor {
                english,
                flags,
                lexicon,
                clusters,
            },
            decoder: Decoder::new(&tags),
            tags,
            table,
            scale,
            trans,
            start,
            end,
        })
    }
}

fn put_var(b: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        b.push((v as u8) | 0x80);
        v >>= 7;
    }
    b.push(v as u8);
}

/// A count and `(key, value)` pairs sorted by key, keys delta-coded.
fn put_pairs(b: &mut Vec<u8>, pairs: &[(u64, u32)]) {
    put_var(b, pairs.len() as u64);
    let mut prev = 0u64;
    for &(k, v) in pairs {
        put_var(b, k - prev);
        put_var(b, v as u64);
        prev = k;
    }
}

fn put_str(b: &mut Vec<u8>, s: &str) {
    put_var(b, s.len() as u64);
    b.extend_from_slice(s.as_bytes());
}

struct Cursor<'a> {
    d: &'a [u8],
    p: usize,
}

impl Cursor<'_> {
    fn eof(&self) -> Error {
        Error::BadModel(format!(
            "unexpected end of data at byte {}: the file is truncated",
            self.p
        ))
    }
    fn byte(&mut self) -> Result<u8> {
        let b = *self.d.get(self.p).ok_or_else(|| self.eof())?;
        self.p += 1;
        Ok(b)
    }
    fn var(&mut self) -> Result<u64> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            if shift > 63 {
                return Err(Error::BadModel(format!("bad number at byte {}", self.p)));
            }
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Ok(v);
            }
            shift += 7;
        }
    }
    fn str(&mut self) -> Result<String> {
        let n = self.var()? as usize;
        let s = self
            .d
            .get(self.p..self.p.saturating_add(n))
            .ok_or_else(|| self.eof())?;
        self.p += n;
        String::from_utf8(s.to_vec())
            .map_err(|_| Error::BadModel(format!("invalid UTF-8 string before byte {}", self.p)))
    }
    /// Pairs written by [`put_pairs`]; `what` names them in errors.
    fn pairs(&mut self, what: &str) -> Result<Vec<(u64, u32)>> {
        let n = self.var()? as usize;
        if n > self.d.len() {
            return Err(Error::BadModel(format!("{n} {what}: the file is corrupt")));
        }
        let mut out = Vec::with_capacity(n);
        let mut k = 0u64;
        for _ in 0..n {
            k = k.wrapping_add(self.var()?);
            out.push((k, self.var()? as u32));
        }
        Ok(out)
    }
    fn f32(&mut self) -> Result<f32> {
        let s = self.d.get(self.p..self.p + 4).ok_or_else(|| self.eof())?;
        self.p += 4;
        Ok(f32::from_le_bytes(s.try_into().expect("4 bytes")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viterbi_never_outputs_invalid_transitions() {
        let tags = TagSet::new(vec![Label::Per, Label::Loc]);
        let d = Decoder::new(&tags);
        let t = tags.len();
        // emissions that alone would pick O, I-PER, I-LOC, E-PER
        let want = [0usize, 2, 6, 3];
        let mut emit = vec![0f32; want.len() * t];
        for (i, &w) in want.iter().enumerate() {
            emit[i * t + w] = 5.0;
        }
        let zeros = vec![0f32; t * t];
        let out = d.decode(&emit, &zeros, &vec![0.0; t], &vec![0.0; t]);
        assert!(tags.allowed_start(out[0] as usize));
        assert!(tags.allowed_end(*out.last().unwrap() as usize));
        for w in out.windows(2) {
            assert!(tags.allowed(w[0] as usize, w[1] as usize), "{out:?}");
        }
        assert_ne!(out, vec![0, 2, 6, 3]);
        // a valid best path is returned unchanged: B-PER I-PER E-PER O
        let want = [1usize, 2, 3, 0];
        let mut emit = vec![0f32; want.len() * t];
        for (i, &w) in want.iter().enumerate() {
            emit[i * t + w] = 5.0;
        }
        assert_eq!(
            d.decode(&emit, &zeros, &vec![0.0; t], &vec![0.0; t]),
            vec![1, 2, 3, 0]
        );
    }

    #[test]
    fn table_round_trips_grouped_and_single_features() {
        let rows = vec![
            (16u64 << 8, vec![1i16, -2, 3]),
            ((32u64 << 8) | GROUPED, vec![4, 5, -6]),
            ((32u64 << 8) | GROUPED | 2, vec![-7, 8, 9]),
        ];
        let t = FeatTable::build(3, 0, &rows);
        let mut acc = vec![0i32; t.acc_len()];
        assert_eq!(acc.len(), 8);
        t.add((32 << 8) | GROUPED | 2, &mut acc);
        assert_eq!(acc[..3], [-7, 8, 9]);
        t.add(16 << 8, &mut acc);
        assert_eq!(acc[..3], [-6, 6, 12]);
        t.add(48 << 8, &mut acc); // absent
        assert_eq!(acc, [-6, 6, 12, 0, 0, 0, 0, 0]);
        let mut back: Vec<_> = t.iter().collect();
        back.sort();
        let mut want = rows.clone();
        want.sort();
        assert_eq!(back, want);
    }
}
