//! Character classes of the cleaners. Han, punctuation of Chinese text and
//! width come from zhen-core's one table ([`zhen_core::chars`]); the lists
//! here are the cleaners' own (sentence-final marks, closers, clause marks).

pub(crate) use zhen_core::chars::{is_cjk_punct, is_han};

/// A Han character or Chinese punctuation: the context in which half-width
/// punctuation is converted and OCR spaces are removed.
pub fn is_cjkish(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

/// Sentence-final punctuation: a line ending in one of these (possibly
/// followed by closing quotes or brackets) ends a sentence.
pub fn is_final(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '…' | '‥' | '!' | '?' | '．')
}

/// Closing quotes and brackets.
pub fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | '》' | '】' | '〕' | '〉' | ')' | '"' | '\''
    )
}

/// Clause punctuation: inside a line it shows the line is prose, not a title.
pub fn is_clause_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '、' | '：' | '；' | '。' | '！' | '？' | ',' | ':' | ';' | '!' | '?'
    )
}

/// Horizontal spaces an OCR engine or a web page puts between characters.
pub fn is_hspace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{3000}')
}

/// Display width in units of one Han character: wide (East Asian)
/// characters and the punctuation of Chinese text (curly quotes and dashes
/// are set full width there) count 1, everything else ½.
pub fn width(c: char) -> f32 {
    if zhen_core::chars::is_wide(c) || is_cjk_punct(c) {
        1.0
    } else {
        0.5
    }
}

/// Width of a string, see [`width`].
pub fn str_width(s: &str) -> f32 {
    s.chars().map(width).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_han('東') && is_han('𠀀') && !is_han('。'));
        assert!(is_cjk_punct('，') && is_cjk_punct('“') && !is_cjk_punct(','));
        assert!(!is_cjk_punct('\u{3000}'));
        assert_eq!(str_width("东莞a1"), 3.0);
    }
}
