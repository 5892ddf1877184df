//! Byte spans into the original text, and conversion to char offsets.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// A half-open byte span `[start, end)` of the ORIGINAL text.
///
/// Spans handed out by zhen always lie on char boundaries.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    ///
    /// # Panics
    /// If `start > end`.
    pub fn new(start: usize, end: usize) -> Self {
        assert!(start <= end, "span start {start} after end {end}");
        Span { start, end }
    }

    /// The span as a range, to slice the original text with.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span is empty.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Whether `other` lies inside this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

/// Converts byte offsets of one text to char (code point) offsets and back,
/// in `O(log n)` each.
///
/// ```
/// use zhen_core::CharIndex;
/// let idx = CharIndex::new("a東b");
/// assert_eq!(idx.char_of(4), Some(2));
/// assert_eq!(idx.byte_of(2), Some(4));
/// assert_eq!(idx.char_of(2), None); // inside 東
/// ```
#[derive(Clone, Debug)]
pub struct CharIndex {
    // byte offset of every char start, plus the text length at the end
    starts: Vec<usize>,
}

impl CharIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        starts.push(text.len());
        CharIndex { starts }
    }

    /// Number of chars in the text.
    pub fn char_len(&self) -> usize {
        self.starts.len() - 1
    }

    /// The char offset of byte offset `byte`, or `None` if it is not a char
    /// boundary of the text.
    pub fn char_of(&self, byte: usize) -> Option<usize> {
        self.starts.binary_search(&byte).ok()
    }

    /// The byte offset of char offset `ch` (`ch == char_len()` gives the text length).
    pub fn byte_of(&self, ch: usize) -> Option<usize> {
        self.starts.get(ch).copied()
    }

    /// A byte span as a char span.
    ///
    /// # Panics
    /// If the span does not lie on char boundaries (zhen never makes such spans).
    pub fn char_span(&self, span: Span) -> (usize, usize) {
        let s = self
            .char_of(span.start)
            .expect("span start on a char boundary");
        let e = self.char_of(span.end).expect("span end on a char boundary");
        (s, e)
    }

    /// A char span as a byte span, or `None` if it is out of bounds.
    pub fn byte_span(&self, start: usize, end: usize) -> Option<Span> {
        if start > end {
            return None;
        }
        Some(Span::new(self.byte_of(start)?, self.byte_of(end)?))
    }
}
