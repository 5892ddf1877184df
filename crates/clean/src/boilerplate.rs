//! Removal of web furniture and spam lines.
//!
//! A line is removed (with its line break) when, after trimming spaces
//! (including NBSP and the ideographic space), it is one of:
//!
//! * **breadcrumb navigation**: it starts with 当前位置/當前位置/您的位置/…, or it
//!   is a short line (no `。`) with two or more `>`/`＞`/`»`/`›` separators;
//! * **article meta line**: it names a meta field (发布时间/發布時間, 来源/來源,
//!   作者, 责任编辑/責任編輯, 浏览/瀏覽, 阅读/閱讀, 点击/點擊 …) *and* carries a
//!   date (`2022-07-28`, `2020年4月`) or a counter (`浏览:1353`), and has no
//!   `。`. Such lines are web furniture, not article text, so they are removed;
//!   the date and source stay available in the report;
//! * **view counter**: a counter label alone (`瀏覽次數`, `浏览:1353`, `阅读 12`);
//! * **page widget**: share/print/close/listen/scan-to-phone controls
//!   (`分享`, `分享到`, `聽全文`, `打印`, `關閉`, `掃一掃在手機打開當前頁`, …), a
//!   `关注 · 站名`/`關注 · 站名` follow bar, `上一篇：…`/`下一篇：…`;
//! * **image file name**: one word ending in `.jpg`, `.jpeg`, `.png`, `.gif`,
//!   `.webp`, `.bmp`, `.tif`, `.tiff`;
//! * **stray symbol**: at most two characters, none of them a Han character, a
//!   letter pair or a digit (`x`, `-`, `■`, `×`, `|`);
//! * **spam**: a line without sentence punctuation made of short phrases
//!   (split at `,` `，` `、` `|` `｜` `/` and spaces) holding at least three
//!   terms of a spam vocabulary (adult-video and gambling terms in both
//!   scripts: 影院, 在线观看/在線觀看, 无码/無碼, 一区/二区, 国产/國產, 亚洲/亞洲,
//!   `av`, 博彩, 百家乐 …) spread over at least two phrases, or four terms in
//!   any shape. Ordinary news text can mention one or two of these words; a
//!   comma list of three or more is a link farm.

use zhen_core::{AlignedText, Edit};

use crate::chars::{is_han, is_hspace};
use crate::report::{apply_planned, Planned};
use crate::{Change, ChangeKind, Result};

const BREADCRUMB_PREFIXES: &[&str] = &[
    "当前位置",
    "當前位置",
    "您的位置",
    "你的位置",
    "您现在的位置",
    "您現在的位置",
    "现在位置",
    "現在位置",
    "所在位置",
];

const META_KEYS: &[&str] = &[
    "发布时间",
    "發布時間",
    "发布日期",
    "發布日期",
    "发表时间",
    "發表時間",
    "时间：",
    "時間：",
    "时间:",
    "時間:",
    "来源",
    "來源",
    "作者",
    "责任编辑",
    "責任編輯",
    "编辑：",
    "編輯：",
    "编辑:",
    "編輯:",
    "浏览",
    "瀏覽",
    "阅读",
    "閱讀",
    "点击",
    "點擊",
];

const COUNTER_LABELS: &[&str] = &[
    "浏览次数",
    "瀏覽次數",
    "浏览量",
    "瀏覽量",
    "浏览",
    "瀏覽",
    "阅读次数",
    "閱讀次數",
    "阅读量",
    "閱讀量",
    "阅读",
    "閱讀",
    "点击数",
    "點擊數",
    "点击量",
    "點擊量",
    "点击",
    "點擊",
];

const WIDGETS: &[&str] = &[
    "分享",
    "分享到",
    "分享到：",
    "分享到:",
    "听全文",
    "聽全文",
    "打印",
    "打印本页",
    "打印本頁",
    "【打印】",
    "关闭",
    "關閉",
    "关闭窗口",
    "關閉窗口",
    "【关闭】",
    "【關閉】",
    "【关闭窗口】",
    "【關閉窗口】",
    "返回顶部",
    "返回頂部",
    "收藏",
    "扫一扫",
    "掃一掃",
    "扫一扫在手机打开当前页",
    "掃一掃在手機打開當前頁",
    "扫一扫在手机上打开当前页",
    "掃一掃在手機上打開當前頁",
    "相关阅读",
    "相關閱讀",
];

const WIDGET_PREFIXES: &[&str] = &[
    "上一篇：",
    "上一篇:",
    "下一篇：",
    "下一篇:",
    "分享到：",
    "分享到:",
    "【字体",
    "【字體",
    "字号：",
    "字號：",
];

const IMAGE_EXTENSIONS: &[&str] = &[
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff",
];

/// Spam vocabulary, simplified and traditional. ASCII terms match
/// case-insensitively and only as whole Latin words.
const SPAM_TERMS: &[&str] = &[
    "影院",
    "在线观看",
    "在線觀看",
    "线上看",
    "線上看",
    "免费观看",
    "免費觀看",
    "无码",
    "無碼",
    "有码",
    "有碼",
    "一区",
    "一區",
    "二区",
    "二區",
    "三区",
    "三區",
    "专区",
    "專區",
    "国产",
    "國產",
    "不卡",
    "入口",
    "网站",
    "網站",
    "网址",
    "網址",
    "成人",
    "色情",
    "激情",
    "伦理",
    "倫理",
    "午夜",
    "精品",
    "亚洲",
    "亞洲",
    "欧美",
    "歐美",
    "日韩",
    "日韓",
    "高清",
    "寡妇",
    "寡婦",
    "少妇",
    "少婦",
    "人妻",
    "偷拍",
    "自拍",
    "约炮",
    "約炮",
    "博彩",
    "赌场",
    "賭場",
    "娱乐城",
    "娛樂城",
    "百家乐",
    "百家樂",
    "六合彩",
    "代孕",
    "办证",
    "辦證",
    "发票",
    "發票",
    "av",
    "porn",
    "sex",
    "xxx",
];

normalizer! {
    /// The [`Normalizer`](zhen_core::Normalizer) removing boilerplate lines; see the module docs.
    Boilerplate, "boilerplate", remove_boilerplate
}

/// Removes boilerplate and spam lines (each with its line break), returning
/// one [`ChangeKind::RemovedLine`] change per line.
pub fn remove_boilerplate(text: &mut AlignedText) -> Result<Vec<Change>> {
    let planned = plan(text.current());
    apply_planned(text, ChangeKind::RemovedLine.as_str(), planned)
}

fn plan(text: &str) -> Vec<Planned> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(reason) = classify_line(content) {
            out.push(Planned::one(
                Edit::delete(start..start + line.len()),
                ChangeKind::RemovedLine,
                reason,
            ));
        }
        start += line.len();
    }
    out
}

/// Why a line (without its line break) is boilerplate, or `None` if it is
/// text. See the module docs for the rules.
///
/// ```
/// use zhen_clean::classify_line;
/// assert_eq!(classify_line("4.jpg").as_deref(), Some("image file name"));
/// assert_eq!(classify_line("當前位置:首頁 > 專題").as_deref(), Some("breadcrumb navigation"));
/// assert_eq!(classify_line("分享到"), Some("page widget".to_string()));
/// assert_eq!(classify_line("党建引领"), None);
/// ```
pub fn classify_line(line: &str) -> Option<String> {
    let t = line.trim_matches(|c: char| is_hspace(c) || c == '\r');
    if t.is_empty() {
        return None;
    }
    // (the rules in order; a long line with a sentence mark, most of a
    // text, skips those that need a line without one)
    let has_period = has_period(t);
    if BREADCRUMB_PREFIXES.iter().any(|p| t.starts_with(p)) {
        return Some("breadcrumb navigation".into());
    }
    if !has_period && t.matches(['>', '＞', '»', '›']).count() >= 2 && t.chars().count() <= 120
    {
        return Some("breadcrumb navigation".into());
    }
    if WIDGETS.contains(&t) || WIDGET_PREFIXES.iter().any(|p| t.starts_with(p)) {
        return Some("page widget".into());
    }
    if is_follow_bar(t) {
        return Some("page widget".into());
    }
    if is_counter(t) {
        return Some("view counter".into());
    }
    if !has_period
        && t.chars().count() <= 120
        && META_KEYS.iter().any(|k| t.contains(k))
        && (has_date(t) || has_counter(t))
    {
        return Some("article meta line (date, source or counters)".into());
    }
    if is_image_name(t) {
        return Some("image file name".into());
    }
    // (at most three chars counted: only up to two matter)
    let n = t.chars().take(3).count();
    if n <= 2
        && !t.chars().any(|c| is_han(c) || c.is_ascii_digit())
        && !(n == 2 && t.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return Some("stray symbol".into());
    }
    if has_period {
        return None;
    }
    spam_reason(t)
}

/// Whether `t` holds a sentence mark `。` `！` `？` (each found by memchr).
fn has_period(t: &str) -> bool {
    t.contains('。') || t.contains('！') || t.contains('？')
}

fn is_follow_bar(t: &str) -> bool {
    (t.starts_with("关注") || t.starts_with("關注"))
        && t.chars().count() <= 24
        && !t.contains(['。', '，', ','])
        && t[6..]
            .trim_start()
            .starts_with(['·', '|', '｜', '：', ':', '•'])
}

fn is_counter(t: &str) -> bool {
    for label in COUNTER_LABELS {
        if let Some(rest) = t.strip_prefix(label) {
            let rest = rest.trim_start_matches(|c: char| is_hspace(c) || c == ':' || c == '：');
            if rest.chars().all(|c| c.is_ascii_digit() || is_hspace(c)) {
                return true;
            }
        }
    }
    false
}

// `2022-07-28`, `2020/4/20`, `2020.04.20`, `2020年4月`
fn has_date(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    while i + 4 < b.len() {
        if b[i..i + 4].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit()) {
            let rest = &t[i + 4..];
            let rest = rest
                .strip_prefix(['-', '/', '.'])
                .or_else(|| rest.strip_prefix('年'));
            if let Some(r) = rest {
                if r.starts_with(|c: char| c.is_ascii_digit()) {
                    return true;
                }
            }
        }
        i += 1;
    }
    false
}

// a counter label followed by digits: `浏览:1353`, `點擊數 12`
fn has_counter(t: &str) -> bool {
    COUNTER_LABELS.iter().any(|label| {
        t.match_indices(label).any(|(i, _)| {
            let rest = t[i + label.len()..]
                .trim_start_matches(|c: char| is_hspace(c) || c == ':' || c == '：');
            rest.starts_with(|c: char| c.is_ascii_digit())
        })
    })
}

fn is_image_name(t: &str) -> bool {
    // (the extensions end in a letter: a cheap test first)
    if t.len() > 200 || !t.as_bytes().last().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    if t.contains(char::is_whitespace) {
        return false;
    }
    let b = t.as_bytes();
    IMAGE_EXTENSIONS.iter().any(|ext| {
        b.len() > ext.len() && b[b.len() - ext.len()..].eq_ignore_ascii_case(ext.as_bytes())
    })
}

fn spam_reason(t: &str) -> Option<String> {
    if has_period(t) {
        return None;
    }
    // A spam line needs three different terms; the terms the whole line
    // holds anywhere, in any case, are at least those its phrases hold.
    if spam_terms_anywhere(t) < 3 {
        return None;
    }
    let lower = t.to_lowercase();
    let phrases: Vec<&str> = lower
        .split([',', '，', '、', '|', '｜', '/', ' ', '\u{a0}', '\u{3000}'])
        .filter(|p| !p.is_empty())
        .collect();
    let mut terms: Vec<&str> = Vec::new();
    let mut phrases_hit = 0;
    for p in &phrases {
        let mut hit = false;
        for term in SPAM_TERMS {
            if contains_term(p, term) {
                hit = true;
                if !terms.contains(term) {
                    terms.push(term);
                }
            }
        }
        phrases_hit += usize::from(hit);
    }
    let short_phrases = phrases.iter().all(|p| p.chars().count() <= 30);
    let list_shaped = phrases.len() >= 3 && short_phrases && phrases_hit >= 2;
    if terms.len() >= 4 || (list_shaped && terms.len() >= 3) {
        Some(format!(
            "spam ({} spam terms: {})",
            terms.len(),
            terms.join(" ")
        ))
    } else {
        None
    }
}

/// The spam terms of each first character (ASCII letters lower case):
/// indexes into [`SPAM_TERMS`].
fn spam_terms_by_first_char() -> &'static [(char, Vec<u8>)] {
    static BY_FIRST: std::sync::OnceLock<Vec<(char, Vec<u8>)>> = std::sync::OnceLock::new();
    BY_FIRST.get_or_init(|| {
        let mut v: Vec<(char, Vec<u8>)> = Vec::new();
        for (i, term) in SPAM_TERMS.iter().enumerate() {
            let c = term.chars().next().expect("a term");
            match v.iter_mut().find(|(f, _)| *f == c) {
                Some((_, terms)) => terms.push(i as u8),
                None => v.push((c, vec![i as u8])),
            }
        }
        v.sort_by_key(|(c, _)| *c);
        v
    })
}

/// How many different [`SPAM_TERMS`] occur anywhere in `t` (ASCII ones in
/// any case, inside words too): never fewer than [`spam_reason`] finds in
/// its lower-cased phrases, since lower-casing maps a Han character to
/// itself and makes ASCII letters only of ASCII letters (and of `K` KELVIN
/// SIGN and `İ`, whose `k` and `i` no ASCII term has).
fn spam_terms_anywhere(t: &str) -> u32 {
    let by_first = spam_terms_by_first_char();
    let mut seen = 0u128;
    for (i, c) in t.char_indices() {
        let Ok(k) = by_first.binary_search_by_key(&c.to_ascii_lowercase(), |(f, _)| *f) else {
            continue;
        };
        let rest = &t.as_bytes()[i..];
        for &term in &by_first[k].1 {
            let term_bytes = SPAM_TERMS[term as usize].as_bytes();
            if rest.len() >= term_bytes.len()
                && rest[..term_bytes.len()].eq_ignore_ascii_case(term_bytes)
            {
                seen |= 1 << term;
            }
        }
    }
    seen.count_ones()
}

// ASCII terms only as whole Latin words ("av" in "亚洲av无码", not in "have").
fn contains_term(hay: &str, term: &str) -> bool {
    if !term.is_ascii() {
        return hay.contains(term);
    }
    hay.match_indices(term).any(|(i, m)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + m.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphabetic())
            && !after.is_some_and(|c| c.is_ascii_alphabetic())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(s: &str) -> Option<String> {
        classify_line(s)
    }

    #[test]
    fn web_furniture() {
        assert_eq!(
            reason("當前位置:首頁\u{a0}>\u{a0}專題\u{a0}>\u{a0}工作動態").as_deref(),
            Some("breadcrumb navigation")
        );
        assert_eq!(
            reason("首页 > 新闻 > 正文").as_deref(),
            Some("breadcrumb navigation")
        );
        assert_eq!(reason("瀏覽次數").as_deref(), Some("view counter"));
        assert_eq!(reason("浏览:1353").as_deref(), Some("view counter"));
        assert_eq!(reason("分享").as_deref(), Some("page widget"));
        assert_eq!(
            reason("掃一掃在手機打開當前頁").as_deref(),
            Some("page widget")
        );
        assert_eq!(
            reason("扫一扫在手机打开当前页").as_deref(),
            Some("page widget")
        );
        assert_eq!(reason("關注 · 廣州政府網").as_deref(), Some("page widget"));
        assert_eq!(
            reason("聽全文  發布時間:2022-07-28  來源:廣州日報").as_deref(),
            Some("article meta line (date, source or counters)")
        );
        assert_eq!(
            reason("贺州传媒网 \u{a0}\u{a0} 2020-04-20 10:51 \u{a0}浏览:1353").as_deref(),
            Some("article meta line (date, source or counters)")
        );
        assert_eq!(reason("4.jpg").as_deref(), Some("image file name"));
        assert_eq!(reason("IMG_2031.JPEG").as_deref(), Some("image file name"));
        assert_eq!(reason("x").as_deref(), Some("stray symbol"));
        assert_eq!(reason("■").as_deref(), Some("stray symbol"));
        assert_eq!(reason("-").as_deref(), Some("stray symbol"));
    }

    #[test]
    fn text_is_kept() {
        for s in [
            "党建引领",
            "一",
            "2020",
            "OK",
            "來源於群眾的智慧，最終回到群眾中去。",
            "2019年10月，江台村面积220平米的文化楼动工建设，目前主体已建成。",
            "脫貧攻堅到鄉村振興",
            "来源：新华社",
            "关注民生，关注就业",
            "国产大飞机C919在上海首飞，入口处排起长队。",
            "photo.jpg is a file",
        ] {
            assert_eq!(reason(s), None, "{s}");
        }
    }

    #[test]
    fn spam_lines() {
        let r = reason(
            "焖骚寡妇影院,精产国品一二三产区入口网站,插我一区二区在线观看,亚洲av无码专区国产不卡顿",
        )
        .unwrap();
        assert!(r.starts_with("spam ("), "{r}");
        let r = reason("線上看影院|無碼專區|國產精品").unwrap();
        assert!(r.starts_with("spam ("), "{r}");
        // two terms in a list are not enough
        assert_eq!(reason("国产电影,高清修复,经典重映"), None);
        assert_eq!(reason("I have an avocado, a banana, an apple"), None);
    }

    #[test]
    fn spam_terms_are_han_or_lower_case_ascii() {
        assert!(SPAM_TERMS.len() <= 128);
        for t in SPAM_TERMS {
            assert!(
                t.chars().all(is_han)
                    || t.bytes()
                        .all(|b| b.is_ascii_lowercase() && !matches!(b, b'i' | b'k')),
                "{t}"
            );
        }
    }

    #[test]
    fn lower_casing_makes_ascii_letters_only_of_ascii_k_and_i() {
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            for l in c.to_lowercase() {
                assert!(!l.is_ascii() || matches!(l, 'i' | 'k'), "{c:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_spam_prefilter_never_drops_a_spam_line(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "影院", "在線觀看", "国产", "AV", "Av", "av", "無碼", "一区", "porn", "SEX",
                    "xxx", "have", ",", "，", "|", " ", "\u{a0}", "、", "K", "\u{212A}", "İ",
                    "电影", "高清", "a", "V", "。",
                ]),
                0..16,
            )
        ) {
            let t: String = parts.concat();
            let slow = {
                // spam_reason without its prefilter
                let lower = t.to_lowercase();
                let mut terms: Vec<&str> = Vec::new();
                for p in lower.split([',', '，', '、', '|', '｜', '/', ' ', '\u{a0}', '\u{3000}']) {
                    for term in SPAM_TERMS {
                        if !p.is_empty() && contains_term(p, term) && !terms.contains(term) {
                            terms.push(term);
                        }
                    }
                }
                terms.len()
            };
            proptest::prop_assert!(spam_terms_anywhere(&t) as usize >= slow, "{t:?}");
        }
    }

    #[test]
    fn removes_lines_with_their_break() {
        let mut t = AlignedText::new("標題\n分享\n正文。\nx");
        let ch = remove_boilerplate(&mut t).unwrap();
        assert_eq!(t.current(), "標題\n正文。\n");
        assert_eq!(ch.len(), 2);
        assert_eq!(ch[0].before, "分享\n");
        assert_eq!(ch[0].original, zhen_core::Span::new(7, 14));
        assert_eq!(ch[1].before, "x");
        assert_eq!(ch[1].reason, "stray symbol");
    }
}
