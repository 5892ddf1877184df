//! # zhen-core
//!
//! The types every zhen crate shares:
//!
//! * [`AlignedText`] — the original input, the normalized text, and an
//!   alignment from every normalized byte back to the original. Every
//!   normalizer (cleaning, script conversion) changes text only through
//!   [`AlignedText::apply`], so offsets found in the normalized text can
//!   always be reported in the original.
//! * [`Span`] and [`CharIndex`] — byte spans of the original text, and their
//!   char (code point) offsets for export.
//! * [`Document`] with [`Paragraph`], [`Sentence`], [`Token`], [`Entity`],
//!   [`Label`] and [`Script`] — the annotated result.
//! * [`chars`] — the one table of character classes (Han, kana, Hangul,
//!   punctuation of Chinese text, full-width forms) every crate asks.
//! * [`Extent`] ([`ByteRange`], [`CharRange`], [`TokenRange`]) — ranges
//!   relative to a sentence whose type says what they count.
//! * [`Normalizer`] and [`Segmenter`] — the stage traits of text normalizers
//!   and word segmenters.
//!
//! ```
//! use zhen_core::{AlignedText, Edit};
//!
//! let mut text = AlignedText::new("東 莞 市");
//! // drop the OCR spaces, then convert to simplified
//! text.apply(vec![Edit::delete(3..4), Edit::delete(7..8)]).unwrap();
//! text.apply(vec![Edit::new(0..3, "东")]).unwrap();
//! assert_eq!(text.current(), "东莞市");
//! // the word found in the normalized text, in the original
//! let span = text.to_original(0..text.current().len());
//! assert_eq!(&text.original()[span.range()], "東 莞 市");
//! ```
#![deny(missing_docs)]

mod aligned;
pub mod chars;
mod doc;
mod error;
mod extent;
mod span;

pub use aligned::{AlignedText, Edit, Projected};
pub use doc::{lang_tag, Document, Entity, Label, Paragraph, Script, Sentence, Stats, Token};
pub use error::{Error, Result};
pub use extent::{
    ByteRange, Bytes, CharRange, Chars, Extent, Original, Segmenter, TokenRange, Tokens, Word,
};
pub use span::{CharCursor, CharIndex, Span};

/// The decimal digits of `n`, written at the end of `buf` (what
/// `write!(s, "{n}")` writes, without the formatting machinery; the
/// writers of every line format call it per offset).
///
/// ```
/// assert_eq!(zhen_core::decimal(&mut [0; 20], 0), "0");
/// assert_eq!(zhen_core::decimal(&mut [0; 20], usize::MAX), usize::MAX.to_string());
/// for n in [1, 9, 10, 99, 100, 101, 999, 1000, 12345, 100000] {
///     assert_eq!(zhen_core::decimal(&mut [0; 20], n), n.to_string());
/// }
/// ```
#[inline]
pub fn decimal(buf: &mut [u8; 20], mut n: usize) -> &str {
    // two digits at a time from a table, as `core::fmt` does
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut i = buf.len();
    while n >= 100 {
        let d = 2 * (n % 100);
        n /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[d..d + 2]);
    }
    if n >= 10 {
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[2 * n..2 * n + 2]);
    } else {
        i -= 1;
        buf[i] = b'0' + n as u8;
    }
    let digits = &buf[i..];
    debug_assert!(digits.iter().all(u8::is_ascii_digit));
    // SAFETY: only ASCII digits were written to `buf[i..]` (from PAIRS or
    // `b'0' + n` with n < 10): valid UTF-8. `from_utf8` checked this per
    // number, about half of the cost of a call (issue 14).
    unsafe { std::str::from_utf8_unchecked(digits) }
}

#[cfg(feature = "clap")]
#[doc(hidden)]
pub use clap as __clap;

/// Implements `clap::ValueEnum` (with the `clap` feature) for a zhen enum
/// that has `const ALL` (its variants) and `fn name(self) -> &'static str`,
/// so a command line takes exactly the names the library parses. The
/// optional second argument gives each variant's other accepted spellings:
/// a function from `&Self` to `Vec<String>`.
#[cfg(feature = "clap")]
#[macro_export]
macro_rules! value_enum {
    ($t:ty) => {
        $crate::value_enum!($t, |_: &$t| Vec::<String>::new());
    };
    ($t:ty, $aliases:expr) => {
        impl $crate::__clap::ValueEnum for $t {
            fn value_variants<'a>() -> &'a [Self] {
                &<$t>::ALL
            }
            fn to_possible_value(&self) -> Option<$crate::__clap::builder::PossibleValue> {
                let aliases: fn(&$t) -> Vec<String> = $aliases;
                Some(
                    $crate::__clap::builder::PossibleValue::new(self.name()).aliases(aliases(self)),
                )
            }
        }
    };
}

/// A text normalizer: a stage that rewrites the current text of an
/// [`AlignedText`] through [`AlignedText::apply`], keeping the alignment.
pub trait Normalizer {
    /// A short name for reports (`"t2s"`, `"ocr-spaces"`).
    fn name(&self) -> &str;

    /// Normalizes the current text in place.
    fn normalize(&self, text: &mut AlignedText) -> Result<()>;
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimal_writes_what_display_writes() {
        let mut buf = [0u8; 20];
        let mut ns: Vec<usize> = (0..=100_000).collect();
        let mut p = 1usize;
        while let Some(q) = p.checked_mul(10) {
            ns.extend([p - 1, p, p + 1, q - 1]);
            p = q;
        }
        ns.extend([usize::MAX, usize::MAX - 1, usize::MAX / 2]);
        for n in ns {
            assert_eq!(super::decimal(&mut buf, n), n.to_string());
        }
    }
}
