//! Undoubling of headings whose every character OCR read twice
//! (`东东莞莞走走出出` → `东莞走出`).
//!
//! Scanning a line from the left, a *pair* is two equal adjacent characters
//! that are neither ASCII nor whitespace (Han characters and Chinese
//! punctuation: `““`, `，，`, `……`). A run of consecutive pairs is undoubled
//! when it has at least [`MIN_PAIRS`] pairs and at least three different
//! characters. Chinese reduplication makes at most two or three pairs in a
//! row (`看看`, `围围着`, `实实在在`, `三三两两`, `家家户户`), so real words survive;
//! a laugh like `哈哈哈哈哈哈哈哈` has one character only and survives too.
//!
//! Each pair is one edit, so every kept character aligns to its own pair in
//! the original; the run is reported as one [`ChangeKind::DoubledChars`].

use zhen_core::{AlignedText, Edit};

use crate::report::{apply_planned, Planned};
use crate::{Change, ChangeKind, Result};

/// The fewest consecutive doubled pairs that are undoubled.
pub const MIN_PAIRS: usize = 4;

normalizer! {
    /// The [`Normalizer`](zhen_core::Normalizer) undoubling OCR-doubled runs; see the module docs.
    DoubledChars, "doubled-chars", undouble_chars
}

/// Undoubles runs of at least [`MIN_PAIRS`] doubled characters, one
/// [`ChangeKind::DoubledChars`] change per run.
///
/// ```
/// use zhen_core::AlignedText;
/// let mut t = AlignedText::new("东东莞莞走走出出““产产业业””\n还围围着村子，看看");
/// zhen_clean::undouble_chars(&mut t).unwrap();
/// assert_eq!(t.current(), "东莞走出“产业”\n还围围着村子，看看");
/// ```
pub fn undouble_chars(text: &mut AlignedText) -> Result<Vec<Change>> {
    let planned = plan(text.current());
    apply_planned(text, ChangeKind::DoubledChars.as_str(), planned)
}

fn eligible(c: char) -> bool {
    !c.is_ascii() && !c.is_whitespace()
}

fn plan(text: &str) -> Vec<Planned> {
    let mut out = Vec::new();
    // pairs of the current run: offset and char of each pair's first char
    // (read as the chars come: a vector of a whole document's chars cost
    // 16 bytes a char of fresh pages)
    let mut run: Vec<(usize, char)> = Vec::new();
    let flush = |run: &mut Vec<(usize, char)>, out: &mut Vec<Planned>| {
        let mut distinct: Vec<char> = Vec::new();
        for &(_, c) in run.iter() {
            if !distinct.contains(&c) {
                distinct.push(c);
                if distinct.len() >= 3 {
                    break;
                }
            }
        }
        if run.len() >= MIN_PAIRS && distinct.len() >= 3 {
            let edits = run
                .iter()
                .map(|&(off, c)| Edit::new(off..off + 2 * c.len_utf8(), c.to_string()))
                .collect();
            out.push(Planned {
                edits,
                kind: ChangeKind::DoubledChars,
                reason: format!("{} characters each doubled by OCR", run.len()),
            });
        }
        run.clear();
    };
    let mut chars = text.char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        if eligible(c) && chars.peek().is_some_and(|&(_, d)| d == c) {
            run.push((off, c));
            chars.next();
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> String {
        let mut t = AlignedText::new(s);
        undouble_chars(&mut t).unwrap();
        t.current().to_string()
    }

    #[test]
    fn doubled_runs_are_undoubled() {
        assert_eq!(run("东东莞莞走走出出"), "东莞走出");
        assert_eq!(run("数数说说扶扶贫贫"), "数说扶贫");
        assert_eq!(
            run("对对口口韶韶关关、、揭揭阳阳精精准准脱脱贫贫，，对对口口"),
            "对口韶关、揭阳精准脱贫，对口"
        );
        assert_eq!(run("援援疆疆…………因因地地"), "援疆……因地");
    }

    #[test]
    fn reduplication_survives() {
        for s in [
            "看看",
            "还围围着村子修了绿道",
            "实实在在的方法",
            "三三两两的妇女",
            "常常看看想想",
            "哈哈哈哈哈哈哈哈",
            "东东莞莞走走",
            "aabbccdd1122",
        ] {
            assert_eq!(run(s), s);
        }
    }

    #[test]
    fn each_kept_char_aligns_to_its_pair() {
        let mut t = AlignedText::new("x东东莞莞走走出出y");
        let ch = undouble_chars(&mut t).unwrap();
        assert_eq!(t.current(), "x东莞走出y");
        assert_eq!(t.to_original(4..7), zhen_core::Span::new(7, 13));
        assert_eq!(ch.len(), 1);
        assert_eq!(ch[0].before, "东东莞莞走走出出");
        assert_eq!(ch[0].after, "东莞走出");
        assert_eq!(ch[0].original, zhen_core::Span::new(1, 25));
    }
}
