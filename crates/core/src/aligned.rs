//! [`AlignedText`]: a normalized text that remembers, for every byte, where in
//! the original it came from.

use std::ops::Range;

use crate::{Error, Result, Span};

/// One replacement of a byte range of the *current* text.
///
/// Edits are the only way an [`AlignedText`] changes; see [`AlignedText::apply`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Byte range of the current text to replace (may be empty: an insertion).
    pub range: Range<usize>,
    /// The new text (may be empty: a deletion).
    pub replacement: String,
}

impl Edit {
    /// An edit replacing `range` of the current text with `replacement`.
    pub fn new(range: Range<usize>, replacement: impl Into<String>) -> Self {
        Edit {
            range,
            replacement: replacement.into(),
        }
    }

    /// An edit deleting `range` of the current text.
    pub fn delete(range: Range<usize>) -> Self {
        Edit::new(range, String::new())
    }
}

/// The original input, the current (normalized) text, and an alignment from
/// every current byte to a byte span of the original.
///
/// Invariants, checked by [`AlignedText::apply`] and relied on everywhere:
/// * every current byte of one character maps to the same original span;
/// * every original span lies on char boundaries of the original;
/// * the alignment is monotone: for bytes `i < j`, `start(i) <= start(j)` and
///   `end(i) <= end(j)`.
///
/// ```
/// use zhen_core::{AlignedText, Edit, Span};
///
/// let mut t = AlignedText::new("頭髮 乾燥");
/// // one char for one char: aligned char by char
/// t.apply(vec![Edit::new(0..6, "头发"), Edit::delete(6..7)]).unwrap();
/// assert_eq!(t.current(), "头发乾燥");
/// assert_eq!(t.to_original(3..6), Span::new(3, 6)); // 发 <- 髮
/// assert_eq!(&t.original()[t.to_original(6..12).range()], "乾燥");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlignedText {
    original: String,
    current: String,
    // For every byte of `current`: the original byte span it came from.
    // u32 halves the memory of a 10 MB line; inputs are limited to 4 GiB.
    align: Vec<(u32, u32)>,
    // The buffers `apply` writes the next text and alignment into.
    spare: Spare,
}

/// The previous text and alignment's buffers, kept for the next
/// [`AlignedText::apply`]: a document goes through half a dozen edit passes
/// (cleaning, conversion), and a fresh 9-bytes-per-byte allocation for each
/// cost more in page faults than the copy itself. Not part of the value:
/// equal whatever they hold, cloned empty.
#[derive(Default)]
struct Spare {
    current: String,
    align: Vec<(u32, u32)>,
}

impl Clone for Spare {
    fn clone(&self) -> Self {
        Spare::default()
    }
}

impl PartialEq for Spare {
    fn eq(&self, _: &Spare) -> bool {
        true
    }
}

impl Eq for Spare {}

impl std::fmt::Debug for Spare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("_")
    }
}

impl AlignedText {
    /// Wraps `original`; the current text starts as an identical copy.
    ///
    /// # Panics
    /// If the text is 4 GiB or larger; use [`AlignedText::try_new`] to get an error.
    pub fn new(original: impl Into<String>) -> Self {
        Self::try_new(original).expect("AlignedText::new: text too large")
    }

    /// Like [`AlignedText::new`] but returns [`Error::TooLarge`] for texts of 4 GiB or more.
    pub fn try_new(original: impl Into<String>) -> Result<Self> {
        let original = original.into();
        if original.len() >= u32::MAX as usize {
            return Err(Error::TooLarge {
                len: original.len(),
            });
        }
        let mut align = Vec::with_capacity(original.len());
        for (i, c) in original.char_indices() {
            let span = (i as u32, (i + c.len_utf8()) as u32);
            align.extend(std::iter::repeat_n(span, c.len_utf8()));
        }
        Ok(AlignedText {
            current: original.clone(),
            original,
            align,
            spare: Spare::default(),
        })
    }

    /// The text as it was given.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// The normalized text.
    pub fn current(&self) -> &str {
        &self.current
    }

    /// Consumes the text, returning the original string.
    pub fn into_original(self) -> String {
        self.original
    }

    /// The original span of the current byte `i`.
    ///
    /// # Panics
    /// If `i >= self.current().len()`.
    pub fn byte_alignment(&self, i: usize) -> Span {
        let (s, e) = self.align[i];
        Span::new(s as usize, e as usize)
    }

    /// Applies edits to the current text: the single primitive through which
    /// every normalizer changes text.
    ///
    /// Edits must be sorted, must not overlap, and their ranges must lie on
    /// char boundaries of the current text. A replacement with as many chars
    /// as the range it replaces is aligned char by char; any other replacement
    /// aligns every new char to the whole original span of the range. An
    /// insertion (empty range) aligns to an empty original span at that point.
    pub fn apply<I>(&mut self, edits: I) -> Result<()>
    where
        I: IntoIterator<Item = Edit>,
    {
        let edits: Vec<Edit> = edits.into_iter().collect();
        if edits.is_empty() {
            return Ok(());
        }
        let mut prev_end = 0;
        for e in &edits {
            let r = &e.range;
            if r.start > r.end
                || r.end > self.current.len()
                || r.start < prev_end
                || !self.current.is_char_boundary(r.start)
                || !self.current.is_char_boundary(r.end)
            {
                return Err(Error::InvalidEdit {
                    start: r.start,
                    end: r.end,
                    len: self.current.len(),
                });
            }
            prev_end = r.end;
        }
        let grow: usize = edits.iter().map(|e| e.replacement.len()).sum();
        let shrink: usize = edits.iter().map(|e| e.range.len()).sum();
        // the new length exactly (edits are in bounds and do not overlap)
        let len = self.current.len() - shrink + grow;
        // a spare too small is dropped, not grown: growing an emptied buffer
        // reallocates, and realloc copies the stale bytes
        let mut current = std::mem::take(&mut self.spare.current);
        if current.capacity() < len {
            current = String::with_capacity(len);
        }
        current.clear();
        let mut align = std::mem::take(&mut self.spare.align);
        if align.capacity() < len {
            align = Vec::with_capacity(len);
        }
        align.clear();
        let mut pos = 0;
        for e in &edits {
            current.push_str(&self.current[pos..e.range.start]);
            align.extend_from_slice(&self.align[pos..e.range.start]);
            self.push_replacement(e, &mut current, &mut align);
            pos = e.range.end;
        }
        current.push_str(&self.current[pos..]);
        align.extend_from_slice(&self.align[pos..]);
        if current.len() >= u32::MAX as usize {
            return Err(Error::TooLarge { len: current.len() });
        }
        self.spare.current = std::mem::replace(&mut self.current, current);
        self.spare.align = std::mem::replace(&mut self.align, align);
        Ok(())
    }

    fn push_replacement(&self, e: &Edit, current: &mut String, align: &mut Vec<(u32, u32)>) {
        let old = &self.current[e.range.clone()];
        let same_count = old.chars().count() == e.replacement.chars().count();
        let whole = if e.range.is_empty() {
            self.insertion_span(e.range.start)
        } else {
            let w = self.to_original(e.range.clone());
            (w.start as u32, w.end as u32)
        };
        let mut old_chars = old.char_indices();
        for c in e.replacement.chars() {
            let span = if same_count && !old.is_empty() {
                let (i, oc) = old_chars.next().expect("same char count");
                let first = self.align[e.range.start + i];
                let last = self.align[e.range.start + i + oc.len_utf8() - 1];
                (first.0, last.1)
            } else {
                whole
            };
            align.extend(std::iter::repeat_n(span, c.len_utf8()));
        }
        current.push_str(&e.replacement);
    }

    // The span of text inserted at current byte `p`: empty at the cut when
    // `p` is a boundary, else the span of the group it falls inside, so the
    // alignment stays monotone.
    fn insertion_span(&self, p: usize) -> (u32, u32) {
        let prev = p.checked_sub(1).map(|i| self.align[i]);
        let next = self.align.get(p).copied();
        match (prev, next) {
            (Some(a), Some(b)) if a.1 > b.0 => (a.0, b.1),
            (Some(a), _) => (a.1, a.1),
            (None, Some(b)) => (b.0, b.0),
            (None, None) => (self.original.len() as u32, self.original.len() as u32),
        }
    }

    /// Replaces one range of the current text; see [`AlignedText::apply`].
    pub fn replace(&mut self, range: Range<usize>, replacement: &str) -> Result<()> {
        self.apply([Edit::new(range, replacement)])
    }

    /// Maps a byte range of the current text to the original span it came from.
    ///
    /// An empty range maps to an empty span at the corresponding original point.
    /// The result always lies on char boundaries of the original.
    ///
    /// # Panics
    /// If the range is out of bounds of the current text.
    pub fn to_original(&self, range: Range<usize>) -> Span {
        assert!(
            range.start <= range.end && range.end <= self.current.len(),
            "range {range:?} out of bounds of current text of {} bytes",
            self.current.len()
        );
        if range.is_empty() {
            let p = if range.start < self.align.len() {
                self.align[range.start].0
            } else if let Some(last) = self.align.last() {
                last.1
            } else {
                self.original.len() as u32
            };
            return Span::new(p as usize, p as usize);
        }
        Span::new(
            self.align[range.start].0 as usize,
            self.align[range.end - 1].1 as usize,
        )
    }

    /// Maps an original span to the smallest range of the current text whose
    /// bytes came from inside it (overlapping it). Lies on char boundaries of
    /// the current text. Text removed by normalization maps to an empty range.
    pub fn to_current(&self, span: Span) -> Range<usize> {
        let (s, e) = (span.start as u32, span.end as u32);
        if s >= e {
            let p = self.align.partition_point(|a| a.0 < s);
            return p..p;
        }
        let lo = self.align.partition_point(|a| a.1 <= s);
        let hi = self.align.partition_point(|a| a.0 < e);
        lo..hi.max(lo)
    }

    /// Whether a cut of the current text at byte `i` is also a cut of the
    /// original: the text before maps entirely before the text after.
    /// False inside a char and inside a many-to-many replacement.
    pub fn is_boundary(&self, i: usize) -> bool {
        if i == 0 || i >= self.current.len() {
            return i <= self.current.len();
        }
        self.current.is_char_boundary(i) && self.align[i - 1].1 <= self.align[i].0
    }

    /// Projects sorted, non-overlapping ranges of the current text (tokens,
    /// sentences) onto the original. Neighbours whose original spans would
    /// overlap (they cut through one many-to-many replacement) are merged, so
    /// the result is sorted and non-overlapping. Each item is the merged
    /// current range, its original span, and the index of the first input
    /// range it covers.
    pub fn project(&self, ranges: &[Range<usize>]) -> Vec<Projected> {
        let mut out: Vec<Projected> = Vec::with_capacity(ranges.len());
        for (i, r) in ranges.iter().enumerate() {
            let span = self.to_original(r.clone());
            if let Some(last) = out.last_mut() {
                if span.start < last.original.end
                    || (r.start < last.current.end)
                    || (span.is_empty() && span.start == last.original.end && !r.is_empty())
                {
                    last.current.end = last.current.end.max(r.end);
                    last.original.end = last.original.end.max(span.end);
                    continue;
                }
            }
            out.push(Projected {
                current: r.clone(),
                original: span,
                first: i,
            });
        }
        out
    }
}

/// One item of [`AlignedText::project`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Projected {
    /// Range of the current text (merged if needed).
    pub current: Range<usize>,
    /// Span of the original text.
    pub original: Span,
    /// Index of the first input range this item covers.
    pub first: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(t: &AlignedText) -> Vec<(u32, u32)> {
        t.align.clone()
    }

    #[test]
    fn identity_alignment_is_per_char() {
        let t = AlignedText::new("a東");
        assert_eq!(spans(&t), vec![(0, 1), (1, 4), (1, 4), (1, 4)]);
    }

    #[test]
    fn same_char_count_aligns_char_by_char() {
        let mut t = AlignedText::new("x頭髮y");
        t.replace(1..7, "头发").unwrap();
        assert_eq!(t.current(), "x头发y");
        assert_eq!(
            spans(&t),
            vec![
                (0, 1),
                (1, 4),
                (1, 4),
                (1, 4),
                (4, 7),
                (4, 7),
                (4, 7),
                (7, 8)
            ]
        );
    }

    #[test]
    fn different_char_count_aligns_to_whole_span() {
        // the tokenizers pitfall: every new char must map to the whole match
        let mut t = AlignedText::new("ab");
        t.replace(0..2, "xyz").unwrap();
        assert_eq!(spans(&t), vec![(0, 2), (0, 2), (0, 2)]);
        let mut t = AlignedText::new("東東莞莞");
        t.replace(0..12, "东莞").unwrap();
        assert_eq!(spans(&t), vec![(0, 12); 6]);
    }

    #[test]
    fn deletion_and_insertion() {
        let mut t = AlignedText::new("a b");
        t.apply([Edit::delete(1..2), Edit::new(3..3, "!")]).unwrap();
        assert_eq!(t.current(), "ab!");
        assert_eq!(spans(&t), vec![(0, 1), (2, 3), (3, 3)]);
        assert_eq!(t.to_original(0..2), Span::new(0, 3));
        assert_eq!(t.to_original(2..3), Span::new(3, 3));
        assert_eq!(t.to_current(Span::new(1, 2)), 1..1);
        assert_eq!(t.to_current(Span::new(0, 3)), 0..2);
    }

    #[test]
    fn edits_compose_through_chains() {
        let mut t = AlignedText::new("乾 燥");
        t.replace(3..4, "").unwrap();
        t.replace(0..3, "干").unwrap();
        assert_eq!(t.current(), "干燥");
        assert_eq!(t.to_original(0..3), Span::new(0, 3));
        assert_eq!(t.to_original(3..6), Span::new(4, 7));
    }

    #[test]
    fn invalid_edits_are_rejected() {
        let mut t = AlignedText::new("東西");
        let err = t.replace(1..3, "x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid edit 1..3 of a text of 6 bytes: out of order, out of bounds or not on char boundaries"
        );
        assert!(t.apply([Edit::delete(3..6), Edit::delete(0..3)]).is_err());
        assert_eq!(t.current(), "東西");
    }

    #[test]
    fn boundaries_and_projection() {
        let mut t = AlignedText::new("ab東");
        t.replace(0..2, "xyz").unwrap();
        assert!(!t.is_boundary(1));
        assert!(t.is_boundary(3));
        assert!(!t.is_boundary(4));
        let p = t.project(&[0..1, 1..3, 3..6]);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].current, 0..3);
        assert_eq!(p[0].original, Span::new(0, 2));
        assert_eq!(p[1].first, 2);
        assert_eq!(p[1].original, Span::new(2, 5));
    }
}
