//! Word tokenisation and POS tagging of one sentence of an [`AlignedText`].

use std::io::BufRead;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;
use zhen_core::{AlignedText, Segmenter, Span, Word};

use crate::jieba::{LazyJieba, State};
use crate::upos::{jieba_upos, ptb_upos};
use crate::{Error, PosTagger, Result, Route};

/// A token of a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tok {
    /// Byte range of the current (normalized) text.
    pub current: Range<usize>,
    /// Byte span of the original text.
    pub span: Span,
    /// The current text of the token (what the taggers saw).
    pub norm: String,
    /// Language-specific POS: a jieba tag for Chinese, a Penn Treebank tag
    /// for English, empty for other languages.
    pub pos: String,
    /// Universal POS (UD v2).
    pub upos: &'static str,
}

/// A token of a sentence as [`Tokenizer::tokenize_into`] gives it: a [`Tok`]
/// without its own strings (its current text is `&text.current()[current]`),
/// so a caller that only prints or counts tokens allocates nothing per token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokSpan<'a> {
    /// Byte range of the current (normalized) text.
    pub current: Range<usize>,
    /// Byte span of the original text.
    pub span: Span,
    /// Language-specific POS, as in [`Tok::pos`].
    pub pos: &'a str,
    /// Universal POS (UD v2).
    pub upos: &'static str,
}

/// Chinese and English word tokeniser with POS tagging. `Send + Sync`: share
/// one between threads.
///
/// * Chinese (`zh`, `ja`, and `und` or other text containing Han or kana):
///   jieba-rs `tag` with HMM on the current text of the sentence; runs of
///   Latin letters and digits joined by `.` `-` `:` `/` `_` `@` `'` (and
///   `,` before three digits) — `2020-04-20`, `10:51`, `4.jpg`, `27219.38`,
///   `OPPO` — are always one token: where jieba splits them its pieces are
///   merged and tagged `m` (digits and separators only) or `eng`.
///   Number + unit stays as jieba cuts it (`5.4万` may be `5.4` `万`).
/// * English (`en`, and text without Han/kana): UAX #29 word boundaries,
///   then Penn Treebank rules: the runs above stay whole (`well-known`,
///   `1,000.5`, `U.S`, `S&P`), a period joins an abbreviation (`Mr.`, `U.S.`,
///   `J.`) or a list number opening the sentence (`2. Brenden`), `...` and
///   `--` are one token, clitics split off (`do n't`, `ca n't`, `I 'm`, `'s`
///   `'re` `'ve` `'ll` `'d`) and stay whole when already detached (`Bitar 's`,
///   as in pre-tokenised text), and `US$`, `C$` are one token; POS by [`PosTagger`].
///   Other alphabetic languages get the same tokens with an empty `pos` and
///   `upos` `X`.
///
/// Whitespace is never a token. Tokens are projected to the original with
/// [`AlignedText::project`], so a token cutting through a many-to-many
/// replacement is merged with its neighbour; a token made only of inserted
/// text (empty original span) is dropped.
pub struct Tokenizer {
    jieba: LazyJieba,
    tagger: Option<PosTagger>,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("english_pos", &self.tagger.is_some())
            .finish()
    }
}

impl Tokenizer {
    /// The embedded jieba dictionary and the embedded English POS model.
    ///
    /// Without the `embed` feature this returns [`Error::NoModel`]; use
    /// [`Tokenizer::with_tagger`].
    pub fn new() -> Result<Tokenizer> {
        #[cfg(feature = "embed")]
        {
            Ok(Tokenizer::with_tagger(PosTagger::embedded()?))
        }
        #[cfg(not(feature = "embed"))]
        {
            Err(Error::NoModel)
        }
    }

    /// The embedded jieba dictionary and the given English POS tagger.
    pub fn with_tagger(tagger: PosTagger) -> Tokenizer {
        Tokenizer {
            jieba: LazyJieba::new(),
            tagger: Some(tagger),
        }
    }

    /// The embedded jieba dictionary without an English POS tagger: enough
    /// for [`Segmenter::segment`]; English tokens get no POS.
    pub fn jieba_only() -> Tokenizer {
        Tokenizer {
            jieba: LazyJieba::new(),
            tagger: None,
        }
    }

    /// Adds a jieba user dictionary: one `word [freq] [tag]` per line
    /// (fields separated by spaces or tabs), UTF-8 with or without a BOM;
    /// blank lines are skipped. A missing frequency is chosen so that jieba
    /// keeps the word whole; a missing tag is `x`, as in Python jieba.
    ///
    /// Errors name the 1-based line; words of earlier lines stay added.
    pub fn load_user_dict(&mut self, mut reader: impl BufRead) -> Result<()> {
        let mut buf = Vec::new();
        let mut line = 0;
        loop {
            buf.clear();
            if reader.read_until(b'\n', &mut buf)? == 0 {
                return Ok(());
            }
            line += 1;
            let err = |what: &str, content: &str| Error::UserDict {
                line,
                what: what.to_string(),
                content: content.to_string(),
            };
            let text = std::str::from_utf8(&buf).map_err(|e| {
                err(
                    &format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                    &String::from_utf8_lossy(&buf),
                )
            })?;
            let text = if line == 1 {
                text.strip_prefix('\u{FEFF}').unwrap_or(text)
            } else {
                text
            };
            let text = text.trim_end_matches(['\n', '\r']);
            let fields: Vec<&str> = text.split_whitespace().collect();
            let (word, freq, tag) = match fields[..] {
                [] => continue,
                [w] => (w, None, None),
                [w, x] if x.bytes().all(|b| b.is_ascii_digit()) => (w, Some(x), None),
                [w, t] => (w, None, Some(t)),
                [w, f, t] => (w, Some(f), Some(t)),
                _ => return Err(err("more than 3 fields", text)),
            };
            let freq = match freq {
                Some(f) => Some(
                    f.parse::<usize>()
                        .map_err(|_| err("frequency is not a whole number", text))?,
                ),
                None => None,
            };
            if let Some(t) = tag {
                if !t.bytes().all(|b| b.is_ascii_alphabetic()) {
                    return Err(err(&format!("tag {t:?} is not made of letters"), text));
                }
            }
            self.jieba.add_word(word, freq, Some(tag.unwrap_or("x")));
        }
    }

    /// Tokenizes the sentence `sentence` (a byte range of `text.current()`,
    /// e.g. from [`crate::sentences`]) the way [`route`](crate::route) sent
    /// it. Tokens are in order, do not overlap, and carry their original span.
    ///
    /// # Panics
    /// If `sentence` is out of bounds or not on char boundaries of the
    /// current text.
    pub fn tokenize(&self, text: &AlignedText, sentence: Range<usize>, route: Route) -> Vec<Tok> {
        let mut spans = Vec::new();
        self.tokenize_into(text, sentence, route, &mut spans);
        let cur = text.current();
        spans
            .into_iter()
            .map(|t| Tok {
                norm: cur[t.current.clone()].to_string(),
                pos: t.pos.to_string(),
                current: t.current,
                span: t.span,
                upos: t.upos,
            })
            .collect()
    }

    /// The tokens of [`Tokenizer::tokenize`], appended to `out` without
    /// copying their text or POS.
    ///
    /// # Panics
    /// As [`Tokenizer::tokenize`].
    pub fn tokenize_into<'a>(
        &'a self,
        text: &AlignedText,
        sentence: Range<usize>,
        route: Route,
        out: &mut Vec<TokSpan<'a>>,
    ) {
        let cur = text.current();
        let s = &cur[sentence.clone()];
        let base = sentence.start;
        let (ranges, tags, jieba_tags): (Vec<Range<usize>>, Vec<&str>, bool) = match route {
            Route::Chinese => {
                let jieba = self.jieba.for_text(s);
                chinese(&jieba, s)
            }
            Route::English => self.english(s, true),
            Route::Other => self.english(s, false),
        };
        let abs: Vec<Range<usize>> = ranges
            .iter()
            .map(|r| base + r.start..base + r.end)
            .collect();
        out.reserve(abs.len());
        for p in text.project(&abs) {
            if p.original.is_empty() {
                continue;
            }
            let norm = &cur[p.current.clone()];
            let pos = tags[p.first];
            let upos = if jieba_tags {
                refine_upos(jieba_upos(pos), pos, norm)
            } else if pos.is_empty() {
                "X"
            } else {
                ptb_upos(pos)
            };
            out.push(TokSpan {
                current: p.current,
                span: p.original,
                pos,
                upos,
            });
        }
    }

    fn english(&self, s: &str, with_pos: bool) -> (Vec<Range<usize>>, Vec<&str>, bool) {
        let ranges = english_tokens(s);
        let tags = match (&self.tagger, with_pos) {
            (Some(tagger), true) => {
                let words: Vec<&str> = ranges.iter().map(|r| &s[r.clone()]).collect();
                tagger.tag_str(&words)
            }
            _ => vec![""; ranges.len()],
        };
        (ranges, tags, false)
    }
}

/// jieba's words and tags of a Chinese sentence, pieces of atomic runs
/// merged (see [`Tokenizer`]).
fn chinese(jieba: &State, s: &str) -> (Vec<Range<usize>>, Vec<&'static str>, bool) {
    let mut tagged: Vec<(Range<usize>, &'static str)> = Vec::with_capacity(s.len() / 4 + 1);
    jieba.tag(s, |r, tag| tagged.push((r, tag)));
    let atoms = atomic_runs(s);
    let mut ranges = Vec::with_capacity(tagged.len());
    let mut tags: Vec<&'static str> = Vec::with_capacity(tagged.len());
    let mut a = 0; // next atomic run
    let mut i = 0;
    while i < tagged.len() {
        let (t, t_tag) = &tagged[i];
        let mut r = t.clone();
        while a < atoms.len() && atoms[a].end <= r.start {
            a += 1;
        }
        let mut merged = false;
        // merge every jieba token overlapping the atomic runs this token touches
        while a < atoms.len() && atoms[a].start < r.end {
            while i + 1 < tagged.len() && tagged[i + 1].0.start < atoms[a].end {
                i += 1;
                r.end = tagged[i].0.end;
                merged = true;
            }
            if atoms[a].end <= r.end {
                a += 1;
            } else {
                break;
            }
        }
        let tag = if merged {
            let w = &s[r.clone()];
            if w.chars().all(|c| c.is_numeric() || ".,:/-".contains(c)) {
                "m"
            } else if w.chars().any(|c| c.is_ascii_alphabetic()) {
                "eng"
            } else {
                t_tag
            }
        } else {
            t_tag
        };
        push_split_at_space(s, r, tag, &mut ranges, &mut tags);
        i += 1;
    }
    (ranges, tags, true)
}

/// The Chinese words of a sentence as [`Tokenizer::tokenize`] cuts a
/// Chinese sentence (before projection to the original text), with jieba
/// tags. Whitespace is not covered.
impl Segmenter for Tokenizer {
    fn segment<'a>(&'a self, sentence: &'a str) -> Vec<Word<'a>> {
        let jieba = self.jieba.for_text(sentence);
        let (ranges, tags, _) = chinese(&jieba, sentence);
        ranges
            .into_iter()
            .zip(tags)
            .map(|(r, tag)| Word {
                range: r.into(),
                tag,
            })
            .collect()
    }
}

// Pushes r (minus whitespace; split at inner whitespace) with its tag.
fn push_split_at_space<'a>(
    s: &str,
    r: Range<usize>,
    tag: &'a str,
    ranges: &mut Vec<Range<usize>>,
    tags: &mut Vec<&'a str>,
) {
    let w = &s[r.clone()];
    if !w.chars().any(char::is_whitespace) {
        ranges.push(r);
        tags.push(tag);
        return;
    }
    let mut start = None;
    for (i, c) in w.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                ranges.push(r.start + st..r.start + i);
                tags.push(tag);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        ranges.push(r.start + st..r.end);
        tags.push(tag);
    }
}

fn is_punct(c: char) -> bool {
    (c.is_ascii_punctuation() && !"$+<=>^`|~".contains(c))
        || ('\u{2010}'..='\u{2027}').contains(&c)
        || ('\u{2030}'..='\u{205E}').contains(&c)
        || ('\u{3001}'..='\u{3003}').contains(&c)
        || ('\u{3008}'..='\u{3011}').contains(&c)
        || ('\u{3014}'..='\u{301F}').contains(&c)
        || ('\u{FE10}'..='\u{FE19}').contains(&c)
        || ('\u{FE30}'..='\u{FE6B}').contains(&c)
        || matches!(c, '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}')
        || matches!(c, '·' | '¡' | '¿' | '«' | '»' | '§' | '¶')
}

// jieba tags Latin words `eng` and punctuation/symbols `x`: refine by content.
fn refine_upos(upos: &'static str, pos: &str, norm: &str) -> &'static str {
    if pos != "x" && pos != "eng" && pos != "m" {
        return upos;
    }
    if norm.chars().all(is_punct) {
        "PUNCT"
    } else if norm.chars().all(|c| c.is_numeric() || ".,:/-".contains(c)) {
        "NUM"
    } else if norm.chars().all(|c| !c.is_alphanumeric()) {
        "SYM"
    } else {
        upos
    }
}

/// Letters and digits of non-CJK scripts: the stuff of atomic runs.
#[inline]
fn is_atom_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // the table first: Han is most of the text and a slow `is_alphanumeric`
    // lookup (々, 〆 and the Hangzhou numerals are letters, but CJK punctuation)
    !zhen_core::chars::is_cjk_text(c) && c.is_alphanumeric()
}

/// Byte ranges of `s` that must stay one token: runs of [`is_atom_char`]
/// joined by single `.` `-` `:` (digits only) `/` `_` `@` `,` (digit before,
/// exactly three digits after), an apostrophe (letters both sides) or `&`
/// (capitals both sides: `S&P`, `AT&T`).
pub(crate) fn atomic_runs(s: &str) -> Vec<Range<usize>> {
    // fast path: most Chinese sentences have no Latin letters or digits
    if !s.chars().any(is_atom_char) {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let n = chars.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if !is_atom_char(chars[i].1) {
            i += 1;
            continue;
        }
        let start = i;
        loop {
            while i < n && is_atom_char(chars[i].1) {
                i += 1;
            }
            if i + 1 >= n || !is_atom_char(chars[i + 1].1) {
                break;
            }
            let (prev, j, next) = (chars[i - 1].1, chars[i].1, chars[i + 1].1);
            let ok = match j {
                '.' | '-' | '/' | '_' | '@' => true,
                ':' => prev.is_ascii_digit() && next.is_ascii_digit(),
                ',' => {
                    prev.is_ascii_digit()
                        && (1..=3).all(|k| chars.get(i + k).is_some_and(|c| c.1.is_ascii_digit()))
                        && !chars.get(i + 4).is_some_and(|c| c.1.is_ascii_digit())
                }
                '\'' | '’' => prev.is_alphabetic() && next.is_alphabetic(),
                '&' => prev.is_ascii_uppercase() && next.is_ascii_uppercase(),
                _ => false,
            };
            if !ok {
                break;
            }
            i += 1;
        }
        let end = if i < n { chars[i].0 } else { s.len() };
        out.push(chars[start].0..end);
    }
    out
}

const ENGLISH_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "gov", "sen", "rep", "lt",
    "col", "capt", "sgt", "rev", "hon", "messrs", "vs", "no", "nos", "vol", "fig", "jan", "feb",
    "apr", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "corp", "ltd", "co", "bros", "ave",
    "blvd", "approx", "dept", "est", "etc", "cf",
];

fn takes_period(word: &str) -> bool {
    if !word.chars().next().is_some_and(char::is_alphabetic) {
        return false;
    }
    if word.contains('.') {
        return true;
    }
    let mut cs = word.chars();
    if let (Some(c), None) = (cs.next(), cs.next()) {
        return c.is_alphabetic();
    }
    ENGLISH_ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// English (PTB-style) token ranges of `s`.
pub(crate) fn english_tokens(s: &str) -> Vec<Range<usize>> {
    // 1. UAX #29 words, whitespace dropped, merged over atomic runs
    let atoms = atomic_runs(s);
    let mut toks: Vec<Range<usize>> = Vec::new();
    let mut a = 0;
    for (i, w) in s.split_word_bound_indices() {
        if w.chars().all(char::is_whitespace) {
            continue;
        }
        let r = i..i + w.len();
        while a < atoms.len() && atoms[a].end <= r.start {
            a += 1;
        }
        if let Some(last) = toks.last_mut() {
            if a < atoms.len()
                && atoms[a].start < r.end
                && atoms[a].start < last.end
                && last.end == r.start
            {
                last.end = r.end;
                continue;
            }
        }
        toks.push(r);
    }
    // 2. periods of abbreviations, `...` and `--`; a clitic after a detached
    // apostrophe (`Bitar 's`, as pre-tokenised text writes it) and a
    // currency prefix (`US$`, `C$`) are one token
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(toks.len());
    for r in toks {
        if let Some(last) = merged.last_mut() {
            let (lw, w) = (&s[last.clone()], &s[r.clone()]);
            let adjacent = last.end == r.start;
            let detached = || {
                s[..last.start]
                    .chars()
                    .next_back()
                    .is_none_or(char::is_whitespace)
            };
            // a list number that opens the sentence keeps its period (`2. Brenden 206`)
            let enumerator = || {
                last.start == s.len() - s.trim_start().len()
                    && (1..=3).contains(&lw.len())
                    && lw.bytes().all(|b| b.is_ascii_digit())
                    && s[r.end..].starts_with(char::is_whitespace)
            };
            if adjacent
                && ((w == "."
                    && (takes_period(lw) || lw.bytes().all(|b| b == b'.') || enumerator()))
                    || (w == "-" && lw.bytes().all(|b| b == b'-'))
                    || (matches!(lw, "'" | "’")
                        && CLITICS.iter().any(|c| w.eq_ignore_ascii_case(&c[1..]))
                        && detached())
                    || (w == "$"
                        && (1..=3).contains(&lw.len())
                        && lw.bytes().all(|b| b.is_ascii_uppercase())))
            {
                last.end = r.end;
                continue;
            }
        }
        merged.push(r);
    }
    // 3. clitics
    let mut out = Vec::with_capacity(merged.len() + 4);
    for r in merged {
        let w = &s[r.clone()];
        match clitic_split(w) {
            Some(k) => {
                out.push(r.start..r.start + k);
                out.push(r.start + k..r.end);
            }
            None => out.push(r),
        }
    }
    out
}

/// Clitics after an apostrophe (besides `n't`), split off a word and kept
/// whole when already detached.
const CLITICS: [&str; 6] = ["'s", "'m", "'d", "'re", "'ve", "'ll"];

// Byte offset where a clitic starts: n't or one of [`CLITICS`].
fn clitic_split(w: &str) -> Option<usize> {
    let chars: Vec<(usize, char)> = w.char_indices().collect();
    let lc: Vec<char> = chars
        .iter()
        .map(|&(_, c)| {
            if c == '’' {
                '\''
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let n = lc.len();
    let ends = |suf: &str| {
        let sc: Vec<char> = suf.chars().collect();
        n > sc.len() && lc[n - sc.len()..] == sc[..]
    };
    // `ends` implies the word is longer than the suffix: a letter precedes it
    let cut = if ends("n't") && lc[n - 4].is_alphabetic() {
        n - 3
    } else {
        match CLITICS.iter().find(|c| ends(c)) {
            Some(c) if lc[n - c.len() - 1].is_alphabetic() => n - c.len(),
            _ => return None,
        }
    };
    Some(chars[cut].0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhen_core::Edit;

    use crate::Lang;

    fn toks(t: &Tokenizer, text: &AlignedText, lang: Lang) -> Vec<(String, String, &'static str)> {
        let route = crate::route(&lang, text.current());
        t.tokenize(text, 0..text.current().len(), route)
            .into_iter()
            .map(|k| (text.original()[k.span.range()].to_string(), k.pos, k.upos))
            .collect()
    }

    fn surfaces(t: &Tokenizer, s: &str, lang: Lang) -> Vec<String> {
        toks(t, &AlignedText::new(s), lang)
            .into_iter()
            .map(|k| k.0)
            .collect()
    }

    #[test]
    fn mixed_runs_are_single_tokens() {
        let t = Tokenizer::new().unwrap();
        let got = toks(
            &t,
            &AlignedText::new("OPPO和vivo于2020-04-20 10:51发布4.jpg，收入27219.38元"),
            Lang::ZH,
        );
        let want = [
            ("OPPO", "eng", "X"),
            ("和", "c", "CCONJ"),
            ("vivo", "eng", "X"),
            ("于", "p", "ADP"),
            ("2020-04-20", "m", "NUM"),
            ("10:51", "m", "NUM"),
            ("发布", "v", "VERB"),
            ("4.jpg", "eng", "X"),
            ("，", "x", "PUNCT"),
            ("收入", "v", "VERB"),
            ("27219.38", "m", "NUM"),
            ("元", "m", "NUM"),
        ];
        let got: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), *c))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn spans_follow_the_alignment() {
        let t = Tokenizer::new().unwrap();
        // "頭髮" was converted to "头发" (1:1), an OCR space deleted, and
        // "ab" replaced by "xyz" (2:3)
        let mut text = AlignedText::new("頭髮 乾燥ab。");
        text.apply([
            Edit::new(0..6, "头发"),
            Edit::delete(6..7),
            Edit::new(13..15, "xyz"),
        ])
        .unwrap();
        assert_eq!(text.current(), "头发乾燥xyz。");
        let got = toks(&t, &text, Lang::ZH);
        let surf: Vec<&str> = got.iter().map(|k| k.0.as_str()).collect();
        assert_eq!(surf, ["頭髮", "乾燥", "ab", "。"]);
    }

    #[test]
    fn english_pos_and_spans() {
        let t = Tokenizer::new().unwrap();
        let got = toks(&t, &AlignedText::new("I don't like it."), Lang::EN);
        let got: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), *c))
            .collect();
        assert_eq!(
            got,
            [
                ("I", "PRP", "PRON"),
                ("do", "VBP", "VERB"),
                ("n't", "RB", "ADV"),
                ("like", "VB", "VERB"),
                ("it", "PRP", "PRON"),
                (".", ".", "PUNCT")
            ]
        );
        // another alphabetic language: same tokens, no POS
        let got = toks(
            &t,
            &AlignedText::new("Bonjour à tous"),
            Lang::from_code("fr").unwrap(),
        );
        assert_eq!(got[1], ("à".to_string(), String::new(), "X"));
    }

    #[test]
    fn user_dict_takes_effect_with_bom() {
        let mut t = Tokenizer::new().unwrap();
        let s = "凝心聚沥实现高质量扶贫";
        assert!(!surfaces(&t, s, Lang::ZH).contains(&"凝心聚沥".to_string()));
        t.load_user_dict("\u{FEFF}凝心聚沥 10 nz\n\n高质量扶贫\r\n".as_bytes())
            .unwrap();
        let got = toks(&t, &AlignedText::new(s), Lang::ZH);
        assert_eq!(got[0], ("凝心聚沥".to_string(), "nz".to_string(), "PROPN"));
        assert_eq!(got.last().unwrap().0, "高质量扶贫");
        assert_eq!(got.last().unwrap().1, "x");
    }

    #[test]
    fn bad_user_dict_lines_are_named() {
        let mut t = Tokenizer::new().unwrap();
        let e = t
            .load_user_dict("好词 3 n\n坏词 many n\n".as_bytes())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "user dictionary line 2: frequency is not a whole number: \"坏词 many n\" (expected `word [freq] [tag]`)"
        );
        let e = t.load_user_dict("a 1 n extra\n".as_bytes()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "user dictionary line 1: more than 3 fields: \"a 1 n extra\" (expected `word [freq] [tag]`)"
        );
        let e = t.load_user_dict(&b"ok\n\xff\xfe n\n"[..]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("user dictionary line 2: invalid UTF-8 at byte 0"),
            "{e}"
        );
    }

    fn words(s: &str) -> Vec<&str> {
        english_tokens(s).into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn ptb_splits() {
        assert_eq!(
            words("I'm sure they don't know Mr. Smith's well-known U.S. firm, can't you?"),
            [
                "I",
                "'m",
                "sure",
                "they",
                "do",
                "n't",
                "know",
                "Mr.",
                "Smith",
                "'s",
                "well-known",
                "U.S.",
                "firm",
                ",",
                "ca",
                "n't",
                "you",
                "?"
            ]
        );
        assert_eq!(
            words("We'll pay $1,000.50 (3.5%) on 1996-08-22... you've won’t they'd"),
            [
                "We",
                "'ll",
                "pay",
                "$",
                "1,000.50",
                "(",
                "3.5",
                "%",
                ")",
                "on",
                "1996-08-22",
                "...",
                "you",
                "'ve",
                "wo",
                "n’t",
                "they",
                "'d"
            ]
        );
        assert_eq!(
            words("J. K. Rowling -- e.g. this."),
            ["J.", "K.", "Rowling", "--", "e.g.", "this", "."]
        );
        // pre-tokenised text (CoNLL joined by spaces) keeps its clitics
        assert_eq!(
            words("Bitar 's goal , MOODY 'S view ; 'sup ' s US$ 24 , C$ 1.92 $ 5 S&P AT&T R & D"),
            [
                "Bitar", "'s", "goal", ",", "MOODY", "'S", "view", ";", "'", "sup", "'", "s",
                "US$", "24", ",", "C$", "1.92", "$", "5", "S&P", "AT&T", "R", "&", "D"
            ]
        );
        assert_eq!(words("2. Brenden 206"), ["2.", "Brenden", "206"]);
        assert_eq!(words("He won 2. Then"), ["He", "won", "2", ".", "Then"]);
        assert_eq!(words("1996. Then"), ["1996", ".", "Then"]);
    }

    #[test]
    fn atomic_runs_cover_dates_files_numbers() {
        let s = "2020-04-20 10:51 4.jpg 27219.38元 OPPO和vivo 1,2345 a:b";
        let got: Vec<&str> = atomic_runs(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(
            got,
            [
                "2020-04-20",
                "10:51",
                "4.jpg",
                "27219.38",
                "OPPO",
                "vivo",
                "1",
                "2345",
                "a",
                "b"
            ]
        );
    }
}
