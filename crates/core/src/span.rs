//! Byte spans into the original text, and conversion to char offsets.

use crate::{Extent, Original};

/// A half-open byte span `[start, end)` of the ORIGINAL text: an
/// [`Extent`] in [`Original`] bytes (`Span::new(3, 6)`, `span.range()`).
///
/// Spans handed out by zhen always lie on char boundaries.
pub type Span = Extent<Original>;

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
