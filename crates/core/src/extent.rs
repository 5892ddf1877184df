//! Ranges that say what they index: bytes, chars or tokens.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// Unit of an [`Extent`]: bytes of the original text of a document — a
/// [`Span`](crate::Span).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Original {}

/// Unit of an [`Extent`]: bytes of a UTF-8 text (a sentence, a string
/// handed over).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bytes {}

/// Unit of an [`Extent`]: chars (code points) of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Chars {}

/// Unit of an [`Extent`]: tokens (words) of a tokenized sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tokens {}

/// A half-open range `[start, end)` whose type says what it counts:
/// [`Span`](crate::Span) (bytes of a document's original text),
/// [`ByteRange`] (bytes of whatever text was handed over, e.g. a sentence),
/// [`CharRange`] or [`TokenRange`].
///
/// ```
/// use zhen_core::{ByteRange, TokenRange};
/// let s = "王小明在北京";
/// let name = ByteRange::new(0, 9);
/// assert_eq!(&s[name.range()], "王小明");
/// let toks = ["Peter", "Blackburn", "said"];
/// assert_eq!(toks[TokenRange::new(0, 2).range()].join(" "), "Peter Blackburn");
/// ```
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Extent<U> {
    /// First unit.
    pub start: usize,
    /// One past the last unit.
    pub end: usize,
    #[serde(skip)]
    unit: PhantomData<U>,
}

/// Byte offsets of a text (slice it with [`Extent::range`]).
pub type ByteRange = Extent<Bytes>;
/// Char (code point) offsets of a text.
pub type CharRange = Extent<Chars>;
/// Token indexes of a tokenized sentence.
pub type TokenRange = Extent<Tokens>;

impl<U> Extent<U> {
    /// The range from `start` to `end`.
    ///
    /// # Panics
    /// If `start > end` (zhen never makes such a range).
    pub fn new(start: usize, end: usize) -> Self {
        assert!(start <= end, "range start {start} after end {end}");
        Extent {
            start,
            end,
            unit: PhantomData,
        }
    }

    /// As a `std` range, to slice with.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether it covers nothing.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The same range moved `by` units to the right (from a sentence to the
    /// text holding it).
    pub fn shift(self, by: usize) -> Self {
        Extent::new(self.start + by, self.end + by)
    }

    /// Whether the two ranges share a unit.
    pub fn overlaps(&self, other: &Self) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies inside this range.
    pub fn contains(&self, other: Self) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

impl<U> Default for Extent<U> {
    fn default() -> Self {
        Extent::new(0, 0)
    }
}

// Derives would demand `U: Clone` etc. of the uninhabited unit markers'
// users; these impls ask nothing of `U`.
impl<U> Clone for Extent<U> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<U> Copy for Extent<U> {}
impl<U> PartialEq for Extent<U> {
    fn eq(&self, other: &Self) -> bool {
        (self.start, self.end) == (other.start, other.end)
    }
}
impl<U> Eq for Extent<U> {}
impl<U> std::hash::Hash for Extent<U> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.start, self.end).hash(state)
    }
}
impl<U> PartialOrd for Extent<U> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<U> Ord for Extent<U> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.start, self.end).cmp(&(other.start, other.end))
    }
}
impl<U> fmt::Debug for Extent<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}
impl<U> From<Range<usize>> for Extent<U> {
    fn from(r: Range<usize>) -> Self {
        Extent::new(r.start, r.end)
    }
}

/// A word a [`Segmenter`] found: its bytes in the sentence and its
/// part-of-speech tag (a jieba tag for Chinese).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word<'a> {
    /// Byte range of the sentence.
    pub range: ByteRange,
    /// The tag.
    pub tag: &'a str,
}

/// A word segmenter: the stage that cuts a sentence into words. The
/// tokenizer (`zhen_tokenize::Tokenizer`) is one; the NER tagger takes one
/// from its caller when a model uses word features, so it never loads a
/// dictionary of its own.
pub trait Segmenter: Send + Sync {
    /// The words of `sentence`, in order and not overlapping; whitespace
    /// need not be covered.
    fn segment<'a>(&'a self, sentence: &'a str) -> Vec<Word<'a>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extents_compare_and_shift_by_their_bounds() {
        let a = ByteRange::new(3, 6);
        assert_eq!(a.shift(10), ByteRange::new(13, 16));
        assert!(a.overlaps(&ByteRange::new(5, 9)));
        assert!(!a.overlaps(&ByteRange::new(6, 9)));
        assert!(ByteRange::new(0, 9) < a);
        assert_eq!(format!("{a:?}"), "3..6");
        assert_eq!(a.len(), 3);
    }
}
