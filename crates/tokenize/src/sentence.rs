//! Paragraph and sentence splitting.

use std::ops::Range;

use zhen_core::chars::{is_cjk_terminator, is_closer};

use crate::Lang;

/// A Chinese sentence longer than this many chars with no terminator is cut
/// at the last `，`/`,`/`、`/`；`/`：`/space before the limit (or at the
/// limit if there is none, never inside a Latin/digit run when avoidable), so
/// that downstream taggers see bounded input.
pub const MAX_SENTENCE_CHARS: usize = 500;

/// An opening quote whose closing quote is not found within this many chars
/// is treated as unclosed: it does not protect the text after it.
pub const QUOTE_LOOKAHEAD: usize = 250;

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}'
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let t = s.trim_start_matches(is_space);
    let start = r.start + (s.len() - t.len());
    let t = t.trim_end_matches(is_space);
    start..start + t.len()
}

/// Non-empty paragraphs of `text`: it is split at line breaks (`\n`, `\r`,
/// VT, FF, NEL, U+2028, U+2029), each piece is trimmed of surrounding
/// whitespace (including U+3000, BOM and zero-width space), and empty pieces
/// are dropped. Byte ranges of `text`.
///
/// ```
/// let text = "  第一段。\r\n\n\u{3000}第二段 \n";
/// let p = zhen_tokenize::paragraphs(text);
/// let got: Vec<&str> = p.iter().map(|r| &text[r.clone()]).collect();
/// assert_eq!(got, ["第一段。", "第二段"]);
/// ```
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_line_break(c) {
            let r = trim(text, start..i);
            if !r.is_empty() {
                out.push(r);
            }
            start = i + c.len_utf8();
        }
    }
    let r = trim(text, start..text.len());
    if !r.is_empty() {
        out.push(r);
    }
    out
}

fn closing_quote(c: char) -> Option<char> {
    Some(match c {
        '“' => '”',
        '‘' => '’',
        '「' => '」',
        '『' => '』',
        '«' => '»',
        '（' => '）',
        _ => return None,
    })
}

// Abbreviations after which a period does not end a sentence even before a
// capital (lower-case comparison).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "gov", "sen", "rep", "lt",
    "col", "capt", "sgt", "rev", "hon", "messrs", "mme", "mlle", "vs", "no", "nos", "vol", "fig",
    "figs", "jan", "feb", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "corp", "ltd",
    "co", "bros", "ave", "blvd", "approx", "dept", "est", "op", "pp", "cf",
];

/// Whether the period at char `i` belongs to an abbreviation: a listed word,
/// a single letter (an initial: `J.`), or a word with inner periods (`U.S.`,
/// `e.g.`).
fn is_abbreviation(chars: &[(usize, char)], i: usize) -> bool {
    let mut k = i;
    while k > 0 && (chars[k - 1].1.is_alphanumeric() || chars[k - 1].1 == '.') && i - k < 20 {
        k -= 1;
    }
    let word: String = chars[k..i].iter().map(|&(_, c)| c).collect();
    if word.is_empty() || !word.chars().next().is_some_and(char::is_alphabetic) {
        return false;
    }
    if word.contains('.') {
        return true;
    }
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return true;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Whether the text before a period, from the start of the sentence, is a
/// list number (`1.`, `29.`): the period numbers an item, it ends nothing.
fn is_enumerator(before: &[(usize, char)]) -> bool {
    let mut digits = 0;
    for &(_, c) in before {
        if c.is_ascii_digit() {
            digits += 1;
        } else if !is_space(c) || digits > 0 {
            return false;
        }
    }
    (1..=3).contains(&digits)
}

/// Sentences of `text[range]`: byte ranges inside `range`, trimmed, covering
/// all of its non-space text, in order.
///
/// * Chinese terminators `。！？；…` (and `｡︒﹖﹗⋯`) end a sentence, together with
///   any run of terminators (`！？`, `……`) and closing quotes/brackets
///   (`”’」』）》】` …) after them. In `zh`, `ja` and `und` text the ASCII
///   `!`, `?` and `;` act like their full-width forms.
/// * `.`, `!`, `?` (with the closers after them) end a sentence when followed
///   by whitespace and then a capital, a digit-free opening quote/bracket or a
///   CJK char. A period does not end a sentence after an abbreviation
///   (`Mr.`, `Dr.`, `No.`, `Inc.`, …), an initial (`J. K. Rowling`), a
///   word with inner periods (`U.S.`, `e.g.`), or a list number that starts
///   the sentence (`1. Thoma 210 points`); `3.5` has no space after the period.
/// * Inside a quotation (`“…”`, `‘…’`, `「…」`, `『…』`, `«…»`, `（…）`)
///   nothing splits; a terminator right before the closing quote splits
///   after it. An opening quote not closed within [`QUOTE_LOOKAHEAD`] chars
///   protects nothing.
/// * Line breaks always end a sentence.
/// * A piece longer than [`MAX_SENTENCE_CHARS`] is cut as documented there.
///
/// Linear in the length of the range.
///
/// ```
/// use zhen_tokenize::{sentences, Lang};
/// let t = "他说：“我来了。你呢？”然后走了。Dr. Smith left. He won!";
/// let got: Vec<&str> = sentences(t, 0..t.len(), &Lang::ZH)
///     .into_iter()
///     .map(|r| &t[r])
///     .collect();
/// assert_eq!(got, ["他说：“我来了。你呢？”", "然后走了。", "Dr. Smith left.", "He won!"]);
/// ```
pub fn sentences(text: &str, range: Range<usize>, lang: &Lang) -> Vec<Range<usize>> {
    let s = &text[range.clone()];
    let base = range.start;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let n = chars.len();
    let byte = |i: usize| if i < n { chars[i].0 } else { s.len() };
    let cjk_mode = matches!(lang.as_str(), "zh" | "ja" | "und");
    // cuts as char indices: piece boundaries
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut quote_end: Option<usize> = None;
    let mut i = 0;
    // extends over terminators and closers starting at j
    let extend = |mut j: usize| {
        while j < n && (is_cjk_terminator(chars[j].1) || is_closer(chars[j].1)) {
            j += 1;
        }
        j
    };
    while i < n {
        let c = chars[i].1;
        if is_line_break(c) {
            pieces.push((start, i));
            start = i + 1;
            quote_end = None;
            i += 1;
            continue;
        }
        if let Some(q) = quote_end {
            if i == q {
                quote_end = None;
                let before = chars[..i]
                    .iter()
                    .rev()
                    .take(4)
                    .map(|&(_, c)| c)
                    .find(|&c| !is_space(c));
                if before.is_some_and(|b| is_cjk_terminator(b) || matches!(b, '.' | '!' | '?')) {
                    let j = extend(i + 1);
                    pieces.push((start, j));
                    start = j;
                    i = j;
                    continue;
                }
            }
            i += 1;
            continue;
        }
        if let Some(close) = closing_quote(c) {
            let mut depth = 0usize;
            for (k, &(_, d)) in chars.iter().enumerate().skip(i + 1).take(QUOTE_LOOKAHEAD) {
                if is_line_break(d) {
                    break;
                }
                if d == c {
                    depth += 1;
                } else if d == close {
                    if depth == 0 {
                        quote_end = Some(k);
                        break;
                    }
                    depth -= 1;
                }
            }
            i += 1;
            continue;
        }
        let ascii_cjk = cjk_mode && matches!(c, '!' | '?' | ';');
        if is_cjk_terminator(c) || ascii_cjk {
            let mut j = i + 1;
            while j < n && (is_cjk_terminator(chars[j].1) || matches!(chars[j].1, '!' | '?')) {
                j += 1;
            }
            let j = extend(j);
            pieces.push((start, j));
            start = j;
            i = j;
            continue;
        }
        if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < n && matches!(chars[j].1, '.' | '!' | '?') {
                j += 1;
            }
            while j < n && is_closer(chars[j].1) {
                j += 1;
            }
            let mut k = j;
            while k < n && is_space(chars[k].1) && !is_line_break(chars[k].1) {
                k += 1;
            }
            let ends = k > j
                && k < n
                && {
                    let d = chars[k].1;
                    d.is_uppercase()
                        || zhen_core::chars::is_cjk(d)
                        || closing_quote(d).is_some()
                        || matches!(d, '"' | '\'' | '(' | '[')
                }
                && !(c == '.' && j == i + 1 && is_abbreviation(&chars, i))
                && !(c == '.' && j == i + 1 && is_enumerator(&chars[start..i]));
            if ends {
                pieces.push((start, j));
                start = j;
                i = j;
                continue;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    pieces.push((start, n));

    let mut out = Vec::new();
    for (a, b) in pieces {
        for (x, y) in bound_length(&chars, a, b) {
            let r = trim(s, byte(x)..byte(y));
            if !r.is_empty() {
                out.push(base + r.start..base + r.end);
            }
        }
    }
    out
}

fn is_soft_break(c: char) -> bool {
    matches!(c, '，' | ',' | '、' | '；' | '：' | ':') || is_space(c)
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

// Cuts chars[a..b] into pieces of at most MAX_SENTENCE_CHARS chars.
fn bound_length(chars: &[(usize, char)], a: usize, b: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = a;
    while b - start > MAX_SENTENCE_CHARS {
        let limit = start + MAX_SENTENCE_CHARS;
        // last soft break in (start, limit): cut after it
        let mut cut = (start + 1..=limit)
            .rev()
            .find(|&k| is_soft_break(chars[k - 1].1))
            .filter(|&k| k > start);
        if cut.is_none() {
            // hard cut, moved back out of a Latin/digit run when possible
            let mut k = limit;
            while k > start + 1 && is_word_char(chars[k - 1].1) && is_word_char(chars[k].1) {
                k -= 1;
            }
            cut = Some(if k > start + 1 { k } else { limit });
        }
        let cut = cut.expect("set above");
        out.push((start, cut));
        start = cut;
    }
    out.push((start, b));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str, lang: Lang) -> Vec<&str> {
        sentences(t, 0..t.len(), &lang)
            .into_iter()
            .map(|r| &t[r])
            .collect()
    }

    #[test]
    fn chinese_terminators_and_closers() {
        assert_eq!(
            split("你好！！我很好……你呢？』（完）好的。", Lang::ZH),
            ["你好！！", "我很好……", "你呢？』", "（完）好的。"]
        );
        assert_eq!(
            split("他说：“我来了。你呢？”然后走了。", Lang::ZH),
            ["他说：“我来了。你呢？”", "然后走了。"]
        );
        assert_eq!(
            split(
                "“驻村以来，我最大的感受就是，喊破嗓子不如干出样子。”6月30日，崔现忠站到了台上。",
                Lang::ZH
            ),
            [
                "“驻村以来，我最大的感受就是，喊破嗓子不如干出样子。”",
                "6月30日，崔现忠站到了台上。"
            ]
        );
        assert_eq!(
            split("第一；第二;第三", Lang::ZH),
            ["第一；", "第二;", "第三"]
        );
        assert_eq!(split("  \u{3000} ", Lang::ZH), Vec::<&str>::new());
    }

    #[test]
    fn quotes_do_not_protect_forever() {
        let long = "字".repeat(QUOTE_LOOKAHEAD + 10);
        let t = format!("他说：“没有结束。{long}。后来。");
        let got = split(&t, Lang::ZH);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0], "他说：“没有结束。");
        // a closed short quote protects its terminators
        assert_eq!(split("“好。好。”", Lang::ZH), ["“好。好。”"]);
    }

    #[test]
    fn english_abbreviations() {
        assert_eq!(
            split("Mr. Smith met Dr. J. K. Rowling in the U.S. on Monday. It cost $3.5 million. Was it No. 5? Yes! \"Good.\" She left.", Lang::EN),
            [
                "Mr. Smith met Dr. J. K. Rowling in the U.S. on Monday.",
                "It cost $3.5 million.",
                "Was it No. 5?",
                "Yes!",
                "\"Good.\"",
                "She left."
            ]
        );
        assert_eq!(
            split("Apple Inc. said so, e.g. Tim. the end", Lang::EN),
            ["Apple Inc. said so, e.g. Tim. the end"]
        );
        assert_eq!(
            split("It is 4.jpg. 好的。", Lang::ZH),
            ["It is 4.jpg.", "好的。"]
        );
        assert_eq!(
            split(
                "1. Thoma 210 points.\n29. Ingeborg Helen Marken. He won 5. Then 1996. Ended",
                Lang::EN
            ),
            [
                "1. Thoma 210 points.",
                "29. Ingeborg Helen Marken.",
                "He won 5.",
                "Then 1996.",
                "Ended"
            ]
        );
    }

    #[test]
    fn line_breaks_and_sub_ranges() {
        let t = "x 一。\n二 y";
        let r = sentences(t, 2..t.len() - 2, &Lang::ZH);
        let got: Vec<&str> = r.into_iter().map(|r| &t[r]).collect();
        assert_eq!(got, ["一。", "二"]);
    }

    #[test]
    fn long_sentences_are_bounded() {
        let clause = format!("{}，", "字".repeat(99)); // 100 chars
        let t = clause.repeat(12); // 1200 chars, no terminator
        let got = split(&t, Lang::ZH);
        assert_eq!(
            got.iter().map(|s| s.chars().count()).collect::<Vec<_>>(),
            [500, 500, 200]
        );
        let t = "a".repeat(1200);
        let got = split(&t, Lang::ZH);
        assert_eq!(got.concat(), t);
        assert!(got.iter().all(|s| s.chars().count() <= MAX_SENTENCE_CHARS));
        // 2,000+ chars stays fast (linear)
        let t = "字".repeat(200_000);
        let start = std::time::Instant::now();
        assert_eq!(split(&t, Lang::ZH).len(), 400);
        assert!(start.elapsed().as_secs() < 2);
    }
}
