//! Character classes shared by the cleaners.

/// A CJK unified ideograph (BMP blocks, extension A, the supplementary
/// ideographic planes, compatibility ideographs) or 〇.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3134F)
}

/// Punctuation used in Chinese text: the CJK symbols block (without the
/// ideographic space), full-width ASCII punctuation, vertical forms, and the
/// curly quotes, ellipsis and dashes Chinese typesetting uses.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32,
        0x3001..=0x3006
        | 0x3008..=0x303F
        | 0xFE10..=0xFE1F
        | 0xFE30..=0xFE4F
        | 0xFF01..=0xFF0F
        | 0xFF1A..=0xFF20
        | 0xFF3B..=0xFF40
        | 0xFF5B..=0xFF65)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '‥' | '—' | '·' | '•')
}

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

/// Display width in units of one Han character: wide (East Asian) characters
/// count 1, everything else ½.
pub fn width(c: char) -> f32 {
    let wide = is_han(c)
        || is_cjk_punct(c)
        || matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0x303E | 0x3040..=0x33FF | 0xAC00..=0xD7A3 | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
    if wide {
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
