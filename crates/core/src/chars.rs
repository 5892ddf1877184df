//! The character classes every zhen crate uses, from one table.
//!
//! Each row of the table is a range of code points with the classes its
//! characters belong to. The cleaners, the language identifier, the sentence
//! splitter, the tokenizer and the readers ask these functions, so a
//! character is Han (or punctuation of Chinese text, or full width) for all
//! of them or for none.
//!
//! ```
//! use zhen_core::chars;
//! assert!(chars::is_han('東') && chars::is_han('𠀀') && chars::is_han('〇'));
//! assert!(chars::is_cjk_punct('，') && chars::is_cjk_punct('“') && !chars::is_cjk_punct(','));
//! assert_eq!(chars::halfwidth_alnum('Ａ'), Some('A'));
//! assert!(chars::is_cjk('ア') && !chars::is_cjk('a'));
//! ```

/// Han ideograph.
const HAN: u16 = 1;
/// Hiragana or katakana.
const KANA: u16 = 1 << 1;
/// Hangul.
const HANGUL: u16 = 1 << 2;
/// Bopomofo.
const BOPOMOFO: u16 = 1 << 3;
/// CJK radicals and ideographic description characters.
const RADICAL: u16 = 1 << 4;
/// Other CJK symbols: kanbun, strokes, enclosed letters, compatibility
/// squares, Yijing hexagrams.
const SYMBOL: u16 = 1 << 5;
/// Punctuation of Chinese text: CJK and full-width punctuation, and the
/// general punctuation Chinese typesetting shares with Western text.
const PUNCT: u16 = 1 << 6;
/// The ideographic space U+3000.
const SPACE: u16 = 1 << 7;
/// A full-width form of an ASCII letter or digit.
const FULLWIDTH_ALNUM: u16 = 1 << 8;
/// Wide in East Asian typesetting: takes the width of a Han character.
const WIDE: u16 = 1 << 9;
/// Punctuation also used outside CJK text (dashes, curly quotes, the middle dot).
const SHARED: u16 = 1 << 10;

/// `(first, last, classes)`, sorted and not overlapping.
const TABLE: &[(u32, u32, u16)] = &[
    (0x00B7, 0x00B7, PUNCT | SHARED), // middle dot of transliterated names
    (0x1100, 0x115F, HANGUL | WIDE),  // Hangul jamo, leading consonants
    (0x1160, 0x11FF, HANGUL),         // Hangul jamo, vowels and finals
    (0x2010, 0x2027, PUNCT | SHARED), // dashes, curly quotes, ellipsis, ‧
    (0x2E80, 0x2FDF, RADICAL | WIDE), // CJK radicals supplement, Kangxi radicals
    (0x2FF0, 0x2FFF, RADICAL | WIDE), // ideographic description characters
    (0x3000, 0x3000, SPACE | WIDE),   // ideographic space
    (0x3001, 0x3006, PUNCT | WIDE),   // 、。〃〄々〆
    (0x3007, 0x3007, HAN | WIDE),     // 〇
    (0x3008, 0x303E, PUNCT | WIDE),   // brackets, marks, Hangzhou numerals
    (0x303F, 0x303F, PUNCT),          // half fill space
    (0x3040, 0x30FA, KANA | WIDE),    // hiragana, katakana
    (0x30FB, 0x30FB, PUNCT | WIDE),   // katakana middle dot, in Chinese names too
    (0x30FC, 0x30FF, KANA | WIDE),    // prolonged sound mark, iteration marks
    (0x3100, 0x312F, BOPOMOFO | WIDE), // bopomofo
    (0x3130, 0x318F, HANGUL | WIDE),  // Hangul compatibility jamo
    (0x3190, 0x319F, SYMBOL | WIDE),  // kanbun
    (0x31A0, 0x31BF, BOPOMOFO | WIDE), // bopomofo extended
    (0x31C0, 0x31EF, SYMBOL | WIDE),  // CJK strokes
    (0x31F0, 0x31FF, KANA | WIDE),    // katakana phonetic extensions
    (0x3200, 0x33FF, SYMBOL | WIDE),  // enclosed CJK letters, CJK compatibility
    (0x3400, 0x4DBF, HAN | WIDE),     // extension A
    (0x4DC0, 0x4DFF, SYMBOL),         // Yijing hexagram symbols
    (0x4E00, 0x9FFF, HAN | WIDE),     // CJK unified ideographs
    (0xA960, 0xA97F, HANGUL | WIDE),  // Hangul jamo extended-A
    (0xAC00, 0xD7A3, HANGUL | WIDE),  // Hangul syllables
    (0xD7A4, 0xD7FF, HANGUL),         // Hangul jamo extended-B
    (0xF900, 0xFAFF, HAN | WIDE),     // CJK compatibility ideographs
    (0xFE10, 0xFE1F, PUNCT | WIDE),   // vertical forms
    (0xFE30, 0xFE4F, PUNCT | WIDE),   // CJK compatibility forms
    (0xFF01, 0xFF0F, PUNCT | WIDE),   // ！＂＃…／
    (0xFF10, 0xFF19, FULLWIDTH_ALNUM | WIDE), // ０–９
    (0xFF1A, 0xFF20, PUNCT | WIDE),   // ：；＜＝＞？＠
    (0xFF21, 0xFF3A, FULLWIDTH_ALNUM | WIDE), // Ａ–Ｚ
    (0xFF3B, 0xFF40, PUNCT | WIDE),   // ［＼］＾＿｀
    (0xFF41, 0xFF5A, FULLWIDTH_ALNUM | WIDE), // ａ–ｚ
    (0xFF5B, 0xFF60, PUNCT | WIDE),   // ｛｜｝～｟｠
    (0xFF61, 0xFF65, PUNCT),          // half-width ｡｢｣､･
    (0xFF66, 0xFF9F, KANA),           // half-width katakana
    (0xFFA0, 0xFFDC, HANGUL),         // half-width Hangul
    (0xFFE0, 0xFFE6, SYMBOL | WIDE),  // full-width ￠￡￢￣￤￥￦
    (0xFFE8, 0xFFEE, SYMBOL),         // half-width arrows and shapes
    (0x20000, 0x3FFFF, HAN | WIDE),   // planes 2 and 3: extensions B–I, compatibility supplement
];

/// The classes of `c` (0 for none).
#[inline]
fn classes(c: char) -> u16 {
    let c = c as u32;
    // ASCII and Latin text: no row before U+00B7
    if c < 0xB7 {
        return 0;
    }
    let i = TABLE.partition_point(|&(_, last, _)| last < c);
    match TABLE.get(i) {
        Some(&(first, _, class)) if first <= c => class,
        _ => 0,
    }
}

#[inline]
fn has(c: char, class: u16) -> bool {
    classes(c) & class != 0
}

/// A Han ideograph: 〇, the CJK unified ideographs with extension A, the
/// compatibility ideographs, and the supplementary and tertiary ideographic
/// planes (extensions B–I, the compatibility supplement).
#[inline]
pub fn is_han(c: char) -> bool {
    has(c, HAN)
}

/// Hiragana or katakana (with the phonetic extensions and half-width
/// katakana; not the katakana middle dot ・, which Chinese names use too).
#[inline]
pub fn is_kana(c: char) -> bool {
    has(c, KANA)
}

/// Hangul: jamo (and their compatibility, extended and half-width forms) and syllables.
#[inline]
pub fn is_hangul(c: char) -> bool {
    has(c, HANGUL)
}

/// Punctuation of Chinese text: CJK symbols and punctuation (not the
/// ideographic space, not 〇), vertical and compatibility forms, full-width
/// and half-width punctuation, the katakana middle dot, and the general
/// punctuation Chinese typesetting shares with Western text — dashes, curly
/// quotes, ellipsis, the middle dot · (U+00B7, U+2010–U+2027).
#[inline]
pub fn is_cjk_punct(c: char) -> bool {
    has(c, PUNCT)
}

/// One of the general punctuation marks shared with Western text (U+00B7,
/// U+2010–U+2027): part of [`is_cjk_punct`], but not a sign of CJK text.
#[inline]
pub fn is_shared_punct(c: char) -> bool {
    has(c, SHARED)
}

/// The ASCII letter or digit of a full-width form (`Ａ` → `A`, `３` → `3`).
#[inline]
pub fn halfwidth_alnum(c: char) -> Option<char> {
    if has(c, FULLWIDTH_ALNUM) {
        char::from_u32(c as u32 - 0xFEE0)
    } else {
        None
    }
}

/// Wide in East Asian typesetting (the width of a Han character): Han,
/// kana, Hangul syllables and leading jamo, bopomofo, radicals, CJK symbols
/// and punctuation, full-width forms. Half-width forms are not wide.
#[inline]
pub fn is_wide(c: char) -> bool {
    has(c, WIDE)
}

/// Han, kana, Hangul or punctuation of Chinese text: a character that
/// never belongs to a run of Latin letters and digits.
#[inline]
pub fn is_cjk_text(c: char) -> bool {
    has(c, HAN | KANA | HANGUL | PUNCT)
}

/// Any character of the table: CJK scripts, their symbols and punctuation,
/// full-width and half-width forms, and the shared punctuation — the
/// characters CJK text writes without spaces around them.
#[inline]
pub fn is_cjk(c: char) -> bool {
    classes(c) != 0
}

/// A CJK sentence terminator (`。！？；…` and their half-width and vertical
/// forms): the sentence splitter cuts after a run of them, and the NER
/// register classifier cuts its pieces where the splitter does.
#[inline]
pub fn is_cjk_terminator(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '；' | '…' | '⋯' | '｡' | '︒' | '﹒' | '﹖' | '﹗'
    )
}

/// A closing quotation mark or bracket (`”`, `）`, `》` …): after a
/// terminator the sentence splitter keeps a run of them with the sentence
/// before.
#[inline]
pub fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’'
            | '」'
            | '』'
            | '）'
            | '》'
            | '〉'
            | '】'
            | '〕'
            | '〗'
            | ')'
            | ']'
            | '}'
            | '"'
            | '\''
            | '»'
            | '›'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_rows_do_not_overlap() {
        for w in TABLE.windows(2) {
            assert!(
                w[0].0 <= w[0].1 && w[0].1 < w[1].0,
                "{:x?} {:x?}",
                w[0],
                w[1]
            );
        }
    }

    #[test]
    fn classes_of_chinese_text() {
        assert!(is_han('東') && is_han('〇') && is_han('𠀀') && is_han('\u{31350}'));
        assert!(is_han('\u{F900}') && is_han('\u{2F800}'));
        assert!(!is_han('。') && !is_han('ア') && !is_han('々') && !is_han('a'));
        assert!(is_kana('あ') && is_kana('ア') && is_kana('ｱ') && !is_kana('・'));
        assert!(is_hangul('한') && is_hangul('ㄱ') && !is_hangul('東'));
        for c in [
            '，', '。', '、', '“', '”', '…', '—', '·', '「', '（', '！', '・', '｡', '〆',
        ] {
            assert!(is_cjk_punct(c), "{c}");
        }
        for c in [',', '.', '\u{3000}', '東', 'Ａ', ' '] {
            assert!(!is_cjk_punct(c), "{c}");
        }
        assert!(is_shared_punct('“') && !is_shared_punct('，'));
        assert_eq!(halfwidth_alnum('ｚ'), Some('z'));
        assert_eq!(halfwidth_alnum('９'), Some('9'));
        assert_eq!(halfwidth_alnum('！'), None);
        assert!(is_wide('東') && is_wide('，') && is_wide('Ａ') && is_wide('\u{3000}'));
        assert!(!is_wide('ｱ') && !is_wide('a') && !is_wide('“'));
        assert!(is_cjk('\u{3000}') && is_cjk('“') && is_cjk('ｱ') && !is_cjk('é'));
    }
}
