//! The model: tag set, lexicon, quantised feature weights in an
//! open-addressing table, transition scores, the file format and decoding.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::OnceLock;

use zhen_core::Label;

use crate::bio::TagSet;
use crate::features::{
    capitalised, cat, extract_en, extract_zh, flags, sentence_case, str_hash, unit_hash_token,
    Clusters, FeatBuf, Lexicon, SegUnit, SentenceCase, GROUPED, UNIGRAM_GROUP,
};
use crate::format;
use crate::mem::{home, prefetch, zeroed};
use crate::{Error, Result};

/// Magic bytes at the start of every model file; the last byte is the format
/// version. Version 3 (written since zhen 0.1's model format change) keeps
/// the tables in the layout tagging uses and a checksum over the whole file;
/// version 2 files are still read; version 1 files must be retrained (their
/// feature keys of different templates could collide).
pub const MAGIC: &[u8; 8] = b"ZHENNER\x03";

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
            Units::Chars(c) => extract_zh(
                c,
                &self.lexicon,
                &self.clusters,
                self.flags,
                extra,
                seg,
                buf,
            ),
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
///
/// The slots are little-endian bytes: built in memory by training, or the
/// bytes of a version 3 model file used in place (see `format.rs`). A
/// lookup probes each slot at most once, so any bytes of the right length
/// are safe to search.
///
/// Beside the slots, built when the table is made and never stored, is a
/// fingerprint of every slot's key ([`fingerprint`]; 0 for an empty slot):
/// one byte per slot instead of the slot's 40–232, so the probes of a lookup,
/// and all of a missing key's, read a small array that stays in cache (the
/// zh-news tables' 278k slots: 278 KB, within a core's L2; as `u32` they
/// were 1.1 MB), and the slot itself is read once, where its key is (or,
/// for one probe in 255, where another key with the same fingerprint is).
#[derive(Clone)]
pub(crate) struct Table {
    bytes: Cow<'static, [u8]>,
    /// The slots again, one per cache line, for a one-row table read from a
    /// model file whose slots are 33–63 bytes ([`Table::lineable`]), made
    /// the first time a sentence is scored ([`Table::line_up`]), so that a
    /// model loaded but never used (en-conll in a Chinese-only run, both
    /// models are read for the manifest) costs neither the copy nor its
    /// memory. Lookups read these once made, `bytes` before; `bytes` stays
    /// the file's layout.
    lines: OnceLock<Vec<Line>>,
    /// Whether [`Table::lines`] is made for this table.
    lineable: bool,
    /// The fingerprint of each slot's key, then the first [`FP_RUN`] of
    /// them again (wrapped: `fps[cap + j] == fps[j % cap]`), so that the
    /// [`FP_RUN`] fingerprints from any home slot are one read.
    fps: Vec<u8>,
    /// Bytes per slot: the 8-byte key, then `width` rows of `padded` weights.
    stride: usize,
    cap: usize,
    width: usize,
    ntags: usize,
    padded: usize,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("cap", &self.cap)
            .field("width", &self.width)
            .field("ntags", &self.ntags)
            .finish()
    }
}

/// One slot of a [`Table`] in a 64-byte cache line of its own (the rest
/// zero).
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([u8; 64]);

/// Row padding: eight `i16` weights make one 128-bit vector.
pub(crate) const LANES: usize = 8;

#[inline(always)]
fn slot_key(s: &[u8]) -> u64 {
    u64::from_le_bytes(s[..8].try_into().expect("a slot starts with its key"))
}

/// The fingerprint of a non-zero slot key: bits 5–12 (the low 4 bits are a
/// grouped key's member index and bit 4 marks the unigram groups, the high
/// bits pick the home slot, so neighbouring slots share them), never 0 (a
/// key whose bits are 0 has fingerprint 1). Equal keys have equal
/// fingerprints; a lookup checks the whole key where the fingerprints match.
#[inline(always)]
fn fingerprint(key: u64) -> u8 {
    ((key >> 5) as u8).max(1)
}

/// A slot index meaning "no slot" ([`Table::candidate_from`]).
const NO_SLOT: u32 = u32::MAX;

/// Fingerprints compared at once from a home slot ([`Table::candidate_from`]).
const FP_RUN: usize = 16;

/// The fingerprints of `cap` slots followed by the first [`FP_RUN`] again
/// (wrapped), as [`Table::fps`] holds them.
fn with_run(slots: impl ExactSizeIterator<Item = u8>) -> Vec<u8> {
    let cap = slots.len();
    let mut fps = Vec::with_capacity(cap + FP_RUN);
    fps.extend(slots);
    for j in 0..if cap > 0 { FP_RUN } else { 0 } {
        fps.push(fps[j % cap]);
    }
    fps
}

impl Table {
    fn with_capacity(ntags: usize, width: usize, n: usize) -> Table {
        let cap = (n + n / 2).max(16);
        let padded = ntags.next_multiple_of(LANES);
        let stride = Table::stride_for(width, padded);
        Table {
            bytes: Cow::Owned(zeroed(cap * stride, 0u8)),
            lines: OnceLock::new(),
            lineable: false,
            fps: vec![0; cap + FP_RUN],
            stride,
            cap,
            width,
            ntags,
            padded,
        }
    }

    /// A one-row table of `(key, weights)` rows (`ntags` weights each).
    pub(crate) fn build_rows(ntags: usize, rows: &[(u64, Vec<i16>)]) -> Table {
        let mut t = Table::with_capacity(ntags, 1, rows.len());
        for (k, row) in rows {
            t.insert(*k, 0, row);
        }
        t
    }

    /// Bytes per slot for `width` rows of `padded` weights.
    pub(crate) fn stride_for(width: usize, padded: usize) -> usize {
        8 + 2 * width * padded
    }

    /// A table over the slots `bytes` (`cap` slots of
    /// [`Table::stride_for`]`(width, ntags` rounded up to [`LANES`]`)` bytes).
    pub(crate) fn from_bytes(
        bytes: Cow<'static, [u8]>,
        ntags: usize,
        width: usize,
        cap: usize,
    ) -> Result<Table, String> {
        let padded = ntags.next_multiple_of(LANES);
        let stride = Table::stride_for(width, padded);
        if cap == 0 || cap.checked_mul(stride) != Some(bytes.len()) {
            return Err(format!(
                "{} bytes do not hold {cap} slots of {stride} bytes",
                bytes.len()
            ));
        }
        let fps = with_run(bytes.chunks_exact(stride).map(|s| match slot_key(s) {
            0 => 0,
            k => fingerprint(k),
        }));
        Ok(Table {
            bytes,
            lines: OnceLock::new(),
            // one row per slot of 33 to 63 bytes: the narrow table of a
            // model with 9 to 24 tags (40 bytes for zh-news's 13 tags, so
            // that half the slots straddle two lines and a lookup reads 1.5
            // lines on average)
            lineable: width == 1 && stride > 32 && stride < 64,
            fps,
            stride,
            cap,
            width,
            ntags,
            padded,
        })
    }

    /// Makes [`Table::lines`], the slots copied one per cache line, if the
    /// table is [`Table::lineable`] and they are not made yet. Costs `cap`
    /// × 64 bytes of memory (zh-news: 12 MB) and a copy, once.
    #[inline]
    fn line_up(&self) {
        if self.lineable {
            self.lines.get_or_init(|| {
                let mut lines = zeroed(self.cap, Line([0; 64]));
                for (line, slot) in lines.iter_mut().zip(self.bytes.chunks_exact(self.stride)) {
                    line.0[..self.stride].copy_from_slice(slot);
                }
                lines
            });
        }
    }

    /// Slot `i` (below `cap`).
    #[inline(always)]
    fn slot_at(&self, i: usize) -> &[u8] {
        match self.lines.get() {
            None => &self.bytes[i * self.stride..(i + 1) * self.stride],
            Some(lines) => &lines[i].0[..self.stride],
        }
    }

    /// The slots, as [`Table::from_bytes`] reads them.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub(crate) fn cap(&self) -> usize {
        self.cap
    }

    #[inline(always)]
    fn home(&self, key: u64) -> usize {
        home(key, self.cap)
    }

    fn insert(&mut self, key: u64, sub: usize, row: &[i16]) {
        let (stride, cap, padded) = (self.stride, self.cap, self.padded);
        // a table being built is read from `bytes`
        self.lines = OnceLock::new();
        self.lineable = false;
        let bytes = self.bytes.to_mut();
        let mut i = home(key, cap);
        loop {
            let slot = &mut bytes[i * stride..(i + 1) * stride];
            let k = slot_key(slot);
            if k == 0 || k == key {
                slot[..8].copy_from_slice(&key.to_le_bytes());
                let mut j = i;
                while j < cap + FP_RUN {
                    self.fps[j] = fingerprint(key);
                    j += cap;
                }
                let off = 8 + 2 * sub * padded;
                for (b, w) in slot[off..off + 2 * row.len()].chunks_exact_mut(2).zip(row) {
                    b.copy_from_slice(&w.to_le_bytes());
                }
                return;
            }
            // tables are built with a third of their slots empty
            i = if i + 1 == cap { 0 } else { i + 1 };
        }
    }

    /// Asks for the fingerprints a lookup of `key` starts with; returns
    /// `key`'s home slot.
    #[inline(always)]
    fn prefetch_fingerprint(&self, key: u64) -> usize {
        let home = self.home(key);
        let run = self.fps.as_ptr().wrapping_add(home);
        prefetch(run);
        // the run's end, when it lies in the next cache line
        prefetch(run.wrapping_add(FP_RUN - 1));
        home
    }

    /// The slot of `key` from its [`Table::candidate_from`] `c`: the slot `c`
    /// itself when it holds the key (its fingerprint matched), else the
    /// probes go on after it.
    #[inline(always)]
    fn slot_of_candidate(&self, key: u64, c: u32) -> Option<&[u8]> {
        if c == NO_SLOT {
            return None;
        }
        let i = c as usize;
        let slot = self.slot_at(i);
        if slot_key(slot) == key {
            return Some(slot);
        }
        self.slot_from(key, if i + 1 == self.cap { 0 } else { i as u32 + 1 })
    }

    /// The slot of `key`, if present.
    fn slot(&self, key: u64) -> Option<&[u8]> {
        self.slot_from(key, self.home(key) as u32)
    }

    /// The slot of `key`, probing from slot `i` (its home slot, or a
    /// [`Table::candidate_from`]: no slot between the home and `i` holds the key).
    #[inline(always)]
    fn slot_from(&self, key: u64, i: u32) -> Option<&[u8]> {
        if i == NO_SLOT {
            return None;
        }
        let f = fingerprint(key);
        let mut i = i as usize;
        for _ in 0..self.cap {
            match self.fps[i] {
                0 => return None,
                g if g == f => {
                    let slot = self.slot_at(i);
                    if slot_key(slot) == key {
                        return Some(slot);
                    }
                }
                _ => {}
            }
            i = if i + 1 == self.cap { 0 } else { i + 1 };
        }
        None
    }

    /// The first slot from `key`'s home whose fingerprint is `key`'s, or
    /// [`NO_SLOT`] when an empty slot comes first: reads fingerprints only.
    /// The key is in that slot or, rarely (another key with the same
    /// fingerprint), further on ([`Table::slot_from`]).
    /// `home` is `key`'s home slot. On x86-64 the first [`FP_RUN`]
    /// fingerprints are compared at once (SSE2), then one at a time
    /// ([`Table::candidate_scan`], the whole search elsewhere).
    #[inline(always)]
    fn candidate_from(&self, key: u64, home: usize) -> u32 {
        let f = fingerprint(key);
        #[cfg(not(target_arch = "x86_64"))]
        let i = home;
        #[cfg(target_arch = "x86_64")]
        let i = {
            use std::arch::x86_64::*;
            let run: &[u8; FP_RUN] = self.fps[home..home + FP_RUN]
                .try_into()
                .expect("FP_RUN fingerprints");
            // SAFETY: SSE2 is part of x86-64; one unaligned 16-byte load of
            // `run`. A fingerprint is never 0, so `hit` and `empty` share no bit.
            let (hit, empty) = unsafe {
                let v = _mm_loadu_si128(run.as_ptr() as *const __m128i);
                let eq = |x| _mm_movemask_epi8(_mm_cmpeq_epi8(v, x)) as u32;
                (eq(_mm_set1_epi8(f as i8)), eq(_mm_setzero_si128()))
            };
            let stop = hit | empty;
            if stop != 0 {
                let d = stop.trailing_zeros();
                if empty >> d & 1 != 0 {
                    return NO_SLOT;
                }
                return self.wrap(home + d as usize) as u32;
            }
            // FP_RUN slots of other keys: on one at a time after them
            self.wrap(home + FP_RUN)
        };
        self.candidate_scan(f, i)
    }

    /// [`Table::candidate_from`] one fingerprint at a time from slot `i`:
    /// the first slot whose fingerprint is `f`, or [`NO_SLOT`] when an
    /// empty slot comes first.
    #[inline(always)]
    fn candidate_scan(&self, f: u8, mut i: usize) -> u32 {
        for _ in 0..self.cap {
            match self.fps[i] {
                0 => return NO_SLOT,
                g if g == f => return i as u32,
                _ => {}
            }
            i = if i + 1 == self.cap { 0 } else { i + 1 };
        }
        NO_SLOT
    }

    /// Slot `i` of a run from a home slot (below `cap + FP_RUN`) wrapped
    /// into the table, without a division where the table has at least
    /// [`FP_RUN`] slots (every table built, every shipped one).
    #[inline(always)]
    fn wrap(&self, i: usize) -> usize {
        if i < self.cap {
            i
        } else if self.cap >= FP_RUN {
            i - self.cap
        } else {
            i % self.cap
        }
    }

    /// Asks for every cache line of slot `i` (not [`NO_SLOT`]).
    #[inline(always)]
    fn prefetch_slot(&self, i: u32) {
        if let Some(line) = self.lines.get().and_then(|l| l.get(i as usize)) {
            prefetch(line);
            return;
        }
        let p = self.bytes.as_ptr().wrapping_add(i as usize * self.stride);
        let mut off = 0;
        while off < self.stride {
            prefetch(p.wrapping_add(off));
            off += 64;
        }
        prefetch(p.wrapping_add(self.stride - 1));
    }

    /// Adds row `sub` of a slot to `acc` (`padded` long); `AVX2`: with
    /// AVX2 instructions (only in code compiled for AVX2, see
    /// [`FeatTable::score`]).
    #[inline(always)]
    fn add_row<const AVX2: bool>(&self, slot: &[u8], sub: usize, acc: &mut [i32]) {
        let off = 8 + 2 * sub * self.padded;
        let row = &slot[off..off + 2 * self.padded];
        // two vectors (9 to 16 tags, every shipped model): unrolled, with
        // one length check each instead of a loop
        if let (Ok(acc), Ok(row)) = (
            <&mut [i32; 2 * LANES]>::try_from(&mut *acc),
            <&[u8; 4 * LANES]>::try_from(row),
        ) {
            add_two::<AVX2>(acc, row);
            return;
        }
        for (a, w) in acc.chunks_exact_mut(LANES).zip(row.chunks_exact(2 * LANES)) {
            let a: &mut [i32; LANES] = a.try_into().expect("LANES");
            let w: &[u8; 2 * LANES] = w.try_into().expect("LANES");
            #[cfg(target_arch = "x86_64")]
            if AVX2 {
                // SAFETY: AVX2 is only asked for in code compiled with it,
                // which runs only where the CPU has it (FeatTable::score)
                unsafe { add_lanes_avx2(a, w) };
                continue;
            }
            add_lanes(a, w);
        }
    }

    /// Adds row 0 of each key of `keys` that is present to `acc` (`padded`
    /// long): the lookups made as [`FeatTable::score`] makes them, the
    /// fingerprints and slots asked for a few keys ahead, 64 keys at a
    /// time (the same sums as one [`Table::add`] after the other).
    pub(crate) fn add_each(&self, keys: &[u64], acc: &mut [i32]) {
        /// Keys whose slots are asked for before the first row is added.
        const CHUNK: usize = 64;
        const AHEAD: usize = 16;
        let mut cands = [NO_SLOT; CHUNK];
        for keys in keys.chunks(CHUNK) {
            let mut homes = [0usize; AHEAD];
            for (home, &k) in homes.iter_mut().zip(keys) {
                *home = self.prefetch_fingerprint(k);
            }
            for ((j, &k), cand) in keys.iter().enumerate().zip(cands.iter_mut()) {
                let home = homes[j % AHEAD];
                if let Some(&next) = keys.get(j + AHEAD) {
                    homes[j % AHEAD] = self.prefetch_fingerprint(next);
                }
                let c = self.candidate_from(k, home);
                if c != NO_SLOT {
                    self.prefetch_slot(c);
                }
                *cand = c;
            }
            for (&k, &c) in keys.iter().zip(cands.iter()) {
                if let Some(slot) = self.slot_of_candidate(k, c) {
                    self.add_row::<false>(slot, 0, acc);
                }
            }
        }
    }

    /// Adds row `sub` of `key`, if present, to `acc` (`padded` long).
    pub(crate) fn add(&self, key: u64, sub: usize, acc: &mut [i32]) {
        if let Some(slot) = self.slot(key) {
            self.add_row::<false>(slot, sub, acc);
        }
    }

    fn iter(&self) -> impl Iterator<Item = (u64, usize, Vec<i16>)> + '_ {
        self.bytes
            .chunks_exact(self.stride)
            .filter(|s| slot_key(s) != 0)
            .flat_map(move |s| {
                (0..self.width).filter_map(move |sub| {
                    let off = 8 + 2 * sub * self.padded;
                    let row: Vec<i16> = s[off..off + 2 * self.ntags]
                        .chunks_exact(2)
                        .map(|b| i16::from_le_bytes([b[0], b[1]]))
                        .collect();
                    row.iter()
                        .any(|&w| w != 0)
                        .then_some((slot_key(s), sub, row))
                })
            })
    }
}

/// `acc += row` for two vectors of weights (9 to 16 tags, every shipped
/// model); `AVX2`: with AVX2 instructions (only in code compiled for AVX2,
/// see [`FeatTable::score`]).
#[inline(always)]
fn add_two<const AVX2: bool>(acc: &mut [i32; 2 * LANES], row: &[u8; 4 * LANES]) {
    let (a0, a1) = acc.split_at_mut(LANES);
    let (w0, w1) = row.split_at(2 * LANES);
    let a0: &mut [i32; LANES] = a0.try_into().expect("LANES");
    let a1: &mut [i32; LANES] = a1.try_into().expect("LANES");
    let w0: &[u8; 2 * LANES] = w0.try_into().expect("LANES");
    let w1: &[u8; 2 * LANES] = w1.try_into().expect("LANES");
    #[cfg(target_arch = "x86_64")]
    if AVX2 {
        // SAFETY: AVX2 is only asked for in code compiled with it, which
        // runs only where the CPU has it (FeatTable::score)
        unsafe {
            add_lanes_avx2(a0, w0);
            add_lanes_avx2(a1, w1);
        }
        return;
    }
    add_lanes(a0, w0);
    add_lanes(a1, w1);
}

/// `a += w`, widening: eight little-endian `i16` weights into eight `i32`
/// sums. LLVM keeps this scalar for the baseline x86-64 target (no
/// `pmovsxwd` in SSE2), so it is written with SSE2, which every x86-64 CPU has.
#[inline(always)]
fn add_lanes(a: &mut [i32; LANES], w: &[u8; 2 * LANES]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of x86-64; `w` is 16 bytes = 128 bits and `a`
        // is 8 × i32 = 2 × 128 bits, and unaligned loads/stores are used.
        // x86-64 is little-endian, as the weights are.
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
        a[l] += i16::from_le_bytes([w[2 * l], w[2 * l + 1]]) as i32;
    }
}

/// [`add_lanes`] of weights already read into `i16`s (the per-source rows of
/// `domain`), through the same SSE2 code.
#[inline(always)]
pub(crate) fn add_lanes_i16(a: &mut [i32; LANES], w: &[i16; LANES]) {
    #[cfg(target_endian = "little")]
    {
        // SAFETY: `[i16; LANES]` and `[u8; 2 * LANES]` have the same size,
        // `u8` needs no alignment and every byte value is valid; on a
        // little-endian target these bytes are the little-endian weights
        // `add_lanes` reads.
        let w = unsafe { &*(w as *const [i16; LANES] as *const [u8; 2 * LANES]) };
        add_lanes(a, w);
    }
    #[cfg(not(target_endian = "little"))]
    for (a, &w) in a.iter_mut().zip(w) {
        *a += w as i32;
    }
}

/// [`add_lanes`] with AVX2: one sign extension of the eight weights
/// (`vpmovsxwd`) and one add. Only for code compiled with AVX2 (inlined into
/// [`FeatTable::score_avx2`]), run where the CPU has it.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn add_lanes_avx2(a: &mut [i32; LANES], w: &[u8; 2 * LANES]) {
    use std::arch::x86_64::*;
    // SAFETY (caller: AVX2 present): `w` is 16 bytes, `a` 8 × i32 = 256
    // bits; unaligned loads and stores; little-endian weights.
    let wv = _mm_loadu_si128(w.as_ptr() as *const __m128i);
    let p = a.as_mut_ptr() as *mut __m256i;
    _mm256_storeu_si256(
        p,
        _mm256_add_epi32(_mm256_loadu_si256(p), _mm256_cvtepi16_epi32(wv)),
    );
}

/// Whether the CPU has AVX2 (never off x86-64; std asks the CPU once
/// and keeps the answer).
fn cpu_has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
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
    /// Each source's private rows held densely for tagging
    /// ([`crate::domain::Private`], built at first use; models with
    /// [`flags::DOMAINS`] only).
    private: [OnceLock<crate::domain::Private>; crate::domain::MAX_DOMAINS],
}

/// Rows per slot of the wide table: positions of an n-gram's window.
pub(crate) const GROUP_WIDTH: usize = 4;
/// Unigram groups: window positions −3…+3.
pub(crate) const UNI_WIDTH: usize = 7;

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
            private: Default::default(),
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

    /// A table from its three parts (read from a model file): `len` rows
    /// in all, unigram groups apart when `flags` says so.
    pub(crate) fn from_parts(
        flags: u32,
        narrow: Table,
        wide: Table,
        uni: Table,
        len: usize,
    ) -> FeatTable {
        FeatTable {
            narrow,
            wide,
            uni,
            split_uni: flags & flags::GROUP_UNIGRAMS != 0,
            len,
            private: Default::default(),
        }
    }

    /// The narrow, wide and unigram-group tables.
    pub(crate) fn parts(&self) -> [&Table; 3] {
        [&self.narrow, &self.wide, &self.uni]
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

    /// The table, key and row of a feature key: a grouped key's slot is
    /// its n-gram's, the row its member index.
    #[inline(always)]
    fn table_of(&self, key: u64) -> (&Table, u64, usize) {
        if key & GROUPED != 0 {
            (self.group_table(key), key & !15, (key & 7) as usize)
        } else {
            (&self.narrow, key, 0)
        }
    }

    /// Adds the row of `key`, if present, to `acc` (one lookup; tagging
    /// uses [`FeatTable::score`]).
    pub fn add(&self, key: u64, acc: &mut [i32]) {
        let (table, k, sub) = self.table_of(key);
        table.add(k, sub, acc)
    }

    /// The private rows of source `d` held densely (read from this table
    /// at the first call; [`crate::domain::Private`]).
    pub(crate) fn private(&self, d: usize) -> &crate::domain::Private {
        self.private[d].get_or_init(|| {
            crate::domain::Private::build(d, self.acc_len(), |k, out| self.add(k, out))
        })
    }

    /// Adds the weights of a sentence's features to its score rows `acc`
    /// (`w` = [`FeatTable::acc_len`] per position): the grouped features of
    /// [`FeatBuf::spread`] (one lookup per n-gram serves every position
    /// that sees it) and each position's own features. `cands` is scratch.
    ///
    /// The lookups are random reads of tables much larger than the cache,
    /// so they are made in two passes: the first finds every feature's slot
    /// in the fingerprints (asked for a few features ahead) and asks for the
    /// slot; the second, when the slots have arrived, adds their rows. The
    /// sums are the same as one lookup after the other (integer adds).
    ///
    /// Where the CPU has AVX2 the rows are added with it
    /// ([`FeatTable::score_avx2`]): integer sums, the same either way.
    pub fn score(&self, buf: &FeatBuf, acc: &mut [i32], w: usize, cands: &mut Vec<u32>) {
        #[cfg(target_arch = "x86_64")]
        if cpu_has_avx2() {
            // SAFETY: the CPU has AVX2
            unsafe { self.score_avx2(buf, acc, w, cands) };
            return;
        }
        self.score_with::<false>(buf, acc, w, cands)
    }

    /// [`FeatTable::score`] compiled for AVX2.
    ///
    /// # Safety
    /// Only where the CPU has AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn score_avx2(&self, buf: &FeatBuf, acc: &mut [i32], w: usize, cands: &mut Vec<u32>) {
        self.score_with::<true>(buf, acc, w, cands)
    }

    /// [`FeatTable::score`], rows added with AVX2 if `AVX2`.
    #[inline(always)]
    fn score_with<const AVX2: bool>(
        &self,
        buf: &FeatBuf,
        acc: &mut [i32],
        w: usize,
        cands: &mut Vec<u32>,
    ) {
        const AHEAD: usize = 16;
        self.narrow.line_up();
        let (spread, feats) = (&buf.spread, &buf.feats);
        let ns = spread.len();
        let total = ns + feats.len();
        let key_at = |j: usize| {
            if j < ns {
                spread[j].0
            } else {
                feats[j - ns]
            }
        };
        let tables = [&self.narrow, &self.wide, &self.uni];
        // a key's table (index into `tables`) and its key there, as
        // `table_of` gives them
        let which = |key: u64| -> (usize, u64) {
            if key & GROUPED == 0 {
                (0, key)
            } else if self.split_uni && key & UNIGRAM_GROUP != 0 {
                (2, key & !15)
            } else {
                (1, key & !15)
            }
        };
        // the next AHEAD features: table, key there and home slot, found
        // when their fingerprints are asked for
        let mut ahead = [(0usize, 0u64, 0usize); AHEAD];
        let ask = |key: u64| {
            let (t, k) = which(key);
            (t, k, tables[t].prefetch_fingerprint(k))
        };
        for (j, a) in ahead.iter_mut().enumerate().take(total) {
            *a = ask(key_at(j));
        }
        cands.clear();
        cands.reserve(total);
        for j in 0..total {
            let (t, k, home) = ahead[j % AHEAD];
            if j + AHEAD < total {
                ahead[j % AHEAD] = ask(key_at(j + AHEAD));
            }
            let table = tables[t];
            let c = table.candidate_from(k, home);
            if c != NO_SLOT {
                table.prefetch_slot(c);
            }
            cands.push(c);
        }
        let n = acc.len() / w;
        for (&(key, anchor, width), &c) in spread.iter().zip(&cands[..ns]) {
            let (table, k, _) = self.table_of(key);
            let Some(slot) = table.slot_of_candidate(k, c) else {
                continue;
            };
            for sub in 0..width as usize {
                let Some(pos) = (anchor as usize).checked_sub(sub).filter(|&p| p < n) else {
                    continue;
                };
                table.add_row::<AVX2>(slot, sub, &mut acc[pos * w..(pos + 1) * w]);
            }
        }
        let cands = &cands[ns..];
        // the narrow table's slots one per cache line and two vectors of
        // weights (9 to 16 tags): its rows are added straight from the line
        let lines = self
            .narrow
            .lines
            .get()
            .filter(|_| w == 2 * LANES && self.narrow.padded == 2 * LANES);
        for (i, row) in acc.chunks_exact_mut(w).enumerate() {
            let (a, b) = (buf.offsets[i] as usize, buf.offsets[i + 1] as usize);
            if let (Some(lines), Ok(row)) = (lines, <&mut [i32; 2 * LANES]>::try_from(&mut *row)) {
                for (&key, &c) in feats[a..b].iter().zip(&cands[a..b]) {
                    if key & GROUPED == 0 {
                        // NO_SLOT is past every line
                        let Some(line) = lines.get(c as usize) else {
                            continue;
                        };
                        if slot_key(&line.0) == key {
                            let w: &[u8; 4 * LANES] = line.0[8..8 + 4 * LANES]
                                .try_into()
                                .expect("two vectors of weights");
                            add_two::<AVX2>(row, w);
                            continue;
                        }
                    }
                    let (table, k, sub) = self.table_of(key);
                    if let Some(slot) = table.slot_of_candidate(k, c) {
                        table.add_row::<AVX2>(slot, sub, row);
                    }
                }
                continue;
            }
            for (&key, &c) in feats[a..b].iter().zip(&cands[a..b]) {
                let (table, k, sub) = self.table_of(key);
                if let Some(slot) = table.slot_of_candidate(k, c) {
                    table.add_row::<AVX2>(slot, sub, row);
                }
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
    /// Per tag `b`, the tags `a` that may precede it, ascending.
    prev: Vec<Vec<u16>>,
    start_ok: Vec<bool>,
    end_ok: Vec<bool>,
    /// Second-order decoding ([`flags::SECOND_ORDER`]): the allowed tag
    /// pairs `(a, b)` (`a` before `b`), ascending, so the pairs that start
    /// with tag `a` are `pairs[pair_at[a]..pair_at[a + 1]]`; …
    pairs: Vec<(u16, u16)>,
    pair_at: Vec<u32>,
    /// … and per tag `a`, the pairs `(z, a)` that end in it, for `z` of
    /// `prev[a]` in order.
    into: Vec<Vec<u16>>,
    /// The lane of each tag in [`Decoder::decode_sse2`] (up to 16 tags):
    /// first the tags a sentence may start with (`O`, `B`, `S`: those that
    /// follow `O`, `E` and `S`), then, from a lane that starts a group of
    /// four where they fit, the others (`I`, `E`, which follow `B` and `I`
    /// of their label), so that a tag's allowed successors fill few groups.
    lane: Vec<u8>,
    /// Per tag `a`, a bit for each group of four lanes (`4q..4q + 4`, bit
    /// `q`) holding a tag that may follow `a`: the vector pass skips the
    /// groups of `a`'s row that are all −∞.
    next_groups: Vec<u8>,
    /// Whether [`Decoder::decode_with`] takes [`Decoder::decode_avx2`] (up
    /// to 16 tags): true only where the CPU has AVX2, asked once, when the
    /// decoder is made ([`cpu_has_avx2`]). Else [`Decoder::decode_sse2`]:
    /// the same path.
    avx2: bool,
}

/// Lanes of the second-order decoder: the pairs `(a, b)` of one tag `a`
/// are scored together, `LANES2` successors `b` at a time.
const LANES2: usize = 8;

impl Decoder {
    pub fn new(tags: &TagSet) -> Decoder {
        let n = tags.len();
        let prev: Vec<Vec<u16>> = (0..n)
            .map(|b| {
                (0..n)
                    .filter(|&a| tags.allowed(a, b))
                    .map(|a| a as u16)
                    .collect()
            })
            .collect();
        let pairs: Vec<(u16, u16)> = (0..n)
            .flat_map(|a| (0..n).map(move |b| (a, b)))
            .filter(|&(a, b)| tags.allowed(a, b))
            .map(|(a, b)| (a as u16, b as u16))
            .collect();
        let pair_at: Vec<u32> = (0..=n)
            .map(|a| pairs.partition_point(|p| (p.0 as usize) < a) as u32)
            .collect();
        let id = |z: u16, a: u16| pairs.binary_search(&(z, a)).expect("an allowed pair") as u16;
        let into = prev
            .iter()
            .enumerate()
            .map(|(a, zs)| zs.iter().map(|&z| id(z, a as u16)).collect())
            .collect();
        let (first, rest): (Vec<usize>, Vec<usize>) = (0..n).partition(|&t| tags.allowed_start(t));
        let gap = first.len().next_multiple_of(4);
        let rest_from = if gap + rest.len() <= 16 {
            gap
        } else {
            first.len()
        };
        let mut lane = vec![0u8; n];
        for (i, &t) in first.iter().enumerate() {
            lane[t] = i as u8;
        }
        for (i, &t) in rest.iter().enumerate() {
            lane[t] = (rest_from + i).min(255) as u8;
        }
        let mut next_groups = vec![0u8; n];
        for (b, prev) in prev.iter().enumerate() {
            for &a in prev {
                next_groups[a as usize] |= 1 << (lane[b] / 4).min(7);
            }
        }
        Decoder {
            ntags: n,
            prev,
            start_ok: (0..n).map(|t| tags.allowed_start(t)).collect(),
            end_ok: (0..n).map(|t| tags.allowed_end(t)).collect(),
            pairs,
            pair_at,
            into,
            lane,
            next_groups,
            avx2: cpu_has_avx2(),
        }
    }

    /// The best valid tag sequence of a second-order model
    /// ([`flags::SECOND_ORDER`]): as [`Decoder::decode_with`], plus a score
    /// `trans2[(z × ntags + a) × ntags + b]` for every three tags `z a b` in
    /// a row. The search runs over the allowed tag pairs: pair `(a, b)` at
    /// unit `i` keeps the score of the best path ending `a b` there: the
    /// best over `z` of pair `(z, a)` at `i − 1` plus `trans2[z a b] +
    /// trans[a b]`, plus `emit[i][b]`. The maxima are taken for all
    /// successors `b` of one `a` at once (lanes); the best path is then
    /// followed back by recomputing, at each unit, the same sums for the
    /// pair on the path (the first, lowest `z` of the best sum wins, as in
    /// [`Decoder::decode_with`]). `work` is a reusable buffer.
    pub fn decode2_with(
        &self,
        emit: &[f32],
        trans: &[f32],
        trans2: &[f32],
        start: &[f32],
        end: &[f32],
        work: &mut Vec<f32>,
    ) -> Vec<u16> {
        let t = self.ntags;
        let n = emit.len() / t;
        if n == 0 {
            return Vec::new();
        }
        let first = |j: usize| {
            if self.start_ok[j] {
                start[j] + emit[j]
            } else {
                f32::NEG_INFINITY
            }
        };
        if n == 1 {
            let mut best = (f32::NEG_INFINITY, 0usize);
            for (j, &e) in end.iter().enumerate().take(t) {
                let s = first(j) + e;
                if self.end_ok[j] && s > best.0 {
                    best = (s, j);
                }
            }
            return vec![best.1 as u16];
        }
        let np = self.pairs.len();
        // work: per tag a and predecessor z, the trigram and transition
        // scores of a's successors padded to whole lanes (−∞), at `block[a]`; then the
        // pairs' scores at every unit from 1 on
        let succ = |a: usize| self.pair_at[a] as usize..self.pair_at[a + 1] as usize;
        let width = |a: usize| succ(a).len().next_multiple_of(LANES2);
        work.clear();
        let mut block = Vec::with_capacity(t);
        for a in 0..t {
            block.push(work.len());
            for &z in &self.prev[a] {
                let row = (z as usize * t + a) * t;
                let bs = &self.pairs[succ(a)];
                let tr = &trans[a * t..(a + 1) * t];
                work.extend(
                    bs.iter()
                        .map(|&(_, b)| trans2[row + b as usize] + tr[b as usize]),
                );
                work.resize(work.len() + width(a) - bs.len(), f32::NEG_INFINITY);
            }
        }
        let nw = work.len();
        work.resize(nw + n * np, f32::NEG_INFINITY);
        let (w, delta) = work.split_at_mut(nw);
        for (p, &(a, b)) in self.pairs.iter().enumerate() {
            let (a, b) = (a as usize, b as usize);
            delta[np + p] = first(a) + trans[a * t + b] + emit[t + b];
        }
        for i in 2..n {
            let (done, rest) = delta.split_at_mut(i * np);
            let last = &done[(i - 1) * np..];
            let cur = &mut rest[..np];
            let e = &emit[i * t..(i + 1) * t];
            for (a, (&start_a, into)) in block.iter().zip(&self.into).enumerate() {
                let (range, wd) = (succ(a), width(a));
                for c in (0..range.len()).step_by(LANES2) {
                    let mut best = [f32::NEG_INFINITY; LANES2];
                    for (zi, &q) in into.iter().enumerate() {
                        let d = last[q as usize];
                        let at = start_a + zi * wd + c;
                        let row: &[f32; LANES2] = w[at..at + LANES2].try_into().expect("a lane");
                        for l in 0..LANES2 {
                            let s = d + row[l];
                            best[l] = if s > best[l] { s } else { best[l] };
                        }
                    }
                    let ps = range.start + c..(range.start + c + LANES2).min(range.end);
                    for (p, &bl) in ps.zip(&best) {
                        let b = self.pairs[p].1 as usize;
                        cur[p] = bl + e[b];
                    }
                }
            }
        }
        let last = &delta[(n - 1) * np..];
        let mut best = f32::NEG_INFINITY;
        let mut p = 0usize;
        for (q, &(_, b)) in self.pairs.iter().enumerate() {
            if self.end_ok[b as usize] && last[q] + end[b as usize] > best {
                best = last[q] + end[b as usize];
                p = q;
            }
        }
        let mut out = vec![0u16; n];
        out[n - 1] = self.pairs[p].1;
        out[n - 2] = self.pairs[p].0;
        for i in (2..n).rev() {
            let a = self.pairs[p].0 as usize;
            let (range, wd) = (succ(a), width(a));
            let before = &delta[(i - 1) * np..i * np];
            let mut best = f32::NEG_INFINITY;
            let mut arg = self.into[a].first().copied().unwrap_or(0) as usize;
            for (zi, &q) in self.into[a].iter().enumerate() {
                let s = before[q as usize] + w[block[a] + zi * wd + (p - range.start)];
                if s > best {
                    best = s;
                    arg = q as usize;
                }
            }
            p = arg;
            out[i - 2] = self.pairs[p].0;
        }
        out
    }

    /// The best valid tag sequence for emission scores `emit` (`n × ntags`),
    /// transitions `trans` (`ntags × ntags`), start and end scores.
    #[cfg(test)]
    pub fn decode(&self, emit: &[f32], trans: &[f32], start: &[f32], end: &[f32]) -> Vec<u16> {
        self.decode_with(emit, trans, start, end, &mut Vec::new())
    }

    /// [`Decoder::decode`] with a reusable back-pointer buffer.
    ///
    /// Every tag's best predecessor is the first (lowest) allowed tag with
    /// the highest `delta + transition` (ties keep the first). Tag sets of
    /// up to 32 tags (every shipped model) take all targets at once, lane by
    /// lane ([`Decoder::decode_lanes`]); larger ones one target at a time.
    /// Both make the same float operations in the same order, so they
    /// choose the same path.
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
        back.clear();
        back.resize(n * t, 0);
        #[cfg(target_arch = "x86_64")]
        let delta = if t <= 16 && self.avx2 {
            // SAFETY: `avx2` is true only where the CPU has AVX2
            unsafe { self.decode_avx2(emit, trans, start, back) }
        } else if t <= 16 {
            self.decode_sse2(emit, trans, start, back)
        } else if t <= 32 {
            self.decode_lanes::<32>(emit, trans, start, back)
        } else {
            self.decode_scalar(emit, trans, start, back)
        };
        #[cfg(not(target_arch = "x86_64"))]
        let delta = if t <= 16 {
            self.decode_lanes::<16>(emit, trans, start, back)
        } else if t <= 32 {
            self.decode_lanes::<32>(emit, trans, start, back)
        } else {
            self.decode_scalar(emit, trans, start, back)
        };
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

    /// What the vector passes start from: the transition scores by
    /// previous tag and target lane (−∞ where no transition is allowed),
    /// and the first unit's scores ([`Decoder::first_scores`]) in 16 lanes.
    #[cfg(target_arch = "x86_64")]
    fn lane_setup(
        &self,
        emit: &[f32],
        trans: &[f32],
        start: &[f32],
    ) -> ([[f32; 16]; 16], [f32; 16]) {
        let t = self.ntags;
        assert!(t <= 16 && self.lane.iter().all(|&l| l < 16));
        let lane = &self.lane[..t];
        let mut rows = [[f32::NEG_INFINITY; 16]; 16];
        for (j, prev) in self.prev.iter().enumerate() {
            for &p in prev {
                rows[p as usize][lane[j] as usize] = trans[p as usize * t + j];
            }
        }
        let mut delta = [f32::NEG_INFINITY; 16];
        self.first_scores(start, emit, &mut delta);
        (rows, delta)
    }

    /// The scores of the first unit's tags into `delta` (left at −∞ for a
    /// tag no sequence may start with).
    fn first_scores(&self, start: &[f32], emit: &[f32], delta: &mut [f32]) {
        for j in 0..self.ntags {
            if self.start_ok[j] {
                delta[j] = start[j] + emit[j];
            }
        }
    }

    /// The forward pass over `N` lanes (`ntags ≤ N`): for each predecessor
    /// `p` in ascending order, every target's candidate `delta[p] +
    /// trans[p][j]` at once (a disallowed transition is −∞, which never
    /// wins, as a skipped one). Fills `back` and returns the last `delta`.
    fn decode_lanes<const N: usize>(
        &self,
        emit: &[f32],
        trans: &[f32],
        start: &[f32],
        back: &mut [u16],
    ) -> Vec<f32> {
        let t = self.ntags;
        // the allowed transitions as rows of N lanes, −∞ elsewhere
        let mut rows = [[f32::NEG_INFINITY; N]; N];
        for (j, prev) in self.prev.iter().enumerate() {
            for &p in prev {
                rows[p as usize][j] = trans[p as usize * t + j];
            }
        }
        let mut delta = [f32::NEG_INFINITY; N];
        self.first_scores(start, emit, &mut delta);
        for (e, b) in emit.chunks_exact(t).zip(back.chunks_exact_mut(t)).skip(1) {
            let mut best = [f32::NEG_INFINITY; N];
            let mut arg = [0u32; N];
            for (p, row) in rows[..t].iter().enumerate() {
                let d = delta[p];
                if d == f32::NEG_INFINITY {
                    // no candidate of p can win
                    continue;
                }
                for l in 0..N {
                    let s = d + row[l];
                    let better = s > best[l];
                    best[l] = if better { s } else { best[l] };
                    arg[l] = if better { p as u32 } else { arg[l] };
                }
            }
            for j in 0..t {
                delta[j] = best[j] + e[j];
                b[j] = arg[j] as u16;
            }
        }
        delta[..t].to_vec()
    }

    /// [`Decoder::decode_lanes`] for up to 16 tags in four SSE2 vectors of
    /// four lanes (tag `j` in lane [`Decoder::lane`]`[j]`), skipping the
    /// vectors of a predecessor's row that hold no allowed target
    /// ([`Decoder::next_groups`]: all −∞, they never win).
    /// Per lane the same operations in the same order: `s = delta[p] +
    /// trans[p][j]`, kept if `s > best` (`maxps` keeps its second operand
    /// unless the first is greater, so ties keep the lower `p`).
    #[cfg(target_arch = "x86_64")]
    fn decode_sse2(
        &self,
        emit: &[f32],
        trans: &[f32],
        start: &[f32],
        back: &mut [u16],
    ) -> Vec<f32> {
        use std::arch::x86_64::*;
        let t = self.ntags;
        let (rows, mut delta) = self.lane_setup(emit, trans, start);
        let lane = &self.lane[..t];
        let groups = &self.next_groups[..t];
        // SAFETY: SSE2 is part of x86-64; every load and store is unaligned
        // and within a 16-lane array (four vectors of four lanes).
        unsafe {
            let neg = _mm_set1_ps(f32::NEG_INFINITY);
            for (e, b) in emit.chunks_exact(t).zip(back.chunks_exact_mut(t)).skip(1) {
                let mut best = [neg; 4];
                let mut arg = [_mm_setzero_si128(); 4];
                for (p, row) in rows[..t].iter().enumerate() {
                    let d = delta[p];
                    if d == f32::NEG_INFINITY {
                        continue;
                    }
                    let dv = _mm_set1_ps(d);
                    let pv = _mm_set1_epi32(p as i32);
                    let g = groups[p];
                    for q in 0..4 {
                        if g & (1 << q) == 0 {
                            continue;
                        }
                        let s = _mm_add_ps(dv, _mm_loadu_ps(row.as_ptr().add(4 * q)));
                        let gt = _mm_castps_si128(_mm_cmpgt_ps(s, best[q]));
                        best[q] = _mm_max_ps(s, best[q]);
                        arg[q] = _mm_or_si128(_mm_and_si128(gt, pv), _mm_andnot_si128(gt, arg[q]));
                    }
                }
                let mut bs = [0f32; 16];
                let mut args = [0u32; 16];
                for q in 0..4 {
                    _mm_storeu_ps(bs.as_mut_ptr().add(4 * q), best[q]);
                    _mm_storeu_si128(args.as_mut_ptr().add(4 * q) as *mut __m128i, arg[q]);
                }
                for (j, &l) in lane.iter().enumerate() {
                    delta[j] = bs[l as usize] + e[j];
                    b[j] = args[l as usize] as u16;
                }
            }
        }
        delta[..t].to_vec()
    }

    /// [`Decoder::decode_sse2`] with AVX2: two vectors of eight lanes, and
    /// a predecessor's row skips the vector of eight that holds no allowed
    /// target ([`Decoder::next_groups`]' two bits for its four-lane groups,
    /// both clear). With the start tags in the first eight lanes and `I`,
    /// `E` in the others (every shipped model), each predecessor's targets
    /// lie in one vector: `O`, `E`, `S` are followed by starts, `B`, `I` by
    /// `I`, `E`. Per lane the same operations in the same order, so the
    /// same path.
    ///
    /// # Safety
    /// Only where the CPU has AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn decode_avx2(
        &self,
        emit: &[f32],
        trans: &[f32],
        start: &[f32],
        back: &mut [u16],
    ) -> Vec<f32> {
        use std::arch::x86_64::*;
        let t = self.ntags;
        let (rows, mut delta) = self.lane_setup(emit, trans, start);
        let lane = &self.lane[..t];
        // bit h: lanes 8h..8h + 8 hold an allowed target
        let mut halves = [0u8; 16];
        for (h, &g) in halves.iter_mut().zip(&self.next_groups[..t]) {
            *h = u8::from(g & 3 != 0) | u8::from(g & 12 != 0) << 1;
        }
        // SAFETY: AVX2 is present (the caller); every load and store is
        // unaligned and within a 16-lane array (two vectors of eight lanes).
        let neg = _mm256_set1_ps(f32::NEG_INFINITY);
        for (e, b) in emit.chunks_exact(t).zip(back.chunks_exact_mut(t)).skip(1) {
            let mut best = [neg; 2];
            let mut arg = [_mm256_setzero_si256(); 2];
            for (p, row) in rows[..t].iter().enumerate() {
                let d = delta[p];
                if d == f32::NEG_INFINITY {
                    continue;
                }
                let dv = _mm256_set1_ps(d);
                let pv = _mm256_set1_epi32(p as i32);
                let g = halves[p];
                for h in 0..2 {
                    if g & (1 << h) == 0 {
                        continue;
                    }
                    let s = _mm256_add_ps(dv, _mm256_loadu_ps(row.as_ptr().add(8 * h)));
                    // `s > best`, false for NaN, as `cmpltps best, s`
                    let gt = _mm256_castps_si256(_mm256_cmp_ps::<_CMP_GT_OQ>(s, best[h]));
                    best[h] = _mm256_max_ps(s, best[h]);
                    arg[h] = _mm256_blendv_epi8(arg[h], pv, gt);
                }
            }
            let mut bs = [0f32; 16];
            let mut args = [0u32; 16];
            for h in 0..2 {
                _mm256_storeu_ps(bs.as_mut_ptr().add(8 * h), best[h]);
                _mm256_storeu_si256(args.as_mut_ptr().add(8 * h) as *mut __m256i, arg[h]);
            }
            for (j, &l) in lane.iter().enumerate() {
                delta[j] = bs[l as usize] + e[j];
                b[j] = args[l as usize] as u16;
            }
        }
        delta[..t].to_vec()
    }

    /// The forward pass one target at a time (any number of tags).
    fn decode_scalar(
        &self,
        emit: &[f32],
        trans: &[f32],
        start: &[f32],
        back: &mut [u16],
    ) -> Vec<f32> {
        let t = self.ntags;
        let n = emit.len() / t;
        let mut delta = vec![f32::NEG_INFINITY; t];
        let mut next = vec![f32::NEG_INFINITY; t];
        self.first_scores(start, emit, &mut delta);
        for i in 1..n {
            for (j, prev) in self.prev.iter().enumerate() {
                let mut best = f32::NEG_INFINITY;
                let mut arg = 0u16;
                for &p in prev {
                    let s = delta[p as usize] + trans[p as usize * t + j];
                    if s > best {
                        best = s;
                        arg = p;
                    }
                }
                next[j] = best + emit[i * t + j];
                back[i * t + j] = arg;
            }
            std::mem::swap(&mut delta, &mut next);
        }
        delta
    }
}

/// Whether a token is an honorific that CoNLL-2003 leaves outside a
/// person's name ([`flags::TITLES`]): `Mr`, `Mrs`, `Ms`, `Miss`, `Mx`, `Dr`,
/// `Prof`, `Professor`, `Sir` or `Dame`, with or without a final period.
/// `Lord` is not one (`Lord's` is a cricket ground in CoNLL-2003).
///
/// ```
/// assert!(zhen_ner::is_honorific("Mr"));
/// assert!(zhen_ner::is_honorific("Dr."));
/// assert!(!zhen_ner::is_honorific("MP"));
/// ```
pub fn is_honorific(token: &str) -> bool {
    const HONORIFICS: [&str; 10] = [
        "Mr",
        "Mrs",
        "Ms",
        "Miss",
        "Mx",
        "Dr",
        "Prof",
        "Professor",
        "Sir",
        "Dame",
    ];
    HONORIFICS.contains(&token.strip_suffix('.').unwrap_or(token))
}

/// Whether a token is the title of a member of a parliament (`MP`, `MPs`,
/// `MEP`, `MEPs`): a common noun, never part of a name (CoNLL-2003 tags
/// every one of them outside the entities, `Conservative/B-MISC MP/O`).
pub fn is_member_title(token: &str) -> bool {
    matches!(token, "MP" | "MPs" | "MEP" | "MEPs")
}

/// The title rule ([`flags::TITLES`]): cuts each span at the member titles
/// it holds ([`is_member_title`]), moves the start of each person span past
/// its leading honorifics ([`is_honorific`]), and drops what is left empty.
/// A place, organisation or other entity that starts with an honorific other
/// than `Miss` is a person after it (`Dr Fauci` tagged as an organisation
/// gives the person `Fauci`): in CoNLL-2003 train and dev the only entities
/// of those labels that start with an honorific are beauty pageants and
/// their organisers (`Miss Universe`, `Miss Venezuela Organisation`).
fn untitle(tokens: &[&str], spans: &mut Vec<(usize, usize, Label)>) {
    let title = |i: usize| tokens.get(i).is_some_and(|t| is_member_title(t));
    let personal = |i: usize| {
        tokens
            .get(i)
            .is_some_and(|t| is_honorific(t) && t.strip_suffix('.').unwrap_or(t) != "Miss")
    };
    let mut out = Vec::with_capacity(spans.len());
    for (a, b, label) in std::mem::take(spans) {
        let mut start = a;
        for end in a..=b {
            if end < b && !title(end) {
                continue;
            }
            let mut s = start;
            let label = if label != Label::Per && start + 1 < end && personal(start) {
                Label::Per
            } else {
                label.clone()
            };
            while label == Label::Per && s < end && tokens.get(s).is_some_and(|t| is_honorific(t)) {
                s += 1;
            }
            if s < end {
                out.push((s, end, label));
            }
            start = end + 1;
        }
    }
    *spans = out;
}

/// The word clusters whose capitalised words are parts of a person's name
/// when a name follows them: `coarse<TAB>fine` pairs of the ids of
/// `scripts/clusters-en` (the clusters en-conll-6 to en-conll-9 store), made
/// by `scripts/name-clusters-en` from CoNLL-2003 train (the clusters whose
/// capitalised words right before a person token are in 80% or more of cases
/// part of that person's name: `Ramon`, `San`, not `President` or `King`).
const NAME_CLUSTERS: &str = include_str!("../data/name-clusters-en.txt");

/// [`NAME_CLUSTERS`] parsed and sorted.
fn name_clusters() -> &'static [(u32, u32)] {
    static LIST: OnceLock<Vec<(u32, u32)>> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut v: Vec<(u32, u32)> = NAME_CLUSTERS
            .lines()
            .filter_map(|l| {
                let (a, b) = l.split_once('\t')?;
                Some((a.parse().ok()?, b.parse().ok()?))
            })
            .collect();
        v.sort_unstable();
        v
    })
}

/// Whether `token` can be a part of a person's name before the words a
/// person entity starts with: a capitalised alphabetic word, not all capitals
/// (`CEO`) and no honorific, whose lowercased word has no cluster (`Aung`,
/// `Tayyip`: no English word) or a name cluster ([`NAME_CLUSTERS`]).
fn is_name_part(clusters: &Clusters, token: &str) -> bool {
    let Some(first) = token.chars().next() else {
        return false;
    };
    if !first.is_uppercase()
        || !token.chars().all(char::is_alphabetic)
        || !token.chars().any(char::is_lowercase)
        || is_honorific(token)
    {
        return false;
    }
    let packed = clusters.get(str_hash(&token.to_lowercase()));
    if packed == 0 {
        return true;
    }
    let (coarse, fine) = (packed & 0x3ff, packed >> 10 & 0x3ff);
    coarse > 0
        && fine > 0
        && name_clusters()
            .binary_search(&(coarse - 1, fine - 1))
            .is_ok()
}

/// The name-part step of the title rule ([`flags::TITLES`], in a model with
/// word clusters): in an ordinary-case sentence, a person entity that the
/// words right before it, outside every entity, continue as name parts
/// ([`is_name_part`]) starts at the first of them (`Aung San` + `Suu Kyi`,
/// `Recep Tayyip` + `Erdogan`; not `President` + `Lai`). Lower- and
/// title-case sentences, and any sentence without a word that starts in lower
/// case (a headline without a function word, a scorecard), are left alone:
/// there the capitals say nothing. A place right before the person whose
/// every word is a name part joins it too (`Aung San` tagged LOC + `Suu
/// Kyi`): CoNLL-2003 train and dev hold one gold place right before a gold
/// person among their 34,000 entities.
fn join_name_parts(clusters: &Clusters, tokens: &[&str], spans: &mut Vec<(usize, usize, Label)>) {
    let lower_word = |t: &&str| t.chars().next().is_some_and(char::is_lowercase);
    if clusters.is_empty()
        || !spans.iter().any(|s| s.2 == Label::Per)
        || sentence_case(tokens) != SentenceCase::Ordinary
        || !tokens.iter().any(lower_word)
    {
        return;
    }
    for k in (1..spans.len()).rev() {
        let (pa, pb) = (spans[k - 1].0, spans[k - 1].1);
        let (a, b) = (spans[k].0, spans[k].1);
        if spans[k].2 == Label::Per
            && spans[k - 1].2 == Label::Loc
            && pb == a
            && b <= tokens.len()
            && tokens[pa..pb].iter().all(|t| is_name_part(clusters, t))
        {
            spans[k - 1] = (pa, b, Label::Per);
            spans.remove(k);
        }
    }
    let mut taken = vec![false; tokens.len()];
    for &(a, b, _) in spans.iter() {
        taken.iter_mut().take(b).skip(a).for_each(|t| *t = true);
    }
    for (a, b, label) in spans.iter_mut() {
        if *label != Label::Per || *b > tokens.len() {
            continue;
        }
        while *a > 0 && !taken[*a - 1] && is_name_part(clusters, tokens[*a - 1]) {
            *a -= 1;
            taken[*a] = true;
        }
    }
}

/// The company names the company rule ([`flags::COMPANIES`]) knows besides
/// a model's lexicon: `crates/ner/data/companies-en.txt`, made by
/// `scripts/companies-en --icons` (single-word company and brand names
/// of @cspell/dict-companies 3.2.13, MIT, and simple-icons 16.37.0, CC0, that
/// are no common word, place or person name).
const COMPANY_LIST: &str = include_str!("../data/companies-en.txt");

/// Whether `name` is a company of zhen's built-in list (`Huawei`, `OpenAI`,
/// `TikTok`, `Baidu`; exact spelling), which the company rule
/// ([`flags::COMPANIES`]) uses besides the model's lexicon.
///
/// ```
/// assert!(zhen_ner::is_listed_company("Tencent"));
/// assert!(!zhen_ner::is_listed_company("tencent") && !zhen_ner::is_listed_company("Paris"));
/// ```
pub fn is_listed_company(name: &str) -> bool {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    let list = LIST.get_or_init(|| {
        let mut v: Vec<&str> = COMPANY_LIST.lines().filter(|l| !l.is_empty()).collect();
        v.sort_unstable();
        v
    });
    list.binary_search(&name).is_ok()
}

/// Every one-word company and brand name of the two packages the company
/// list comes from, with the package that names it:
/// `crates/ner/data/brand-words-en.txt`, made by `scripts/brand-words-en`
/// (`name<TAB>cspell`, `icons` or `cspell|icons`; @cspell/dict-companies
/// 3.2.13, MIT, a dictionary of company names; simple-icons 16.37.0, CC0,
/// logos of companies and products). Unlike [`COMPANY_LIST`] it keeps
/// common words, places and person names (`Twitter`, `Meta`, `Tesla`), so
/// the company rule reads it only where the context says organisation.
const BRAND_WORDS: &str = include_str!("../data/brand-words-en.txt");

/// Whether `name` is a word of [`BRAND_WORDS`] (exact spelling), and if so
/// whether the company dictionary (@cspell/dict-companies) names it.
fn brand_word(name: &str) -> Option<bool> {
    static LIST: OnceLock<Vec<(&'static str, bool)>> = OnceLock::new();
    let list = LIST.get_or_init(|| {
        let mut v: Vec<(&str, bool)> = BRAND_WORDS
            .lines()
            .filter_map(|l| {
                let (name, sources) = l.split_once('\t')?;
                Some((name, sources.split('|').any(|s| s == "cspell")))
            })
            .collect();
        v.sort_unstable();
        v
    });
    let i = list.binary_search_by(|(n, _)| n.cmp(&name)).ok()?;
    Some(list[i].1)
}

/// The words that end company names (`Technologies`, `Motor`, `AI`, `Labs`):
/// `crates/ner/data/company-endings-en.txt`, made by
/// `scripts/company-endings-en` (the last words of two or more company names
/// of pytickersymbols 1.17.10, MIT, and simple-icons 16.37.0, CC0, that end
/// no person entity of CoNLL-2003 train and that the gazetteer lists as no
/// person name, surname or place unless also as an organisation ending).
const COMPANY_ENDINGS: &str = include_str!("../data/company-endings-en.txt");

/// Whether `word` is a word of [`COMPANY_ENDINGS`] (exact spelling).
fn is_company_ending(word: &str) -> bool {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    let list = LIST.get_or_init(|| {
        let mut v: Vec<&str> = COMPANY_ENDINGS.lines().filter(|l| !l.is_empty()).collect();
        v.sort_unstable();
        v
    });
    list.binary_search(&word).is_ok()
}

/// Whether `token` is joined to an organisation entity of `spans` by `and`,
/// `or` or `&` right before or after it (`OpenAI and Twitter`, `Infosys and
/// Wipro`). In CoNLL-2003 train 37 of the 47 name-shaped words so joined to
/// an organisation (outside every entity or an entity of one word) are
/// organisations themselves, and one is no entity
/// (`scripts/company-evidence-en`).
fn joined_to_org(tokens: &[&str], spans: &[(usize, usize, Label)], i: usize) -> bool {
    let conj = |t: &str| matches!(t, "and" | "or" | "&");
    spans.iter().any(|&(a, b, ref label)| {
        *label == Label::Org
            && ((i >= 2 && b == i - 1 && conj(tokens[i - 1]))
                || (a == i + 2 && i + 1 < tokens.len() && conj(tokens[i + 1])))
    })
}

/// Whether `token` looks like a name in running text: a capital letter, a
/// lower-case letter somewhere (not an acronym or a ticker), and nothing but
/// letters, digits, `-`, `'` and `&`.
fn name_shaped(token: &str) -> bool {
    token.chars().next().is_some_and(char::is_uppercase)
        && token.chars().any(char::is_lowercase)
        && token
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '\'' | '&'))
}

/// The company rule ([`flags::COMPANIES`]):
/// * a person entity whose words `lexicon` lists as an organisation and as
///   nothing else, a place entity so listed that does not follow `the`
///   (`Walmart`, `Amazon`, not `the Amazon`), and a person or place entity of
///   one word of zhen's company list ([`is_listed_company`]) become
///   organisations;
/// * an other (MISC) entity of one word of the company list that the company
///   dictionary names (`OpenAI`; [`BRAND_WORDS`] source `cspell`) becomes an
///   organisation: in CoNLL-2003 train 48 of the 49 one-word entities that
///   are such words are organisations and none is MISC
///   (`scripts/company-evidence-en`; a market or an index such as `Nasdaq`
///   is no word of the list; logos' names such as `Firefox` and `Bitcoin`,
///   products, are left alone);
/// * an organisation ending in `Bank`, `Council` (not a legal form), `of` and
///   a place become one organisation ([`join_places_of`]);
/// * a person entity of two or more words whose last word ends company
///   names ([`COMPANY_ENDINGS`]: `Huawei Technologies`, `Zhipu AI`, `Hyundai
///   Motor`) becomes an organisation;
/// * in an ordinary-case sentence (`ordinary`: not lower or title case, with
///   a word that starts in lower case), a capitalised word outside every entity and not next to one or to
///   another capitalised word, or a person, place or other entity of one
///   word, that `and`, `or` or `&` joins to an organisation
///   ([`joined_to_org`]) becomes an organisation when it is a brand word
///   ([`BRAND_WORDS`]: `OpenAI and Twitter`) or, outside every entity, a
///   word without a cluster in `clusters` (no English word: `Nio and
///   Xpeng`);
/// * in an ordinary-case sentence, such a capitalised word outside every
///   entity that is a word of the company list named by the company
///   dictionary becomes an organisation wherever it stands (`Spotify will
///   cut jobs`): in CoNLL-2003 train 59 of the 60 uses of such words are in
///   entities (`scripts/company-evidence-en`);
///
/// each unless an honorific ([`is_honorific`]) stands right before it.
fn relabel_companies(
    lexicon: &Lexicon,
    clusters: &Clusters,
    tokens: &[&str],
    spans: &mut Vec<(usize, usize, Label)>,
    ordinary: bool,
) {
    const ORG: u16 = 1 << cat::ORG;
    const OTHER: u16 = (1 << cat::LOC) | (1 << cat::PER) | (1 << cat::SURNAME) | (1 << cat::MISC);
    let titled = |a: usize| a > 0 && is_honorific(tokens[a - 1]);
    join_places_of(lexicon, tokens, spans);
    for (a, b, label) in spans.iter_mut() {
        if *b > tokens.len() || titled(*a) {
            continue;
        }
        let one = *b == *a + 1;
        if *label == Label::Misc {
            if one && is_listed_company(tokens[*a]) && brand_word(tokens[*a]) == Some(true) {
                *label = Label::Org;
            }
            continue;
        }
        if !matches!(label, Label::Per | Label::Loc) {
            continue;
        }
        // a person of two or more words that ends as company names end
        // (`Huawei Technologies`, `Zhipu AI`; no person entity of CoNLL-2003
        // train ends in such a word)
        if *label == Label::Per && !one && is_company_ending(tokens[*b - 1]) {
            *label = Label::Org;
            continue;
        }
        let listed = one && is_listed_company(tokens[*a]);
        // a river or a forest keeps its article (`the Amazon`), a company
        // rarely has one
        let article = *a > 0 && tokens[*a - 1].eq_ignore_ascii_case("the");
        let company = listed
            || ((*label == Label::Per || (*label == Label::Loc && !article)) && {
                let units: Vec<u64> = tokens[*a..*b].iter().map(|t| unit_hash_token(t)).collect();
                let mask = lexicon.get_units(&units);
                mask & ORG != 0 && mask & OTHER == 0
            });
        if company {
            *label = Label::Org;
        }
    }
    if !ordinary {
        return;
    }
    let mut taken = vec![false; tokens.len()];
    for &(a, b, _) in spans.iter() {
        taken.iter_mut().take(b).skip(a).for_each(|t| *t = true);
    }
    let mut joined = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        // a word right next to an entity, or to another capitalised word
        // outside every entity, is more likely a piece of a longer name
        // (`Banc` + `One and First Chicago`, `Hindustan Lever`) than a name
        // of its own
        let piece = |k: usize| taken[k] || name_shaped(tokens[k]);
        if taken[i]
            || (i > 0 && piece(i - 1))
            || (i + 1 < tokens.len() && piece(i + 1))
            || !name_shaped(t)
            || is_member_title(t)
            || titled(i)
        {
            continue;
        }
        let named = brand_word(t) == Some(true);
        let company = named && is_listed_company(t);
        let known = brand_word(t).is_some()
            || (!clusters.is_empty() && clusters.get(str_hash(&t.to_lowercase())) == 0);
        if company || (known && joined_to_org(tokens, spans, i)) {
            joined.push(i);
        }
    }
    let mut relabel = Vec::new();
    for (k, &(a, b, ref label)) in spans.iter().enumerate() {
        if b == a + 1
            && matches!(label, Label::Per | Label::Loc | Label::Misc)
            && !titled(a)
            && brand_word(tokens[a]).is_some()
            && joined_to_org(tokens, spans, a)
        {
            relabel.push(k);
        }
    }
    for k in relabel {
        spans[k].2 = Label::Org;
    }
    if !joined.is_empty() {
        spans.extend(joined.into_iter().map(|i| (i, i + 1, Label::Org)));
        spans.sort_by_key(|s| s.0);
    }
}

/// The legal forms among the organisation endings of the English gazetteer
/// (`scripts/gazetteer-en`'s `ORG_ENDINGS`, its first line): a company so
/// named is often followed by its seat outside its name (`Bestop Inc of
/// Boulder`, two of the four such uses in CoNLL-2003 train).
fn is_legal_form(word: &str) -> bool {
    matches!(
        word.strip_suffix('.').unwrap_or(word),
        "Inc"
            | "Corp"
            | "Corporation"
            | "Co"
            | "Company"
            | "Ltd"
            | "Limited"
            | "Plc"
            | "plc"
            | "PLC"
            | "AG"
            | "SA"
            | "S.A"
            | "NV"
            | "N.V"
            | "BV"
            | "GmbH"
            | "SpA"
    )
}

/// The place-of step of the company rule ([`flags::COMPANIES`]): an
/// organisation entity that ends in an organisation ending of `lexicon`
/// (`Bank`, `Council`, `Agency`; not a legal form, [`is_legal_form`]) and is
/// followed by `of` and a place entity becomes one organisation with the place
/// (`People 's Bank` + `of` + `China` → `People 's Bank of China`). In
/// CoNLL-2003 train 29 of the 30 such organisations followed by `of` and a
/// place hold the place (`Bank of Japan`, `Council of Europe`, `Press Trust of
/// India`; `scripts/company-evidence-en`), against two of four after a legal
/// form (`Bestop Inc of Boulder`); clubs without an ending stay apart
/// (`Galatasaray of Turkey`).
fn join_places_of(lexicon: &Lexicon, tokens: &[&str], spans: &mut Vec<(usize, usize, Label)>) {
    const SUFFIX: u16 = 1 << cat::ORG_SUFFIX;
    for k in (1..spans.len()).rev() {
        let (a, b) = (spans[k - 1].0, spans[k - 1].1);
        let (c, d) = (spans[k].0, spans[k].1);
        if spans[k - 1].2 == Label::Org
            && spans[k].2 == Label::Loc
            && c == b + 1
            && d <= tokens.len()
            && tokens[b] == "of"
            && !is_legal_form(tokens[b - 1])
            && lexicon.get_units(&[unit_hash_token(tokens[b - 1])]) & SUFFIX != 0
        {
            spans[k - 1] = (a, d, Label::Org);
            spans.remove(k);
        }
    }
}

/// The member-place step of the title rule ([`flags::TITLES`]): an entity
/// right after a member title and `for` or `from` (`the MP for Bath`, `an
/// MEP from Leeds`) whose words `lexicon` lists as a place becomes a place:
/// a member of a parliament sits for a constituency and comes from a place
/// (CoNLL-2003 train has no such phrase; a town with a football club,
/// `Leeds`, is otherwise often an organisation there). A party or group
/// that the lexicon does not list as a place (`an MEP from the Greens`)
/// keeps its label.
fn member_places(lexicon: &Lexicon, tokens: &[&str], spans: &mut [(usize, usize, Label)]) {
    const LOC: u16 = 1 << cat::LOC;
    for (a, b, label) in spans.iter_mut() {
        if *label == Label::Loc
            || *a < 2
            || *b > tokens.len()
            || !matches!(tokens[*a - 1], "for" | "from")
            || !is_member_title(tokens[*a - 2])
        {
            continue;
        }
        let units: Vec<u64> = tokens[*a..*b].iter().map(|t| unit_hash_token(t)).collect();
        if lexicon.get_units(&units) & LOC != 0 {
            *label = Label::Loc;
        }
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
    /// Scores of three tags in a row (`ntags³`, [`flags::SECOND_ORDER`]);
    /// empty in a first-order model.
    pub(crate) trans2: Vec<f32>,
    pub(crate) start: Vec<f32>,
    pub(crate) end: Vec<f32>,
    /// Per-source private features and their classifier
    /// ([`flags::DOMAINS`] models).
    pub(crate) domains: Option<crate::domain::Domains>,
}

/// Per-thread tagging buffers: features, score accumulator, emissions, back
/// pointers, table slots, and the second-order decoder's scores.
type Scratch = (FeatBuf, Vec<i32>, Vec<f32>, Vec<u16>, Vec<u32>, Vec<f32>);

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

    /// The same model under another id (e.g. an average of single-seed
    /// runs named for the release it becomes).
    pub fn with_id(mut self, id: impl Into<String>) -> NerModel {
        self.id = id.into();
        self
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

    /// Number of strings with a cluster (models with [`flags::CLUSTERS`]:
    /// English words; Chinese characters, bigrams and words).
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

    /// The names of the sources whose conventions the model keeps apart
    /// ([`flags::DOMAINS`]; empty for other models), in the order
    /// [`NerModel::domain_of`] numbers them.
    pub fn domain_names(&self) -> Vec<&str> {
        self.domains
            .as_ref()
            .map(|d| d.names.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The source whose private features tagging would use for a document
    /// of these sentences ([`flags::DOMAINS`] models: the register
    /// classifier's choice from the text alone, or the source fixed by
    /// [`NerModel::set_domain`]); `None` for other models.
    pub fn domain_of(&self, sentences: &[&str]) -> Option<&str> {
        let d = self.domains.as_ref()?;
        let chars: Vec<Vec<char>> = sentences.iter().map(|s| s.chars().collect()).collect();
        let units: Vec<Units<'_>> = chars.iter().map(|c| Units::Chars(c)).collect();
        Some(d.names[d.choose(&units)].as_str())
    }

    /// The register classifier's score of each source for a document of
    /// these sentences, in [`NerModel::domain_names`]' order (the largest
    /// wins, ties to the earlier source; quantised units, comparable within
    /// one model only); `None` for models without sources.
    pub fn domain_scores(&self, sentences: &[&str]) -> Option<Vec<i64>> {
        let d = self.domains.as_ref()?;
        let chars: Vec<Vec<char>> = sentences.iter().map(|s| s.chars().collect()).collect();
        let units: Vec<Units<'_>> = chars.iter().map(|c| Units::Chars(c)).collect();
        Some(d.scores(&units)[..d.names.len()].to_vec())
    }

    /// Fixes the source whose private features tagging uses (`None`: the
    /// register classifier chooses per document, the default), for
    /// ablations such as tagging with the true source. Not stored when the
    /// model is written. Errors if the model has no source of that name.
    pub fn set_domain(&mut self, name: Option<&str>) -> Result<()> {
        match (name, self.domains.as_mut()) {
            (None, Some(d)) => d.forced = None,
            (None, None) => {}
            (Some(n), Some(d)) if d.names.iter().any(|x| x == n) => {
                d.forced = d.names.iter().position(|x| x == n);
            }
            (Some(n), d) => {
                return Err(Error::BadModel(format!(
                    "the model has no source {n:?} (its sources: {})",
                    d.map(|d| d.names.join(", "))
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| "none".into())
                )))
            }
        }
        Ok(())
    }

    /// Tags one sentence's units; `seg` holds per-character words (Chinese
    /// models with [`flags::SEGMENTS`]; see [`crate::tag`]); `domain`: the
    /// source whose private features to add ([`flags::DOMAINS`] models).
    pub(crate) fn tag_units_in(
        &self,
        units: &Units<'_>,
        extra: Option<&[Vec<String>]>,
        seg: Option<&[SegUnit]>,
        domain: Option<usize>,
    ) -> Vec<(usize, usize, Label)> {
        let tags = self.best_tags_in(units, extra, seg, domain);
        let mut spans = self.tags.decode(&tags);
        if let (Units::Tokens(t), true) = (units, self.ex.flags & flags::TITLES != 0) {
            untitle(t, &mut spans);
            join_name_parts(&self.ex.clusters, t, &mut spans);
            member_places(&self.ex.lexicon, t, &mut spans);
        }
        if let (Units::Tokens(t), true) = (units, self.ex.flags & flags::COMPANIES != 0) {
            let case = sentence_case(t);
            let ordinary = case == SentenceCase::Ordinary
                && t.iter()
                    .any(|w| w.chars().next().is_some_and(char::is_lowercase));
            let clusters = &self.ex.clusters;
            if self.ex.flags & flags::CASE_MODES != 0 && case == SentenceCase::Lower {
                // the lists are capitalised, as the gazetteer matches are
                let owned: Vec<String> = t.iter().map(|w| capitalised(w).into_owned()).collect();
                let words: Vec<&str> = owned.iter().map(String::as_str).collect();
                relabel_companies(&self.ex.lexicon, clusters, &words, &mut spans, ordinary);
            } else {
                relabel_companies(&self.ex.lexicon, clusters, t, &mut spans, ordinary);
            }
        }
        spans
    }

    /// Switches [`flags::COMPANIES`] (listed companies are organisations)
    /// on or off; a no-op for a Chinese model. Like the title rule it is not
    /// learned and is stored with the model's flags when the model is
    /// written.
    pub fn set_company_rule(&mut self, on: bool) {
        if self.ex.english {
            if on {
                self.ex.flags |= flags::COMPANIES;
            } else {
                self.ex.flags &= !flags::COMPANIES;
            }
        }
    }

    /// Switches [`flags::TITLES`] (honorifics outside person entities) on
    /// or off; a no-op for a Chinese model, which tags characters. The rule
    /// is not learned, so it can be set on a trained model, for an ablation
    /// or to give an older model the convention; it is stored with the
    /// model's flags when the model is written.
    pub fn set_title_rule(&mut self, on: bool) {
        if self.ex.english {
            if on {
                self.ex.flags |= flags::TITLES;
            } else {
                self.ex.flags &= !flags::TITLES;
            }
        }
    }

    /// The best tag sequence of one sentence, with the private features of
    /// source `domain` ([`flags::DOMAINS`] models).
    pub(crate) fn best_tags_in(
        &self,
        units: &Units<'_>,
        extra: Option<&[Vec<String>]>,
        seg: Option<&[SegUnit]>,
        domain: Option<usize>,
    ) -> Vec<u16> {
        BUF.with(|b| {
            let (buf, acc, emit, back, cands, work) = &mut *b.borrow_mut();
            self.ex.extract(units, extra, seg, buf);
            let n = buf.offsets.len().saturating_sub(1);
            let w = self.table.acc_len();
            acc.clear();
            acc.resize(n * w, 0);
            self.table.score(buf, acc, w, cands);
            if let Some(d) = domain {
                // the private features, mostly from small dense rows that
                // stay in the cache (the same sums as through the table)
                let with_char = self.ex.flags & flags::DOMAIN_NO_CHAR == 0;
                let table = &self.table;
                table.private(d).add(table, buf, acc, w, with_char);
            }
            let t = self.tags.len();
            emit.clear();
            for row in acc.chunks_exact(w) {
                emit.extend(row[..t].iter().map(|&a| a as f32 * self.scale));
            }
            if self.trans2.is_empty() {
                self.decoder
                    .decode_with(emit, &self.trans, &self.start, &self.end, back)
            } else {
                let (tr, tr2) = (&self.trans, &self.trans2);
                self.decoder
                    .decode2_with(emit, tr, tr2, &self.start, &self.end, work)
            }
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
                || m.domains != first.domains
            {
                return Err(Error::Train(format!(
                    "cannot average {} with {}: language, features, labels, lexicon or sources differ",
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
            trans2: avg(|m| &m.trans2),
            start: avg(|m| &m.start),
            end: avg(|m| &m.end),
            domains: first.domains.clone(),
        })
    }

    /// Reads a model file from `path` (format version 3 or 2).
    pub fn from_path(path: &Path) -> Result<NerModel> {
        let with_path = |e: Error| match e {
            Error::BadModel(m) => Error::BadModel(format!("{}: {m}", path.display())),
            Error::CorruptModel {
                offset, message, ..
            } => Error::CorruptModel {
                path: Some(path.to_path_buf()),
                offset,
                message,
            },
            Error::Io { source, .. } => Error::io(Some(path), source),
            e => e,
        };
        let mut f = std::fs::File::open(path).map_err(|e| Error::io(Some(path), e))?;
        let size = f.metadata().map_err(|e| Error::io(Some(path), e))?.len();
        if size > MAX_FILE {
            return Err(with_path(Error::BadModel(format!(
                "{size} bytes is larger than any model ({MAX_FILE} bytes at most)"
            ))));
        }
        let mut data = Vec::with_capacity(size as usize);
        f.read_to_end(&mut data)
            .map_err(|e| Error::io(Some(path), e))?;
        NerModel::from_bytes(&data).map_err(with_path)
    }

    /// Reads a model from its bytes (format version 3 or 2), checking them
    /// whole: length, checksum, every section and table size.
    pub fn from_bytes(data: &[u8]) -> Result<NerModel> {
        format::read(format::Source::Borrowed(data), true)
    }

    /// A model whose bytes live as long as the program (`include_bytes!`):
    /// a version 3 model is used in place, not copied. The checksum is not
    /// computed (the bytes are part of the program, and its tests check
    /// them); every length and size is.
    pub fn from_static(data: &'static [u8]) -> Result<NerModel> {
        format::read(format::Source::Static(data), false)
    }

    /// Writes the model (format [`MAGIC`], version 3).
    pub fn write(&self, mut w: impl Write) -> Result<()> {
        w.write_all(&format::write_v3(self))
            .map_err(|e| Error::io(None, e))?;
        w.flush().map_err(|e| Error::io(None, e))
    }

    /// Reads a model written by [`NerModel::write`] (format version 3, or
    /// version 2 of earlier builds).
    pub fn read(mut r: impl Read) -> Result<NerModel> {
        let mut data = Vec::new();
        r.read_to_end(&mut data).map_err(|e| Error::io(None, e))?;
        NerModel::from_bytes(&data)
    }
}

/// The largest model file [`NerModel::from_path`] reads (4 GiB).
const MAX_FILE: u64 = 4 << 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_stay_outside_entities() {
        let toks = [
            "Mr", "Galloway", "met", "Dr.", "Sir", "John", "Smith", "at", "Miss", "Universe",
            "Labour", "MEP", "Jo", "Cox", "MP", "Dr", "Fauci", "Ms", "Ms",
        ];
        let mut spans = vec![
            (0, 2, Label::Per),
            (3, 7, Label::Per),
            (8, 10, Label::Org),
            (0, 1, Label::Per),
            (10, 14, Label::Org),
            (14, 15, Label::Loc),
            (15, 17, Label::Org),
            (17, 18, Label::Loc),
            (18, 19, Label::Per),
        ];
        untitle(&toks, &mut spans);
        // the honorifics leave the names; an organisation that starts with
        // `Miss` keeps its words, one that starts with another honorific is
        // the person after it; a person entity of a title alone is dropped,
        // an honorific alone with another label is left as it is; a member
        // title cuts the span it is in and leaves it
        assert_eq!(
            spans,
            [
                (1, 2, Label::Per),
                (5, 7, Label::Per),
                (8, 10, Label::Org),
                (10, 11, Label::Org),
                (12, 14, Label::Org),
                (16, 17, Label::Per),
                (17, 18, Label::Loc),
            ]
        );
        assert!(!is_honorific("Lord") && !is_honorific("MR") && is_honorific("Mrs."));
        assert!(is_member_title("MEPs") && !is_member_title("Mp"));
    }

    #[test]
    fn listed_companies_tagged_as_persons_become_organisations() {
        let mut lex = Lexicon::new(true);
        lex.insert("Tencent", 1 << cat::ORG);
        lex.insert("Johnson Controls", 1 << cat::ORG);
        lex.insert("Apple", (1 << cat::ORG) | (1 << cat::SURNAME));
        lex.insert("Nasdaq", 1 << cat::ORG);
        lex.insert("Amazon", 1 << cat::ORG);
        let toks = [
            "Tencent", "and", "Johnson", "Controls", "hired", "Apple", "and", "Mr", "Tencent",
            "at", "Nasdaq", "Johnson", "Huawei", "Huawei", "Mate", "Tencent", "Amazon", "the",
            "Amazon",
        ];
        let mut spans = vec![
            (0, 1, Label::Per),
            (2, 4, Label::Per),
            (5, 6, Label::Per),
            (8, 9, Label::Per),
            (10, 11, Label::Misc),
            (11, 12, Label::Per),
            (12, 13, Label::Per),
            (13, 15, Label::Per),
            (15, 16, Label::Loc),
            (16, 17, Label::Loc),
            (18, 19, Label::Loc),
        ];
        relabel_companies(&lex, &Clusters::default(), &toks, &mut spans, true);
        // listed as a company and nothing else: an organisation, the whole
        // span or nothing; a surname too, after an honorific, another label,
        // or a piece of a listed name: left as it is; the built-in list
        // (Huawei, not in this lexicon) for one word only; a place by the
        // list (Tencent) or by the lexicon (Amazon), unless `the` comes
        // before it (the Amazon stays a place)
        assert_eq!(
            spans,
            [
                (0, 1, Label::Org),
                (2, 4, Label::Org),
                (5, 6, Label::Per),
                (8, 9, Label::Per),
                (10, 11, Label::Misc),
                (11, 12, Label::Per),
                (12, 13, Label::Org),
                (13, 15, Label::Per),
                (15, 16, Label::Org),
                (16, 17, Label::Org),
                (18, 19, Label::Loc),
            ]
        );
    }

    #[test]
    fn listed_companies_tagged_misc_become_organisations() {
        let lex = Lexicon::new(true);
        // OpenAI: company list, named by the company dictionary; Firefox:
        // company list, a logo's name only; Nasdaq: no word of the list
        assert_eq!(brand_word("OpenAI"), Some(true));
        assert_eq!(brand_word("Firefox"), Some(false));
        assert!(is_listed_company("Firefox") && !is_listed_company("Nasdaq"));
        let toks = [
            "invest", "in", "OpenAI", ",", "Firefox", ",", "Nasdaq", ",", "OpenAI", "Five", "and",
            "Ms", "OpenAI",
        ];
        let mut spans = vec![
            (2, 3, Label::Misc),
            (4, 5, Label::Misc),
            (6, 7, Label::Misc),
            (8, 10, Label::Misc),
            (12, 13, Label::Misc),
        ];
        relabel_companies(&lex, &Clusters::default(), &toks, &mut spans, true);
        // one word of the list that the company dictionary names: an
        // organisation; a product, a market, a longer entity, or the word
        // after an honorific: left alone
        assert_eq!(
            spans,
            [
                (2, 3, Label::Org),
                (4, 5, Label::Misc),
                (6, 7, Label::Misc),
                (8, 10, Label::Misc),
                (12, 13, Label::Misc),
            ]
        );
    }

    #[test]
    fn persons_that_end_as_companies_become_organisations() {
        let lex = Lexicon::new(true);
        assert!(is_company_ending("AI") && is_company_ending("Technologies"));
        assert!(!is_company_ending("Smith") && !is_company_ending("Hunt"));
        let toks = [
            "Zhipu",
            "AI",
            "and",
            "Huawei",
            "Technologies",
            "met",
            "AI",
            ",",
            "Jeremy",
            "Hunt",
            ",",
            "Mr",
            "Jones",
            "Medical",
            "and",
            "Moonshot",
            "AI",
        ];
        let mut spans = vec![
            (0, 2, Label::Per),
            (3, 5, Label::Per),
            (6, 7, Label::Per),
            (8, 10, Label::Per),
            (12, 14, Label::Per),
            (15, 17, Label::Misc),
        ];
        relabel_companies(&lex, &Clusters::default(), &toks, &mut spans, true);
        // a person of two or more words with a company's last word: an
        // organisation; one word, another last word, after an honorific, or
        // another label: left alone
        assert_eq!(
            spans,
            [
                (0, 2, Label::Org),
                (3, 5, Label::Org),
                (6, 7, Label::Per),
                (8, 10, Label::Per),
                (12, 14, Label::Per),
                (15, 17, Label::Misc),
            ]
        );
    }

    #[test]
    fn organisations_of_places_hold_the_place() {
        let mut lex = Lexicon::new(true);
        for w in ["Bank", "Inc", "Administration"] {
            lex.insert(w, 1 << cat::ORG_SUFFIX);
        }
        let toks = [
            "the",
            "People",
            "'s",
            "Bank",
            "of",
            "China",
            ",",
            "Bestop",
            "Inc",
            "of",
            "Boulder",
            ",",
            "Galatasaray",
            "of",
            "Turkey",
            ",",
            "Bank",
            "of",
            "Japan",
            "Bank",
            "of",
            "the",
            "Cyberspace",
            "Administration",
            "of",
            "China",
        ];
        let mut spans = vec![
            (1, 4, Label::Org),
            (5, 6, Label::Loc),
            (7, 9, Label::Org),
            (10, 11, Label::Loc),
            (12, 13, Label::Org),
            (14, 15, Label::Loc),
            (16, 17, Label::Org),
            (18, 19, Label::Per),
            (22, 24, Label::Org),
            (25, 26, Label::Loc),
        ];
        relabel_companies(&lex, &Clusters::default(), &toks, &mut spans, true);
        // an organisation ending (not a legal form) + `of` + a place: one
        // organisation; after a legal form, a name without an ending, or
        // before another label: apart
        assert_eq!(
            spans,
            [
                (1, 6, Label::Org),
                (7, 9, Label::Org),
                (10, 11, Label::Loc),
                (12, 13, Label::Org),
                (14, 15, Label::Loc),
                (16, 17, Label::Org),
                (18, 19, Label::Per),
                (22, 26, Label::Org),
            ]
        );
    }

    #[test]
    fn brand_words_joined_to_organisations_become_organisations() {
        let lex = Lexicon::new(true);
        let mut clusters = Clusters::default();
        for w in ["were", "sued", "thursday", "and", "twitter", "meta"] {
            assert!(clusters.insert(w, &[1, 1, 0]));
        }
        let toks = [
            "OpenAI", "and", "Twitter", "were", "sued", "by", "Nio", "or", "Xpeng", "and", "Meta",
            ",", "Thursday", "and", "Xpeng", "&", "Mr", "Twitter",
        ];
        let spans = vec![
            (0, 1, Label::Org),
            (8, 9, Label::Org),
            (10, 11, Label::Per),
            (14, 15, Label::Org),
        ];
        let run = |toks: &[&str], ordinary: bool, clusters: &Clusters| {
            let mut s = spans.clone();
            relabel_companies(&lex, clusters, toks, &mut s, ordinary);
            s
        };
        // a brand word outside every entity (Twitter) or of a one-word
        // entity (Meta, a person), and a word without a cluster (Nio),
        // joined by and/or/& to an organisation: organisations; a common
        // word (Thursday), the word after an honorific: left alone
        assert_eq!(
            run(&toks, true, &clusters),
            [
                (0, 1, Label::Org),
                (2, 3, Label::Org),
                (6, 7, Label::Org),
                (8, 9, Label::Org),
                (10, 11, Label::Org),
                (14, 15, Label::Org),
            ]
        );
        // without clusters only the brand words; in a lower- or title-case
        // sentence nothing
        assert_eq!(
            run(&toks, true, &Clusters::default()),
            [
                (0, 1, Label::Org),
                (2, 3, Label::Org),
                (8, 9, Label::Org),
                (10, 11, Label::Org),
                (14, 15, Label::Org),
            ]
        );
        assert_eq!(run(&toks, false, &clusters), spans);
        // next to an entity: a piece of it, left alone
        let piece = ["Banc", "One", "and", "Wells", "Fargo", "said"];
        let mut s = vec![(0, 1, Label::Org), (3, 5, Label::Org)];
        relabel_companies(&lex, &clusters, &piece, &mut s, true);
        assert_eq!(s, [(0, 1, Label::Org), (3, 5, Label::Org)]);
        // a word of the company list that the company dictionary names is
        // an organisation wherever it stands, unless a capitalised word next
        // to it makes it a piece of a longer name, or the case says nothing
        assert_eq!(brand_word("Hindustan"), Some(true));
        assert!(is_listed_company("Spotify") && is_listed_company("Hindustan"));
        let spotify = [
            "Spotify",
            "will",
            "cut",
            "jobs",
            "at",
            "Hindustan",
            "Lever",
            ".",
        ];
        let mut s = Vec::new();
        relabel_companies(&lex, &clusters, &spotify, &mut s, true);
        assert_eq!(s, [(0, 1, Label::Org)]);
        let mut s = Vec::new();
        relabel_companies(&lex, &clusters, &spotify, &mut s, false);
        assert_eq!(s, []);
        // a brand word that is no word of the company list (a common word,
        // `Twitter`; a logo's name, `Meta`) and is joined to no
        // organisation is left alone wherever it stands
        assert!(!is_listed_company("Twitter") && brand_word("Twitter") == Some(true));
        assert_eq!(brand_word("Meta"), Some(false));
        let bought = ["Musk", "bought", "Twitter", "and", "Meta", "."];
        let mut s = vec![(0, 1, Label::Per)];
        relabel_companies(&lex, &clusters, &bought, &mut s, true);
        assert_eq!(s, [(0, 1, Label::Per)]);
    }

    #[test]
    fn places_after_member_titles_are_places() {
        let mut lex = Lexicon::new(true);
        lex.insert("Leeds", (1 << cat::LOC) | (1 << cat::SURNAME));
        lex.insert("Greens", 1 << cat::ORG);
        let toks = [
            "an", "MEP", "from", "Leeds", ",", "the", "MP", "for", "Leeds", "and", "an", "MEP",
            "from", "Greens", "beat", "Leeds", "from", "Leeds",
        ];
        let mut spans = vec![
            (3, 4, Label::Org),
            (8, 9, Label::Per),
            (13, 14, Label::Org),
            (15, 16, Label::Org),
            (17, 18, Label::Org),
        ];
        member_places(&lex, &toks, &mut spans);
        // after a member title and for/from, a place of the lexicon; a
        // party, and the same town elsewhere, keep their labels
        assert_eq!(
            spans,
            [
                (3, 4, Label::Loc),
                (8, 9, Label::Loc),
                (13, 14, Label::Org),
                (15, 16, Label::Org),
                (17, 18, Label::Org),
            ]
        );
    }

    #[test]
    fn name_parts_before_a_person_join_it() {
        // the clusters of a model: `san` in a name cluster, `president` in
        // another; `aung` and `tayyip` have none
        let (coarse, fine) = name_clusters()[0];
        let other = (0..64 * 256)
            .map(|i| (i / 256, i % 256))
            .find(|p| name_clusters().binary_search(p).is_err())
            .unwrap();
        let mut clusters = Clusters::default();
        assert!(clusters.insert("san", &[coarse, fine, 0]));
        assert!(clusters.insert("president", &[other.0, other.1, 0]));
        assert!(clusters.insert("met", &[coarse, fine, 0]));
        let toks = [
            "Aung",
            "San",
            "Suu",
            "Kyi",
            "met",
            "President",
            "Recep",
            "Tayyip",
            "Erdogan",
            "and",
            "CEO",
            "Smith",
            "Mr",
            "Jones",
            "in",
            "UK",
            "Paris",
        ];
        let mut spans = vec![
            (2, 4, Label::Per),
            (8, 9, Label::Per),
            (11, 12, Label::Per),
            (13, 14, Label::Per),
            (15, 16, Label::Loc),
            (16, 17, Label::Per),
        ];
        join_name_parts(&clusters, &toks, &mut spans);
        // name parts join the person after them; a word of another cluster
        // (`President`), all capitals (`CEO`), an honorific, another entity
        // or a lower-case word stops them; other labels are left alone
        assert_eq!(
            spans,
            [
                (0, 4, Label::Per),
                (6, 9, Label::Per),
                (11, 12, Label::Per),
                (13, 14, Label::Per),
                (15, 16, Label::Loc),
                (16, 17, Label::Per),
            ]
        );
        // lower- and title-case sentences are left alone, as are models
        // without clusters
        let lower = ["aung", "san", "suu", "kyi", "met", "him"];
        let mut spans = vec![(2, 4, Label::Per)];
        join_name_parts(&clusters, &lower, &mut spans);
        assert_eq!(spans, [(2, 4, Label::Per)]);
        let headline = ["Dissident", "Wang", "Donghai", "Detained"];
        let mut spans = vec![(1, 3, Label::Per)];
        join_name_parts(&clusters, &headline, &mut spans);
        assert_eq!(spans, [(1, 3, Label::Per)]);
        let mut spans = vec![(2, 4, Label::Per)];
        join_name_parts(&Clusters::default(), &toks, &mut spans);
        assert_eq!(spans, [(2, 4, Label::Per)]);
        // a place of name parts right before the person joins it; one with a
        // word of another cluster, or apart from the person, does not
        let mut spans = vec![(0, 2, Label::Loc), (2, 4, Label::Per), (15, 16, Label::Loc)];
        join_name_parts(&clusters, &toks, &mut spans);
        assert_eq!(spans, [(0, 4, Label::Per), (15, 16, Label::Loc)]);
        let mut spans = vec![(5, 6, Label::Loc), (6, 9, Label::Per)];
        join_name_parts(&clusters, &toks, &mut spans);
        assert_eq!(spans, [(5, 6, Label::Loc), (6, 9, Label::Per)]);
    }

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
    fn lane_viterbi_chooses_as_the_scalar_one() {
        if !cpu_has_avx2() {
            eprintln!("this CPU has no AVX2: the AVX2 Viterbi pass is not tested here");
        }
        // small integer scores make many ties: both passes keep the first
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = |k: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % k) as f32 - (k / 2) as f32
        };
        for tags in [
            TagSet::new(vec![Label::Per, Label::Loc, Label::Org]),
            TagSet::with_second(vec![Label::Per, Label::Loc, Label::Org], &[Label::Per]),
            TagSet::new(vec![Label::Per, Label::Loc, Label::Org, Label::Misc]),
        ] {
            let d = Decoder::new(&tags);
            // the decoder as on a CPU without AVX2
            let no_avx2 = Decoder {
                avx2: false,
                ..d.clone()
            };
            let t = tags.len();
            for round in 0..300 {
                let k = if round % 2 == 0 { 3 } else { 1000 };
                let n = 1 + round % 23;
                let emit: Vec<f32> = (0..n * t).map(|_| rnd(k)).collect();
                let trans: Vec<f32> = (0..t * t).map(|_| rnd(k) / 4.0).collect();
                let start: Vec<f32> = (0..t).map(|_| rnd(k)).collect();
                let end: Vec<f32> = (0..t).map(|_| rnd(k)).collect();
                let fast = d.decode(&emit, &trans, &start, &end);
                assert_eq!(
                    fast,
                    no_avx2.decode(&emit, &trans, &start, &end),
                    "with and without AVX2, {t} tags, round {round}"
                );
                let mut back = vec![0u16; n * t];
                let last = d.decode_scalar(&emit, &trans, &start, &mut back);
                let mut slow_back = vec![0u16; n * t];
                let lanes = if t <= 16 {
                    d.decode_lanes::<16>(&emit, &trans, &start, &mut slow_back)
                } else {
                    d.decode_lanes::<32>(&emit, &trans, &start, &mut slow_back)
                };
                assert_eq!(back, slow_back, "back pointers, {t} tags, round {round}");
                assert_eq!(last, lanes);
                #[cfg(target_arch = "x86_64")]
                if t <= 16 {
                    let mut sse_back = vec![0u16; n * t];
                    let sse = d.decode_sse2(&emit, &trans, &start, &mut sse_back);
                    assert_eq!(
                        back, sse_back,
                        "SSE2 back pointers, {t} tags, round {round}"
                    );
                    assert_eq!(last, sse);
                    if cpu_has_avx2() {
                        let mut avx_back = vec![0u16; n * t];
                        // SAFETY: the CPU has AVX2
                        let avx = unsafe { d.decode_avx2(&emit, &trans, &start, &mut avx_back) };
                        assert_eq!(
                            back, avx_back,
                            "AVX2 back pointers, {t} tags, round {round}"
                        );
                        assert_eq!(last, avx);
                    }
                }
                // the path from the scalar pass, ended as decode_with ends it
                let mut best = f32::NEG_INFINITY;
                let mut arg = 0usize;
                for j in 0..t {
                    if tags.allowed_end(j) && last[j] + end[j] > best {
                        best = last[j] + end[j];
                        arg = j;
                    }
                }
                let mut want = vec![arg as u16; n];
                for i in (1..n).rev() {
                    arg = back[i * t + arg] as usize;
                    want[i - 1] = arg as u16;
                }
                assert_eq!(fast, want);
            }
        }
    }

    /// The score of the tag path `tags` under first-order scores and, if
    /// `trans2` is not empty, tag trigram scores.
    fn path_score(
        t: usize,
        tags: &[u16],
        emit: &[f32],
        trans: &[f32],
        trans2: &[f32],
        start: &[f32],
        end: &[f32],
    ) -> f32 {
        let n = tags.len();
        let mut sc = start[tags[0] as usize] + end[tags[n - 1] as usize];
        for (i, &b) in tags.iter().enumerate() {
            sc += emit[i * t + b as usize];
            if i > 0 {
                sc += trans[tags[i - 1] as usize * t + b as usize];
            }
            if i > 1 && !trans2.is_empty() {
                sc += trans2[(tags[i - 2] as usize * t + tags[i - 1] as usize) * t + b as usize];
            }
        }
        sc
    }

    #[test]
    fn second_order_viterbi_finds_the_best_valid_path() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 2001) as f32 / 100.0 - 10.0
        };
        for tags in [
            TagSet::new(vec![Label::Per, Label::Loc]),
            TagSet::with_second(vec![Label::Per, Label::Loc], &[Label::Per]),
        ] {
            let d = Decoder::new(&tags);
            let t = tags.len();
            // every valid path of up to 4 units, by extension
            let mut paths: Vec<Vec<u16>> = (0..t as u16)
                .filter(|&j| tags.allowed_start(j as usize))
                .map(|j| vec![j])
                .collect();
            let mut by_len = vec![Vec::new()];
            for _ in 0..4 {
                by_len.push(paths.clone());
                let mut longer = Vec::new();
                for p in &paths {
                    let last = *p.last().unwrap() as usize;
                    for j in 0..t as u16 {
                        if tags.allowed(last, j as usize) {
                            longer.push([&p[..], &[j]].concat());
                        }
                    }
                }
                paths = longer;
            }
            let mut work = Vec::new();
            for round in 0..200 {
                let n = 1 + round % 4;
                let emit: Vec<f32> = (0..n * t).map(|_| rnd()).collect();
                let trans: Vec<f32> = (0..t * t).map(|_| rnd()).collect();
                let trans2: Vec<f32> = (0..t * t * t).map(|_| rnd()).collect();
                let start: Vec<f32> = (0..t).map(|_| rnd()).collect();
                let end: Vec<f32> = (0..t).map(|_| rnd()).collect();
                let score = |p: &[u16]| path_score(t, p, &emit, &trans, &trans2, &start, &end);
                let best = by_len[n]
                    .iter()
                    .filter(|p| tags.allowed_end(*p.last().unwrap() as usize))
                    .max_by(|a, b| score(a).total_cmp(&score(b)))
                    .unwrap();
                let got = d.decode2_with(&emit, &trans, &trans2, &start, &end, &mut work);
                assert_eq!(&got, best, "{t} tags, round {round}");
                // without trigram scores it is the first-order decoder's best
                let zeros = vec![0f32; t * t * t];
                let got = d.decode2_with(&emit, &trans, &zeros, &start, &end, &mut work);
                let first = d.decode(&emit, &trans, &start, &end);
                let score1 = |p: &[u16]| path_score(t, p, &emit, &trans, &[], &start, &end);
                assert_eq!(score1(&got), score1(&first), "{t} tags, round {round}");
            }
        }
    }

    #[test]
    fn second_order_viterbi_keeps_to_valid_transitions_on_long_input() {
        let tags = TagSet::with_second(vec![Label::Per, Label::Loc, Label::Org], &[Label::Per]);
        let d = Decoder::new(&tags);
        let t = tags.len();
        let n = 300;
        // emissions that alone pick I-PER everywhere, trigrams that favour
        // O after two I tags
        let emit: Vec<f32> = (0..n * t)
            .map(|i| if i % t == 2 { 9.0 } else { 0.0 })
            .collect();
        let trans2: Vec<f32> = (0..t * t * t).map(|i| (i % 7) as f32).collect();
        let zeros = vec![0f32; t * t];
        let out = d.decode2_with(
            &emit,
            &zeros,
            &trans2,
            &vec![0.0; t],
            &vec![0.0; t],
            &mut Vec::new(),
        );
        assert_eq!(out.len(), n);
        assert!(tags.allowed_start(out[0] as usize));
        assert!(tags.allowed_end(out[n - 1] as usize));
        for w in out.windows(2) {
            assert!(tags.allowed(w[0] as usize, w[1] as usize), "{out:?}");
        }
    }

    #[test]
    fn lookups_probe_past_keys_with_the_same_fingerprint() {
        // three keys whose bits 4–39 agree: one fingerprint, one home slot
        let k = |i: u64| (i << 40) | 16;
        assert_eq!(fingerprint(k(1)), fingerprint(k(2)));
        let rows = vec![(k(1), vec![1i16, 0, 0]), (k(2), vec![0, 2, 0])];
        let t = FeatTable::build(3, 0, &rows);
        let mut acc = vec![0i32; t.acc_len()];
        t.add(k(2), &mut acc);
        assert_eq!(acc[..3], [0, 2, 0]);
        t.add(k(3), &mut acc); // absent, its fingerprint present
        t.add(k(1), &mut acc);
        assert_eq!(acc[..3], [1, 2, 0]);
        // the two-pass scoring of a sentence adds the same rows
        let mut buf = FeatBuf::default();
        buf.feats.extend([k(2), k(3), k(1), k(1)]);
        buf.offsets.extend([0, 1, 4]);
        let w = t.acc_len();
        let mut acc = vec![0i32; 2 * w];
        t.score(&buf, &mut acc, w, &mut Vec::new());
        assert_eq!(acc[..3], [0, 2, 0]);
        assert_eq!(acc[w..w + 3], [2, 0, 0]);
    }

    /// Keys crowded at the table's last slot: their probes wrap to its
    /// start and run past one read of [`FP_RUN`] fingerprints, some keys
    /// share a fingerprint; scoring (the built table and the one read from
    /// bytes, whose slots are one per cache line) finds exactly the rows
    /// present, one feature per position.
    #[test]
    fn fingerprint_runs_wrap_and_go_on_past_one_read() {
        let ntags = 13;
        let row = |i: u64| -> Vec<i16> { (0..ntags as i16).map(|t| t * 7 - i as i16).collect() };
        // home cap − 1 for every table size here; fingerprints repeat every 5
        let crowded = |i: u64| (u64::MAX - (i << 24) - ((i % 5) << 5)) & !15;
        let spread = |i: u64| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) & !15;
        let rows: Vec<(u64, Vec<i16>)> = (0..40)
            .map(|i| (crowded(i), row(i)))
            .chain((1..200).map(|i| (spread(i), row(i + 100))))
            .collect();
        let built = Table::build_rows(ntags, &rows);
        assert!(rows
            .iter()
            .take(40)
            .all(|r| built.home(r.0) == built.cap() - 1));
        let read =
            Table::from_bytes(Cow::Owned(built.bytes().to_vec()), ntags, 1, built.cap()).unwrap();
        let absent = (40..60)
            .map(crowded)
            .chain((1..30).map(|i| spread(i) ^ (1 << 40)));
        let keys: Vec<u64> = rows.iter().map(|r| r.0).chain(absent).collect();
        // the one-read search finds what the one-at-a-time one finds, from
        // any slot (runs that wrap, hit, meet an empty slot or go on)
        for table in [&built, &read] {
            for &key in &keys {
                for home in 0..table.cap() {
                    assert_eq!(
                        table.candidate_from(key, home),
                        table.candidate_scan(fingerprint(key), home),
                        "key {key:x} from slot {home}"
                    );
                }
            }
        }
        if !cpu_has_avx2() {
            eprintln!("this CPU has no AVX2: scoring with AVX2 is not tested here");
        }
        let mut buf = FeatBuf::default();
        buf.feats.extend(&keys);
        buf.offsets.extend(0..=keys.len() as u32);
        for narrow in [built, read] {
            let table = FeatTable::from_parts(
                0,
                narrow,
                Table::build_rows(ntags, &[]),
                Table::build_rows(ntags, &[]),
                rows.len(),
            );
            let w = table.acc_len();
            let mut acc = vec![0i32; keys.len() * w];
            table.score(&buf, &mut acc, w, &mut Vec::new());
            // the rows added without AVX2 and with it: the same sums
            let mut plain = vec![0i32; keys.len() * w];
            table.score_with::<false>(&buf, &mut plain, w, &mut Vec::new());
            assert_eq!(acc, plain);
            #[cfg(target_arch = "x86_64")]
            if cpu_has_avx2() {
                let mut avx = vec![0i32; keys.len() * w];
                // SAFETY: the CPU has AVX2
                unsafe { table.score_avx2(&buf, &mut avx, w, &mut Vec::new()) };
                assert_eq!(acc, avx);
            }
            for (i, key) in keys.iter().enumerate() {
                let want: Vec<i32> = match rows.iter().find(|r| r.0 == *key) {
                    Some((_, r)) => r.iter().map(|&x| x as i32).collect(),
                    None => vec![0; ntags],
                };
                assert_eq!(acc[i * w..i * w + ntags], want[..], "key {i}: {key:x}");
            }
        }
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

    #[test]
    fn a_table_read_from_bytes_answers_from_its_cache_lines_as_from_its_bytes() {
        // 13 tags: 40-byte one-row slots, copied one per cache line when read
        let ntags = 13;
        let rows: Vec<(u64, Vec<i16>)> = (1..200u64)
            .map(|i| {
                let key = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) & !15;
                (key, (0..ntags as i16).map(|t| t - i as i16).collect())
            })
            .collect();
        let built = Table::build_rows(ntags, &rows);
        built.line_up();
        assert!(built.lines.get().is_none());
        let read =
            Table::from_bytes(Cow::Owned(built.bytes().to_vec()), ntags, 1, built.cap()).unwrap();
        // made on first use, not at load; the same answers before and after
        assert!(read.lines.get().is_none());
        let answers = |t: &Table| -> Vec<Vec<i32>> {
            let absent = (1..50u64).map(|i| i.wrapping_mul(0x1234_5678_9abc_def1) & !15);
            rows.iter()
                .map(|r| r.0)
                .chain(absent)
                .map(|key| {
                    let mut a = vec![0i32; 16];
                    t.add(key, 0, &mut a);
                    a
                })
                .collect()
        };
        let before = answers(&read);
        read.line_up();
        assert_eq!(answers(&read), before);
        assert_eq!(read.lines.get().map(Vec::len), Some(read.cap()));
        assert_eq!(read.bytes(), built.bytes());
        let absent = (1..50u64).map(|i| i.wrapping_mul(0x1234_5678_9abc_def1) & !15);
        for key in rows.iter().map(|r| r.0).chain(absent) {
            let (mut a, mut b) = (vec![0i32; 16], vec![0i32; 16]);
            built.add(key, 0, &mut a);
            read.add(key, 0, &mut b);
            assert_eq!(a, b, "{key:x}");
        }
        let table = FeatTable::from_parts(
            0,
            read,
            Table::build_rows(ntags, &[]),
            Table::build_rows(ntags, &[]),
            rows.len(),
        );
        let mut buf = FeatBuf::default();
        buf.feats.extend(rows.iter().map(|r| r.0));
        buf.offsets.extend([0, rows.len() as u32]);
        let mut acc = vec![0i32; table.acc_len()];
        table.score(&buf, &mut acc, table.acc_len(), &mut Vec::new());
        let mut want = vec![0i32; table.acc_len()];
        for (k, _) in &rows {
            built.add(*k, 0, &mut want);
        }
        assert_eq!(acc, want);
    }
}
