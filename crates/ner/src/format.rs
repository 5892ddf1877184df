//! The model file format: version 3 (written and read) and version 2 (read).
//!
//! Version 3 stores every table in the layout tagging searches, so a model
//! is used where its bytes lie: the embedded models straight from the
//! binary, a file after one read. All numbers are little-endian.
//!
//! ```text
//! 0   8 bytes   magic "ZHENNER\x03" (the last byte is the version)
//! 8   u64       length of the whole file in bytes
//! 16  u32       CRC-32 (IEEE) of the whole file, these four bytes taken as zero
//! 20  u32       number of sections, 1 to 16
//! 24  32 bytes  per section: name (ASCII, NUL-padded to 16 bytes), offset u64, length u64
//! …   sections, each at an offset that is a multiple of 64, zero bytes between
//! ```
//!
//! Sections: `meta` (language, id, feature flags, labels, lexicon and table
//! sizes, weight scale), `transitions` (`f32` transition, start and end
//! scores), `transitions2` (second-order models only: `f32` scores of tag
//! trigrams, `ntags³`), `lexicon` and `clusters` (hash tables of `u64` key
//! and `u32` value slots, see [`HashTable::from_raw`]; `clusters` in models
//! with cluster features only), `narrow`, `wide` and `unigrams` (weight
//! tables: per slot a `u64` key, then rows of `i16` weights padded to
//! eight), `domains` and `domain_ngrams` (models with per-source features
//! only: the source names and biases, the source classifier's weight table).
//! A section only some models have is there exactly when the feature flag
//! that calls for it is set. Reading checks the length, the checksum, every
//! section's bounds and every table's size against the tag set before
//! anything is used, and allocates nothing in proportion to a number the
//! file states; lookups probe each slot at most once, so no content can make
//! them spin.
//!
//! Version 2 (varint-coded sorted rows, no checksum) is still read, with
//! every count checked against the bytes left; [`NerModel::write`] always
//! writes version 3.

use std::borrow::Cow;
use std::ops::Range;

use zhen_core::Label;

use crate::bio::TagSet;
use crate::features::{flags, Clusters, Lexicon, GROUPED, UNIGRAM_GROUP};
use crate::mem::HashTable;
use crate::model::{Decoder, Extractor, FeatTable, NerModel, Table, GROUP_WIDTH, UNI_WIDTH};
use crate::{Error, Result};

/// The magic bytes of the version this build writes.
pub(crate) const MAGIC: &[u8; 8] = b"ZHENNER\x03";
const HEADER: usize = 24;
const ENTRY: usize = 32;
const MAX_SECTIONS: usize = 16;
const ALIGN: usize = 64;
const MAX_LABELS: usize = 64;

const META: &str = "meta";
const TRANSITIONS: &str = "transitions";
const LEXICON: &str = "lexicon";
const CLUSTERS: &str = "clusters";
const NARROW: &str = "narrow";
const WIDE: &str = "wide";
const UNIGRAMS: &str = "unigrams";
const TRANSITIONS2: &str = "transitions2";
const DOMAINS: &str = "domains";
const DOMAIN_NGRAMS: &str = "domain_ngrams";
const KNOWN: [&str; 10] = [
    META,
    TRANSITIONS,
    LEXICON,
    CLUSTERS,
    NARROW,
    WIDE,
    UNIGRAMS,
    TRANSITIONS2,
    DOMAINS,
    DOMAIN_NGRAMS,
];

/// The bytes a model is read from: the program's own (used in place) or a
/// buffer the caller keeps (tables are copied out of it).
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    /// Bytes that live as long as the program, such as `include_bytes!`.
    Static(&'static [u8]),
    /// Any other bytes.
    Borrowed(&'a [u8]),
}

impl Source<'_> {
    fn data(&self) -> &[u8] {
        match self {
            Source::Static(d) => d,
            Source::Borrowed(d) => d,
        }
    }

    fn cow(&self, r: Range<usize>) -> Cow<'static, [u8]> {
        match self {
            Source::Static(d) => Cow::Borrowed(&d[r]),
            Source::Borrowed(d) => {
                // huge-page backed where available: lookups are random
                let mut v = crate::mem::zeroed(r.len(), 0u8);
                v.copy_from_slice(&d[r]);
                Cow::Owned(v)
            }
        }
    }
}

fn corrupt(offset: usize, message: impl Into<String>) -> Error {
    Error::CorruptModel {
        path: None,
        offset: offset as u64,
        message: message.into(),
    }
}

/// The CRC-32 of `data` with its checksum field taken as zero.
fn checksum(data: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&data[..16]);
    h.update(&[0; 4]);
    h.update(&data[20..]);
    h.finalize()
}

/// Reads a model of any supported version. With `verify` false the
/// checksum of a version 3 model is not computed (for the embedded models,
/// which the tests verify); every other check is made.
pub(crate) fn read(src: Source<'_>, verify: bool) -> Result<NerModel> {
    let data = src.data();
    if data.len() < 8 || &data[..7] != b"ZHENNER" {
        let n = data.len().min(8);
        return Err(Error::BadModel(format!(
            "starts with {:?}, expected the magic bytes \"ZHENNER\\x03\"; pass a .zner file written by zhen's NER trainer",
            String::from_utf8_lossy(&data[..n])
        )));
    }
    match data[7] {
        3 => read_v3(src, verify),
        2 => read_v2(data),
        v => Err(Error::BadModel(format!(
            "format version {v} is not supported (this build reads versions 2 and 3){}",
            if v < 2 {
                "; version 1 models hashed features differently and must be retrained"
            } else {
                "; upgrade zhen"
            }
        ))),
    }
}

/// A bounds-checked reader over one section.
struct Cursor<'a> {
    d: &'a [u8],
    p: usize,
    /// Offset of `d` in the file, for messages.
    base: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let s = self
            .p
            .checked_add(n)
            .and_then(|end| self.d.get(self.p..end))
            .ok_or_else(|| {
                corrupt(
                    self.base + self.p,
                    format!("{what} needs {n} bytes, {} are left", self.d.len() - self.p),
                )
            })?;
        self.p += n;
        Ok(s)
    }
    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.take(1, what)?[0])
    }
    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(
            self.take(4, what)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(
            self.take(8, what)?.try_into().expect("8 bytes"),
        ))
    }
    fn usize(&mut self, what: &str) -> Result<usize> {
        let at = self.base + self.p;
        let v = self.u64(what)?;
        usize::try_from(v).map_err(|_| corrupt(at, format!("{what} {v} is too large")))
    }
    fn f32(&mut self, what: &str) -> Result<f32> {
        Ok(f32::from_le_bytes(
            self.take(4, what)?.try_into().expect("4 bytes"),
        ))
    }
    fn str(&mut self, what: &str) -> Result<String> {
        let n = self.u32(what)? as usize;
        let at = self.base + self.p;
        let b = self.take(n, what)?;
        String::from_utf8(b.to_vec()).map_err(|_| corrupt(at, format!("{what} is not UTF-8")))
    }
}

fn put_str(b: &mut Vec<u8>, s: &str) {
    b.extend_from_slice(&(s.len() as u32).to_le_bytes());
    b.extend_from_slice(s.as_bytes());
}

/// Writes `m` in version 3.
pub(crate) fn write_v3(m: &NerModel) -> Vec<u8> {
    // Canonical tables: rebuilt from sorted rows, so a model gives the same
    // bytes however it was trained or loaded.
    let mut rows: Vec<(u64, Vec<i16>)> = m.table.iter().collect();
    rows.sort_unstable_by_key(|r| r.0);
    let t = m.tags.len();
    let table = FeatTable::build(t, m.ex.flags, &rows);
    let lexicon = HashTable::from_pairs(m.ex.lexicon.compiled().into_iter());
    let clusters = (m.ex.flags & flags::CLUSTERS != 0)
        .then(|| HashTable::from_pairs(m.ex.clusters.compiled().into_iter()));

    let mut meta = Vec::new();
    put_str(&mut meta, &m.lang);
    put_str(&mut meta, &m.id);
    meta.push(m.ex.english as u8);
    meta.extend_from_slice(&m.ex.flags.to_le_bytes());
    meta.extend_from_slice(&(m.tags.labels().len() as u32).to_le_bytes());
    for l in m.tags.labels() {
        put_str(&mut meta, l.as_str());
    }
    meta.push(m.ex.lexicon.is_tokens() as u8);
    for v in [
        m.ex.lexicon.max_len(),
        m.ex.lexicon.len(),
        lexicon.len(),
        clusters.as_ref().map_or(0, HashTable::len),
        table.len(),
    ] {
        meta.extend_from_slice(&(v as u64).to_le_bytes());
    }
    for part in table.parts() {
        meta.extend_from_slice(&(part.cap() as u64).to_le_bytes());
    }
    meta.extend_from_slice(&m.scale.to_le_bytes());

    let mut trans = Vec::with_capacity(4 * (t * t + 2 * t));
    for v in m.trans.iter().chain(&m.start).chain(&m.end) {
        trans.extend_from_slice(&v.to_le_bytes());
    }
    let [narrow, wide, uni] = table.parts();
    let lexicon = lexicon.to_raw();
    let clusters = clusters.map(|c| c.to_raw());
    let trans2: Vec<u8> = m.trans2.iter().flat_map(|v| v.to_le_bytes()).collect();
    let mut sections: Vec<(&str, &[u8])> =
        vec![(META, &meta), (TRANSITIONS, &trans), (LEXICON, &lexicon)];
    if m.ex.flags & flags::SECOND_ORDER != 0 {
        sections.push((TRANSITIONS2, &trans2));
    }
    if let Some(c) = &clusters {
        sections.push((CLUSTERS, c));
    }
    sections.extend([
        (NARROW, narrow.bytes()),
        (WIDE, wide.bytes()),
        (UNIGRAMS, uni.bytes()),
    ]);
    // the sources and their classifier (flags::DOMAINS models only)
    let mut dom = Vec::new();
    if let Some(d) = &m.domains {
        dom.extend_from_slice(&(d.names.len() as u32).to_le_bytes());
        for (n, b) in d.names.iter().zip(&d.bias) {
            put_str(&mut dom, n);
            dom.extend_from_slice(&b.to_le_bytes());
        }
        dom.extend_from_slice(&(d.ngrams.cap() as u64).to_le_bytes());
        sections.push((DOMAINS, &dom));
        sections.push((DOMAIN_NGRAMS, d.ngrams.bytes()));
    }

    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[0; 12]); // length and checksum, filled in below
    out.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    let mut offset = (HEADER + ENTRY * sections.len()).next_multiple_of(ALIGN);
    for (name, bytes) in &sections {
        let mut n = [0u8; 16];
        n[..name.len()].copy_from_slice(name.as_bytes());
        out.extend_from_slice(&n);
        out.extend_from_slice(&(offset as u64).to_le_bytes());
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        offset = (offset + bytes.len()).next_multiple_of(ALIGN);
    }
    for (_, bytes) in &sections {
        out.resize(out.len().next_multiple_of(ALIGN), 0);
        out.extend_from_slice(bytes);
    }
    let len = out.len() as u64;
    out[8..16].copy_from_slice(&len.to_le_bytes());
    let crc = checksum(&out);
    out[16..20].copy_from_slice(&crc.to_le_bytes());
    out
}

fn read_v3(src: Source<'_>, verify: bool) -> Result<NerModel> {
    let data = src.data();
    if data.len() < HEADER {
        return Err(corrupt(
            data.len(),
            format!(
                "the file ends after {} bytes, inside the {HEADER}-byte header: it is truncated",
                data.len()
            ),
        ));
    }
    let mut c = Cursor {
        d: &data[..HEADER],
        p: 8,
        base: 0,
    };
    let len = c.u64("the file length")?;
    if len != data.len() as u64 {
        return Err(corrupt(
            8,
            format!(
                "the header gives the length as {len} bytes but the file has {}: it is {}",
                data.len(),
                if len > data.len() as u64 {
                    "truncated"
                } else {
                    "corrupt or has bytes appended"
                }
            ),
        ));
    }
    let stored = c.u32("the checksum")?;
    if verify {
        let actual = checksum(data);
        if actual != stored {
            return Err(corrupt(
                16,
                format!(
                    "checksum mismatch (stored {stored:#010x}, computed {actual:#010x}): the file was damaged or changed after it was written"
                ),
            ));
        }
    }
    let n = c.u32("the section count")? as usize;
    if n == 0 || n > MAX_SECTIONS {
        return Err(corrupt(
            20,
            format!("{n} sections (a model has 1 to {MAX_SECTIONS})"),
        ));
    }
    let table_end = HEADER + ENTRY * n;
    let mut c = Cursor {
        d: data.get(..table_end).ok_or_else(|| {
            corrupt(
                data.len(),
                format!(
                    "the section table needs {table_end} bytes, the file has {}",
                    data.len()
                ),
            )
        })?,
        p: HEADER,
        base: 0,
    };
    let mut ranges: Vec<(&str, Range<usize>)> = Vec::with_capacity(n);
    for i in 0..n {
        let at = c.p;
        let raw = c.take(16, "a section name")?;
        let name_len = raw.iter().position(|&b| b == 0).unwrap_or(16);
        let Some(name) = KNOWN
            .iter()
            .find(|k| k.as_bytes() == &raw[..name_len] && raw[name_len..].iter().all(|&b| b == 0))
        else {
            return Err(corrupt(
                at,
                format!(
                    "section {i} has the unknown name {:?}",
                    String::from_utf8_lossy(&raw[..name_len])
                ),
            ));
        };
        let off = c.usize("a section offset")?;
        let size = c.usize("a section length")?;
        let end = off.checked_add(size).filter(|&e| e <= data.len());
        let Some(end) = end.filter(|_| off % ALIGN == 0 && off >= table_end) else {
            return Err(corrupt(
                at,
                format!(
                    "section `{name}` at bytes {off}..+{size} lies outside the file ({} bytes) or is misplaced",
                    data.len()
                ),
            ));
        };
        if ranges.iter().any(|(n, _)| n == name) {
            return Err(corrupt(at, format!("section `{name}` appears twice")));
        }
        ranges.push((name, off..end));
    }
    let find = |name: &str| {
        ranges
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, r)| r.clone())
    };
    let section = |name: &str| -> Result<Range<usize>> {
        find(name).ok_or_else(|| corrupt(24, format!("the section `{name}` is missing")))
    };

    let mr = section(META)?;
    let mut c = Cursor {
        d: &data[mr.clone()],
        p: 0,
        base: mr.start,
    };
    let lang = c.str("the language")?;
    let id = c.str("the model id")?;
    let english = c.u8("the English flag")? != 0;
    let at = mr.start + c.p;
    let fl = c.u32("the feature flags")?;
    if fl & !flags::KNOWN != 0 {
        return Err(Error::BadModel(format!(
            "feature flags {:#x} unknown to this version of zhen-ner (a newer model?)",
            fl & !flags::KNOWN
        )));
    }
    let nl = c.u32("the label count")? as usize;
    if nl == 0 || nl > MAX_LABELS {
        return Err(corrupt(
            at + 4,
            format!("{nl} labels (a model has 1 to {MAX_LABELS})"),
        ));
    }
    let mut labels = Vec::with_capacity(nl);
    for _ in 0..nl {
        labels.push(Label::new(&c.str("a label")?));
    }
    let lex_tokens = c.u8("the lexicon kind")? != 0;
    let lex_max = c.usize("the lexicon's longest entry")?;
    let lex_entries = c.usize("the lexicon entry count")?;
    let lex_keys = c.usize("the lexicon key count")?;
    let cluster_keys = c.usize("the cluster key count")?;
    let rows = c.usize("the feature row count")?;
    let caps = [
        c.usize("the narrow table size")?,
        c.usize("the wide table size")?,
        c.usize("the unigram table size")?,
    ];
    let scale = c.f32("the weight scale")?;
    if !scale.is_finite() {
        return Err(corrupt(
            mr.start + c.p - 4,
            format!("the weight scale {scale} is not a finite number"),
        ));
    }

    let tags = TagSet::for_flags(labels, fl);
    let t = tags.len();
    let tr = section(TRANSITIONS)?;
    let want = 4 * (t * t + 2 * t);
    if tr.len() != want {
        return Err(corrupt(
            tr.start,
            format!(
                "the transitions take {} bytes; {t} tags need {want}",
                tr.len()
            ),
        ));
    }
    let mut fl32: Vec<f32> = data[tr]
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
        .collect();
    let end = fl32.split_off(t * t + t);
    let start = fl32.split_off(t * t);
    let trans = fl32;
    // A section only some models have: there exactly when feature flag
    // `flag` is set (`with`: what the flag gives a model, for the messages).
    let optional = |flag: u32, name: &str, with: &str| -> Result<Option<Range<usize>>> {
        match (fl & flag != 0, find(name)) {
            (true, Some(r)) => Ok(Some(r)),
            (true, None) => Err(corrupt(
                24,
                format!("the section `{name}` is missing from a model with {with}"),
            )),
            (false, Some(r)) => Err(corrupt(
                r.start,
                format!("a `{name}` section in a model without {with}"),
            )),
            (false, None) => Ok(None),
        }
    };
    let trans2 = match optional(flags::SECOND_ORDER, TRANSITIONS2, "a second-order decoder")? {
        Some(r) => {
            let want = 4 * t * t * t;
            if r.len() != want {
                return Err(corrupt(
                    r.start,
                    format!(
                        "the tag trigram scores take {} bytes; {t} tags need {want}",
                        r.len()
                    ),
                ));
            }
            data[r]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
                .collect()
        }
        None => Vec::new(),
    };

    let lr = section(LEXICON)?;
    let map = HashTable::from_raw(src.cow(lr.clone()), lex_keys)
        .map_err(|e| corrupt(lr.start, format!("the lexicon table: {e}")))?;
    let lexicon = Lexicon::from_table(lex_tokens, lex_max, lex_entries, map);
    let clusters = match optional(flags::CLUSTERS, CLUSTERS, "cluster features")? {
        Some(r) => Clusters::from_table(
            HashTable::from_raw(src.cow(r.clone()), cluster_keys)
                .map_err(|e| corrupt(r.start, format!("the cluster table: {e}")))?,
        ),
        None => Clusters::default(),
    };
    let mut parts = Vec::with_capacity(3);
    for ((name, width), cap) in [(NARROW, 1), (WIDE, GROUP_WIDTH), (UNIGRAMS, UNI_WIDTH)]
        .into_iter()
        .zip(caps)
    {
        let r = section(name)?;
        parts.push(
            Table::from_bytes(src.cow(r.clone()), t, width, cap)
                .map_err(|e| corrupt(r.start, format!("the `{name}` weight table: {e}")))?,
        );
    }
    let uni = parts.pop().expect("three tables");
    let wide = parts.pop().expect("three tables");
    let narrow = parts.pop().expect("three tables");
    let per_source = "per-source features";
    let dr = optional(flags::DOMAINS, DOMAINS, per_source)?;
    let nr = optional(flags::DOMAINS, DOMAIN_NGRAMS, per_source)?;
    // both or neither, as the flag is set or not
    let domains = match dr.zip(nr) {
        Some((r, nr)) => {
            let mut c = Cursor {
                d: &data[r.clone()],
                p: 0,
                base: r.start,
            };
            let k = c.u32("the source count")? as usize;
            if k == 0 || k > crate::domain::MAX_DOMAINS {
                return Err(corrupt(
                    r.start,
                    format!(
                        "{k} sources (a model has 1 to {})",
                        crate::domain::MAX_DOMAINS
                    ),
                ));
            }
            let (mut names, mut bias) = (Vec::with_capacity(k), Vec::with_capacity(k));
            for _ in 0..k {
                names.push(c.str("a source name")?);
                bias.push(c.u32("a source bias")? as i32);
            }
            let cap = c.usize("the source n-gram table size")?;
            Some(
                crate::domain::Domains::from_parts(names, bias, src.cow(nr.clone()), cap)
                    .map_err(|e| corrupt(nr.start, format!("the source classifier: {e}")))?,
            )
        }
        None => None,
    };
    Ok(NerModel {
        lang,
        id,
        ex: Extractor {
            english,
            flags: fl,
            lexicon,
            clusters,
        },
        decoder: Decoder::new(&tags),
        tags,
        table: FeatTable::from_parts(fl, narrow, wide, uni, rows),
        scale,
        trans,
        trans2,
        start,
        end,
        domains,
    })
}

/// A reader of version 2's varint-coded data.
struct V2<'a> {
    d: &'a [u8],
    p: usize,
}

impl V2<'_> {
    fn eof(&self) -> Error {
        corrupt(
            self.p,
            "unexpected end of data: the file is truncated".to_string(),
        )
    }
    fn left(&self) -> usize {
        self.d.len() - self.p
    }
    fn byte(&mut self) -> Result<u8> {
        let b = *self.d.get(self.p).ok_or_else(|| self.eof())?;
        self.p += 1;
        Ok(b)
    }
    fn var(&mut self) -> Result<u64> {
        let at = self.p;
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            if shift > 63 {
                return Err(corrupt(at, "a number longer than 64 bits"));
            }
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Ok(v);
            }
            shift += 7;
        }
    }
    /// A count of items that take at least `min_bytes` each: never more
    /// than the bytes left allow.
    fn count(&mut self, what: &str, min_bytes: usize) -> Result<usize> {
        let at = self.p;
        let n = self.var()?;
        if n > (self.left() / min_bytes.max(1)) as u64 {
            return Err(corrupt(
                at,
                format!("{n} {what}, but only {} bytes are left", self.left()),
            ));
        }
        Ok(n as usize)
    }
    fn str(&mut self) -> Result<String> {
        let n = self.count("string bytes", 1)?;
        let at = self.p;
        let s = &self.d[self.p..self.p + n];
        self.p += n;
        String::from_utf8(s.to_vec()).map_err(|_| corrupt(at, "a string that is not UTF-8"))
    }
    fn pairs(&mut self, what: &str) -> Result<Vec<(u64, u32)>> {
        let n = self.count(what, 2)?;
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

/// Version 2: varints, feature rows sorted by key, no checksum.
fn read_v2(data: &[u8]) -> Result<NerModel> {
    let mut c = V2 { d: data, p: 8 };
    let lang = c.str()?;
    let id = c.str()?;
    let english = c.byte()? != 0;
    let fl = c.var()? as u32;
    if fl & !flags::KNOWN != 0 {
        return Err(Error::BadModel(format!(
            "feature flags {:#x} unknown to this version of zhen-ner (a newer model?)",
            fl & !flags::KNOWN
        )));
    }
    if fl & flags::SECOND_ORDER != 0 {
        return Err(Error::BadModel(
            "a version 2 model with a second-order decoder (only version 3 stores one)".into(),
        ));
    }
    let at = c.p;
    let nl = c.count("labels", 1)?;
    if nl == 0 || nl > MAX_LABELS {
        return Err(corrupt(
            at,
            format!("{nl} labels (a model has 1 to {MAX_LABELS})"),
        ));
    }
    let mut labels = Vec::with_capacity(nl);
    for _ in 0..nl {
        labels.push(Label::new(&c.str()?));
    }
    let tags = TagSet::for_flags(labels, fl);
    let t = tags.len();
    let lex_tokens = c.byte()? != 0;
    let lex_max = c.var()? as usize;
    let lex = c.pairs("lexicon entries")?;
    let lexicon = Lexicon::from_compiled(lex_tokens, lex_max, lex.into_iter());
    let mut clusters = Clusters::default();
    if fl & flags::CLUSTERS != 0 {
        clusters = Clusters::from_compiled(&c.pairs("word clusters")?);
    }
    let scale = c.f32()?;
    let nt = t * t + 2 * t;
    if c.left() < 4 * nt {
        return Err(c.eof());
    }
    let mut fl32 = Vec::with_capacity(nt);
    for _ in 0..nt {
        fl32.push(c.f32()?);
    }
    let end = fl32.split_off(t * t + t);
    let start = fl32.split_off(t * t);
    let trans = fl32;
    // a row is its key and t weights, a byte at least each
    let nf = c.count("features", 1 + t)?;
    let mut keys = Vec::with_capacity(nf);
    let mut k = 0u64;
    for _ in 0..nf {
        let at = c.p;
        k = k.wrapping_add(c.var()?);
        let split = fl & flags::GROUP_UNIGRAMS != 0 && k & UNIGRAM_GROUP != 0;
        let width = if split { UNI_WIDTH } else { GROUP_WIDTH };
        if k == 0 || (k & GROUPED != 0 && (k & 7) as usize >= width) {
            return Err(corrupt(
                at,
                format!("feature key {k:#x} is not a valid key"),
            ));
        }
        keys.push(k);
    }
    let mut rows = Vec::with_capacity(nf);
    for k in keys {
        let mut row = vec![0i16; t];
        for v in row.iter_mut() {
            let z = c.var()?;
            *v = ((z >> 1) as i64 ^ -((z & 1) as i64)) as i16;
        }
        rows.push((k, row));
    }
    if c.d.get(c.p..c.p + 4) != Some(b"END\0") {
        return Err(corrupt(
            c.p,
            "missing end marker: the file is truncated or corrupt",
        ));
    }
    let table = FeatTable::build(t, fl, &rows);
    Ok(NerModel {
        lang,
        id,
        ex: Extractor {
            english,
            flags: fl,
            lexicon,
            clusters,
        },
        decoder: Decoder::new(&tags),
        tags,
        table,
        trans2: Vec::new(),
        scale,
        trans,
        start,
        end,
        domains: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small model of every kind of table: single and grouped features,
    /// a lexicon, and (English) word clusters.
    fn tiny(english: bool) -> NerModel {
        let fl = if english {
            flags::CLUSTERS | flags::GROUP_UNIGRAMS
        } else {
            flags::GROUP_UNIGRAMS | flags::SECOND_PER
        };
        let tags = TagSet::for_flags(vec![Label::Per, Label::Loc], fl);
        let t = tags.len();
        let mut lexicon = Lexicon::new(english);
        let mut clusters = Clusters::default();
        if english {
            lexicon.insert("New York", 2);
            lexicon.insert("Paris", 2);
            assert!(clusters.insert("Paris", &[3, 17]));
        } else {
            lexicon.insert("北京", 2);
            lexicon.insert("北京市", 2);
        }
        let row = |s: i16| (0..t as i16).map(|j| (j - 3) * s).collect::<Vec<i16>>();
        let mut rows = Vec::new();
        for k in 1..60u64 {
            rows.push((k << 8, row(k as i16)));
            rows.push(((k << 8) | GROUPED | (k % 4), row(-(k as i16))));
            rows.push(((k << 8) | GROUPED | UNIGRAM_GROUP | (k % 7), row(2)));
        }
        NerModel {
            lang: if english { "en" } else { "zh" }.into(),
            id: "tiny-1".into(),
            ex: Extractor {
                english,
                flags: fl,
                lexicon,
                clusters,
            },
            decoder: Decoder::new(&tags),
            table: FeatTable::build(t, fl, &rows),
            scale: 0.01,
            trans: (0..t * t).map(|i| i as f32 / 7.0).collect(),
            trans2: Vec::new(),
            start: vec![0.5; t],
            end: vec![-0.25; t],
            tags,
            domains: None,
        }
    }

    fn tag(m: &NerModel, s: &str) -> Vec<Vec<crate::Mention<zhen_core::Bytes>>> {
        m.tag_text(&[crate::Text::from(s)], &crate::TagOptions::default())
            .unwrap()
    }

    fn sorted_rows(m: &NerModel) -> Vec<(u64, Vec<i16>)> {
        let mut r: Vec<_> = m.table.iter().collect();
        r.sort();
        r
    }

    fn fix_checksum(b: &mut [u8]) {
        let c = checksum(b);
        b[16..20].copy_from_slice(&c.to_le_bytes());
    }

    fn must_fail(b: &[u8]) -> String {
        match read(Source::Borrowed(b), true) {
            Ok(_) => panic!("a damaged model was accepted"),
            Err(e) => e.to_string(),
        }
    }

    /// The error for `b` changed by `f`, with the checksum fixed as a
    /// crafted file has it.
    fn crafted(b: &[u8], f: &dyn Fn(&mut Vec<u8>)) -> String {
        let mut b = b.to_vec();
        f(&mut b);
        fix_checksum(&mut b);
        must_fail(&b)
    }

    /// Offset of the section-table entry of section `name`.
    fn entry_of(b: &[u8], name: &str) -> usize {
        let n = u32::from_le_bytes(b[20..24].try_into().unwrap()) as usize;
        (0..n)
            .map(|i| HEADER + ENTRY * i)
            .find(|&e| b[e..e + 16].starts_with(name.as_bytes()) && b[e + name.len()] == 0)
            .unwrap()
    }

    fn section_of(b: &[u8], name: &str) -> Range<usize> {
        let e = entry_of(b, name);
        let off = u64::from_le_bytes(b[e + 16..e + 24].try_into().unwrap()) as usize;
        let len = u64::from_le_bytes(b[e + 24..e + 32].try_into().unwrap()) as usize;
        off..off + len
    }

    #[test]
    fn v3_round_trips_byte_for_byte_with_the_same_weights() {
        for english in [false, true] {
            let m = tiny(english);
            let bytes = write_v3(&m);
            assert_eq!(&bytes[..8], MAGIC);
            for src in [
                Source::Borrowed(&bytes),
                Source::Static(bytes.clone().leak()),
            ] {
                let back = read(src, true).unwrap();
                assert_eq!(sorted_rows(&back), sorted_rows(&m));
                assert_eq!(
                    (back.trans.clone(), back.start.clone()),
                    (m.trans.clone(), m.start.clone())
                );
                assert_eq!(back.end, m.end);
                assert_eq!(back.ex.lexicon.compiled(), m.ex.lexicon.compiled());
                assert_eq!(back.ex.lexicon.len(), m.ex.lexicon.len());
                assert_eq!(back.ex.clusters.compiled(), m.ex.clusters.compiled());
                assert_eq!(back.num_features(), m.num_features());
                assert_eq!(write_v3(&back), bytes);
            }
            let s = if english {
                "Paris is in France ."
            } else {
                "他在北京市工作。"
            };
            let back = read(Source::Borrowed(&bytes), true).unwrap();
            assert_eq!(tag(&back, s), tag(&m, s));
        }
    }

    #[test]
    fn every_changed_byte_is_an_error() {
        let bytes = write_v3(&tiny(true));
        for i in 0..bytes.len() {
            for x in [0x01u8, 0x80, 0xFF] {
                let mut b = bytes.clone();
                b[i] ^= x;
                let e = must_fail(&b);
                // past the header only the checksum can tell
                if i >= HEADER {
                    assert!(e.contains("checksum mismatch"), "byte {i}: {e}");
                }
            }
        }
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = write_v3(&tiny(false));
        for n in 0..bytes.len() {
            let e = must_fail(&bytes[..n]);
            if n >= 16 {
                assert!(e.contains("truncated"), "{n} bytes: {e}");
            }
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(must_fail(&longer).contains("bytes appended"));
    }

    /// Damage with a correct checksum, as a crafted file has: every length
    /// and size is still checked against the file before use.
    #[test]
    fn absurd_lengths_and_sizes_are_errors() {
        let bytes = write_v3(&tiny(true));
        let edit = |f: &dyn Fn(&mut Vec<u8>)| crafted(&bytes, f);
        let put64 =
            |b: &mut Vec<u8>, at: usize, v: u64| b[at..at + 8].copy_from_slice(&v.to_le_bytes());
        let put32 =
            |b: &mut Vec<u8>, at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
        assert!(edit(&|b| put64(b, 8, u64::MAX)).contains("truncated"));
        for n in [0, 17, u32::MAX] {
            assert!(edit(&|b| put32(b, 20, n)).contains("sections"), "{n}");
        }
        let wide = entry_of(&bytes, WIDE);
        for (field, v) in [
            (16, u64::MAX),
            (24, u64::MAX),
            (16, 65),
            (24, 1 << 40),
            (16, 0),
        ] {
            let e = edit(&|b| put64(b, wide + field, v));
            assert!(e.contains("section `wide`"), "{field} {v}: {e}");
        }
        // a section named twice, an unknown name, a missing section
        let meta = entry_of(&bytes, META);
        assert!(edit(&|b| b.copy_within(meta..meta + 16, wide)).contains("appears twice"));
        assert!(edit(&|b| b[wide] = b'x').contains("unknown name"));
        let clusters = entry_of(&bytes, CLUSTERS);
        assert!(edit(
            &|b| b[clusters..clusters + 16].copy_from_slice(b"narrow\0\0\0\0\0\0\0\0\0\0")
        )
        .contains("appears twice"));
        // inside `meta`: a string, the label count, key counts, table sizes, the scale
        let m = section_of(&bytes, META).start;
        assert!(edit(&|b| put32(b, m, u32::MAX)).contains("the language needs"));
        let labels_at = m + 4 + 2 + 4 + 6 + 1 + 4;
        for n in [0, 65, u32::MAX] {
            assert!(edit(&|b| put32(b, labels_at, n)).contains("labels"), "{n}");
        }
        // three labels instead of two: the transitions no longer fit the tag set
        assert!(edit(&|b| put32(b, labels_at, 3)).contains("needs"));
        let counts = labels_at + 4 + (4 + 3) * 2 + 1; // max_len, entries, keys, cluster keys, rows
        let e = edit(&|b| put64(b, counts + 16, u64::MAX));
        assert!(e.contains("lexicon table"), "{e}");
        assert!(edit(&|b| put64(b, counts + 24, 1 << 40)).contains("cluster table"));
        for (i, name) in [NARROW, WIDE, UNIGRAMS].iter().enumerate() {
            for v in [0, 1, u64::MAX / 2] {
                let e = edit(&|b| put64(b, counts + 40 + 8 * i, v));
                assert!(
                    e.contains(&format!("`{name}` weight table")),
                    "{name} {v}: {e}"
                );
            }
        }
        assert!(edit(&|b| put32(b, counts + 64, f32::NAN.to_bits())).contains("weight scale"));
    }

    /// A second-order model stores its tag trigram scores in a section of
    /// their own, which must be there exactly when the flag says so.
    #[test]
    fn second_order_scores_round_trip_and_are_checked() {
        let mut m = tiny(false);
        let t = m.tags.len();
        m.ex.flags |= flags::SECOND_ORDER;
        m.trans2 = (0..t * t * t).map(|i| (i % 11) as f32 - 5.0).collect();
        let bytes = write_v3(&m);
        let back = read(Source::Borrowed(&bytes), true).unwrap();
        assert_eq!(back.trans2, m.trans2);
        assert_eq!(write_v3(&back), bytes);
        assert_eq!(tag(&back, "张三在北京市"), tag(&m, "张三在北京市"));

        let flags_at = section_of(&bytes, META).start + 4 + 2 + 4 + 6 + 1;
        let first = write_v3(&tiny(false));
        let put32 =
            |b: &mut Vec<u8>, at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
        let fl = m.ex.flags;
        // the flag without the section, the section without the flag
        let e = crafted(&first, &|b| put32(b, flags_at, fl));
        assert!(e.contains("`transitions2` is missing"), "{e}");
        let e = crafted(&bytes, &|b| put32(b, flags_at, fl & !flags::SECOND_ORDER));
        assert!(e.contains("without a second-order decoder"), "{e}");
        // a section of the wrong size
        let entry = entry_of(&bytes, TRANSITIONS2);
        let len = (4 * t * t * t - 4) as u64;
        let e = crafted(&bytes, &|b| {
            b[entry + 24..entry + 32].copy_from_slice(&len.to_le_bytes())
        });
        assert!(e.contains("tag trigram scores take"), "{e}");
    }

    /// Takes section `name` out of the section table, as a writer that left
    /// it out would (its bytes stay, unreferenced).
    fn drop_section(b: &mut [u8], name: &str) {
        let e = entry_of(b, name);
        let n = u32::from_le_bytes(b[20..24].try_into().unwrap()) as usize;
        let last = HEADER + ENTRY * (n - 1);
        b.copy_within(last..last + ENTRY, e);
        b[last..last + ENTRY].fill(0);
        b[20..24].copy_from_slice(&(n as u32 - 1).to_le_bytes());
    }

    /// Every section only some models have is there exactly when its flag
    /// is set: the flag without the section and the section without the
    /// flag are errors that name the section and what the flag gives.
    #[test]
    fn flag_gated_sections_are_there_exactly_when_their_flag_is_set() {
        // a model with every such section
        let mut m = tiny(true);
        let t = m.tags.len();
        m.ex.flags |= flags::SECOND_ORDER | flags::DOMAINS;
        m.trans2 = (0..t * t * t).map(|i| (i % 7) as f32 - 3.0).collect();
        let docs: Vec<Vec<char>> = ["新华社北京电国务院", "哈哈今天好开心"]
            .iter()
            .map(|s| s.chars().collect())
            .collect();
        m.domains = Some(crate::domain::Domains::train(
            vec!["news".into(), "chat".into()],
            &[(0, &docs[0][..]), (1, &docs[1][..])],
        ));
        let bytes = write_v3(&m);
        let back = read(Source::Borrowed(&bytes), true).unwrap();
        assert_eq!((&back.trans2, &back.domains), (&m.trans2, &m.domains));
        assert_eq!(write_v3(&back), bytes);

        let flags_at = section_of(&bytes, META).start + 4 + 2 + 4 + 6 + 1;
        let fl = m.ex.flags;
        let edit = |f: &dyn Fn(&mut Vec<u8>)| crafted(&bytes, f);
        let gated = [
            (flags::SECOND_ORDER, TRANSITIONS2, "a second-order decoder"),
            (flags::CLUSTERS, CLUSTERS, "cluster features"),
            (flags::DOMAINS, DOMAINS, "per-source features"),
            (flags::DOMAINS, DOMAIN_NGRAMS, "per-source features"),
        ];
        for (flag, name, with) in gated {
            let e = edit(&|b| drop_section(b, name));
            let want = format!("the section `{name}` is missing from a model with {with}");
            assert!(e.contains(&want), "{name}: {e}");
            // the flag cleared, and the other sections it calls for gone
            let e = edit(&|b| {
                b[flags_at..flags_at + 4].copy_from_slice(&(fl & !flag).to_le_bytes());
                for (f, other, _) in gated {
                    if f == flag && other != name {
                        drop_section(b, other);
                    }
                }
            });
            let want = format!("a `{name}` section in a model without {with}");
            assert!(e.contains(&want), "{name}: {e}");
        }
    }

    /// A crafted file whose tables have no empty slot still loads, and
    /// lookups of absent keys end.
    #[test]
    fn full_tables_do_not_make_lookups_spin() {
        let m = tiny(false);
        let mut bytes = write_v3(&m);
        let narrow = section_of(&bytes, NARROW);
        let stride = Table::stride_for(1, m.tags.len().next_multiple_of(crate::model::LANES));
        for (i, slot) in bytes[narrow].chunks_exact_mut(stride).enumerate() {
            if slot[..8] == [0; 8] {
                slot[..8].copy_from_slice(&((i as u64 + 1) << 40).to_le_bytes());
            }
        }
        fix_checksum(&mut bytes);
        let full = read(Source::Borrowed(&bytes), true).unwrap();
        tag(&full, "他在北京市工作。");
    }

    /// The writer of format version 2, kept to test its reader.
    fn write_v2(m: &NerModel) -> Vec<u8> {
        fn var(b: &mut Vec<u8>, mut v: u64) {
            while v >= 0x80 {
                b.push((v as u8) | 0x80);
                v >>= 7;
            }
            b.push(v as u8);
        }
        fn pairs(b: &mut Vec<u8>, p: &[(u64, u32)]) {
            var(b, p.len() as u64);
            let mut prev = 0;
            for &(k, v) in p {
                var(b, k - prev);
                var(b, v as u64);
                prev = k;
            }
        }
        fn s(b: &mut Vec<u8>, x: &str) {
            var(b, x.len() as u64);
            b.extend_from_slice(x.as_bytes());
        }
        let mut b = b"ZHENNER\x02".to_vec();
        s(&mut b, &m.lang);
        s(&mut b, &m.id);
        b.push(m.ex.english as u8);
        var(&mut b, m.ex.flags as u64);
        var(&mut b, m.tags.labels().len() as u64);
        for l in m.tags.labels() {
            s(&mut b, l.as_str());
        }
        b.push(m.ex.lexicon.is_tokens() as u8);
        var(&mut b, m.ex.lexicon.max_len() as u64);
        pairs(&mut b, &m.ex.lexicon.compiled());
        if m.ex.flags & flags::CLUSTERS != 0 {
            pairs(&mut b, &m.ex.clusters.compiled());
        }
        b.extend_from_slice(&m.scale.to_le_bytes());
        for v in m.trans.iter().chain(&m.start).chain(&m.end) {
            b.extend_from_slice(&v.to_le_bytes());
        }
        let rows = sorted_rows(m);
        var(&mut b, rows.len() as u64);
        let mut prev = 0;
        for (k, _) in &rows {
            var(&mut b, k - prev);
            prev = *k;
        }
        for (_, row) in &rows {
            for &v in row {
                var(&mut b, ((v as i64) << 1 ^ ((v as i64) >> 63)) as u64);
            }
        }
        b.extend_from_slice(b"END\0");
        b
    }

    #[test]
    fn version_2_still_reads_and_its_damage_is_an_error_not_a_panic() {
        for english in [false, true] {
            let m = tiny(english);
            let v2 = write_v2(&m);
            let back = read(Source::Borrowed(&v2), true).unwrap();
            assert_eq!(sorted_rows(&back), sorted_rows(&m));
            assert_eq!(write_v3(&back), write_v3(&m));
            for n in 0..v2.len() {
                must_fail(&v2[..n]);
            }
            // any byte changed: an error or a model, never a panic or a hang
            for i in 8..v2.len() {
                for x in [0x01u8, 0x40, 0x80, 0xFF] {
                    let mut b = v2.clone();
                    b[i] ^= x;
                    if let Ok(m) = read(Source::Borrowed(&b), true) {
                        tag(&m, "他在北京市工作。 Paris");
                    }
                }
            }
        }
        // a grouped key whose row index is past its table's width (the
        // panic of issue 12, item 6)
        let mut m = tiny(false);
        m.ex.flags &= !flags::GROUP_UNIGRAMS;
        let e = must_fail(&write_v2(&m));
        assert!(e.contains("is not a valid key"), "{e}");
        // claim a huge number of features right after the transitions
        let e = must_fail(&{
            let mut b = b"ZHENNER\x02".to_vec();
            b.extend_from_slice(&[
                2, b'z', b'h', 1, b'x', 0, 0, 1, 3, b'P', b'E', b'R', 0, 0, 0,
            ]);
            b.extend_from_slice(&1f32.to_le_bytes());
            b.extend_from_slice(&[0u8; 4 * (5 * 5 + 10)]);
            b.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0x7F]);
            b
        });
        assert!(e.contains("features, but only"), "{e}");
        let mut v2 = write_v2(&tiny(true));
        v2.truncate(v2.len() - 4);
        assert!(must_fail(&v2).contains("truncated"));
    }
}
