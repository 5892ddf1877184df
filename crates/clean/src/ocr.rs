//! Removal of spaces an OCR engine put between Chinese characters.
//!
//! A run of spaces (ASCII space, tab, NBSP) inside a line, with `a` the
//! character before it and `b` the one after, is removed when:
//!
//! * `a` or `b` is Chinese punctuation (`完成 ，`, `人， 关键`, `资助。 2018年`,
//!   `（技 ）`): Chinese typesetting never puts a space next to its own
//!   punctuation;
//! * `a` and `b` are Han characters and at least one of them stands alone
//!   between non-Han neighbours (spaces, punctuation, digits: `东 莞 市`, `提高贫困户自身 发 展 能力 与`, `凝心聚 沥`). A
//!   space between two words of several characters each (`加强党建 打造优秀党员干部队伍`,
//!   `不忘初心 牢记使命`, `陈晓杰 黄熙伟`) is how Chinese headings and name lists
//!   separate phrases, and is kept;
//! * one of `a`, `b` is an ASCII digit and the other a Han character
//!   (`2016 年 4 月` → `2016年4月`, `比 2018`), except in a line without
//!   clause punctuation (a heading) where the space separates a Han word
//!   of two or more characters from a word mixing digits and Han characters
//!   (`精准帮扶 35条省定贫困村全部达到退出标准`);
//! * it sits inside a number split by OCR around its decimal point
//!   (`19 . 13` → `19.13`).
//!
//! Spaces between Latin words, between Latin letters and Han characters
//! (`vivo 等`), and indentation at the start of a line are kept.

use zhen_core::{AlignedText, Edit};

use crate::chars::{is_cjk_punct, is_clause_punct, is_han};
use crate::report::{apply_planned, Planned};
use crate::{Change, ChangeKind, Result};

normalizer! {
    /// The [`Normalizer`](zhen_core::Normalizer) removing OCR spaces; see the module docs.
    OcrSpaces, "ocr-spaces", remove_ocr_spaces
}

/// Removes OCR spaces, one [`ChangeKind::OcrSpace`] change per space run.
///
/// ```
/// use zhen_core::AlignedText;
/// let mut t = AlignedText::new("东 莞 市 选 派 了 375 名干部， 2016 年 4 月 Hello world");
/// zhen_clean::remove_ocr_spaces(&mut t).unwrap();
/// assert_eq!(t.current(), "东莞市选派了375名干部，2016年4月 Hello world");
/// ```
pub fn remove_ocr_spaces(text: &mut AlignedText) -> Result<Vec<Change>> {
    let planned = plan(text.current());
    apply_planned(text, ChangeKind::OcrSpace.as_str(), planned)
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}')
}

fn plan(text: &str) -> Vec<Planned> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        plan_line(line, start, &mut out);
        start += line.len();
    }
    out
}

fn plan_line(line: &str, base: usize, out: &mut Vec<Planned>) {
    if !line.contains(is_space) {
        return;
    }
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let n = chars.len();
    let clause = line.chars().any(is_clause_punct);
    let c = |i: usize| chars[i].1;
    // a Han character "stands alone" when the character on its far side is
    // not Han (a space, punctuation, a digit, the line start or end)
    let not_han = |i: Option<usize>| match i {
        None => true,
        Some(i) => i >= n || !is_han(c(i)),
    };
    let mut i = 0;
    while i < n {
        if !is_space(c(i)) {
            i += 1;
            continue;
        }
        let s = i;
        while i < n && is_space(c(i)) {
            i += 1;
        }
        let e = i; // run is s..e
        if s == 0 || e >= n {
            continue;
        }
        let (a, b) = (c(s - 1), c(e));
        if a == '\n' || a == '\r' || b == '\n' || b == '\r' || a == '\u{3000}' {
            continue;
        }
        let reason = if is_cjk_punct(a) || is_cjk_punct(b) {
            Some("space next to Chinese punctuation")
        } else if is_han(a) && is_han(b) {
            let a_alone = not_han(s.checked_sub(2));
            let b_alone = not_han(Some(e + 1));
            (a_alone || b_alone).then_some("space between Chinese characters")
        } else if (a.is_ascii_digit() && is_han(b)) || (is_han(a) && b.is_ascii_digit()) {
            let before = token(&chars, s, false);
            let after = token(&chars, e, true);
            (clause || !phrase_pair(&before, &after))
                .then_some("space between a number and a Chinese character")
        } else if a.is_ascii_digit() && b == '.' {
            let after_dot = next_non_space(&chars, e + 1);
            after_dot
                .is_some_and(|d| d.is_ascii_digit())
                .then_some("space inside a decimal number")
        } else if a == '.' && b.is_ascii_digit() {
            let before_dot = s.checked_sub(2).and_then(|j| prev_non_space(&chars, j));
            before_dot
                .is_some_and(|d| d.is_ascii_digit())
                .then_some("space inside a decimal number")
        } else {
            None
        };
        if let Some(reason) = reason {
            let range = base + chars[s].0..base + chars[e].0;
            out.push(Planned::one(
                Edit::delete(range),
                ChangeKind::OcrSpace,
                reason,
            ));
        }
    }
}

/// The word (run of non-spaces) ending before char `at` (`forward == false`)
/// or starting at it.
fn token(chars: &[(usize, char)], at: usize, forward: bool) -> Vec<char> {
    let word = |&&(_, c): &&(usize, char)| !is_space(c) && c != '\n' && c != '\r';
    if forward {
        chars[at..]
            .iter()
            .take_while(word)
            .map(|&(_, c)| c)
            .collect()
    } else {
        let mut v: Vec<char> = chars[..at]
            .iter()
            .rev()
            .take_while(word)
            .map(|&(_, c)| c)
            .collect();
        v.reverse();
        v
    }
}

/// Two phrases of a heading: a Han word of two or more characters next to a
/// word mixing digits and Han characters (`精准帮扶 35条省定贫困村…`).
fn phrase_pair(before: &[char], after: &[char]) -> bool {
    let han_word = |w: &[char]| w.len() >= 2 && w.iter().all(|&c| is_han(c));
    let mixed = |w: &[char]| {
        w.len() >= 2 && w.iter().any(|&c| is_han(c)) && w.iter().any(|c| c.is_ascii_digit())
    };
    (han_word(before) && mixed(after)) || (mixed(before) && han_word(after))
}

fn next_non_space(chars: &[(usize, char)], from: usize) -> Option<char> {
    chars[from.min(chars.len())..]
        .iter()
        .map(|&(_, c)| c)
        .find(|&c| !is_space(c))
}

fn prev_non_space(chars: &[(usize, char)], to: usize) -> Option<char> {
    chars[..=to]
        .iter()
        .rev()
        .map(|&(_, c)| c)
        .find(|&c| !is_space(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> String {
        let mut t = AlignedText::new(s);
        remove_ocr_spaces(&mut t).unwrap();
        t.current().to_string()
    }

    #[test]
    fn ocr_spaces_are_removed() {
        assert_eq!(
            run("阳 两 市 开 展 扶 贫 工 作 ， 构 建"),
            "阳两市开展扶贫工作，构建"
        );
        assert_eq!(
            run("风。 2016 年 4 月， 东莞市选派"),
            "风。2016年4月，东莞市选派"
        );
        assert_eq!(
            run("提高贫困户自身 发 展 能力 与"),
            "提高贫困户自身发展能力与"
        );
        assert_eq!(
            run("累计实际投资 19 . 13 亿元 ， 带"),
            "累计实际投资19.13亿元，带"
        );
        assert_eq!(run("共提供普（技 ）工岗位"), "共提供普（技）工岗位");
        assert_eq!(run("凝心聚 沥"), "凝心聚沥");
        assert_eq!(run("资助。 2018年"), "资助。2018年");
        assert_eq!(
            run("是一个近 1400 年历史的古村"),
            "是一个近1400年历史的古村"
        );
        assert_eq!(run("精准帮扶 35条，退出"), "精准帮扶35条，退出");
    }

    #[test]
    fn meaningful_spaces_are_kept() {
        for s in [
            "加强党建 打造优秀党员干部队伍",
            "“不忘初心 牢记使命”",
            "（陈晓杰 黄熙伟）",
            "OPPO、vivo 等",
            "Hello world, 1 . 5 apples",
            "  入“駐”之初",
            "大桥村产业覆盖率达95.78 %",
            "东莞 \n市",
            "精准帮扶 35条省定贫困村全部达到退出标准",
        ] {
            assert_eq!(run(s), s.replace("1 . 5", "1.5"), "{s}");
        }
    }

    #[test]
    fn change_spans_are_original() {
        let mut t = AlignedText::new("东 莞  市");
        let ch = remove_ocr_spaces(&mut t).unwrap();
        assert_eq!(t.current(), "东莞市");
        assert_eq!(ch.len(), 2);
        assert_eq!(ch[1].before, "  ");
        assert_eq!(ch[1].original, zhen_core::Span::new(7, 9));
        assert_eq!(ch[1].kind, ChangeKind::OcrSpace);
    }
}
