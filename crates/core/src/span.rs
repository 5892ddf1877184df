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

/// Converts byte offsets of one text to char offsets by counting the chars
/// between one offset asked for and the next: no index of the whole text,
/// and `O(distance)` per call when the offsets come in increasing order (a
/// document's tokens, one after the other). An offset before the previous
/// one is counted from the start of the text again.
///
/// ```
/// use zhen_core::CharCursor;
/// let mut at = CharCursor::new("a東b");
/// assert_eq!(at.char_of(1), 1);
/// assert_eq!(at.char_of(4), 2);
/// assert_eq!(at.char_of(0), 0);
/// ```
#[derive(Clone, Debug)]
pub struct CharCursor<'a> {
    text: &'a [u8],
    byte: usize,
    char: usize,
}

impl<'a> CharCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        CharCursor {
            text: text.as_bytes(),
            byte: 0,
            char: 0,
        }
    }

    /// The char offset of byte offset `byte`: the number of chars that
    /// start before it (a byte inside a char counts that char; past the end
    /// of the text gives the text's char length).
    pub fn char_of(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if byte < self.byte {
            self.byte = 0;
            self.char = 0;
        }
        self.char += count_chars(&self.text[self.byte..byte]);
        self.byte = byte;
        self.char
    }

    /// A byte span as a char span (`char_of` of both ends).
    pub fn char_span(&mut self, span: Span) -> (usize, usize) {
        let s = self.char_of(span.start);
        (s, self.char_of(span.end))
    }
}

/// The chars that start in `bytes`: its bytes that are not continuation
/// bytes (`10xxxxxx`), eight at a time. The writers count a token's few
/// bytes at a time ([`CharCursor`]), where the vectorised `filter().count()`
/// spent about 180 instructions a call setting up for the handful of bytes.
#[inline]
fn count_chars(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut n = 0;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        // bit 7 of each continuation byte: set, with bit 6 clear
        let cont = (x & !(x << 1) & HIGH) >> 7;
        // the eight 0/1 bytes summed into the top byte
        n += 8 - (cont.wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize;
    }
    for &b in chunks.remainder() {
        n += usize::from((b as i8) >= -0x40);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_chars_counts_what_chars_counts() {
        let texts = [
            "",
            "a",
            "中",
            "崔现忠前往罗定市新民村。",
            "Peter Blackburn 在 Brussels 😀 é\u{7f}\u{80}ÿ\u{10ffff}x",
            "一二三四五六七八九十abcdefgh€€€€€€€€𝄞𝄞𝄞",
        ];
        for t in texts {
            for a in 0..=t.len() {
                for b in a..=t.len() {
                    let bytes = &t.as_bytes()[a..b];
                    let want = bytes.iter().filter(|&&x| (x as i8) >= -0x40).count();
                    assert_eq!(count_chars(bytes), want, "{t:?} {a}..{b}");
                }
            }
        }
    }

    #[test]
    fn cursor_agrees_with_the_index_forwards_and_backwards() {
        let text = "a東b 𝄞中文\n，English — 繁體字";
        let idx = CharIndex::new(text);
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&b| text.is_char_boundary(b))
            .collect();
        let mut cur = CharCursor::new(text);
        // increasing, repeated, then backwards
        let order = bounds
            .iter()
            .chain(bounds.iter())
            .chain(bounds.iter().rev());
        for &b in order {
            assert_eq!(Some(cur.char_of(b)), idx.char_of(b), "byte {b}");
        }
        assert_eq!(cur.char_of(text.len() + 10), idx.char_len());
        let span = Span::new(1, 4);
        assert_eq!(cur.char_span(span), idx.char_span(span));
    }
}
