//! The conversion pipeline of one config: OpenCC's `ConfigBasedConverter`
//! (normalization, then the main converter) and `SingleStageConverter`
//! (segmentation, then the conversion chain on every segment).

use std::borrow::Cow;
use std::ops::Range;

use zhen_core::{AlignedText, Edit};

use crate::config::{ConfigSpec, Loader};
use std::sync::Arc;

use crate::matcher::{has_ids, scan, Matcher};
use crate::Result;

/// A built config.
#[derive(Debug)]
pub(crate) struct Pipeline {
    /// Conversions over the whole text, before segmentation.
    normalization: Vec<Arc<Matcher>>,
    /// mmseg: maximum forward matching that splits the text into segments.
    segmentation: Option<Arc<Matcher>>,
    /// Conversions applied to every segment, in order.
    chain: Vec<Arc<Matcher>>,
}

/// One replacement found by a step: a byte range of the step's input and
/// its new text.
struct Repl<'a> {
    range: Range<usize>,
    value: &'a str,
}

impl Pipeline {
    pub fn build(spec: &ConfigSpec, loader: &mut Loader, include_tofu: bool) -> Result<Pipeline> {
        let mut normalization = Vec::new();
        for d in &spec.normalization {
            normalization.extend(loader.matcher(d, include_tofu)?);
        }
        let segmentation = match &spec.segmentation {
            // OpenCC always loads the tofu-risk dictionaries for segmentation.
            Some(d) => loader.matcher(d, true)?,
            None => None,
        };
        let mut chain = Vec::new();
        for d in &spec.chain {
            chain.extend(loader.matcher(d, include_tofu)?);
        }
        Ok(Pipeline {
            normalization,
            segmentation,
            chain,
        })
    }

    /// A pipeline of compiled matchers (see `compiled.rs`).
    #[cfg_attr(not(feature = "embed"), allow(dead_code))] // the embedded tables
    pub fn from_parts(
        normalization: Vec<Arc<Matcher>>,
        segmentation: Option<Arc<Matcher>>,
        chain: Vec<Arc<Matcher>>,
    ) -> Pipeline {
        Pipeline {
            normalization,
            segmentation,
            chain,
        }
    }

    /// Its matchers: normalization, segmentation, chain.
    #[allow(clippy::type_complexity)]
    #[cfg_attr(not(test), allow(dead_code))] // used by build.rs
    pub fn parts(&self) -> (&[Arc<Matcher>], Option<&Arc<Matcher>>, &[Arc<Matcher>]) {
        (&self.normalization, self.segmentation.as_ref(), &self.chain)
    }

    /// The replacements of one conversion step over each of `segments`.
    fn step<'m>(
        m: &'m Matcher,
        text: &str,
        segments: &[Range<usize>],
        ids: bool,
        out: &mut Vec<Repl<'m>>,
    ) {
        out.clear();
        for seg in segments {
            scan(m, text, seg.clone(), ids, |h| {
                if !h.same {
                    out.push(Repl {
                        range: h.start..h.end,
                        value: h.value,
                    });
                }
            });
        }
    }

    /// mmseg: the segments of `text` (matched keys alone, unmatched runs
    /// together), then OpenCC's C-string hand-over: a segment is cut at its
    /// first NUL byte (`Segments` yields `const char*`). Returns the
    /// segments and the NUL cuts to delete.
    fn segment(&self, text: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
        let Some(m) = &self.segmentation else {
            #[allow(clippy::single_range_in_vec_init)] // one segment: the whole text
            return (vec![0..text.len()], Vec::new());
        };
        let mut segs = Vec::new();
        let mut last = 0;
        scan(m, text, 0..text.len(), has_ids(text), |h| {
            if h.start > last {
                segs.push(last..h.start);
            }
            segs.push(h.start..h.end);
            last = h.end;
        });
        if last < text.len() {
            segs.push(last..text.len());
        }
        let mut cuts = Vec::new();
        if memchr::memchr(0, text.as_bytes()).is_some() {
            for s in &mut segs {
                if let Some(z) = memchr::memchr(0, &text.as_bytes()[s.clone()]) {
                    cuts.push(s.start + z..s.end);
                    s.end = s.start + z;
                }
            }
        }
        (segs, cuts)
    }

    /// Converts a string.
    pub fn convert(&self, input: &str) -> String {
        let mut out = String::with_capacity(input.len() + input.len() / 16);
        self.convert_into(input, &mut out);
        out
    }

    /// Converts a string, its output appended to `out` piece by piece.
    pub fn convert_into(&self, input: &str, out: &mut impl Output) {
        let mut text: Cow<'_, str> = Cow::Borrowed(input);
        let mut repls = Vec::new();
        // whether the text has IDS operators (one search per text)
        let mut ids = has_ids(input);
        for m in &self.normalization {
            let whole = 0..text.len();
            Self::step(m, &text, std::slice::from_ref(&whole), ids, &mut repls);
            if !repls.is_empty() {
                text = Cow::Owned(rebuild(&text, &repls, &mut []));
                ids = has_ids(&text);
            }
        }
        match &self.segmentation {
            None => self.chain_append(&text, 0..text.len(), ids, out, &mut Default::default()),
            Some(seg) if memchr::memchr(0, text.as_bytes()).is_none() => {
                self.convert_segmented(seg, &text, ids, out)
            }
            // NUL cuts (see `segment`)
            Some(_) => out.push(&self.convert_by_steps(&text)),
        }
    }

    /// The conversion of a normalized text with segmentation and no NUL
    /// byte, in one pass that writes the output once: each segment is
    /// converted by the chain as soon as segmentation yields it, straight
    /// into the output. A segment that is a dictionary key is the same text
    /// wherever it occurs, so on large texts its conversion is computed
    /// once and copied after that.
    fn convert_segmented(&self, seg: &Matcher, text: &str, ids: bool, out: &mut impl Output) {
        // below this size the table costs more than it saves
        const CACHE_FROM: usize = 1 << 16;
        let mut bufs = Default::default();
        // per segmentation key: its conversion's range in `done`, once met
        let mut cache: Vec<(usize, usize)> = if text.len() >= CACHE_FROM {
            vec![(usize::MAX, 0); seg.keys()]
        } else {
            Vec::new()
        };
        let mut done = String::new();
        let mut last = 0;
        scan(seg, text, 0..text.len(), ids, |h| {
            if h.start > last {
                self.chain_append(text, last..h.start, ids, out, &mut bufs);
            }
            match cache.get_mut(h.key as usize) {
                None => self.chain_append(text, h.start..h.end, ids, out, &mut bufs),
                Some(c) => {
                    if c.0 == usize::MAX {
                        let from = done.len();
                        self.chain_append(text, h.start..h.end, ids, &mut done, &mut bufs);
                        *c = (from, done.len());
                    }
                    out.push(&done[c.0..c.1]);
                }
            }
            last = h.end;
        });
        if last < text.len() {
            self.chain_append(text, last..text.len(), ids, out, &mut bufs);
        }
    }

    /// The conversion chain over `text[range]` as a text of its own (one
    /// segment), appended to `out`; `bufs` is scratch space. `ids`: whether
    /// `text[range]` may contain an IDS operator (see [`has_ids`]).
    fn chain_append(
        &self,
        text: &str,
        range: Range<usize>,
        ids: bool,
        out: &mut impl Output,
        bufs: &mut [String; 2],
    ) {
        match self.chain.as_slice() {
            [] => out.push(&text[range]),
            [m] => step_append(m, text, range, ids, out),
            [first, rest @ ..] => {
                let [a, b] = bufs;
                a.clear();
                step_append(first, text, range, ids, a);
                for m in rest {
                    b.clear();
                    step_append(m, a, 0..a.len(), has_ids(a), b);
                    std::mem::swap(a, b);
                }
                out.push(a);
            }
        }
    }

    /// [`Pipeline::convert`] after normalization, one whole-text pass per
    /// step: the general way, which also handles NUL cuts.
    fn convert_by_steps<'t>(&self, input: &'t str) -> String {
        let mut repls = Vec::new();
        let mut text: Cow<'t, str> = Cow::Borrowed(input);
        let (mut segs, cuts) = self.segment(&text);
        if !cuts.is_empty() {
            let dels: Vec<Repl<'_>> = cuts
                .into_iter()
                .map(|range| Repl { range, value: "" })
                .collect();
            // the segments were already cut; shift them to the new text
            segs = shift_past_cuts(&segs, dels.iter().map(|d| &d.range));
            text = Cow::Owned(rebuild(&text, &dels, &mut []));
        }
        for m in &self.chain {
            Self::step(m, &text, &segs, has_ids(&text), &mut repls);
            if !repls.is_empty() {
                text = Cow::Owned(rebuild(&text, &repls, &mut segs));
            }
        }
        text.into_owned()
    }

    /// Converts the current text of each of `ranges` (sorted, disjoint,
    /// on char boundaries) as a text of its own, through
    /// [`AlignedText::apply`] — one `apply` per step for all of them, so a
    /// document of many paragraphs costs one pass per step, not one per
    /// paragraph. Returns the ranges the converted parts occupy afterwards.
    pub fn convert_aligned(
        &self,
        text: &mut AlignedText,
        ranges: &[Range<usize>],
    ) -> Result<Vec<Range<usize>>> {
        let cur = text.current();
        let mut prev_end = 0;
        for r in ranges {
            if r.start < prev_end
                || r.start > r.end
                || r.end > cur.len()
                || !cur.is_char_boundary(r.start)
                || !cur.is_char_boundary(r.end)
            {
                return Err(zhen_core::Error::InvalidEdit {
                    start: r.start,
                    end: r.end,
                    len: cur.len(),
                }
                .into());
            }
            prev_end = r.end;
        }
        let mut rs = ranges.to_vec();
        let mut repls = Vec::new();
        for m in &self.normalization {
            Self::step(m, text.current(), &rs, has_ids(text.current()), &mut repls);
            if !repls.is_empty() {
                remap(&repls, &mut rs);
                text.apply(to_edits(&repls))?;
            }
        }
        let cur = text.current();
        let mut segs = Vec::new();
        let mut cuts = Vec::new();
        for r in &rs {
            let (s, c) = self.segment_range(cur, r.clone());
            segs.extend(s);
            cuts.extend(c);
        }
        if !cuts.is_empty() {
            segs = shift_past_cuts(&segs, cuts.iter());
            let dels: Vec<Repl<'_>> = cuts
                .iter()
                .map(|c| Repl {
                    range: c.clone(),
                    value: "",
                })
                .collect();
            remap(&dels, &mut rs);
            text.apply(cuts.into_iter().map(Edit::delete))?;
        }
        for m in &self.chain {
            Self::step(
                m,
                text.current(),
                &segs,
                has_ids(text.current()),
                &mut repls,
            );
            if !repls.is_empty() {
                remap(&repls, &mut segs);
                remap(&repls, &mut rs);
                text.apply(to_edits(&repls))?;
            }
        }
        Ok(rs)
    }

    /// [`Pipeline::segment`] of a sub-range of a text.
    fn segment_range(&self, text: &str, r: Range<usize>) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
        let (segs, cuts) = self.segment(&text[r.clone()]);
        let sh = |x: Range<usize>| x.start + r.start..x.end + r.start;
        (
            segs.into_iter().map(sh).collect(),
            cuts.into_iter().map(sh).collect(),
        )
    }
}

/// One conversion step over `text[range]` (as a text of its own), its
/// output appended to `out`.
fn step_append(m: &Matcher, text: &str, range: Range<usize>, ids: bool, out: &mut impl Output) {
    let mut pos = range.start;
    scan(m, text, range.clone(), ids, |h| {
        if !h.same {
            out.push(&text[pos..h.start]);
            out.push(h.value);
            pos = h.end;
        }
    });
    out.push(&text[pos..range.end]);
}

/// Where a conversion writes: a string, or pieces handed on as they come
/// ([`Spill`]).
pub(crate) trait Output {
    /// Appends `s`.
    fn push(&mut self, s: &str);
}

impl Output for String {
    #[inline]
    fn push(&mut self, s: &str) {
        self.push_str(s);
    }
}

/// Output written to `w` whenever a [`Spill::LIMIT`] of it has gathered:
/// a conversion of any size needs only this buffer, which stays in cache,
/// instead of a string of the whole output. The first write error stops
/// the writing and is returned by [`Spill::finish`].
pub(crate) struct Spill<'w> {
    buf: String,
    w: &'w mut dyn std::io::Write,
    err: Option<std::io::Error>,
}

impl<'w> Spill<'w> {
    const LIMIT: usize = 1 << 18;

    pub fn new(w: &'w mut dyn std::io::Write) -> Spill<'w> {
        Spill {
            buf: String::with_capacity(Self::LIMIT + 64),
            w,
            err: None,
        }
    }

    fn write(&mut self, s: &str) {
        if self.err.is_none() {
            if let Err(e) = self.w.write_all(s.as_bytes()) {
                self.err = Some(e);
            }
        }
    }

    /// Writes what is left; the first write error, if any.
    pub fn finish(mut self) -> std::io::Result<()> {
        let buf = std::mem::take(&mut self.buf);
        self.write(&buf);
        self.err.map_or(Ok(()), Err)
    }
}

impl Output for Spill<'_> {
    #[inline]
    fn push(&mut self, s: &str) {
        if self.buf.len() + s.len() <= Self::LIMIT {
            self.buf.push_str(s);
            return;
        }
        let buf = std::mem::take(&mut self.buf);
        self.write(&buf);
        self.buf = buf;
        self.buf.clear();
        if s.len() >= Self::LIMIT {
            self.write(s);
        } else {
            self.buf.push_str(s);
        }
    }
}

/// The segments after deleting `cuts` (sorted, disjoint): a segment moves
/// left by the length of every cut lying wholly before it. Its own cut
/// starts at its end, so it never counts, even when the segment is empty.
fn shift_past_cuts<'a>(
    segs: &[Range<usize>],
    cuts: impl Iterator<Item = &'a Range<usize>>,
) -> Vec<Range<usize>> {
    let mut cuts = cuts.peekable();
    let mut removed = 0;
    let mut out = Vec::with_capacity(segs.len());
    for s in segs {
        while let Some(c) = cuts.next_if(|c| c.end <= s.start) {
            removed += c.len();
        }
        out.push(s.start - removed..s.end - removed);
    }
    out
}

fn to_edits(repls: &[Repl<'_>]) -> Vec<Edit> {
    repls
        .iter()
        .map(|r| Edit::new(r.range.clone(), r.value))
        .collect()
}

/// The text with the replacements made; `segs` (sorted ranges that no
/// replacement crosses) are moved to the new text.
fn rebuild(text: &str, repls: &[Repl<'_>], segs: &mut [Range<usize>]) -> String {
    let grow: usize = repls.iter().map(|r| r.value.len()).sum();
    let mut out = String::with_capacity(text.len() + grow);
    let mut pos = 0;
    for r in repls {
        out.push_str(&text[pos..r.range.start]);
        out.push_str(r.value);
        pos = r.range.end;
    }
    out.push_str(&text[pos..]);
    remap(repls, segs);
    out
}

/// Moves segments to the text after `repls` (which lie inside segments).
fn remap(repls: &[Repl<'_>], segs: &mut [Range<usize>]) {
    let mut delta: isize = 0;
    let mut ri = 0;
    for s in segs.iter_mut() {
        let start = (s.start as isize + delta) as usize;
        while ri < repls.len() && repls[ri].range.end <= s.end {
            let r = &repls[ri];
            delta += r.value.len() as isize - r.range.len() as isize;
            ri += 1;
        }
        *s = start..(s.end as isize + delta) as usize;
    }
}
