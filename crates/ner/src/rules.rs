//! Pipeline-side rules of the Chinese tagger: corrections of one sentence's
//! decoded spans from the structure of the text, its words and the model's
//! lexicon (no retraining). Each rule is measured on the held-back dev slices
//! (`models/README.md`, "Pipeline-side rules") and left only where no slice
//! lost by it; each has a unit test of a case it fixes and one it must leave
//! alone.
//!
//! * [`one_char_levels`]: a chain of "levels" with one-character stems
//!   (驻镇帮镇扶村: 驻+镇, 帮+镇, 扶+村) is a slogan, not a place.
//! * [`join_stationed`]: `PLACE 驻 PLACE … 工作队` is one organisation
//!   (广州市派驻清远市连南县寨岗镇工作队), as the gold data tag
//!   中国驻美国大使馆.
//! * [`stationed_places`]: the verb 驻 is no part of a place (驻连山县 →
//!   连山县), and `驻 PLACE ORG` without a sender is one organisation
//!   (驻连山县永和镇工作队, as the gold data tag 驻香港办事处).
//! * [`latin_names`]: a person's name in Latin letters inside Chinese text
//!   keeps its words together (Barack Obama, not Barack).
//! * [`nonentities`]: an entity that is exactly a word of modern news the
//!   labeled data almost never tag (民生, 中非; the data-derived list
//!   `crates/ner/data/nonentities-zh.txt`) is dropped.
//! * [`strip_markup`]: social-media markup (`@`, `#`, `[…]`) is never inside
//!   a name.
//! * [`handle_names`]: a person's Chinese name written together with a Latin
//!   nickname in a handle (陈豪WaHoo, G_季总) is the Chinese name.
//! * [`stretched_runs`]: no name overlaps a character stretched three times
//!   or more (超超超美, 王王王).
//! * [`unpaired_marks`]: a bracket or quotation mark at a name's edge whose
//!   partner is not inside the name is not part of it (阳光公益” of
//!   “阳光公益”).
//! * [`closing_marks`]: a name with an unpaired mark inside takes in the
//!   partner right outside it (英国《金融时报 → 英国《金融时报》, 国际周”组委会
//!   → “国际周”组委会).
//! * [`leading_words`]: a place or organisation does not start with a verb
//!   or function word that the labeled data have before such names and
//!   almost never at their start (让 of 让大桥村合作社; the data-derived
//!   list `crates/ner/data/leading-words-zh.txt`).
//! * [`word_starts`]: a place or organisation does not start inside a
//!   common dictionary word (高大桥村 of 进一步提高/大桥/村 → 大桥村), and
//!   starts with the lexicon place whose last character the tagger left out
//!   (南县寨岗工作队 of 驻连/南县 → 连南县寨岗工作队).
//! * [`stationed_offices`]: `驻 ORG` is one organisation when the
//!   organisation starts with its place (驻 + 连南县寨岗工作队).
//! * [`suffix_words`]: a place takes in a level suffix the segmenter cut off
//!   as a word of its own (粤港澳大湾 + 区).
//! * [`defined_names`]: a short name defined in brackets right after a name
//!   (`（以下简称“指挥部”）`) takes its label; document consistency finds its
//!   later mentions.
//! * [`town_villages`]: a village named right after its town is a place
//!   (廊田镇 + 楼下村).
//! * [`school_names`]: a school abbreviation joins the place before it
//!   (赫章 + 三中 → 赫章三中).
//! * [`listed_places`]: a person listed among places is a place
//!   (凤池 of 凤池、河东、沥东).
//!
//! Three rules read the whole document: [`longer_names`], a name whose first
//! characters the segmenter glued to the word before (年江/台村) starts
//! where a longer string the document tags with its label does (江台村;
//! with document consistency only), [`counted_things`], a "person" the
//! document also counts (1220斤黄金奈李: where the tagger does not take it
//! for one, or right after a count of more than one) is a product, and
//! [`facility_persons`], a "person" named before a facility or a village
//! (牛庙工业园区) is none anywhere in the document.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use zhen_core::chars::is_han;
use zhen_core::Label;

use crate::cues::{ORG_SUFFIXES, TITLES};
use crate::features::{cat, str_hash, Lexicon, SegUnit};

/// A unit span of a sentence: `(start, end, label)`.
type Span = (usize, usize, Label);

/// Applies every rule to one sentence's spans (kept sorted, never overlapping).
pub(crate) fn apply(chars: &[char], seg: Option<&[SegUnit]>, lex: &Lexicon, spans: &mut Vec<Span>) {
    one_char_levels(chars, lex, spans);
    join_stationed(chars, seg, spans);
    stationed_places(chars, seg, lex, spans);
    latin_names(chars, spans);
    nonentities(chars, spans);
    strip_markup(chars, spans);
    handle_names(chars, spans);
    stretched_runs(chars, spans);
    unpaired_marks(chars, spans);
    closing_marks(chars, spans);
    leading_words(seg, spans);
    word_starts(chars, seg, lex, spans);
    stationed_offices(chars, seg, lex, spans);
    suffix_words(chars, seg, spans);
    defined_names(chars, spans);
    town_villages(chars, lex, spans);
    school_names(chars, seg, lex, spans);
    listed_places(chars, spans);
}

/// Administrative suffixes that end one level of a place name (州 is left
/// out: 陈州, 曹州 are places with one-character stems).
const LEVELS: &[char] = &['省', '市', '县', '区', '镇', '乡', '村'];

/// Runs of two or more consecutive "levels" whose stem is one character
/// (驻镇 帮镇 扶村 of 驻镇帮镇扶村), as unit ranges of `chars`. A level is a
/// Han character that is no level suffix itself followed by a level suffix,
/// neither of them inside a lexicon entry of two or more characters that is
/// no [`cat::PHRASE`] (so 陕西省副省长 holds none: 陕西省 and 副省长 are
/// words; nor the listed 镇赉县). Real places chain levels with stems of two
/// or more characters (清远市连南县寨岗镇); in the five training files such a
/// run (found with jieba's dictionary and the place list as the lexicon)
/// never overlaps a gold entity: there they are 包乡包村, 走村串乡.
fn level_runs(chars: &[char], lex: &Lexicon) -> Vec<(usize, usize)> {
    let n = chars.len();
    let candidate = |j: usize| {
        j + 1 < n
            && LEVELS.contains(&chars[j + 1])
            && zhen_core::chars::is_han(chars[j])
            && !LEVELS.contains(&chars[j])
    };
    let runs = |ok: &dyn Fn(usize) -> bool| {
        let mut out = Vec::new();
        let mut j = 0;
        while j + 1 < n {
            if ok(j) {
                let mut k = j;
                while k + 1 < n && ok(k) {
                    k += 2;
                }
                if k - j >= 4 {
                    out.push((j, k));
                }
                j = k;
            } else {
                j += 1;
            }
        }
        out
    };
    // cheap first: most sentences have no two candidate levels in a row
    if runs(&candidate).is_empty() {
        return Vec::new();
    }
    let units: Vec<u64> = chars.iter().map(|&c| c as u64).collect();
    let mut covered = vec![false; n];
    lex.matches(&units, |s, e, mask| {
        if e - s >= 2 && mask & !(1 << cat::PHRASE) != 0 {
            covered[s..e].iter_mut().for_each(|c| *c = true);
        }
    });
    runs(&|j| candidate(j) && !covered[j] && !covered[j + 1])
}

/// A chain of one-character levels ([`level_runs`]) is no place: a place or
/// person inside it is dropped, a place ending in it is cut before it
/// (清远市驻镇帮镇扶村 → 清远市), and an organisation that starts inside it
/// and ends after it starts where the chain does (镇扶村工作队 of
/// 驻镇帮镇扶村工作队: its name).
pub(crate) fn one_char_levels(chars: &[char], lex: &Lexicon, spans: &mut Vec<Span>) {
    if spans.is_empty() {
        return;
    }
    for (a, b) in level_runs(chars, lex) {
        for sp in spans.iter_mut() {
            let (s, e) = (sp.0, sp.1);
            if e <= a || s >= b {
                continue;
            }
            match sp.2 {
                Label::Org if s > a && e > b => sp.0 = a,
                Label::Org if s < a || e > b => {}
                _ if s >= a && e <= b => sp.1 = s,
                Label::Loc if s < a && e <= b => sp.1 = a,
                Label::Loc if s >= a && e > b => sp.0 = b,
                _ => {}
            }
            // a piece of one character left over is no name either
            if (sp.0, sp.1) != (s, e) && sp.1 < sp.0 + 2 {
                sp.1 = sp.0;
            }
        }
        spans.retain(|sp| sp.0 < sp.1);
        untangle(spans);
    }
}

/// Sorts spans by start and drops every span that overlaps a longer one
/// (an organisation moved to a chain's start swallows what was there).
fn untangle(spans: &mut Vec<Span>) {
    spans.sort_by_key(|sp| (sp.0, sp.1));
    let mut i = 1;
    while i < spans.len() {
        if spans[i].0 < spans[i - 1].1 {
            let shorter = if spans[i].1 - spans[i].0 > spans[i - 1].1 - spans[i - 1].0 {
                i - 1
            } else {
                i
            };
            spans.remove(shorter);
        } else {
            i += 1;
        }
    }
}

/// The verb of an office stationed elsewhere (中国驻美国大使馆,
/// 广州市派驻清远市…工作队), after the first part.
const STATIONED: char = '驻';

/// Whether `chars` end in a listed organisation suffix ([`ORG_SUFFIXES`]): one
/// of two or more characters, or of one that is not all of `chars` (工作队,
/// 使馆, 办事处).
fn ends_in_org_suffix(chars: &[char]) -> bool {
    ORG_SUFFIXES.iter().any(|suf| {
        let n = suf.chars().count();
        chars.len() >= n
            && (n >= 2 || chars.len() > n)
            && chars
                .iter()
                .rev()
                .zip(suf.chars().rev())
                .all(|(a, b)| *a == b)
    })
}

/// `A 驻 B … HEAD` is one organisation: A a place or organisation ending at
/// 驻 (or at 派驻), B places directly after it, and HEAD an organisation the
/// tagger found right after them, or an untagged noun word ending in an
/// organisation suffix (工作队, 办事处, 大使馆; without words: a listed suffix
/// of two or more characters). The gold data join the parts so (中国驻美国
/// 大使馆, 联合国驻日内瓦办事处, 54 of the MSRA training file's 137 stationed
/// mentions; the rest are titles: 中国驻美大使 stays a place and a place);
/// the tagger cuts modern ones apart (LOC 清远市连南县 + ORG 寨岗镇工作队).
pub(crate) fn join_stationed(chars: &[char], seg: Option<&[SegUnit]>, spans: &mut Vec<Span>) {
    if spans.len() < 2 || !chars.contains(&STATIONED) {
        return;
    }
    let nouns = [str_hash("n"), str_hash("nt"), str_hash("nz")];
    let mut i = 0;
    while i + 1 < spans.len() {
        let (left, mut k) = (&spans[i], i + 1);
        let after = left.1;
        let verb = match chars.get(after..after + 2) {
            Some(['驻', _]) => 1,
            Some(['派', '驻']) => 2,
            _ => 0,
        };
        if verb == 0 || !matches!(left.2, Label::Loc | Label::Org) {
            i += 1;
            continue;
        }
        // the places after the verb, then the head
        let mut pos = after + verb;
        while k < spans.len() && spans[k].0 == pos && spans[k].2 == Label::Loc {
            pos = spans[k].1;
            k += 1;
        }
        let end = if k < spans.len()
            && spans[k].0 == pos
            && spans[k].2 == Label::Org
            && ends_in_org_suffix(&chars[spans[k].0..spans[k].1])
        {
            k += 1;
            Some(spans[k - 1].1)
        } else if k > i + 1 && spans.get(k).is_none_or(|s| s.0 > pos) {
            let next = spans.get(k).map_or(chars.len(), |s| s.0);
            head_word(chars, seg, pos, &nouns).filter(|&e| e <= next)
        } else {
            None
        };
        match end {
            Some(end) => {
                let start = spans[i].0;
                spans.splice(i..k, [(start, end, Label::Org)]);
                i += 1;
            }
            None => i += 1,
        }
    }
}

/// The end of the organisation head word starting at `pos`: the segmenter's
/// noun word there (two or more characters, ending in a suffix of
/// [`ORG_SUFFIXES`]), or without words the longest listed suffix of two or
/// more characters.
fn head_word(chars: &[char], seg: Option<&[SegUnit]>, pos: usize, nouns: &[u64]) -> Option<usize> {
    match seg {
        Some(seg) => {
            let &(_, tag, part, len) = seg.get(pos)?;
            let end = pos + len as usize;
            (part == 0
                && len >= 2
                && end <= chars.len()
                && nouns.contains(&tag)
                && ends_in_org_suffix(&chars[pos..end]))
            .then_some(end)
        }
        None => ORG_SUFFIXES
            .iter()
            .map(|s| s.chars().collect::<Vec<char>>())
            .filter(|s| s.len() >= 2 && chars[pos..].starts_with(s))
            .map(|s| pos + s.len())
            .max(),
    }
}

/// Whether a lexicon entry of two or more characters that is no
/// [`cat::PHRASE`] starts at `s` of `chars` and ends by `e` (驻马店, 驻操营:
/// places whose first character is 驻).
fn entry_at(chars: &[char], s: usize, e: usize, lex: &Lexicon) -> bool {
    (s + 2..=e).any(|k| {
        let units: Vec<u64> = chars[s..k].iter().map(|&c| c as u64).collect();
        lex.get_units(&units) & !(1 << cat::PHRASE) != 0
    })
}

/// Whether `chars` read as a place by their form: ending in a level suffix
/// ([`SUFFIX_WORDS`]: 连山县) or a place of the lexicon ([`cat::LOC`],
/// [`cat::PLACE`]).
fn place_form(chars: &[char], lex: &Lexicon) -> bool {
    let units: Vec<u64> = chars.iter().map(|&c| c as u64).collect();
    chars.last().is_some_and(|c| SUFFIX_WORDS.contains(c))
        || lex.get_units(&units) & ((1 << cat::LOC) | (1 << cat::PLACE)) != 0
}

/// An office stationed elsewhere named without the body that sends it
/// (驻连山县永和镇工作队, 驻德使馆): the verb 驻 is no part of a place, and
/// `驻 PLACE … ORG` is one organisation. The verb is a 驻 that starts a
/// segmenter word (not the 驻 of 进驻, 入驻); without the words the rule
/// does nothing.
///
/// * A place that starts with the verb and reads as a place after it
///   ([`place_form`]) starts after it (驻连山县 → 连山县, where the
///   segmenter glued the verb to the name: 驻连/山县), unless a lexicon
///   entry starts at the 驻 (驻马店). In the five training files 4 gold
///   places start with 驻: 驻马店 twice, and two facilities that keep it
///   (驻日美军基地, 驻伦敦伊朗领事馆, no place by their form); it stands
///   right before 232 others.
/// * An untagged verb that no entity ends at (so [`join_stationed`] did not
///   take it), places right after it, and an organisation the tagger found
///   right after them that ends in a listed suffix ([`ORG_SUFFIXES`]) become
///   one organisation from the verb on. The training files tag such names
///   whole 13 times (驻美国大使馆, 驻香港办事处, 驻承德解放军) and never as
///   a place and an organisation. Where the head is left untagged the data
///   mostly tag the place alone (我驻美使馆, 驻京部队: 39 of 46), so an
///   untagged head word is not taken in, unlike in [`join_stationed`].
pub(crate) fn stationed_places(
    chars: &[char],
    seg: Option<&[SegUnit]>,
    lex: &Lexicon,
    spans: &mut Vec<Span>,
) {
    let Some(seg) = seg else {
        return;
    };
    if spans.is_empty() || !chars.contains(&STATIONED) {
        return;
    }
    let verb = |v: usize| chars[v] == STATIONED && seg.get(v).is_some_and(|w| w.2 == 0 || w.2 == 3);
    for sp in spans.iter_mut() {
        if sp.2 == Label::Loc
            && verb(sp.0)
            && sp.1 >= sp.0 + 3
            && !entry_at(chars, sp.0, sp.1, lex)
            && place_form(&chars[sp.0 + 1..sp.1], lex)
        {
            sp.0 += 1;
        }
    }
    let mut i = 0;
    while i < spans.len() {
        let v = spans[i]
            .0
            .checked_sub(1)
            .filter(|&v| spans[i].2 == Label::Loc && verb(v) && (i == 0 || spans[i - 1].1 < v));
        let Some(v) = v else {
            i += 1;
            continue;
        };
        let mut k = i;
        while k + 1 < spans.len() && spans[k].2 == Label::Loc && spans[k + 1].0 == spans[k].1 {
            k += 1;
        }
        let head = &spans[k];
        if k > i
            && head.2 == Label::Org
            && head.0 == spans[k - 1].1
            && ends_in_org_suffix(&chars[head.0..head.1])
        {
            let end = head.1;
            spans.splice(i..=k, [(v, end, Label::Org)]);
        }
        i += 1;
    }
}

/// An office stationed elsewhere named without its sender, whose name the
/// tagger found from its place on (驻 + 连南县寨岗工作队): the verb 驻 (where a
/// segmenter word starts, and no entity ends right before it) is part of the
/// organisation when that organisation ends in a listed suffix
/// ([`ORG_SUFFIXES`]) and starts with a place ([`starts_with_place`]), as
/// [`stationed_places`] joins `驻 PLACE ORG` (驻连山县永和镇工作队). In the five
/// training files 13 organisations start with the verb (驻美国大使馆, 驻香港
/// 办事处) and the 28 right after an untagged one are hosts, not offices
/// (常驻联合国代表, 驻北约, 派驻东风汽车有限公司: no place at the start, or a 驻
/// inside a word). Run after [`word_starts`], which gives the organisation its
/// place's first character (南县寨岗工作队 → 连南县寨岗工作队).
pub(crate) fn stationed_offices(
    chars: &[char],
    seg: Option<&[SegUnit]>,
    lex: &Lexicon,
    spans: &mut [Span],
) {
    let Some(seg) = seg else {
        return;
    };
    if spans.is_empty() || !chars.contains(&STATIONED) {
        return;
    }
    let verb = |v: usize| chars[v] == STATIONED && seg.get(v).is_some_and(|w| w.2 == 0 || w.2 == 3);
    for i in 0..spans.len() {
        let (s, e, ref label) = spans[i];
        if *label == Label::Org
            && s > 0
            && verb(s - 1)
            && (i == 0 || spans[i - 1].1 < s - 1)
            && ends_in_org_suffix(&chars[s..e])
            && starts_with_place(&chars[s..e], lex)
        {
            spans[i].0 = s - 1;
        }
    }
}

/// Whether `chars` start with a place of the lexicon ([`cat::LOC`],
/// [`cat::PLACE`]) of two or more characters, or with such a place and a level
/// suffix ([`SUFFIX_WORDS`]: 连南 + 县), leaving two or more characters after it.
fn starts_with_place(chars: &[char], lex: &Lexicon) -> bool {
    let place = (1 << cat::LOC) | (1 << cat::PLACE);
    let is_place = |x: &[char]| {
        let units: Vec<u64> = x.iter().map(|&c| c as u64).collect();
        lex.get_units(&units) & place != 0
    };
    (2..=chars.len().saturating_sub(2).min(8)).any(|k| {
        is_place(&chars[..k])
            || (k >= 3 && SUFFIX_WORDS.contains(&chars[k - 1]) && is_place(&chars[..k - 1]))
    })
}

/// A person ending in a Latin-script word takes the capitalised Latin words
/// that follow it, one space apart (美国总统Barack Obama访华: PER Barack
/// Obama, where the tagger stops at the space; the training files hold no
/// spaces inside Latin names, so it never learned to cross one).
pub(crate) fn latin_names(chars: &[char], spans: &mut [Span]) {
    for i in 0..spans.len() {
        let (s, mut e) = (spans[i].0, spans[i].1);
        if spans[i].2 != Label::Per || e <= s || !chars[e - 1].is_ascii_alphabetic() {
            continue;
        }
        let limit = spans.get(i + 1).map_or(chars.len(), |n| n.0);
        loop {
            // one space, then a capitalised word of two or more letters
            let word = e + 1;
            if word >= limit || chars[e] != ' ' || !chars[word].is_ascii_uppercase() {
                break;
            }
            let end = (word..limit)
                .find(|&k| !chars[k].is_ascii_alphabetic())
                .unwrap_or(limit);
            // the word must end where the Latin text does (not Obama2 or Obama_x)
            if end - word < 2 || chars.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
                break;
            }
            e = end;
        }
        spans[i].1 = e;
    }
}

/// Words of modern news that the tagger takes for entities and the labeled
/// data almost never tag, one a line (simplified): made by
/// `scripts/nonentities-zh` from the pipeline's entities on
/// `unlabeled/xwlb` and the tag rates of the labeled training files
/// (`crates/ner/data/README.md`).
const NONENTITY_LIST: &str = include_str!("../data/nonentities-zh.txt");

/// The words of [`NONENTITY_LIST`] as characters, and the length of the
/// longest in characters.
struct Nonentities {
    words: HashSet<Box<[char]>>,
    longest: usize,
}

/// Whether `chars` are a word of the non-entity list ([`NONENTITY_LIST`]):
/// looked up by characters, without building a string, and only when no
/// longer than the longest listed word.
fn is_nonentity(chars: &[char]) -> bool {
    static LIST: OnceLock<Nonentities> = OnceLock::new();
    let list = LIST.get_or_init(|| {
        let words: HashSet<Box<[char]>> = NONENTITY_LIST
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| l.chars().collect())
            .collect();
        let longest = words.iter().map(|w| w.len()).max().unwrap_or(0);
        Nonentities { words, longest }
    });
    chars.len() >= 2 && chars.len() <= list.longest && list.words.contains(chars)
}

/// Drops every entity that is exactly a listed non-entity ([`is_nonentity`]):
/// 民生 of 保民生 tagged ORG, 中非 of 中非合作 tagged LOC (MSRA tags 中 and
/// 非 apart). The list holds strings the pipeline tags now and then in
/// modern news (at least 3 times in xwlb, in at most half of their uses
/// there as words) that the labeled training files tag as a whole entity in
/// at most 5% of at least 10 uses as words (or, for words used 1,000 times
/// in xwlb and tagged in a tenth of them at most, in at most half), and that
/// end fewer than 20 longer gold entities (no heads: Resume tags a bare 集团).
/// A longer entity holding one (民生银行) is left alone.
pub(crate) fn nonentities(chars: &[char], spans: &mut Vec<Span>) {
    spans.retain(|&(s, e, _)| !is_nonentity(&chars[s..e]));
}

/// Measure words after which a name is a thing counted (1220斤黄金奈李),
/// one a line: made by `scripts/measure-words-zh` from jieba's dictionary
/// and the labeled training files (`crates/ner/data/README.md`).
const MEASURE_LIST: &str = include_str!("../data/measure-words-zh.txt");

/// Whether `c` is a numeral before a measure word (digits, full-width
/// digits, Chinese numerals; the numerals of `scripts/measure-words-zh`).
fn is_numeral(c: char) -> bool {
    matches!(c, '0'..='9' | '０'..='９' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九'
        | '十' | '百' | '千' | '万' | '两' | '几')
}

/// The listed measure words ([`MEASURE_LIST`]: a character, a tab, and how
/// often the training files have a numeral, it, 的 and a gold person, as in
/// 11岁的王淑珍) with that number.
fn measure_words() -> &'static HashMap<char, u32> {
    static MAP: OnceLock<HashMap<char, u32>> = OnceLock::new();
    MAP.get_or_init(|| {
        MEASURE_LIST
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                let c = f.next()?.chars().next()?;
                Some((c, f.next().and_then(|n| n.parse().ok()).unwrap_or(0)))
            })
            .collect()
    })
}

/// Whether position `a` of `chars` comes right after a numeral and a listed
/// measure word ([`MEASURE_LIST`]).
fn after_quantity(chars: &[char], a: usize) -> bool {
    a >= 2
        && a <= chars.len()
        && is_numeral(chars[a - 2])
        && measure_words().contains_key(&chars[a - 1])
}

/// Whether position `a` of `chars` comes right after a count of things: a
/// quantity ([`after_quantity`]) whose numerals are more than a lone 一
/// (一 + a measure word is the indefinite article: 一封刘伯坚写给妻子的信,
/// 一段周阿姨老伴的视频, where a name follows as the owner) and whose
/// measure word the training files never have before 的 and a person (岁:
/// 11岁王淑珍 is an age).
fn after_count(chars: &[char], a: usize) -> bool {
    if !after_quantity(chars, a) || measure_words().get(&chars[a - 1]) != Some(&0) {
        return false;
    }
    let first = (0..a - 1)
        .rev()
        .take_while(|&k| is_numeral(chars[k]))
        .last()
        .unwrap_or(a - 2);
    chars[first..a - 1] != ['一']
}

/// A document's products taken for persons (黄金奈李, a plum variety): a
/// person's string that the document also counts (a numeral and a measure
/// word right before it, 1220斤黄金奈李) where neither the tagger nor
/// document consistency (run before this rule) took it for a person is a
/// thing, not a name. Every person with that string is
/// dropped, and so is any entity inside a counted mention (奈李 of
/// 1220斤黄金奈李 tagged LOC). The tagger itself is left to judge a person it
/// tags right after a quantity (65岁李英琼): in `unlabeled/xwlb` such a
/// person is right about as often as not (马克思 of 一篇马克思主义, which MSRA
/// tags), while the strings this rule drops there (9 persons: 华龙一号, 唐卡,
/// 乌军) are wrong but one (`models/README.md`, "Pipeline-side rules").
/// A person the tagger tags right after a count ([`after_count`]: more than
/// a lone 一, no age) that ends where a segmenter word does is counted too
/// (1220斤黄金奈李 where the tagger takes both mentions for a person; 3亩黄桃,
/// 600亿沙特里亚尔, 150家中华老字号 in `unlabeled/xwlb`); a person ending
/// inside a word stays (5家诺贝尔奖实验室, 一篇马克思主义…: MSRA tags the
/// name inside). `sentences` are one document's sentences, `segs` their
/// segmenter words (none: the last case is left out); `spans` their entities.
pub(crate) fn counted_things(
    sentences: &[&[char]],
    segs: &[Option<&[SegUnit]>],
    spans: &mut [Vec<Span>],
) {
    let mut persons: Vec<&[char]> = Vec::new();
    for (c, sp) in sentences.iter().zip(spans.iter()) {
        for &(s, e, ref l) in sp {
            if *l == Label::Per && e - s >= 2 {
                persons.push(&c[s..e]);
            }
        }
    }
    if persons.is_empty() {
        return;
    }
    persons.sort_unstable();
    persons.dedup();
    // the counted strings, and their counted mentions (sentence, start, end)
    let mut counted: Vec<&[char]> = Vec::new();
    let mut mentions: Vec<(usize, usize, usize)> = Vec::new();
    for (i, (c, sp)) in sentences.iter().zip(spans.iter()).enumerate() {
        // the tagger's own persons right after a count, ending a word
        if let Some(seg) = segs.get(i).copied().flatten() {
            for &(a, b, ref l) in sp {
                if *l == Label::Per
                    && after_count(c, a)
                    && seg.get(b - 1).is_some_and(|w| w.2 == 2 || w.2 == 3)
                {
                    counted.push(&c[a..b]);
                    mentions.push((i, a, b));
                }
            }
        }
        for a in 2..c.len() {
            if !after_quantity(c, a) {
                continue;
            }
            for &p in &persons {
                let b = a + p.len();
                if c[a..].starts_with(p)
                    && !sp.iter().any(|x| (x.0, x.1, &x.2) == (a, b, &Label::Per))
                {
                    counted.push(p);
                    mentions.push((i, a, b));
                }
            }
        }
    }
    if counted.is_empty() {
        return;
    }
    for (i, (c, sp)) in sentences.iter().zip(spans.iter_mut()).enumerate() {
        sp.retain(|&(s, e, ref l)| {
            let thing = *l == Label::Per && counted.contains(&&c[s..e]);
            let inside = mentions.iter().any(|&(k, a, b)| k == i && a <= s && e <= b);
            !(thing || inside)
        });
    }
}

/// How many characters [`longer_names`] may add before an entity.
const MAX_EXTENSION: usize = 2;

/// Names whose first characters the segmenter glued to the word before
/// (issue 17; 年江/台村 of 2020年江台村, 駐連/南縣): the tagger tags what is
/// left (台村). An entity starts one or two characters ([`MAX_EXTENSION`])
/// earlier when the same document tags the longer string elsewhere with the
/// same label (江台村 LOC) and no other entity ends inside the characters
/// taken in; the longer of two such strings is taken. Only the start moves:
/// a place the tagger ends before a word starting with a level suffix is
/// mostly right (南昌 of 南昌市区, gold MSRA dev; 南昌市 is tagged elsewhere
/// in the document), and a suffix cut off as a word of its own is
/// [`suffix_words`]' case. The longer strings are read from the entities as
/// they stand before any is extended, and an extension never reaches past
/// the entity before, so the result does not depend on the order of the
/// entities or sentences. `sentences` are one document's sentences; `spans`
/// their entities (sorted, never overlapping). Run after document
/// consistency, and only where it is on: it is a form of it.
pub(crate) fn longer_names(sentences: &[&[char]], spans: &mut [Vec<Span>]) {
    let mut tagged: HashSet<(&[char], Label)> = HashSet::new();
    for (c, sp) in sentences.iter().zip(spans.iter()) {
        for (s, e, l) in sp {
            tagged.insert((&c[*s..*e], l.clone()));
        }
    }
    if tagged.len() < 2 {
        return;
    }
    for (c, sp) in sentences.iter().zip(spans.iter_mut()) {
        for k in 0..sp.len() {
            let (s, e, ref l) = sp[k];
            // the free room before it: up to the entity before or the
            // sentence's start
            let lo = if k > 0 { sp[k - 1].1 } else { 0 };
            let found = (1..=MAX_EXTENSION).rev().find_map(|n| {
                let a = s.checked_sub(n)?;
                (a >= lo && tagged.contains(&(&c[a..e], l.clone()))).then_some(a)
            });
            if let Some(a) = found {
                sp[k].0 = a;
            }
        }
    }
}

/// Characters of social-media markup that no name contains: `@` starts a
/// handle, `#` opens and closes a topic, `[` and `]` enclose an emoticon code
/// ([哈哈]). No gold entity of the five training files holds one.
const MARKUP: &[char] = &['@', '#', '[', ']'];

/// Social-media markup is never inside a name (issue 17; Weibo
/// conventions): an entity that crosses [`MARKUP`] keeps its longest piece
/// without it, or is dropped when that piece is shorter than two characters
/// (L@Chicken of `@AF丶L@Chicken_翼`, two handles).
pub(crate) fn strip_markup(chars: &[char], spans: &mut Vec<Span>) {
    for sp in spans.iter_mut() {
        if chars[sp.0..sp.1].iter().any(|c| MARKUP.contains(c)) {
            let (mut a, mut b) = (sp.0, sp.0);
            let mut k = sp.0;
            while k < sp.1 {
                let end = (k..sp.1)
                    .find(|&j| MARKUP.contains(&chars[j]))
                    .unwrap_or(sp.1);
                if end - k > b - a {
                    (a, b) = (k, end);
                }
                k = end + 1;
            }
            (sp.0, sp.1) = if b - a >= 2 { (a, b) } else { (sp.0, sp.0) };
        }
    }
    spans.retain(|sp| sp.0 < sp.1);
}

/// Names in social-media handles (issue 17; Weibo conventions, checked on
/// Weibo train): a person in a handle (after `@`) that is one run of two or
/// more Han characters with Latin letters, digits, `_` or `-` joined to it
/// on either side is the Han name: where such characters touch a person's
/// Han name inside a handle, Weibo train tags the Han name alone 48 times
/// (陈浩民 of @陈浩民benny, 刘依依 of @刘依依2013) and the whole 11 times
/// (@JoJo武夫, @林小萱Sandy); the tagger takes the whole (陈豪WaHoo).
/// Outside handles the rule does not hold (CLUENER: 68 and 59) and is not
/// applied. Run after [`strip_markup`].
pub(crate) fn handle_names(chars: &[char], spans: &mut [Span]) {
    for sp in spans.iter_mut() {
        // a handle: `@` and then nothing but Han, Latin letters, digits, `_` `-` 丶
        if sp.2 != Label::Per
            || chars[..sp.0]
                .iter()
                .rev()
                .find(|&&c| !(is_han(c) || c.is_ascii_alphanumeric() || "_-丶".contains(c)))
                != Some(&'@')
        {
            continue;
        }
        let name = &chars[sp.0..sp.1];
        let (Some(a), Some(b)) = (
            name.iter().position(|&c| is_han(c)),
            name.iter().rposition(|&c| is_han(c)),
        ) else {
            continue;
        };
        let nick = |c: &char| c.is_ascii_alphanumeric() || *c == '_' || *c == '-';
        if b > a
            && (a, b + 1) != (0, name.len())
            && name[a..=b].iter().all(|&c| is_han(c))
            && name[..a].iter().chain(&name[b + 1..]).all(nick)
        {
            (sp.0, sp.1) = (sp.0 + a, sp.0 + b + 1);
        }
    }
}

/// Drops every entity that overlaps a run of three or more copies of one Han
/// character (超超超美, 唐唐唐唐秋云霖, 王王王先生): social-media
/// elongation, where the tagger's guesses are names cut out of the run. In
/// the five training files two gold entities hold such a run (周康康康康,
/// 谢欣欣欣欣欣欣欣欣欣梅, both Weibo, the whole stretched name); on the dev
/// slices and two held-back fifths of Weibo train, none of the 7 predicted
/// entities that overlap one was right. Runs of digits (５５５中国车队) are
/// left alone.
pub(crate) fn stretched_runs(chars: &[char], spans: &mut Vec<Span>) {
    if spans.is_empty() {
        return;
    }
    let mut stretched = vec![false; chars.len()];
    let mut k = 0;
    while k < chars.len() {
        let end = (k..chars.len())
            .find(|&j| chars[j] != chars[k])
            .unwrap_or(chars.len());
        if end - k >= 3 && is_han(chars[k]) {
            stretched[k..end].iter_mut().for_each(|x| *x = true);
        }
        k = end;
    }
    spans.retain(|sp| !stretched[sp.0..sp.1].iter().any(|&x| x));
}

/// Opening and closing marks of a pair: Chinese and ASCII brackets and
/// quotation marks (`[` `]` are [`MARKUP`]).
const PAIRED: &[(char, char)] = &[
    ('“', '”'),
    ('‘', '’'),
    ('「', '」'),
    ('『', '』'),
    ('《', '》'),
    ('〈', '〉'),
    ('（', '）'),
    ('(', ')'),
    ('【', '】'),
    ('〔', '〕'),
    ('{', '}'),
];

/// Whether the mark at `i` of `text` (an opening or closing mark of
/// [`PAIRED`], or an ASCII `"`) has no partner inside `text`: marks of a pair
/// are matched innermost first; an ASCII `"` has one when `text` holds an
/// even number of them.
fn unpaired_at(text: &[char], i: usize) -> bool {
    let c = text[i];
    if c == '"' {
        return text.iter().filter(|&&x| x == '"').count() % 2 == 1;
    }
    let mut open: Vec<usize> = Vec::new();
    let mut unpaired: Vec<usize> = Vec::new();
    for (k, &x) in text.iter().enumerate() {
        if PAIRED.iter().any(|p| p.0 == x) {
            open.push(k);
        } else if let Some(p) = PAIRED.iter().find(|p| p.1 == x) {
            match open.last() {
                Some(&o) if text[o] == p.0 => {
                    open.pop();
                }
                _ => unpaired.push(k),
            }
        }
    }
    unpaired.contains(&i) || open.contains(&i)
}

/// A bracket or quotation mark at an entity's first or last character whose
/// partner is not inside the entity is not part of it (issue 17): 阳光公益” of
/// 名为“阳光公益”的爱心企业, 斯芬克斯” of “斯芬克斯”, 金字塔报》. Such marks
/// are cut off, both ends, until the edges hold none; an entity left empty is
/// dropped. An unpaired mark inside the entity (哥伦比亚”号, Na’Vi) is left
/// alone. In the five training files 26 of the 753 gold entities holding
/// such marks have one unpaired, mostly at an edge and wrongly (`（charles`,
/// `turan）`, annotation slips of CLUENER); on the dev slices the tagger's
/// entities with one at an edge are never right as they are.
pub(crate) fn unpaired_marks(chars: &[char], spans: &mut Vec<Span>) {
    let is_mark = |c: char| c == '"' || PAIRED.iter().any(|p| p.0 == c || p.1 == c);
    for sp in spans.iter_mut() {
        while sp.0 < sp.1 {
            let text = &chars[sp.0..sp.1];
            if is_mark(text[0]) && unpaired_at(text, 0) {
                sp.0 += 1;
            } else if is_mark(text[text.len() - 1]) && unpaired_at(text, text.len() - 1) {
                sp.1 -= 1;
            } else {
                break;
            }
        }
    }
    spans.retain(|sp| sp.0 < sp.1);
}

/// A name holding a bracket or quotation mark whose partner is the character
/// right outside it takes that partner in (issue 17): 英国《金融时报 + 》,
/// “ + 国际周”组委会, 《 + 美术大观》杂志 — the tagger stops at the mark, the
/// gold data close the pair (MSRA tags 英国《金融时报》, “国际周”组委会).
/// Runs after [`unpaired_marks`], so the mark is inside the name, not at its
/// edge; only one character is taken in, and only where no other name holds
/// it. Quotation and title marks only ([`QUOTES`]): a bracket next to a name
/// opens a gloss as often as it closes one (（议会上院）外事委员会 of
/// 联邦委员会（议会上院）外事委员会), and an ASCII `"` has no direction.
pub(crate) fn closing_marks(chars: &[char], spans: &mut [Span]) {
    for k in 0..spans.len() {
        let (a, b, _) = spans[k];
        let text = &chars[a..b];
        let Some(i) = (0..text.len()).find(|&i| QUOTES.contains(&text[i]) && unpaired_at(text, i))
        else {
            continue;
        };
        // another unpaired copy of the same mark on the outer side owns the
        // partner outside: the pair is not the one at `i`
        let twin = |js: std::ops::Range<usize>| {
            js.into_iter()
                .any(|j| text[j] == text[i] && unpaired_at(text, j))
        };
        if let Some(p) = PAIRED.iter().find(|p| p.0 == text[i]) {
            let free = k + 1 == spans.len() || spans[k + 1].0 > b;
            if free && chars.get(b) == Some(&p.1) && !twin(i + 1..text.len()) {
                spans[k].1 = b + 1;
            }
        } else if let Some(p) = PAIRED.iter().find(|p| p.1 == text[i]) {
            let free = k == 0 || spans[k - 1].1 < a;
            if free && a > 0 && chars[a - 1] == p.0 && !twin(0..i) {
                spans[k].0 = a - 1;
            }
        }
    }
}

/// The marks [`closing_marks`] completes: Chinese quotation and title marks.
const QUOTES: &[char] = &[
    '“', '”', '‘', '’', '「', '」', '『', '』', '《', '》', '〈', '〉',
];

/// Words before places and organisations that are almost never their start,
/// one a line (simplified): made by `scripts/leading-words-zh` from the
/// labeled training files and the pipeline's segmenter
/// (`crates/ner/data/README.md`).
const LEADING_LIST: &str = include_str!("../data/leading-words-zh.txt");

/// Whether a segmenter word with hash `word` ([`str_hash`] of its text) is a
/// word of [`LEADING_LIST`].
fn is_leading(word: u64) -> bool {
    static SET: OnceLock<HashSet<u64>> = OnceLock::new();
    SET.get_or_init(|| {
        LEADING_LIST
            .lines()
            .filter(|l| !l.is_empty())
            .map(str_hash)
            .collect()
    })
    .contains(&word)
}

/// A place or organisation does not start with a word of [`LEADING_LIST`]
/// (issue 17): where the segmenter's first word of the entity is such a word
/// and at least two characters of the entity follow it, the entity starts
/// after it (让大桥村 of 让大桥村合作社 → 大桥村; 担任有限公司 → 有限公司).
/// The list holds the verbs and function words (by their most frequent
/// part-of-speech tag) that the labeled training files have right before a
/// gold place or organisation at least 10 times and at the start of one in
/// at most 5% of those: 让 (2 of 76), 担任, 位于, 帮助; not 首都 (首都记者队,
/// 14 of 161) or 驻 (12 of 218). Persons are left alone (让·莫内). Without
/// the segmenter's words the rule does nothing.
pub(crate) fn leading_words(seg: Option<&[SegUnit]>, spans: &mut [Span]) {
    let Some(seg) = seg else {
        return;
    };
    for sp in spans.iter_mut() {
        if !matches!(sp.2, Label::Loc | Label::Org) {
            continue;
        }
        let Some(&(word, _, part, len)) = seg.get(sp.0) else {
            continue;
        };
        let end = sp.0 + len as usize;
        if (part == 0 || part == 3) && end + 2 <= sp.1 && is_leading(word) {
            sp.0 = end;
        }
    }
}

/// Lexicon categories of names ([`word_starts`]: a dictionary word with none
/// of them is a common word).
const NAME_CATS: u16 = (1 << cat::LOC)
    | (1 << cat::ORG)
    | (1 << cat::PER)
    | (1 << cat::MISC)
    | (1 << cat::PLACE)
    | (1 << cat::TOWN);

/// A place or organisation whose start the tagger put inside a word
/// (issue 17) starts at a word's edge:
///
/// * Where the first segmenter word of the entity is a level-suffixed word
///   (南县, ending in one of [`SUFFIX_WORDS`]) and a lexicon place
///   ([`cat::LOC`], [`cat::PLACE`]) is that word's stem with characters
///   before it (连南 + 县, the segmenter having glued 连 to the verb before:
///   驻连/南县), the entity starts where that place does (南县寨岗工作队 →
///   连南县寨岗工作队), unless another entity ends after that place's start.
///   In the five training files 9,000 gold places and organisations start
///   with such a word; the rule would move 2 of them (首都北京市, 驻扎西村).
/// * Where the entity starts strictly inside a segmenter word of three or
///   more characters that is a common dictionary word ([`cat::WORD`] of the
///   lexicon with none of the name categories, [`NAME_CATS`]: 进一步提高)
///   and at least two characters of the entity follow the word, the entity
///   starts after the word (高大桥村 → 大桥村). In the five training files
///   3,932 of 107,474 gold places and organisations start strictly inside a
///   segmenter word (mostly names and words the segmenter made up: 以红原,
///   任本), 1,724 inside one of three or more characters, and 3 so inside a
///   common dictionary word (同温层/堡垒, 赴美国/伊利诺伊斯大学 twice). Words
///   of two characters are left alone: on the dev slices the only one the
///   rule met was MSRA's 电印/中友协 (新华社…电 + 印中友协, gold).
///
/// Persons are left alone. Without the segmenter's words the rule does
/// nothing.
pub(crate) fn word_starts(
    chars: &[char],
    seg: Option<&[SegUnit]>,
    lex: &Lexicon,
    spans: &mut [Span],
) {
    let Some(seg) = seg else {
        return;
    };
    let cats = |a: usize, e: usize| -> u16 {
        if a >= e || e > chars.len() {
            return 0;
        }
        let units: Vec<u64> = chars[a..e].iter().map(|&c| c as u64).collect();
        lex.get_units(&units)
    };
    for i in 0..spans.len() {
        let (s, e, ref label) = spans[i];
        if !matches!(label, Label::Loc | Label::Org) {
            continue;
        }
        let Some(&(_, _, part, len)) = seg.get(s) else {
            continue;
        };
        let len = len as usize;
        if part == 0 {
            // the entity starts with a word; is it a place's suffixed tail?
            let we = s + len;
            if len < 2 || we > e || !SUFFIX_WORDS.contains(&chars[we - 1]) {
                continue;
            }
            let floor = if i == 0 { 0 } else { spans[i - 1].1 };
            let place = (1 << cat::LOC) | (1 << cat::PLACE);
            if let Some(a) = (floor.max(s.saturating_sub(4))..s)
                .find(|&a| cats(a, we - 1) & place != 0 && chars[a..s].iter().all(|&c| is_han(c)))
            {
                spans[i].0 = a;
            }
        } else if part == 1 || part == 2 {
            // strictly inside a word: where does the word start and end?
            let mut ws = s;
            while ws > 0 && seg[ws].2 != 0 {
                ws -= 1;
            }
            let we = ws + len;
            let c = cats(ws, we);
            if len >= 3 && we + 2 <= e && c & (1 << cat::WORD) != 0 && c & NAME_CATS == 0 {
                spans[i].0 = we;
            }
        }
    }
}

/// One-character level suffixes a place takes in when the segmenter cuts
/// them off as a word of their own (大湾 + 区 of 粤港澳大湾区).
const SUFFIX_WORDS: &[char] = &['省', '市', '县', '区', '州', '镇', '乡', '村'];

/// A place followed by a level suffix that the segmenter makes a
/// one-character word (粤港澳/大湾/区) ends after the suffix (粤港澳大湾 →
/// 粤港澳大湾区), unless another entity starts there. In the five training
/// files (cut by the pipeline's segmenter), where a gold place meets such a
/// one-character suffix word, it holds it 391 times and stops before it 5
/// times (犹太区 twice, 中央公园区, 商洛山区, 西天目山区: areas, not
/// levels); on the dev slices the rule changes one place, to the gold one
/// (武夷山区, PFR). A place that ends in a level suffix already takes no
/// second one (达州市 + 区: the city's urban area). Without the segmenter's
/// words it does nothing.
pub(crate) fn suffix_words(chars: &[char], seg: Option<&[SegUnit]>, spans: &mut [Span]) {
    let Some(seg) = seg else {
        return;
    };
    for i in 0..spans.len() {
        let e = spans[i].1;
        if spans[i].2 == Label::Loc
            && e > 0
            && !SUFFIX_WORDS.contains(&chars[e - 1])
            && chars.get(e).is_some_and(|c| SUFFIX_WORDS.contains(c))
            && seg.get(e).is_some_and(|w| w.2 == 3)
            && spans.get(i + 1).is_none_or(|n| n.0 > e)
        {
            spans[i].1 = e + 1;
        }
    }
}

/// The words that define a short name inside brackets after a name
/// (`（以下简称“指挥部”）`), simplified and traditional, longest first.
const DEFINING: &[&str] = &[
    "以下简称",
    "以下簡稱",
    "下简称",
    "下簡稱",
    "后简称",
    "後簡稱",
    "以下称",
    "以下稱",
    "简称",
    "簡稱",
    "下称",
    "下稱",
];

/// Opening and closing quotation marks around a defined short name.
const NAME_QUOTES: &[(char, char)] = &[
    ('“', '”'),
    ('"', '"'),
    ('「', '」'),
    ('『', '』'),
    ('‘', '’'),
];

/// A short name defined for the entity right before it (`广州派驻清远驻镇帮镇
/// 扶村指挥部（以下简称“指挥部”）`, `中国民主促进会（简称民进）`) takes that
/// entity's label; document consistency then finds the document's later
/// mentions of it. The definition is an opening bracket right after a place
/// or organisation, one of [`DEFINING`], an optional colon, the name (two to
/// twelve characters, Han or digits, at least one Han; in quotation marks or
/// not) and the closing bracket. In the five training files every one of the
/// 11 such definitions after a gold organisation has the name tagged with its
/// label (青民盟, 环认委, 筹委会, 国商银行, 建设部; CLUENER takes the quotation
/// marks in twice, MSRA and PFR never); the two the rule leaves out are
/// untagged there (热科院、热农大: a list; ＦＤＡ: no Han). A name the tagger
/// already tags with another label takes the entity's; one crossing another
/// entity is left alone.
pub(crate) fn defined_names(chars: &[char], spans: &mut Vec<Span>) {
    if spans.is_empty() || !chars.iter().any(|&c| c == '称' || c == '稱') {
        return;
    }
    let mut added: Vec<Span> = Vec::new();
    for &(_, e, ref label) in spans.iter() {
        if !matches!(label, Label::Loc | Label::Org) || !matches!(chars.get(e), Some('（' | '(')) {
            continue;
        }
        let mut p = e + 1;
        let Some(w) = DEFINING.iter().find(|w| {
            let w: Vec<char> = w.chars().collect();
            chars[p..].starts_with(&w)
        }) else {
            continue;
        };
        p += w.chars().count();
        if matches!(chars.get(p), Some('：' | ':')) {
            p += 1;
        }
        let close = chars
            .get(p)
            .and_then(|c| NAME_QUOTES.iter().find(|q| q.0 == *c))
            .map(|q| q.1);
        if close.is_some() {
            p += 1;
        }
        let a = p;
        while p < chars.len() && p - a <= 12 && (is_han(chars[p]) || chars[p].is_ascii_digit()) {
            p += 1;
        }
        let b = p;
        if let Some(q) = close {
            if chars.get(p) != Some(&q) {
                continue;
            }
            p += 1;
        }
        if !(2..=12).contains(&(b - a))
            || !chars[a..b].iter().any(|&c| is_han(c))
            || !matches!(chars.get(p), Some('）' | ')'))
        {
            continue;
        }
        added.push((a, b, label.clone()));
    }
    for (a, b, label) in added {
        if spans
            .iter()
            .any(|sp| sp.0 < b && a < sp.1 && (sp.0, sp.1) != (a, b))
        {
            continue;
        }
        match spans.iter_mut().find(|sp| (sp.0, sp.1) == (a, b)) {
            Some(sp) => sp.2 = label,
            None => spans.push((a, b, label)),
        }
    }
    spans.sort_by_key(|sp| (sp.0, sp.1));
}

/// Characters that make the words between a town and 村 no village's name
/// ([`town_villages`]: 陆埠镇许多村民, 单晶河乡的村村落落, 某村, 一个村).
const NOT_VILLAGE: &[char] = &[
    '的', '个', '某', '各', '每', '全', '该', '本', '多', '许', '有', '些', '几', '辖', '属', '等',
    '和', '与', '及', '在', '到', '农', '乡', '镇', '村', '一', '两', '是', '为', '从',
];

/// What after 村 makes it the start of a longer word (村民, 村委会, 村庄,
/// 村党支部, 村小学, and 村村委会 of 高红村村委会): the village is then part
/// of an organisation or no place, and [`town_villages`] leaves it.
const AFTER_VILLAGE: &[char] = &[
    '民', '委', '干', '里', '落', '级', '组', '庄', '党', '小', '部', '支', '长', '寨', '办', '务',
    '村',
];

/// A village named right after the town it lies in is a place (韶关市乐昌市廊田镇
/// 楼下村, where the segmenter's 楼下/村任 left the tagger nothing): after a place
/// ending in 镇 or 乡, one to three Han characters and 村 with no entity over
/// them are a place, unless those characters hold a function or quantity word
/// ([`NOT_VILLAGE`]), 村 starts a longer word ([`AFTER_VILLAGE`]), or the
/// string is a common noun of the lexicon (贫困村, 行政村: kinds of village).
/// In the five training files, where a gold place ending in 镇 or 乡 is
/// followed by a string the two lists let through, the string is a gold
/// place 114 times, untagged once (宝山镇永发村, an annotation slip) and once
/// another place (王家村 of 高堡乡后王家村); the lists leave 30 (陆埠镇许多村民,
/// 一个村, 某村, 高红村村委会, and places the gold tags inside 村民 or 村小学).
pub(crate) fn town_villages(chars: &[char], lex: &Lexicon, spans: &mut Vec<Span>) {
    if spans.is_empty() {
        return;
    }
    // a common noun of the dictionary names a kind of village (贫困村, 行政村)
    let common = |x: &[char]| {
        let units: Vec<u64> = x.iter().map(|&c| c as u64).collect();
        let c = lex.get_units(&units);
        c & (1 << cat::WORD) != 0 && c & NAME_CATS == 0
    };
    let mut added: Vec<Span> = Vec::new();
    for (i, &(_, e, ref label)) in spans.iter().enumerate() {
        if *label != Label::Loc || !matches!(chars[e - 1], '镇' | '乡') {
            continue;
        }
        let next = spans.get(i + 1).map_or(chars.len(), |n| n.0);
        let Some(v) = (e + 1..=e + 3).find(|&k| chars.get(k) == Some(&'村')) else {
            continue;
        };
        let b = v + 1;
        if b > next
            || !chars[e..v]
                .iter()
                .all(|&c| is_han(c) && !NOT_VILLAGE.contains(&c))
            || chars.get(b).is_some_and(|c| AFTER_VILLAGE.contains(c))
            || common(&chars[e..b])
        {
            continue;
        }
        added.push((e, b, Label::Loc));
    }
    if !added.is_empty() {
        spans.extend(added);
        spans.sort_by_key(|sp| (sp.0, sp.1));
    }
}

/// A school abbreviation (一中, 三中, 二小) the tagger tags as an organisation
/// right after its place (赫章/三中 → 赫章三中) is one organisation with the
/// place: in the five training files a place followed by such a name is tagged
/// as one organisation 18 times (北京二中, 洪山一中, 青岛十五中) and never as a
/// place and an organisation. The place is a tagged place ending where the
/// name starts, or, untagged, the segmenter word (two to four Han
/// characters) ending there that is a lexicon place or a county or city's
/// short form (its string + 县, 市 or 区 is one: 赫章 of 赫章县).
pub(crate) fn school_names(
    chars: &[char],
    seg: Option<&[SegUnit]>,
    lex: &Lexicon,
    spans: &mut Vec<Span>,
) {
    if spans.is_empty() {
        return;
    }
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    let place = (1 << cat::LOC) | (1 << cat::PLACE);
    let cats = |x: &[char]| -> u16 {
        let units: Vec<u64> = x.iter().map(|&c| c as u64).collect();
        lex.get_units(&units)
    };
    let mut i = 0;
    while i < spans.len() {
        let (s, e, ref label) = spans[i];
        let name = &chars[s..e];
        let school = *label == Label::Org
            && (2..=5).contains(&name.len())
            && matches!(name.last(), Some('中' | '小'))
            && name[..name.len() - 1]
                .iter()
                .enumerate()
                .all(|(k, &c)| numeral(c) || (k == 0 && c == '第'))
            && name[..name.len() - 1].iter().any(|&c| numeral(c));
        if !school || s == 0 {
            i += 1;
            continue;
        }
        if i > 0 && spans[i - 1].1 == s && spans[i - 1].2 == Label::Loc {
            let a = spans[i - 1].0;
            spans.splice(i - 1..=i, [(a, e, Label::Org)]);
            continue;
        }
        let floor = if i > 0 { spans[i - 1].1 } else { 0 };
        let word = seg.and_then(|seg| {
            let last = seg.get(s - 1)?;
            if last.2 != 2 && last.2 != 3 {
                return None;
            }
            let a = s.checked_sub(last.3 as usize)?;
            Some(a)
        });
        if let Some(a) = word.filter(|&a| a >= floor && (2..=4).contains(&(s - a))) {
            let stem = &chars[a..s];
            let short = ['县', '市', '区'].iter().any(|&x| {
                let mut w = stem.to_vec();
                w.push(x);
                cats(&w) & place != 0
            });
            if stem.iter().all(|&c| is_han(c)) && (cats(stem) & place != 0 || short) {
                spans[i].0 = a;
            }
        }
        i += 1;
    }
}

/// Places and facilities a name is followed by when it is no person's
/// (牛庙工业园区, 某某开发区): none of them follows a gold person in the five
/// training files (40,567 persons; 中学 and 大学 do: 金士尧中学毕业; 农场 is
/// left out, as a person's farm is named after the person: 叶明兰农场).
const FACILITY_WORDS: &[&str] = &[
    "工业园区",
    "工业园",
    "产业园",
    "园区",
    "开发区",
    "街道",
    "社区",
    "水库",
    "景区",
    "合作社",
    "新区",
    "片区",
    "矿区",
    "林场",
];

/// A "person" named as a place (牛庙 of 牛庙工业园区): a person the tagger tags
/// right before a listed facility word ([`FACILITY_WORDS`]), or before 村, 镇,
/// 乡 or 矿 that the segmenter makes a word of its own (not 王村长, 周公镇定:
/// 村长, 镇定 are words), is no person, and neither is any other person with
/// that string in the document (牛庙 of 江台村牛庙矿 in the same document).
/// `sentences` are one document's sentences, `segs` their segmenter words
/// (without them only the facility words count); `spans` their entities.
pub(crate) fn facility_persons(
    sentences: &[&[char]],
    segs: &[Option<&[SegUnit]>],
    spans: &mut [Vec<Span>],
) {
    let mut places: Vec<&[char]> = Vec::new();
    for (i, (c, sp)) in sentences.iter().zip(spans.iter()).enumerate() {
        let seg = segs.get(i).copied().flatten();
        for &(s, e, ref l) in sp {
            if *l != Label::Per || e - s < 2 {
                continue;
            }
            let rest = &c[e..];
            let word = FACILITY_WORDS.iter().any(|w| {
                let w: Vec<char> = w.chars().collect();
                rest.starts_with(&w)
            });
            let level = matches!(rest.first(), Some('村' | '镇' | '乡' | '矿'))
                && seg.is_some_and(|seg| seg.get(e).is_some_and(|w| w.2 == 3));
            if word || level {
                places.push(&c[s..e]);
            }
        }
    }
    if places.is_empty() {
        return;
    }
    for (c, sp) in sentences.iter().zip(spans.iter_mut()) {
        sp.retain(|&(s, e, ref l)| !(*l == Label::Per && places.contains(&&c[s..e])));
    }
}

/// Whether position `a` of `chars` comes right after a title or role
/// ([`TITLES`]: 副总理德沃尔科维奇).
fn after_title(chars: &[char], a: usize) -> bool {
    TITLES.iter().any(|t| {
        let n = t.chars().count();
        a >= n && chars[a - n..a].iter().copied().eq(t.chars())
    })
}

/// A person listed among places (大沥镇的凤池、河东、沥东等农村社区) is a place:
/// a person that is one item of a list joined by 、 whose items include two or
/// more places and fewer persons than places becomes a place, unless a
/// title stands right before it ([`after_title`]: 副总理德沃尔科维奇、阿塞拜疆、
/// 格鲁吉亚). In the five
/// training files such lists hold 4,077 gold places and 2 gold persons (包公
/// of 包公墓园、包公祠, and 中山 of 顺德、中山、佛山, a slip). An item is what lies
/// between two 、 (or a list's ends), no longer than eight characters and
/// without other punctuation; an entity is an item when a 、 touches it and
/// its other side is a 、 or the list's end.
pub(crate) fn listed_places(chars: &[char], spans: &mut [Span]) {
    if spans.len() < 3 || !chars.contains(&'、') {
        return;
    }
    // the lists: runs of 、-separated items, as (first separator, last separator)
    let item_ok = |a: usize, b: usize| {
        b > a
            && b - a <= 8
            && chars[a..b]
                .iter()
                .all(|&c| c.is_alphanumeric() || is_han(c))
    };
    let seps: Vec<usize> = (0..chars.len()).filter(|&k| chars[k] == '、').collect();
    let mut lists: Vec<(usize, usize)> = Vec::new();
    for &p in &seps {
        match lists.last_mut() {
            Some(l) if item_ok(l.1 + 1, p) => l.1 = p,
            _ => lists.push((p, p)),
        }
    }
    for (first, last) in lists {
        // an entity is an item: touching a separator of the list on one side
        let inner = |k: usize| k >= first && k <= last && chars[k] == '、';
        let member = |sp: &Span| {
            sp.1 == first
                || sp.0 == last + 1
                || (sp.0 > 0 && inner(sp.0 - 1) && sp.1 < chars.len() && inner(sp.1))
        };
        let (mut loc, mut per) = (0, 0);
        for sp in spans.iter().filter(|sp| member(sp)) {
            match sp.2 {
                Label::Loc => loc += 1,
                Label::Per => per += 1,
                _ => {}
            }
        }
        if loc >= 2 && per < loc {
            for sp in spans.iter_mut() {
                if sp.2 == Label::Per && member(sp) && !after_title(chars, sp.0) {
                    sp.2 = Label::Loc;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::seg_units;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn lexicon(words: &[(&str, u16)]) -> Lexicon {
        let mut lex = Lexicon::new(false);
        for (w, c) in words {
            lex.insert(w, 1 << c);
        }
        lex
    }

    fn show(c: &[char], spans: &[Span]) -> Vec<(String, Label)> {
        spans
            .iter()
            .map(|(s, e, l)| (c[*s..*e].iter().collect(), l.clone()))
            .collect()
    }

    #[test]
    fn a_chain_of_one_character_levels_is_no_place() {
        let lex = lexicon(&[
            ("清远", cat::PLACE),
            ("清远市", cat::PLACE),
            ("工作队", cat::WORD),
        ]);
        let c = chars("清远市驻镇帮镇扶村和各驻镇帮镇扶村工作队");
        let mut spans = vec![(0, 9, Label::Loc), (14, 20, Label::Org)];
        one_char_levels(&c, &lex, &mut spans);
        assert_eq!(
            show(&c, &spans),
            [
                ("清远市".into(), Label::Loc),
                ("驻镇帮镇扶村工作队".into(), Label::Org)
            ]
        );
        let c = chars("驻镇帮镇扶村工作开展");
        let mut spans = vec![(0, 6, Label::Loc)];
        one_char_levels(&c, &lex, &mut spans);
        assert_eq!(spans, []);
    }

    #[test]
    fn places_with_longer_stems_or_listed_levels_stay() {
        let lex = lexicon(&[
            ("镇赉县", cat::PLACE),
            ("陕西省", cat::PLACE),
            ("副省长", cat::WORD),
        ]);
        for (s, e) in [
            ("清远市连南县寨岗镇石径村", 12),
            ("吉林省镇赉县", 6),
            ("陕西省副省长", 3),
        ] {
            let c = chars(s);
            let mut spans = vec![(0, e, Label::Loc)];
            one_char_levels(&c, &lex, &mut spans);
            assert_eq!(spans, [(0, e, Label::Loc)], "{s}");
        }
        // one level alone (李村) is not a chain
        let c = chars("在李村");
        let mut spans = vec![(1, 3, Label::Loc)];
        one_char_levels(&c, &lex, &mut spans);
        assert_eq!(spans, [(1, 3, Label::Loc)]);
    }

    #[test]
    fn a_stationed_office_is_one_organisation() {
        let s = "在广州市派驻清远市连南县寨岗镇工作队的帮助下";
        let c = chars(s);
        let cut = |words: &[&str], tags: &[&'static str]| {
            let mut pairs = Vec::new();
            let mut b = 0;
            for (w, t) in words.iter().zip(tags) {
                pairs.push((b..b + w.len(), *t));
                b += w.len();
            }
            seg_units(s, &pairs)
        };
        let seg = cut(
            &[
                "在",
                "广州市",
                "派驻",
                "清远市",
                "连南县",
                "寨岗镇",
                "工作队",
                "的",
                "帮助",
                "下",
            ],
            &["p", "ns", "v", "ns", "ns", "ns", "n", "uj", "v", "f"],
        );
        let whole = vec![(1, 18, Label::Org)];
        // a place, a place, a shorter organisation
        let mut spans = vec![
            (1, 4, Label::Loc),
            (6, 12, Label::Loc),
            (12, 18, Label::Org),
        ];
        join_stationed(&c, Some(&seg), &mut spans);
        assert_eq!(spans, whole);
        // two places and the untagged head word
        let mut spans = vec![(1, 4, Label::Loc), (6, 15, Label::Loc)];
        join_stationed(&c, Some(&seg), &mut spans);
        assert_eq!(spans, whole);
        // without words: a listed suffix of two or more characters only
        let mut spans = vec![(1, 4, Label::Loc), (6, 15, Label::Loc)];
        join_stationed(&c, None, &mut spans);
        assert_eq!(spans, vec![(1, 4, Label::Loc), (6, 15, Label::Loc)]);
    }

    #[test]
    fn a_stationed_person_stays_apart() {
        // 中国驻美大使李肇星: a title, not an organisation
        let s = "中国驻美大使李肇星";
        let c = chars(s);
        let seg = seg_units(
            s,
            &[
                (0..6, "ns"),
                (6..9, "v"),
                (9..12, "ns"),
                (12..18, "n"),
                (18..27, "nr"),
            ],
        );
        let before = vec![(0, 2, Label::Loc), (3, 4, Label::Loc), (6, 9, Label::Per)];
        let mut spans = before.clone();
        join_stationed(&c, Some(&seg), &mut spans);
        assert_eq!(spans, before);
    }

    #[test]
    fn a_stationed_office_without_its_sender_is_one_organisation() {
        let lex = lexicon(&[("驻马店", cat::PLACE), ("驻马店市", cat::PLACE)]);
        // 驻连/山县: the segmenter glued the verb to the place
        let s = "驻连山县永和镇工作队帮扶卢屋寨村";
        let w = cut(
            s,
            &[
                "驻连",
                "山县",
                "永和镇",
                "工作队",
                "帮扶",
                "卢屋",
                "寨",
                "村",
            ],
        );
        let c = chars(s);
        let mut spans = vec![
            (0, 4, Label::Loc),
            (4, 10, Label::Org),
            (12, 16, Label::Loc),
        ];
        stationed_places(&c, Some(&w), &lex, &mut spans);
        assert_eq!(spans, [(0, 10, Label::Org), (12, 16, Label::Loc)]);
        // an untagged verb, a place and the tagger's organisation
        let s = "驻佛冈县迳头镇工作队为该镇";
        let w = cut(
            s,
            &["驻", "佛冈县", "迳", "头", "镇", "工作队", "为", "该镇"],
        );
        let c = chars(s);
        let mut spans = vec![(1, 4, Label::Loc), (4, 10, Label::Org)];
        stationed_places(&c, Some(&w), &lex, &mut spans);
        assert_eq!(spans, [(0, 10, Label::Org)]);
        // without the segmenter's words nothing changes
        let mut spans = vec![(1, 4, Label::Loc), (4, 10, Label::Org)];
        stationed_places(&c, None, &lex, &mut spans);
        assert_eq!(spans, [(1, 4, Label::Loc), (4, 10, Label::Org)]);
        // the verb leaves a place; a list without an organisation stays places
        let s = "驻连南县大麦山镇、驻连山县太保镇等工作队";
        let w = cut(
            s,
            &[
                "驻连",
                "南县",
                "大麦",
                "山镇",
                "、",
                "驻连",
                "山县",
                "太保",
                "镇",
                "等",
                "工作队",
            ],
        );
        let c = chars(s);
        let mut spans = vec![
            (1, 4, Label::Loc),
            (4, 8, Label::Loc),
            (9, 13, Label::Loc),
            (13, 16, Label::Loc),
        ];
        stationed_places(&c, Some(&w), &lex, &mut spans);
        assert_eq!(
            show(&c, &spans),
            [
                ("连南县".into(), Label::Loc),
                ("大麦山镇".into(), Label::Loc),
                ("连山县".into(), Label::Loc),
                ("太保镇".into(), Label::Loc)
            ]
        );
    }

    #[test]
    fn stationed_places_without_an_organisation_or_with_a_sender_stay() {
        let lex = lexicon(&[("驻马店", cat::PLACE), ("驻马店市", cat::PLACE)]);
        for (s, words, before) in [
            // a listed place starting with 驻
            (
                "驻马店市公安局",
                &["驻马店市", "公安局"][..],
                vec![(0, 4, Label::Loc), (4, 7, Label::Org)],
            ),
            // a facility, no place by its form
            (
                "驻日美军基地发生",
                &["驻日", "美军", "基地", "发生"][..],
                vec![(0, 6, Label::Loc)],
            ),
            // an untagged head: the data tag the place alone (我驻美使馆)
            (
                "我驻美使馆通知",
                &["我", "驻", "美", "使馆", "通知"][..],
                vec![(2, 3, Label::Loc)],
            ),
            // a sender before the verb: join_stationed's case, not this one
            (
                "中国驻美国大使馆",
                &["中国", "驻", "美国", "大使馆"][..],
                vec![(0, 2, Label::Loc), (3, 5, Label::Loc), (5, 8, Label::Org)],
            ),
            // a title is no organisation
            (
                "本报驻埃及记者",
                &["本报", "驻", "埃及", "记者"][..],
                vec![(0, 2, Label::Org), (3, 5, Label::Loc)],
            ),
            // 驻 inside another verb (进驻) is not the verb
            (
                "进驻中国中煤能源集团",
                &["进驻", "中国", "中煤能源集团"][..],
                vec![(2, 4, Label::Loc), (4, 10, Label::Org)],
            ),
        ] {
            let w = cut(s, words);
            let c = chars(s);
            let mut spans = before.clone();
            stationed_places(&c, Some(&w), &lex, &mut spans);
            assert_eq!(spans, before, "{s}");
        }
    }

    #[test]
    fn a_latin_name_keeps_its_words() {
        let c = chars("美国总统Barack Obama今天抵达上海");
        let mut spans = vec![(4, 10, Label::Per), (17, 19, Label::Loc)];
        latin_names(&c, &mut spans);
        assert_eq!(spans, [(4, 16, Label::Per), (17, 19, Label::Loc)]);
        // a lower-case word, a place, or a second space is not the name
        for s in [
            "他和Barack and Obama",
            "他和Barack  Obama",
            "他和Barack Obama1",
        ] {
            let c = chars(s);
            let mut spans = vec![(2, 8, Label::Per)];
            latin_names(&c, &mut spans);
            assert_eq!(spans, [(2, 8, Label::Per)], "{s}");
        }
        let c = chars("在New York");
        let mut spans = vec![(1, 4, Label::Loc)];
        latin_names(&c, &mut spans);
        assert_eq!(spans, [(1, 4, Label::Loc)]);
    }

    #[test]
    fn a_listed_nonentity_is_dropped() {
        let c = chars("中非合作，惠民生，民生银行在北京");
        let mut spans = vec![
            (0, 2, Label::Loc),
            (6, 8, Label::Org),
            (9, 13, Label::Org),
            (14, 16, Label::Loc),
        ];
        nonentities(&c, &mut spans);
        assert_eq!(
            show(&c, &spans),
            [("民生银行".into(), Label::Org), ("北京".into(), Label::Loc)]
        );
        // the longest listed words are found, and longer strings holding one are not
        for s in ["高级人民法院", "全国代表大会"] {
            assert!(is_nonentity(&chars(s)), "{s}");
        }
        assert!(!is_nonentity(&chars("省高级人民法院")));
        // the list is made of common words, not names or heads
        for s in ["北京", "中国", "汪洋", "华为", "王某", "集团", "公司"] {
            assert!(!is_nonentity(&chars(s)), "{s}");
        }
    }

    #[test]
    fn a_name_in_a_handle_is_cut_from_its_nickname_and_markup() {
        let c = chars("//@G_季总:哈哈@陈豪WaHoo@AF丶L@Chicken_翼");
        let mut spans = vec![
            (3, 7, Label::Per),
            (11, 18, Label::Per),
            (22, 31, Label::Per),
        ];
        strip_markup(&c, &mut spans);
        handle_names(&c, &mut spans);
        assert_eq!(
            show(&c, &spans),
            [
                ("季总".to_string(), Label::Per),
                ("陈豪".to_string(), Label::Per),
                ("Chicken".to_string(), Label::Per)
            ]
        );
        let c = chars("#L#好");
        let mut spans = vec![(0, 4, Label::Org)];
        strip_markup(&c, &mut spans);
        assert_eq!(spans, []);
    }

    #[test]
    fn names_without_markup_or_nicknames_stay() {
        // outside handles: Latin names, Han names, mixed names, places stay whole
        let c = chars("JoJo和格雷格·罗与刘1德华在北京2号楼Sky天王和小V");
        let mut spans = vec![
            (0, 4, Label::Per),
            (5, 10, Label::Per),
            (11, 15, Label::Per),
            (16, 21, Label::Loc),
            (21, 26, Label::Org),
            (27, 29, Label::Per),
        ];
        let before = spans.clone();
        strip_markup(&c, &mut spans);
        handle_names(&c, &mut spans);
        assert_eq!(spans, before);
        // a mixed name outside a handle, a Latin one inside
        let c = chars("天王Sky说：@JoJo你好");
        let mut spans = vec![(0, 5, Label::Per), (8, 12, Label::Per)];
        let before = spans.clone();
        strip_markup(&c, &mut spans);
        handle_names(&c, &mut spans);
        assert_eq!(spans, before);
    }

    #[test]
    fn a_person_the_document_counts_is_a_thing() {
        let a = chars("果园里，黄金奈李挂满枝头");
        let b = chars("他卖出了1220斤黄金奈李和3箱黄金奈李");
        let mut spans = vec![vec![(4, 8, Label::Per)], vec![(10, 12, Label::Loc)]];
        counted_things(&[&a, &b], &[None, None], &mut spans);
        assert_eq!(spans, [vec![], vec![]]);
    }

    /// Per-character words of `s` cut into `words` (all tagged `n`).
    fn cut(s: &str, words: &[&str]) -> Vec<SegUnit> {
        assert_eq!(words.concat(), s);
        let mut pairs = Vec::new();
        let mut b = 0;
        for w in words {
            pairs.push((b..b + w.len(), "n"));
            b += w.len();
        }
        seg_units(s, &pairs)
    }

    #[test]
    fn a_person_the_tagger_counts_is_a_thing() {
        // both mentions tagged a person, one right after 1220斤
        let (a, b) = ("果园里，黄金奈李挂满枝头", "卖出了1220斤黄金奈李，合计");
        let wa = cut(a, &["果园", "里", "，", "黄金", "奈", "李", "挂满", "枝头"]);
        let wb = cut(
            b,
            &["卖出", "了", "1220", "斤", "黄金", "奈", "李", "，", "合计"],
        );
        let (a, b) = (chars(a), chars(b));
        let before = vec![vec![(4, 8, Label::Per)], vec![(8, 12, Label::Per)]];
        let mut spans = before.clone();
        counted_things(&[&a, &b], &[Some(&wa), Some(&wb)], &mut spans);
        assert_eq!(spans, [vec![], vec![]]);
        // without the segmenter's words the tagger's persons are left alone
        let mut spans = before.clone();
        counted_things(&[&a, &b], &[None, None], &mut spans);
        assert_eq!(spans, before);
        // a name ending inside a word: MSRA tags 诺贝尔 of 诺贝尔奖
        let c = "建成5家诺贝尔奖实验室";
        let wc = cut(c, &["建成", "5", "家", "诺贝尔奖", "实验室"]);
        let c = chars(c);
        let before = vec![vec![(4, 7, Label::Per)]];
        let mut spans = before.clone();
        counted_things(&[&c], &[Some(&wc)], &mut spans);
        assert_eq!(spans, before);
    }

    #[test]
    fn a_person_after_an_article_or_an_age_stays() {
        for (s, words, span) in [
            (
                "另一封刘伯坚写给妻子",
                &["另", "一封", "刘伯坚", "写给", "妻子"][..],
                (3, 6),
            ),
            (
                "录下一段周阿姨老伴的视频",
                &["录下", "一段", "周", "阿姨", "老伴", "的", "视频"][..],
                (4, 7),
            ),
            (
                "11岁王淑珍患有眼疾",
                &["11", "岁", "王", "淑珍", "患有", "眼疾"][..],
                (3, 6),
            ),
        ] {
            let w = cut(s, words);
            let c = chars(s);
            let before = vec![vec![(span.0, span.1, Label::Per)]];
            let mut spans = before.clone();
            counted_things(&[&c], &[Some(&w)], &mut spans);
            assert_eq!(spans, before, "{s}");
        }
        // a count: more than a lone 一 (十一, 一万), a measure word of no age
        assert!(after_count(&chars("十一亩黄桃"), 3));
        assert!(after_count(&chars("一万亩黄桃"), 3));
        assert!(!after_count(&chars("第一亩黄桃"), 3));
        assert!(!after_count(&chars("65岁李英琼"), 3));
    }

    #[test]
    fn a_person_after_a_quantity_or_uncounted_stays() {
        // the tagger takes 李英琼 for a person right after the quantity itself
        let a = chars("65岁李英琼说，李英琼很好");
        let before = vec![vec![(3, 6, Label::Per), (8, 11, Label::Per)]];
        let mut spans = before.clone();
        counted_things(&[&a], &[None], &mut spans);
        assert_eq!(spans, before);
        // 年 is no listed measure word (1998年江泽民), nor a letter a numeral
        let b = chars("1998年江泽民与江泽民、A斤江泽民");
        let before = vec![vec![(5, 8, Label::Per), (9, 12, Label::Per)]];
        let mut spans = before.clone();
        counted_things(&[&b], &[None], &mut spans);
        assert_eq!(spans, before);
        assert!(after_quantity(&chars("3亩黄桃"), 2));
        assert!(!after_quantity(&chars("A亩黄桃"), 2));
    }

    #[test]
    fn a_name_cut_short_takes_the_longer_string_the_document_tags() {
        // 年江/台村: the segmenter glued 江 to the year
        let a = chars("江台村的村民说");
        let b = chars("2020年江台村建起了合作社");
        let mut spans = vec![vec![(0, 3, Label::Loc)], vec![(6, 8, Label::Loc)]];
        longer_names(&[&a, &b], &mut spans);
        assert_eq!(spans, [vec![(0, 3, Label::Loc)], vec![(5, 8, Label::Loc)]]);
        // two characters, the longer string tagged in the same sentence
        let c = chars("据新浪乐居消息，新浪乐居称");
        let mut spans = vec![vec![(1, 5, Label::Org), (10, 12, Label::Org)]];
        longer_names(&[&c], &mut spans);
        assert_eq!(spans, [vec![(1, 5, Label::Org), (8, 12, Label::Org)]]);
    }

    #[test]
    fn a_name_stays_without_a_longer_string_of_its_label_before_it() {
        let stays = |a: &str, tagged: Vec<Span>, b: &str, here: Vec<Span>| {
            let before = vec![tagged, here];
            let mut spans = before.clone();
            longer_names(&[&chars(a), &chars(b)], &mut spans);
            assert_eq!(spans, before, "{b}");
        };
        // the longer string tagged with another label
        stays(
            "江台村的村民说",
            vec![(0, 3, Label::Org)],
            "年江台村",
            vec![(2, 4, Label::Loc)],
        );
        // another entity ends inside the characters to be taken in
        let here = vec![(0, 2, Label::Per), (2, 4, Label::Loc)];
        stays("江台村的村民说", vec![(0, 3, Label::Loc)], "张江台村", here);
        // three characters before it
        stays(
            "东西南北村",
            vec![(0, 5, Label::Loc)],
            "去东西南北村",
            vec![(4, 6, Label::Loc)],
        );
        // the longer string goes on after the name (南昌 of 南昌市区)
        stays(
            "南昌市",
            vec![(0, 3, Label::Loc)],
            "南昌市区",
            vec![(0, 2, Label::Loc)],
        );
    }

    #[test]
    fn no_name_in_a_stretched_character() {
        let c = chars("超超超美的乐乐，唐唐唐唐秋云霖");
        let mut spans = vec![(0, 4, Label::Per), (5, 7, Label::Per), (11, 15, Label::Per)];
        stretched_runs(&c, &mut spans);
        assert_eq!(show(&c, &spans), [("乐乐".to_string(), Label::Per)]);
    }

    #[test]
    fn doubled_characters_and_digit_runs_stay() {
        let c = chars("５５５中国车队和乐乐在哈哈哈之后见了王芳芳");
        let mut spans = vec![
            (0, 7, Label::Org),
            (8, 10, Label::Per),
            (18, 21, Label::Per),
        ];
        let before = spans.clone();
        stretched_runs(&c, &mut spans);
        assert_eq!(spans, before);
    }

    #[test]
    fn an_unpaired_mark_at_an_edge_is_cut() {
        let c = chars("名为“阳光公益”的企业，“斯芬克斯”与金字塔报》和\"天府\"的”");
        let mut spans = vec![
            (3, 8, Label::Org),
            (12, 17, Label::Loc),
            (19, 24, Label::Org),
            (25, 28, Label::Loc),
            (30, 31, Label::Loc),
        ];
        unpaired_marks(&c, &mut spans);
        assert_eq!(
            show(&c, &spans),
            [
                ("阳光公益".to_string(), Label::Org),
                ("斯芬克斯".to_string(), Label::Loc),
                ("金字塔报".to_string(), Label::Org),
                ("天府".to_string(), Label::Loc),
            ]
        );
    }

    #[test]
    fn paired_and_inner_marks_stay() {
        for s in [
            "《中国珠宝首饰》杂志社",
            "中国长江航运（集团）总公司",
            "“社会周刊·读者之友”",
            "哥伦比亚”号",
            "Na’Vi战队",
            "\"天府\"广场",
            "广州番禺（五华）",
        ] {
            let c = chars(s);
            let mut spans = vec![(0, c.len(), Label::Org)];
            unpaired_marks(&c, &mut spans);
            assert_eq!(spans, [(0, c.len(), Label::Org)], "{s}");
        }
    }

    #[test]
    fn a_mark_inside_takes_its_partner_outside() {
        let c = chars("英国《金融时报》援引，“国际周”组委会和《美术大观》杂志");
        let mut spans = vec![
            (0, 7, Label::Org),
            (12, 19, Label::Org),
            (21, 28, Label::Org),
        ];
        closing_marks(&c, &mut spans);
        assert_eq!(
            show(&c, &spans),
            [
                ("英国《金融时报》".to_string(), Label::Org),
                ("“国际周”组委会".to_string(), Label::Org),
                ("《美术大观》杂志".to_string(), Label::Org),
            ]
        );
    }

    #[test]
    fn a_mark_whose_partner_is_taken_or_far_stays() {
        // 》 held by the next name, the partner two characters away, a pair
        // already closed inside, an ASCII quote, a bracket.
        let c = chars("英国《金融时报》报道，法国《解放报等》，《读书》杂志，\"天府广场（议会上院）外事委员会");
        let mut spans = vec![
            (0, 7, Label::Org),
            (7, 8, Label::Org),
            (11, 17, Label::Org),
            (20, 26, Label::Org),
            (27, 32, Label::Loc),
            (33, 43, Label::Org),
        ];
        let before = spans.clone();
        closing_marks(&c, &mut spans);
        assert_eq!(spans, before);
    }

    /// Per-character words of `s` from words and tags in order.
    fn words(s: &str, words: &[&str], tags: &[&'static str]) -> Vec<SegUnit> {
        let mut pairs = Vec::new();
        let mut b = 0;
        for (w, t) in words.iter().zip(tags) {
            pairs.push((b..b + w.len(), *t));
            b += w.len();
        }
        seg_units(s, &pairs)
    }

    #[test]
    fn a_leading_verb_is_no_part_of_a_name() {
        let s = "让大桥村合作社与他合作，他担任有限公司董事";
        let c = chars(s);
        let seg = words(
            s,
            &[
                "让",
                "大桥",
                "村",
                "合作社",
                "与",
                "他",
                "合作",
                "，",
                "他",
                "担任",
                "有限公司",
                "董事",
            ],
            &[
                "v", "ns", "zg", "l", "p", "r", "vn", "x", "r", "v", "n", "n",
            ],
        );
        let mut spans = vec![(0, 4, Label::Loc), (13, 19, Label::Org)];
        leading_words(Some(&seg), &mut spans);
        assert_eq!(
            show(&c, &spans),
            [
                ("大桥村".to_string(), Label::Loc),
                ("有限公司".to_string(), Label::Org)
            ]
        );
    }

    #[test]
    fn names_that_start_otherwise_stay() {
        // the list: verbs and function words before names, not name starts
        for w in ["让", "担任", "位于", "在"] {
            assert!(is_leading(str_hash(w)), "{w}");
        }
        for w in ["首都", "驻", "北京", "中国"] {
            assert!(!is_leading(str_hash(w)), "{w}");
        }
        let s = "首都记者队和让·莫内在让村";
        let seg = words(
            s,
            &["首都", "记者队", "和", "让", "·", "莫内", "在", "让", "村"],
            &["n", "n", "c", "v", "x", "nr", "p", "v", "n"],
        );
        // an organisation after a word that starts names, a person, one
        // character left after the word, no words at all
        let before = vec![
            (0, 5, Label::Org),
            (6, 10, Label::Per),
            (11, 13, Label::Loc),
        ];
        let mut spans = before.clone();
        leading_words(Some(&seg), &mut spans);
        assert_eq!(spans, before);
        let mut spans = vec![(10, 13, Label::Loc)];
        leading_words(None, &mut spans);
        assert_eq!(spans, [(10, 13, Label::Loc)]);
        // a span starting inside a word is not cut at the word's end
        let mut spans = vec![(1, 5, Label::Org)];
        leading_words(Some(&seg), &mut spans);
        assert_eq!(spans, [(1, 5, Label::Org)]);
    }

    #[test]
    fn a_level_suffix_cut_off_by_the_segmenter_joins_the_place() {
        let s = "打造粤港澳大湾区的菜篮子";
        let c = chars(s);
        let seg = words(
            s,
            &["打造", "粤港澳", "大湾", "区", "的", "菜篮子"],
            &["v", "ns", "ns", "n", "uj", "n"],
        );
        let mut spans = vec![(2, 7, Label::Loc)];
        suffix_words(&c, Some(&seg), &mut spans);
        assert_eq!(show(&c, &spans), [("粤港澳大湾区".to_string(), Label::Loc)]);
    }

    #[test]
    fn a_suffix_inside_a_word_or_another_name_stays_out() {
        // 市区 is one word; 县 starts an organisation; a person takes nothing
        let s = "上海市区和江县委与王村";
        let c = chars(s);
        let seg = words(
            s,
            &["上海", "市区", "和", "江", "县委", "与", "王", "村"],
            &["ns", "n", "c", "ns", "n", "p", "nr", "n"],
        );
        let before = vec![
            (0, 2, Label::Loc),
            (5, 6, Label::Loc),
            (6, 8, Label::Org),
            (9, 10, Label::Per),
        ];
        let mut spans = before.clone();
        suffix_words(&c, Some(&seg), &mut spans);
        assert_eq!(spans, before);
        let mut spans = vec![(0, 2, Label::Loc)];
        suffix_words(&c, None, &mut spans);
        assert_eq!(spans, [(0, 2, Label::Loc)]);
        // a place ending in a level suffix takes no second one
        let s = "达州市区的";
        let c = chars(s);
        let seg = words(s, &["达州", "市", "区", "的"], &["ns", "n", "n", "uj"]);
        let mut spans = vec![(0, 3, Label::Loc)];
        suffix_words(&c, Some(&seg), &mut spans);
        assert_eq!(spans, [(0, 3, Label::Loc)]);
    }

    #[test]
    fn a_name_starts_at_a_word_edge() {
        let lex = lexicon(&[
            ("进一步提高", cat::WORD),
            ("连南", cat::LOC),
            ("南县", cat::LOC),
        ]);
        // the tagger starts inside 进一步提高 (a common word) and inside the
        // place 连南县 (连 glued to the verb: 驻连/南县)
        let s = "为进一步提高大桥村、江台村产业，驻连南县寨岗工作队帮助村民";
        let c = chars(s);
        let seg = words(
            s,
            &[
                "为",
                "进一步提高",
                "大桥",
                "村",
                "、",
                "江台村",
                "产业",
                "，",
                "驻连",
                "南县",
                "寨",
                "岗",
                "工作队",
                "帮助",
                "村民",
            ],
            &[
                "p", "i", "ns", "zg", "x", "ns", "n", "x", "ns", "ns", "ng", "n", "n", "v", "n",
            ],
        );
        let mut spans = vec![
            (5, 9, Label::Loc),
            (10, 13, Label::Loc),
            (18, 25, Label::Org),
        ];
        word_starts(&c, Some(&seg), &lex, &mut spans);
        assert_eq!(
            show(&c, &spans),
            [
                ("大桥村".to_string(), Label::Loc),
                ("江台村".to_string(), Label::Loc),
                ("连南县寨岗工作队".to_string(), Label::Org)
            ]
        );
        // the same through the whole rule set, where `stationed_offices`
        // then takes in the verb
        let mut spans = vec![(5, 9, Label::Loc), (18, 25, Label::Org)];
        apply(&c, Some(&seg), &lex, &mut spans);
        assert_eq!(
            show(&c, &spans),
            [
                ("大桥村".to_string(), Label::Loc),
                ("驻连南县寨岗工作队".to_string(), Label::Org)
            ]
        );
    }

    #[test]
    fn names_inside_made_up_or_name_words_stay() {
        let lex = lexicon(&[
            ("进一步提高", cat::WORD),
            ("教练车", cat::WORD),
            ("连南", cat::LOC),
            ("南县", cat::LOC),
            ("长沙", cat::LOC),
        ]);
        // 任本 is no dictionary word (the segmenter made it up), 长沙 is a
        // place, one character follows 进一步提高, a person stays, and
        // 广州连 is an entity that 连南 would overlap
        let s = "任本公司，部长沙龙队，进一步提高村，教练车范根，广州连南县";
        let c = chars(s);
        let seg = words(
            s,
            &[
                "任本",
                "公司",
                "，",
                "部",
                "长沙",
                "龙队",
                "，",
                "进一步提高",
                "村",
                "，",
                "教练车",
                "范根",
                "，",
                "广州",
                "连",
                "南县",
            ],
            &[
                "n", "n", "x", "n", "ns", "n", "x", "i", "n", "x", "n", "nr", "x", "ns", "ns", "ns",
            ],
        );
        let before = vec![
            (1, 4, Label::Org),
            (7, 10, Label::Org),
            (15, 17, Label::Loc),
            (20, 23, Label::Per),
            (24, 27, Label::Loc),
            (27, 29, Label::Loc),
        ];
        let mut spans = before.clone();
        word_starts(&c, Some(&seg), &lex, &mut spans);
        assert_eq!(spans, before);
        let mut spans = vec![(13, 17, Label::Loc)];
        word_starts(&c, None, &lex, &mut spans);
        assert_eq!(spans, [(13, 17, Label::Loc)]);
        // a common word of two characters (MSRA dev: 新华社…电 + 印中友协)
        let lex = lexicon(&[("电印", cat::WORD)]);
        let s = "日电印中友协主席";
        let c = chars(s);
        let seg = words(
            s,
            &["日", "电印", "中", "友协", "主席"],
            &["m", "n", "ns", "n", "n"],
        );
        let mut spans = vec![(2, 6, Label::Org)];
        word_starts(&c, Some(&seg), &lex, &mut spans);
        assert_eq!(show(&c, &spans), [("印中友协".to_string(), Label::Org)]);
    }

    /// The span of the first `sub` in `s` (counted in characters).
    fn sp(s: &str, sub: &str, label: Label) -> Span {
        let b = s.find(sub).expect(sub);
        let a = s[..b].chars().count();
        (a, a + sub.chars().count(), label)
    }

    #[test]
    fn a_defined_short_name_takes_the_label_of_its_name() {
        for s in [
            "广州派驻清远驻镇帮镇扶村指挥部（以下简称“指挥部”）和各工作队",
            "廣州派駐清遠駐鎮幫鎮扶村指揮部(以下簡稱“指揮部”)和各工作隊",
        ] {
            let c = chars(s);
            let org = (0, 15, Label::Org);
            let mut spans = vec![org.clone()];
            defined_names(&c, &mut spans);
            assert_eq!(spans, [org, (21, 24, Label::Org)], "{s}");
        }
        // without quotation marks, and over the tagger's other label
        let s = "中国民主促进会（简称民进）成立";
        let c = chars(s);
        let mut spans = vec![
            sp(s, "中国民主促进会", Label::Org),
            sp(s, "民进", Label::Per),
        ];
        defined_names(&c, &mut spans);
        assert_eq!(
            show(&c, &spans),
            [
                ("中国民主促进会".into(), Label::Org),
                ("民进".into(), Label::Org)
            ]
        );
    }

    #[test]
    fn short_names_of_nothing_tagged_or_of_a_list_stay_untagged() {
        for (s, before) in [
            // the defined thing is no entity
            (
                "太保镇乡村振兴人才驿站（以下简称“人才驿站”）在",
                vec![(0, 3, Label::Loc)],
            ),
            // two names, no Han, no closing bracket, a person
            (
                "华南热带农业大学（简称热科院、热农大）",
                vec![(0, 8, Label::Org)],
            ),
            (
                "美国食品与药品管理局（简称ＦＤＡ）的检验",
                vec![(0, 10, Label::Org)],
            ),
            ("张三（以下简称“张”", vec![(0, 2, Label::Per)]),
        ] {
            let c = chars(s);
            let mut spans = before.clone();
            defined_names(&c, &mut spans);
            assert_eq!(spans, before, "{s}");
        }
    }

    #[test]
    fn a_village_right_after_its_town_is_a_place() {
        let lex = lexicon(&[("楼下", cat::WORD)]);
        let s = "韶关市乐昌市廊田镇楼下村任驻村第一书记";
        let c = chars(s);
        let mut spans = vec![
            sp(s, "韶关市", Label::Loc),
            sp(s, "乐昌市", Label::Loc),
            sp(s, "廊田镇", Label::Loc),
        ];
        town_villages(&c, &lex, &mut spans);
        assert_eq!(spans.last(), Some(&sp(s, "楼下村", Label::Loc)));
        assert_eq!(spans.len(), 4);
    }

    #[test]
    fn words_after_a_town_that_name_no_village_stay() {
        let lex = lexicon(&[("贫困村", cat::WORD), ("贫困", cat::WORD)]);
        for s in [
            "陆埠镇许多村民开始",
            "该县楼子营镇某村的选举",
            "普拉底乡贫困村走访",
            "薛村乡高红村村委会",
            "马桥镇尧治河村党支部",
        ] {
            let c = chars(s);
            let town = c.iter().position(|&x| x == '镇' || x == '乡').unwrap();
            let start = if s.starts_with("该县") { 2 } else { 0 };
            let before = vec![(start, town + 1, Label::Loc)];
            let mut spans = before.clone();
            town_villages(&c, &lex, &mut spans);
            assert_eq!(spans, before, "{s}");
        }
        // another entity there already
        let s = "廊田镇楼下村任";
        let c = chars(s);
        let before = vec![(0, 3, Label::Loc), (3, 7, Label::Loc)];
        let mut spans = before.clone();
        town_villages(&c, &lex, &mut spans);
        assert_eq!(spans, before);
    }

    #[test]
    fn a_school_abbreviation_joins_its_place() {
        let lex = lexicon(&[("赫章县", cat::PLACE), ("北京", cat::PLACE)]);
        let s = "以赫章三中为例";
        let w = cut(s, &["以", "赫章", "三中", "为例"]);
        let c = chars(s);
        let mut spans = vec![sp(s, "三中", Label::Org)];
        school_names(&c, Some(&w), &lex, &mut spans);
        assert_eq!(spans, [sp(s, "赫章三中", Label::Org)]);
        // a tagged place before it
        let s = "北京二中校长";
        let c = chars(s);
        let mut spans = vec![sp(s, "北京", Label::Loc), sp(s, "二中", Label::Org)];
        school_names(&c, None, &lex, &mut spans);
        assert_eq!(spans, [sp(s, "北京二中", Label::Org)]);
    }

    #[test]
    fn a_school_abbreviation_after_no_place_stays() {
        let lex = lexicon(&[("赫章县", cat::PLACE)]);
        for (s, words, name) in [
            // a person before it, a common word before it, no school
            (
                "梁新儒在二中已工作",
                &["梁新儒", "在", "二中", "已", "工作"][..],
                "二中",
            ),
            (
                "学生三中午吃饭",
                &["学生", "三中", "午", "吃饭"][..],
                "三中",
            ),
            ("赫章中心校", &["赫章", "中心校"][..], "中心校"),
        ] {
            let w = cut(s, words);
            let c = chars(s);
            let before = vec![sp(s, name, Label::Org)];
            let mut spans = before.clone();
            school_names(&c, Some(&w), &lex, &mut spans);
            assert_eq!(spans, before, "{s}");
        }
    }

    #[test]
    fn a_person_named_before_a_facility_is_no_person() {
        let a = "2020年，牛庙工业园区回收江台村牛庙矿荒废的土地";
        let b = "牛庙说";
        let (ca, cb) = (chars(a), chars(b));
        let wa = cut(
            a,
            &[
                "2020",
                "年",
                "，",
                "牛庙",
                "工业园区",
                "回收",
                "江台村",
                "牛庙",
                "矿",
                "荒废",
                "的",
                "土地",
            ],
        );
        let mut spans = vec![
            vec![
                sp(a, "牛庙", Label::Per),
                sp(a, "江台村", Label::Loc),
                (17, 19, Label::Per),
            ],
            vec![(0, 2, Label::Per)],
        ];
        facility_persons(&[&ca, &cb], &[Some(&wa), None], &mut spans);
        assert_eq!(spans, [vec![sp(a, "江台村", Label::Loc)], vec![]]);
    }

    #[test]
    fn a_person_before_a_title_or_a_word_stays() {
        // 村长 and 镇定 are words; 中学 follows persons in the gold data
        let s = "王村长和周公镇定地看着金士尧中学毕业";
        let w = cut(
            s,
            &[
                "王",
                "村长",
                "和",
                "周公",
                "镇定",
                "地",
                "看着",
                "金士尧",
                "中学",
                "毕业",
            ],
        );
        let c = chars(s);
        let before = vec![
            sp(s, "王", Label::Per),
            sp(s, "周公", Label::Per),
            sp(s, "金士尧", Label::Per),
        ];
        let mut spans = vec![before.clone()];
        facility_persons(&[&c], &[Some(&w)], &mut spans);
        assert_eq!(spans, [before]);
    }

    #[test]
    fn a_person_listed_among_places_is_a_place() {
        let s = "大沥镇的凤池、河东、沥东等农村社区";
        let c = chars(s);
        let mut spans = vec![
            sp(s, "大沥镇", Label::Loc),
            sp(s, "凤池", Label::Per),
            sp(s, "河东", Label::Loc),
            sp(s, "沥东", Label::Loc),
        ];
        listed_places(&c, &mut spans);
        assert_eq!(spans[1], sp(s, "凤池", Label::Loc));
    }

    #[test]
    fn persons_in_lists_of_persons_or_after_a_title_stay() {
        for (s, before) in [
            (
                "副总理德沃尔科维奇、阿塞拜疆、格鲁吉亚",
                vec![
                    (3, 9, Label::Per),
                    (10, 14, Label::Loc),
                    (15, 19, Label::Loc),
                ],
            ),
            // one place, two persons
            (
                "张三、李四、北京",
                vec![(0, 2, Label::Per), (3, 5, Label::Per), (6, 8, Label::Loc)],
            ),
            // a person beside the list, not an item of it
            (
                "王五说北京、上海、天津",
                vec![
                    (0, 2, Label::Per),
                    (3, 5, Label::Loc),
                    (6, 8, Label::Loc),
                    (9, 11, Label::Loc),
                ],
            ),
        ] {
            let c = chars(s);
            let mut spans = before.clone();
            listed_places(&c, &mut spans);
            assert_eq!(spans, before, "{s}");
        }
    }

    #[test]
    fn a_stationed_office_the_tagger_starts_at_its_place_takes_the_verb() {
        let lex = lexicon(&[("连南", cat::LOC), ("美国", cat::LOC)]);
        let s = "驻连南县寨岗工作队帮助村民";
        let w = cut(s, &["驻连", "南县", "寨", "岗", "工作队", "帮助", "村民"]);
        let c = chars(s);
        let mut spans = vec![sp(s, "连南县寨岗工作队", Label::Org)];
        stationed_offices(&c, Some(&w), &lex, &mut spans);
        assert_eq!(spans, [sp(s, "驻连南县寨岗工作队", Label::Org)]);
        let s = "我驻美国大使馆通知";
        let w = cut(s, &["我", "驻", "美国", "大使馆", "通知"]);
        let c = chars(s);
        let mut spans = vec![sp(s, "美国大使馆", Label::Org)];
        stationed_offices(&c, Some(&w), &lex, &mut spans);
        assert_eq!(spans, [sp(s, "驻美国大使馆", Label::Org)]);
    }

    #[test]
    fn hosts_and_offices_with_a_sender_or_inside_a_word_stay() {
        let lex = lexicon(&[("美国", cat::LOC), ("东风", cat::LOC)]);
        for (s, words, before) in [
            // a host without a place at its start
            (
                "中国驻联合国代表",
                &["中国", "驻", "联合国", "代表"][..],
                vec![(0, 2, Label::Loc), (3, 6, Label::Org)],
            ),
            (
                "本报驻联合国记者",
                &["本报", "驻", "联合国", "记者"][..],
                vec![(3, 6, Label::Org)],
            ),
            // the verb inside a word
            (
                "派驻东风汽车有限公司",
                &["派驻", "东风", "汽车", "有限公司"][..],
                vec![(2, 10, Label::Org)],
            ),
            // a sender ends at the verb (join_stationed's case)
            (
                "中国驻美国大使馆",
                &["中国", "驻", "美国", "大使馆"][..],
                vec![(0, 2, Label::Loc), (3, 8, Label::Org)],
            ),
        ] {
            let w = cut(s, words);
            let c = chars(s);
            let mut spans = before.clone();
            stationed_offices(&c, Some(&w), &lex, &mut spans);
            assert_eq!(spans, before, "{s}");
        }
    }
}
