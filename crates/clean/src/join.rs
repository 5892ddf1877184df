//! Joining of lines broken inside a sentence.
//!
//! Web scrapers break paragraphs at random points (`…梳理出制约新民村\n\n实现脱贫的各类问题`)
//! and OCR breaks every line of a column (`关键在人，关键在干部队伍作\n风。`). A line
//! `L` is joined to the next non-blank line `N` (the line break, blank lines,
//! trailing spaces of `L` and indentation of `N` are removed) when nothing
//! says the break is real and something says the sentence goes on.
//!
//! The break is **real** (no join) when any of these holds:
//!
//! * `L` looks like a heading: it has no clause punctuation (`，。、；：！？`)
//!   and is short (at most 8 Han characters wide) or separates phrases with a
//!   space (`加强党建 打造优秀党员干部队伍`, the way Chinese news headings do);
//! * `N` looks like a heading in the second way (phrase space, no clause
//!   punctuation), or starts a new item: it begins with a bullet (`▲■●◆★▶•※`, and
//!   `荩`, the glyph some newspaper PDFs extract for their bullet), with an
//!   enumerator (`一、`, `（一）`, `1.`, `2、`), or is indented by two or more
//!   columns (two spaces, a tab, an ideographic space) — paragraphs in indented
//!   documents start so;
//! * either line has no Han character (English text is left alone).
//!
//! Otherwise, if `L` ends a sentence (its last character, after any closing
//! quotes and brackets, is `。！？；…` or `!?`), it is joined only when it is a
//! full line of a hard-wrapped column (see (f)) followed directly, without a
//! blank line, by `N`: the column goes on with the same paragraph.
//!
//! If `L` does not end a sentence, the sentence **goes on** when any of these
//! holds:
//!
//! * (a) `L` ends with punctuation that cannot end a paragraph: `，、：` or an
//!   opening quote or bracket, or a dash;
//! * (b) a quote or bracket (`“（《【「『‘`) opened in `L`, or in the lines
//!   already joined to it, is still open;
//! * (c) `L` is prose: it has sentence-final punctuation before its end, so
//!   it is no title;
//!
//! and, unless `L` is a bulleted item (a caption ends at its line end):
//!
//! * (d) `L` is long prose: at least 20 characters wide with two or more
//!   clause marks, and not ending with a closing quote or bracket (a title
//!   or caption such as `…实现『蝶变』` may end so);
//! * (e) `L` is a full line of a hard-wrapped column, unless it is alone
//!   between blank lines without clause punctuation (a caption or title).
//!
//! (f) The wrap width `W` of a column is estimated locally: the median width
//! of the lines within six non-blank lines of `L` that belong to blocks of
//! three or more consecutive non-blank lines (needing five such lines, and
//! `6 ≤ W ≤ 60`, as columns are narrow). `L` is full when
//! `W − 2 ≤ width(L) ≤ W + 4`, or `W − 4 ≤ width(L)` for the first line of a
//! block (paragraph starts lose their two-character indent in OCR), or
//! `W − 3 ≤ width(L)` for a line ending a sentence. Widths count a Han
//! character or Chinese punctuation as 1 and anything else as ½, so digits do
//! not skew them.
//!
//! The join removes nothing but whitespace; two Latin letters or digits
//! meeting at the join are kept apart by one space.

use std::ops::Range;

use zhen_core::{AlignedText, Edit};

use crate::chars::{is_clause_punct, is_closer, is_final, is_han, is_hspace, str_width};
use crate::report::{apply_planned, Planned};
use crate::{Change, ChangeKind, Result};

normalizer! {
    /// The [`Normalizer`](zhen_core::Normalizer) joining broken lines; see the module docs.
    JoinLines, "join-lines", join_broken_lines
}

/// Joins lines broken inside a sentence, one [`ChangeKind::JoinedLine`]
/// change per join. See the module docs for the rule.
///
/// ```
/// use zhen_core::AlignedText;
/// let mut t = AlignedText::new("党建引领\n\n梳理出制约新民村，\n\n实现脱贫的各类问题。\n\n产业扶贫");
/// zhen_clean::join_broken_lines(&mut t).unwrap();
/// assert_eq!(t.current(), "党建引领\n\n梳理出制约新民村，实现脱贫的各类问题。\n\n产业扶贫");
/// ```
pub fn join_broken_lines(text: &mut AlignedText) -> Result<Vec<Change>> {
    let planned = plan(text.current());
    apply_planned(text, ChangeKind::JoinedLine.as_str(), planned)
}

struct Line {
    /// content without surrounding spaces
    trim: Range<usize>,
    /// indentation in columns
    indent: usize,
    /// width of the content
    width: f32,
    /// index of its block (run of consecutive non-blank lines)
    block: usize,
    has_han: bool,
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut block = 0;
    let mut prev_blank = true;
    for raw in text.split_inclusive('\n') {
        let content = raw.trim_end_matches(['\n', '\r']);
        let lead = content.len() - content.trim_start_matches(is_hspace).len();
        let t = content.trim_matches(is_hspace);
        if t.is_empty() {
            prev_blank = true;
        } else {
            if prev_blank {
                block += 1;
            }
            prev_blank = false;
            let indent = content[..lead]
                .chars()
                .map(|c| if c == ' ' || c == '\u{a0}' { 1 } else { 2 })
                .sum();
            out.push(Line {
                trim: start + lead..start + lead + t.len(),
                indent,
                width: str_width(t),
                block,
                has_han: t.chars().any(is_han),
            });
        }
        start += raw.len();
    }
    out
}

/// The number of lines of each block, by block index (blocks are numbered
/// from 1 in text order).
fn block_lens(lines: &[Line]) -> Vec<usize> {
    let mut n = vec![0; lines.last().map_or(0, |l| l.block) + 1];
    for l in lines {
        n[l.block] += 1;
    }
    n
}

/// Wrap width around each non-blank line, if it sits in a hard-wrapped column.
fn wrap_widths(lines: &[Line]) -> Vec<Option<f32>> {
    let block_len = block_lens(lines);
    let candidate: Vec<bool> = lines
        .iter()
        .map(|l| l.has_han && block_len[l.block] >= 3)
        .collect();
    (0..lines.len())
        .map(|k| {
            let lo = k.saturating_sub(6);
            let hi = (k + 7).min(lines.len());
            let mut w: Vec<f32> = (lo..hi)
                .filter(|&j| candidate[j])
                .map(|j| lines[j].width)
                .collect();
            if w.len() < 5 {
                return None;
            }
            w.sort_by(f32::total_cmp);
            let m = w[w.len() / 2];
            (6.0..=60.0).contains(&m).then_some(m)
        })
        .collect()
}

fn plan(text: &str) -> Vec<Planned> {
    let lines = lines(text);
    let wraps = wrap_widths(&lines);
    let block_len = block_lens(&lines);
    let mut out = Vec::new();
    // open-minus-close counts of quotes and brackets over the chain of lines
    // joined so far (a quotation may span several broken lines)
    let mut open = [0i64; PAIRS.len()];
    let mut joined_prev = false;
    for k in 0..lines.len().saturating_sub(1) {
        let (l, n) = (&lines[k], &lines[k + 1]);
        let lt = &text[l.trim.clone()];
        let nt = &text[n.trim.clone()];
        if !joined_prev {
            open = [0; PAIRS.len()];
        }
        count_pairs(lt, &mut open);
        let ctx = Context {
            width: l.width,
            n_indent: n.indent,
            wrap: wraps[k],
            first: k == 0 || lines[k - 1].block != l.block,
            lone: block_len[l.block] == 1,
            n_follows: n.block == l.block,
            open: PAIRS
                .iter()
                .zip(open)
                .find(|&(_, c)| c > 0)
                .map(|(&(a, _), _)| a),
        };
        joined_prev = false;
        if !l.has_han || !n.has_han {
            continue;
        }
        let Some(reason) = join_reason(lt, nt, &ctx) else {
            continue;
        };
        joined_prev = true;
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        let sep = if latin(lt.chars().next_back()) && latin(nt.chars().next()) {
            " "
        } else {
            ""
        };
        // The separator takes the place of the gap's first character, char
        // for char, and the rest of the gap is deleted: a replacement of the
        // whole gap would align the space to all of it, including lines an
        // earlier step removed from between `l` and `n`.
        let gap = l.trim.end..n.trim.start;
        let edits = match text[gap.clone()].chars().next() {
            Some(c) if !sep.is_empty() => {
                let first = gap.start + c.len_utf8();
                let mut e = vec![Edit::new(gap.start..first, sep)];
                if first < gap.end {
                    e.push(Edit::delete(first..gap.end));
                }
                e
            }
            _ => vec![Edit::delete(gap)],
        };
        out.push(Planned {
            edits,
            kind: ChangeKind::JoinedLine,
            reason,
        });
    }
    out
}

/// What [`join_reason`] knows about a line besides its text.
#[derive(Clone, Debug, Default)]
struct Context {
    /// the line's width ([`str_width`] of its text, measured once)
    width: f32,
    /// indentation of the next line, in columns
    n_indent: usize,
    /// local wrap width, if the line sits in a hard-wrapped column
    wrap: Option<f32>,
    /// the line starts its block (follows a blank line or the text start)
    first: bool,
    /// the line is alone in its block
    lone: bool,
    /// the next line follows directly, without a blank line
    n_follows: bool,
    /// a quote or bracket left open by the line and the lines joined to it
    open: Option<char>,
}

const BULLETS: &[char] = &[
    '▲', '△', '▼', '▽', '■', '□', '●', '○', '◆', '◇', '★', '☆', '▶', '►', '▷', '•', '※', '◎', '→',
    '荩',
];
const CONTINUING: &[char] = &[
    '，', '、', '：', '“', '‘', '（', '《', '【', '「', '『', '〔', '—', ',', ':', '(',
];
const PAIRS: &[(char, char)] = &[
    ('“', '”'),
    ('‘', '’'),
    ('（', '）'),
    ('《', '》'),
    ('【', '】'),
    ('「', '」'),
    ('『', '』'),
];

/// Adds to `open` how many of each pair's opening marks `t` has, less its
/// closing ones, in one pass.
fn count_pairs(t: &str, open: &mut [i64; PAIRS.len()]) {
    for c in t.chars() {
        // (every mark of PAIRS is in one of these ranges)
        if !matches!(c, '\u{2018}'..='\u{201D}' | '\u{3008}'..='\u{3011}' | '（' | '）') {
            continue;
        }
        for (o, &(a, b)) in open.iter_mut().zip(PAIRS) {
            if c == a {
                *o += 1;
            } else if c == b {
                *o -= 1;
            }
        }
    }
}

fn has_phrase_space(t: &str) -> bool {
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if is_hspace(chars[i]) {
            let s = i;
            while i < chars.len() && is_hspace(chars[i]) {
                i += 1;
            }
            if s > 0 && i < chars.len() && is_han(chars[s - 1]) && is_han(chars[i]) {
                return true;
            }
        } else {
            i += 1;
        }
    }
    false
}

fn has_clause(t: &str) -> bool {
    t.chars().any(is_clause_punct)
}

/// A heading by its phrase space: `加强党建 打造优秀党员干部队伍`.
fn spaced_heading(t: &str) -> bool {
    !has_clause(t) && has_phrase_space(t)
}

/// `width`: [`str_width`] of `t`.
fn heading_like(t: &str, width: f32) -> bool {
    !has_clause(t) && (width <= 8.0 || has_phrase_space(t))
}

fn starts_item(t: &str) -> bool {
    let mut it = t.chars();
    let Some(first) = it.next() else {
        return false;
    };
    if BULLETS.contains(&first) {
        return true;
    }
    const NUMS: &str = "一二三四五六七八九十";
    let numeral = |c: char| NUMS.contains(c) || c.is_ascii_digit();
    if first == '（' || first == '(' {
        let inner: String = it.by_ref().take_while(|&c| c != '）' && c != ')').collect();
        return !inner.is_empty() && inner.chars().count() <= 3 && inner.chars().all(numeral);
    }
    let head: String = t.chars().take_while(|&c| numeral(c)).collect();
    if head.is_empty() || head.chars().count() > 3 {
        return false;
    }
    let rest = &t[head.len()..];
    let mut rc = rest.chars();
    match rc.next() {
        Some('、') => true,
        Some('.') | Some('．') | Some('）') | Some(')') => {
            !rc.next().is_some_and(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

/// Ends a sentence: last char, after closers, is sentence-final.
fn ends_sentence(t: &str) -> bool {
    t.trim_end_matches(is_closer)
        .chars()
        .next_back()
        .is_some_and(is_final)
}

/// Why line `l` should be joined to the next non-blank line `n` (both
/// without surrounding spaces), or `None` if the break is real. See the
/// module docs.
fn join_reason(l: &str, n: &str, ctx: &Context) -> Option<String> {
    if heading_like(l, ctx.width)
        || spaced_heading(n)
        || starts_item(n)
        || ctx.n_indent >= 2
        || !l.chars().any(is_han)
        || !n.chars().any(is_han)
    {
        return None;
    }
    let w = ctx.width;
    if ends_sentence(l) {
        // a full line of a column ends a sentence but not its paragraph
        // when the next line follows without a blank line
        let full = ctx
            .wrap
            .is_some_and(|wrap| w >= wrap - 3.0 && w <= wrap + 4.0);
        return (full && ctx.n_follows && !ctx.first && !starts_item(l))
            .then(|| "paragraph goes on in the next line of the column".into());
    }
    let last = l.chars().next_back()?;
    if CONTINUING.contains(&last) {
        return Some(format!("line ends with {last:?}"));
    }
    if let Some(o) = ctx.open {
        return Some(format!("{o:?} left open"));
    }
    let body = &l[..l.len() - last.len_utf8()];
    if body.chars().any(|c| matches!(c, '。' | '！' | '？' | '；')) {
        return Some("prose line ends mid-sentence".into());
    }
    // a bulleted item (caption) ends at its line end unless shown otherwise
    if starts_item(l) {
        return None;
    }
    let clauses = l
        .chars()
        .filter(|&c| matches!(c, '，' | '、' | '：' | ',' | ':'))
        .count();
    if w >= 20.0 && clauses >= 2 && !is_closer(last) {
        return Some("long prose line ends mid-sentence".into());
    }
    let lone_title = ctx.lone && !has_clause(l);
    if let (Some(wrap), false) = (ctx.wrap, lone_title) {
        let short = if ctx.first { 4.0 } else { 2.0 };
        if w >= wrap - short && w <= wrap + 4.0 {
            return Some(format!(
                "full line of a column wrapped at about {wrap} characters"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> String {
        let mut t = AlignedText::new(s);
        join_broken_lines(&mut t).unwrap();
        t.current().to_string()
    }

    #[test]
    fn broken_sentences_are_joined() {
        assert_eq!(
            run("到了新民村，崔现忠和村委班子座谈研究，梳理出制约新民村\n\n实现脱贫的各类问题。"),
            "到了新民村，崔现忠和村委班子座谈研究，梳理出制约新民村实现脱贫的各类问题。"
        );
        assert_eq!(
            run("发展特色产业是脱贫致富的“铁\n\n杆庄稼”，也是"),
            "发展特色产业是脱贫致富的“铁杆庄稼”，也是"
        );
        assert_eq!(
            run("脱贫攻坚任务能否完成，\n\n关键在人。"),
            "脱贫攻坚任务能否完成，关键在人。"
        );
        assert_eq!(
            run("并在村里显眼位置设置党建标语。进一\n\n步加强"),
            "并在村里显眼位置设置党建标语。进一步加强"
        );
        assert_eq!(run("OPPO\nvivo 等"), "OPPO\nvivo 等");
        assert_eq!(run("企业OPPO\nvivo等"), "企业OPPO\nvivo等");
    }

    #[test]
    fn headings_stay_alone() {
        for s in [
            "党建引领\n\n产业扶贫\n\n大沥镇赴四川省开展支教活动。",
            "加强党建 打造优秀党员干部队伍\n\n“驻村开展扶贫工作以来，我最大的感受就是。”",
            "大沥镇结合自身经验与丰富资源，助力对口帮扶地区实现『蝶变』\n\n党建引领",
            "高质量脱贫路上的大沥担当\n\n大沥镇结合自身经验",
            "第一句话。\n\n第二句话。",
            "一年来，收获如下：\n1. 修路",
            "焦点，新闻\n  本报讯，今天",
            "▲在林芝的“工布玫瑰谷”，玫瑰被加工成玫瑰精油和纯露\n荩春节期间，傅伟斌走访贫困户",
            "他说：“好。”\n接着",
            "Hello,\nworld",
        ] {
            assert_eq!(run(s), s);
        }
    }

    #[test]
    fn hard_wrapped_column_is_reflowed() {
        let col = "广东省第五扶贫协作工作\n组组长方灿芬假期走访昭\n通职业教育中心\n\n关键在人，关键在干部队伍作\n风。2016年4月，东莞市选派\n了375名干部到韶关、揭阳两\n市开展扶贫工作；2019年4\n月，东莞以做好第三批省定贫\n困村党组织第一书记轮换工作\n";
        assert_eq!(
            run(col),
            "广东省第五扶贫协作工作组组长方灿芬假期走访昭通职业教育中心\n\n关键在人，关键在干部队伍作风。2016年4月，东莞市选派了375名干部到韶关、揭阳两市开展扶贫工作；2019年4月，东莞以做好第三批省定贫困村党组织第一书记轮换工作\n"
        );
    }

    #[test]
    fn pair_marks_are_in_the_ranges_count_pairs_reads() {
        let mut open = [0; PAIRS.len()];
        let text: String = PAIRS.iter().flat_map(|&(a, b)| [a, a, b]).collect();
        count_pairs(&text, &mut open);
        assert_eq!(open, [1; PAIRS.len()]);
    }

    #[test]
    fn items_and_enumerators() {
        assert!(starts_item("一、总体要求"));
        assert!(starts_item("（一）加强党建"));
        assert!(starts_item("1.修路"));
        assert!(starts_item("■番禺区"));
        assert!(!starts_item("2019年，"));
        assert!(!starts_item("1.5万个"));
        assert!(!starts_item("（以下简称）"));
    }
}
