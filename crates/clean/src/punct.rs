//! Half-width punctuation in Chinese text → full-width; full-width ASCII
//! letters and digits → half-width.
//!
//! Rules, line by line:
//!
//! * `"` are paired in order on the line (1st with 2nd, 3rd with 4th …); a
//!   pair becomes `“ ”` when its content holds a Han character or the pair
//!   touches Chinese text (a Han character or Chinese punctuation right before
//!   the opening or right after the closing quote). An unpaired `"` is kept.
//! * `(` `)` are matched like brackets, with `（ ）` (OCR reads one member
//!   of a full-width pair as half-width: `(李少奇）`); a matched pair with a
//!   half-width member becomes `（ ）` on the same condition. Unmatched ones
//!   are kept.
//! * `,` `:` `;` `?` `!` become `，` `：` `；` `？` `！` when the character right
//!   before or right after is Chinese (Han or Chinese punctuation, counting the
//!   quotes and brackets just converted), unless both neighbours are ASCII
//!   digits (`1,000`, `10:51`). Punctuation between Latin letters, digits,
//!   spaces (English text, URLs, times, decimals) is never touched; `.` is
//!   never converted.
//! * Full-width ASCII letters and digits `Ａ`–`Ｚ`, `ａ`–`ｚ`, `０`–`９` become
//!   ASCII, and so does a full-width `．` between two such digits (`３．５`).

use zhen_core::{AlignedText, Edit};

use zhen_core::chars::halfwidth_alnum;

use crate::chars::is_cjkish;
use crate::report::{apply_planned, Planned};
use crate::{Change, ChangeKind, Result};

normalizer! {
    /// The [`Normalizer`](zhen_core::Normalizer) fixing punctuation width; see the module docs.
    Punctuation, "punctuation", normalize_punctuation
}

/// Converts half-width punctuation in Chinese context to full-width
/// ([`ChangeKind::Punctuation`]) and full-width ASCII letters and digits to
/// half-width ([`ChangeKind::FullWidth`]), one change per character.
///
/// ```
/// use zhen_core::AlignedText;
/// let mut t = AlignedText::new("面上\"织布\",点上(村)。ＡＢＣ３．５, 10:51, 1,000");
/// zhen_clean::normalize_punctuation(&mut t).unwrap();
/// assert_eq!(t.current(), "面上“织布”，点上（村）。ABC3.5, 10:51, 1,000");
/// ```
pub fn normalize_punctuation(text: &mut AlignedText) -> Result<Vec<Change>> {
    let planned = plan(text.current());
    apply_planned(text, ChangeKind::Punctuation.as_str(), planned)
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
    // (most lines have nothing to convert: looked at before any copy)
    if !line.chars().any(|c| {
        matches!(c, '"' | '(' | ')' | ',' | ':' | ';' | '?' | '!' | '．')
            || halfwidth_alnum(c).is_some()
    }) {
        return;
    }
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    // the line as it will read: quotes and brackets first, they are context
    let mut new: Vec<char> = chars.iter().map(|&(_, c)| c).collect();
    let n = new.len();
    let cjk_at =
        |v: &[char], i: Option<usize>| i.and_then(|i| v.get(i)).is_some_and(|&c| is_cjkish(c));
    let pair_is_chinese = |v: &[char], open: usize, close: usize| {
        v[open + 1..close].iter().any(|&c| crate::chars::is_han(c))
            || cjk_at(v, open.checked_sub(1))
            || cjk_at(v, Some(close + 1))
    };
    let quotes: Vec<usize> = (0..n).filter(|&i| new[i] == '"').collect();
    for pair in quotes.chunks_exact(2) {
        if pair_is_chinese(&new, pair[0], pair[1]) {
            new[pair[0]] = '“';
            new[pair[1]] = '”';
        }
    }
    // brackets of either width are matched together: OCR reads one member
    // of a full-width pair as half-width (`(李少奇）`)
    let mut stack = Vec::new();
    let mut pairs = Vec::new();
    for (i, &c) in new.iter().enumerate() {
        match c {
            '(' | '（' => stack.push(i),
            ')' | '）' => {
                if let Some(o) = stack.pop() {
                    pairs.push((o, i));
                }
            }
            _ => {}
        }
    }
    for (o, c) in pairs {
        if (new[o] == '(' || new[c] == ')') && pair_is_chinese(&new, o, c) {
            new[o] = '（';
            new[c] = '）';
        }
    }
    for i in 0..n {
        let c = new[i];
        let full = match c {
            ',' => '，',
            ':' => '：',
            ';' => '；',
            '?' => '？',
            '!' => '！',
            _ => continue,
        };
        let prev = i.checked_sub(1).map(|j| new[j]);
        let next = new.get(i + 1).copied();
        let digits =
            prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|q| q.is_ascii_digit());
        if !digits && (prev.is_some_and(is_cjkish) || next.is_some_and(is_cjkish)) {
            new[i] = full;
        }
    }
    for c in new.iter_mut() {
        if let Some(h) = halfwidth_alnum(*c) {
            *c = h;
        }
    }
    for i in 1..n.saturating_sub(1) {
        if new[i] == '．' && new[i - 1].is_ascii_digit() && new[i + 1].is_ascii_digit() {
            new[i] = '.';
        }
    }
    for (i, &(off, old)) in chars.iter().enumerate() {
        let c = new[i];
        if c == old {
            continue;
        }
        let kind = if old.is_ascii() {
            ChangeKind::Punctuation
        } else {
            ChangeKind::FullWidth
        };
        let reason = match kind {
            ChangeKind::Punctuation => format!("half-width {old:?} in Chinese text"),
            _ => format!("full-width {old:?}"),
        };
        let at = base + off;
        out.push(Planned::one(
            Edit::new(at..at + old.len_utf8(), c.to_string()),
            kind,
            reason,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> String {
        let mut t = AlignedText::new(s);
        normalize_punctuation(&mut t).unwrap();
        t.current().to_string()
    }

    #[test]
    fn chinese_context_becomes_full_width() {
        assert_eq!(
            run("面上\"织布\",点上\"绣花\",为全面打好脱贫攻坚战。"),
            "面上“织布”，点上“绣花”，为全面打好脱贫攻坚战。"
        );
        assert_eq!(run("當前位置:首頁"), "當前位置：首頁");
        assert_eq!(run("(陈晓杰 黄熙伟)"), "（陈晓杰 黄熙伟）");
        assert_eq!(run("方灿芬 (左一 )假期"), "方灿芬 （左一 ）假期");
        assert_eq!(run("真的吗?是的!好;"), "真的吗？是的！好；");
        assert_eq!(run("2016年以来,钟山"), "2016年以来，钟山");
        assert_eq!(run("发展\"3+1\"(优质稻)特色"), "发展“3+1”（优质稻）特色");
        // a pair of mixed widths, as OCR reads it
        assert_eq!(run("信条。(李少奇）为了"), "信条。（李少奇）为了");
        assert_eq!(run("（王保初摄)”是的"), "（王保初摄）”是的");
        assert_eq!(run("他说（见附表1)。"), "他说（见附表1）。");
        // an unmatched half-width bracket is still kept
        assert_eq!(run("中)文"), "中)文");
    }

    #[test]
    fn numbers_latin_and_urls_are_kept() {
        for s in [
            "1,000 人",
            "增长3.5%",
            "2020-04-20 10:51",
            "Hello, world: a (small) test; ok? yes!",
            "见 http://www.gov.cn/a.php?id=3 网页",
            "He said \"hi\" to me",
            "f(x) = 1",
        ] {
            assert_eq!(run(s), s);
        }
        assert_eq!(run("共1,000人,其中"), "共1,000人，其中");
    }

    #[test]
    fn full_width_alnum_becomes_ascii() {
        assert_eq!(run("ＡＢＣ１２３公司"), "ABC123公司");
        assert_eq!(run("增长３．５％"), "增长3.5％");
        let mut t = AlignedText::new("ＡＢ,中");
        let ch = normalize_punctuation(&mut t).unwrap();
        let kinds: Vec<_> = ch.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(kinds, ["full-width", "full-width", "punctuation"]);
        assert_eq!(ch[2].before, ",");
        assert_eq!(ch[2].after, "，");
        assert_eq!(ch[2].original, zhen_core::Span::new(6, 7));
    }
}
