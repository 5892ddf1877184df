//! # zhen-clean
//!
//! Aligned cleaners for Chinese news text as it comes from web scrapers and
//! OCR. Every cleaner edits an [`AlignedText`] through
//! [`AlignedText::apply`] only, so every character of the cleaned text still
//! maps to the original, and every change is reported as a [`Change`] with
//! its span in the ORIGINAL text, the original text of that span, what
//! replaced it, and why. Nothing is lost: what a cleaner removes is in the
//! report.
//!
//! The five cleaners, each usable alone, run by [`Cleaner::clean`] in this
//! order (each step sees the output of the previous one):
//!
//! 1. [`remove_boilerplate`] — breadcrumbs, meta lines (date/source/view
//!    counters), share and print widgets, image file names, stray symbols and
//!    spam link lines are removed ([`ChangeKind::RemovedLine`]). It runs
//!    first so the other rules never see web furniture.
//! 2. [`normalize_punctuation`] — half-width `, : ; ? ! ( ) "` in Chinese text
//!    become full-width ([`ChangeKind::Punctuation`]); full-width ASCII letters
//!    and digits become half-width ([`ChangeKind::FullWidth`]). Numbers,
//!    times, URLs and English text are untouched. It runs before the space
//!    rule, which keys on Chinese punctuation.
//! 3. [`remove_ocr_spaces`] — spaces between Chinese characters, next to
//!    Chinese punctuation, and between digits and Chinese characters
//!    ([`ChangeKind::OcrSpace`]); phrase spaces in headings and spaces in
//!    Latin text stay.
//! 4. [`undouble_chars`] — runs of four or more OCR-doubled characters
//!    ([`ChangeKind::DoubledChars`]).
//! 5. [`join_broken_lines`] — lines broken inside a sentence are joined
//!    ([`ChangeKind::JoinedLine`]); headings stay on their own line. It runs
//!    last because it measures line widths and reads punctuation.
//!
//! ```
//! use zhen_clean::{ChangeKind, Cleaner};
//! use zhen_core::AlignedText;
//!
//! let scraped = "當前位置:首頁 > 新聞\n\
//!                東東莞莞走走出出扶扶貧貧之之路路\n\n\
//!                2016 年 4 月, 東 莞 市 選 派 了 375 名干部,\n\n\
//!                到韶關\"對口\"幫扶。\n4.jpg\n";
//! let mut text = AlignedText::new(scraped);
//! let report = Cleaner::default().clean(&mut text)?;
//! assert_eq!(
//!     text.current(),
//!     "東莞走出扶貧之路\n\n2016年4月，東莞市選派了375名干部，到韶關“對口”幫扶。\n"
//! );
//! // every change is reported in the original
//! let removed: Vec<_> = report.of_kind(ChangeKind::RemovedLine).collect();
//! assert_eq!(removed[0].before, "當前位置:首頁 > 新聞\n");
//! assert_eq!(removed[0].reason, "breadcrumb navigation");
//! assert_eq!(&scraped[removed[1].original.range()], "4.jpg\n");
//! // and every cleaned character still points into it
//! let span = text.to_original(0..text.current().find('\n').unwrap());
//! assert_eq!(&scraped[span.range()], "東東莞莞走走出出扶扶貧貧之之路路");
//! # Ok::<(), zhen_clean::Error>(())
//! ```
#![deny(missing_docs)]

/// A cleaner as a unit struct that is a [`Normalizer`] named `$name`,
/// running `$clean` (a function of the text returning its changes).
macro_rules! normalizer {
    ($(#[$doc:meta])* $t:ident, $name:literal, $clean:path) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $t;

        impl zhen_core::Normalizer for $t {
            fn name(&self) -> &str {
                $name
            }

            fn normalize(&self, text: &mut zhen_core::AlignedText) -> zhen_core::Result<()> {
                $clean(text).map(drop).map_err(crate::Error::into_core)
            }
        }
    };
}

mod boilerplate;
mod chars;
mod doubled;
mod error;
mod join;
mod ocr;
mod punct;
mod report;

pub use boilerplate::{classify_line, remove_boilerplate, Boilerplate};
pub use doubled::{undouble_chars, DoubledChars, MIN_PAIRS};
pub use error::{Error, Result};
pub use join::{join_broken_lines, JoinLines};
pub use ocr::{remove_ocr_spaces, OcrSpaces};
pub use punct::{normalize_punctuation, Punctuation};
pub use report::{Change, ChangeKind, CleanReport};

use zhen_core::{AlignedText, Normalizer};

/// Which cleaners [`Cleaner`] runs. All are on by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CleanOptions {
    /// Remove OCR spaces ([`remove_ocr_spaces`]).
    pub ocr_spaces: bool,
    /// Join lines broken inside a sentence ([`join_broken_lines`]).
    pub join_lines: bool,
    /// Undouble OCR-doubled runs ([`undouble_chars`]).
    pub doubled_chars: bool,
    /// Fix punctuation width ([`normalize_punctuation`]).
    pub punctuation: bool,
    /// Remove boilerplate and spam lines ([`remove_boilerplate`]).
    pub boilerplate: bool,
}

impl Default for CleanOptions {
    fn default() -> Self {
        CleanOptions {
            ocr_spaces: true,
            join_lines: true,
            doubled_chars: true,
            punctuation: true,
            boilerplate: true,
        }
    }
}

/// Runs the enabled cleaners in order; see the crate docs.
#[derive(Clone, Debug, Default)]
pub struct Cleaner {
    options: CleanOptions,
}

impl Cleaner {
    /// A cleaner running the steps enabled in `options`.
    pub fn new(options: CleanOptions) -> Self {
        Cleaner { options }
    }

    /// The options it runs with.
    pub fn options(&self) -> CleanOptions {
        self.options
    }

    /// Cleans the current text of `text` in place and reports every change,
    /// sorted by original position.
    pub fn clean(&self, text: &mut AlignedText) -> Result<CleanReport> {
        type Step = fn(&mut AlignedText) -> Result<Vec<Change>>;
        let o = self.options;
        let steps: [(bool, Step); 5] = [
            (o.boilerplate, remove_boilerplate),
            (o.punctuation, normalize_punctuation),
            (o.ocr_spaces, remove_ocr_spaces),
            (o.doubled_chars, undouble_chars),
            (o.join_lines, join_broken_lines),
        ];
        let mut changes = Vec::new();
        for (on, step) in steps {
            if on {
                changes.extend(step(text)?);
            }
        }
        changes.sort_by_key(|c| (c.original.start, c.original.end));
        Ok(CleanReport { changes })
    }
}

impl Normalizer for Cleaner {
    fn name(&self) -> &str {
        "clean"
    }

    fn normalize(&self, text: &mut AlignedText) -> zhen_core::Result<()> {
        self.clean(text).map(drop).map_err(Error::into_core)
    }
}
