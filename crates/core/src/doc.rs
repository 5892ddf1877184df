//! The annotated document: paragraphs, sentences, tokens and entities, every
//! span a byte span of the ORIGINAL text.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Error, Result, Span};

/// The writing system of a piece of Chinese text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Script {
    /// Simplified Chinese characters only (among those that differ).
    Hans,
    /// Traditional Chinese characters only (among those that differ).
    Hant,
    /// Both simplified-only and traditional-only characters.
    Mixed,
    /// No character that tells the two apart.
    #[default]
    None,
}

impl Script {
    /// The name used in every output: `Hans`, `Hant`, `Mixed`, `None`.
    pub fn as_str(self) -> &'static str {
        match self {
            Script::Hans => "Hans",
            Script::Hant => "Hant",
            Script::Mixed => "Mixed",
            Script::None => "None",
        }
    }
}

impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Script {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "Hans" => Script::Hans,
            "Hant" => Script::Hant,
            "Mixed" => Script::Mixed,
            "None" => Script::None,
            _ => {
                return Err(Error::Unknown {
                    what: "script",
                    value: s.to_string(),
                })
            }
        })
    }
}

/// An entity label. The models produce PER, LOC, ORG (and MISC for English);
/// files read back may carry any other label.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    /// A person.
    Per,
    /// A place: administrative division, geographic feature, address.
    Loc,
    /// An organisation: government body, company, school, party, team.
    Org,
    /// CoNLL-2003's miscellaneous names (nationalities, events, works).
    Misc,
    /// Any other label, as written.
    Other(String),
}

impl Label {
    /// The label as written in every output format (`PER`, `LOC`, `ORG`, `MISC`, …).
    pub fn as_str(&self) -> &str {
        match self {
            Label::Per => "PER",
            Label::Loc => "LOC",
            Label::Org => "ORG",
            Label::Misc => "MISC",
            Label::Other(s) => s,
        }
    }

    /// Parses a label; never fails (unknown names become [`Label::Other`]).
    /// Empty strings are the only thing rejected by [`FromStr`].
    pub fn new(s: &str) -> Label {
        match s {
            "PER" => Label::Per,
            "LOC" => Label::Loc,
            "ORG" => Label::Org,
            "MISC" => Label::Misc,
            _ => Label::Other(s.to_string()),
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Label {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        if s.is_empty() || s.chars().any(char::is_whitespace) {
            return Err(Error::Unknown {
                what: "label",
                value: s.to_string(),
            });
        }
        Ok(Label::new(s))
    }
}

impl Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The language tag written to outputs: `zh-Hans` or `zh-Hant` (for
/// traditional or mixed text) for Chinese, the language code otherwise.
///
/// ```
/// use zhen_core::{lang_tag, Script};
/// assert_eq!(lang_tag("zh", Script::Mixed), "zh-Hant");
/// assert_eq!(lang_tag("zh", Script::None), "zh-Hans");
/// assert_eq!(lang_tag("en", Script::Hant), "en");
/// ```
pub fn lang_tag(lang: &str, script: Script) -> String {
    match (lang, script) {
        ("zh", Script::Hant | Script::Mixed) => "zh-Hant".to_string(),
        ("zh", _) => "zh-Hans".to_string(),
        (other, _) => other.to_string(),
    }
}

/// Counts, language and script of a document ([`Document::stats`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Characters (code points) of the text.
    pub chars: usize,
    /// Paragraphs.
    pub paragraphs: usize,
    /// Sentences.
    pub sentences: usize,
    /// Tokens.
    pub tokens: usize,
    /// Entities.
    pub entities: usize,
    /// Entities per label (`PER`, `LOC`, …).
    pub labels: BTreeMap<String, usize>,
    /// The document's language tag (`zh-Hans`, `zh-Hant`, `en`, …, `und`).
    pub lang: String,
    /// The document's script.
    pub script: Script,
}

impl Stats {
    /// The language and script of a document from its paragraphs' language,
    /// script and length in chars, by the rule of [`Document::stats`] (for
    /// a document whose paragraphs arrive a part at a time).
    pub fn lang_and_script<'a>(
        paragraphs: impl IntoIterator<Item = (&'a str, Script, usize)>,
    ) -> (String, Script) {
        // (key, chars) in order of first appearance
        fn add<K: PartialEq>(counts: &mut Vec<(K, usize)>, key: K, n: usize) {
            match counts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, m)) => *m += n,
                None => counts.push((key, n)),
            }
        }
        fn most<K: Clone>(counts: &[(K, usize)]) -> Option<K> {
            let mut best: Option<&(K, usize)> = None;
            for c in counts {
                if best.is_none_or(|b| c.1 > b.1) {
                    best = Some(c);
                }
            }
            best.map(|b| b.0.clone())
        }
        let mut langs: Vec<(&str, usize)> = Vec::new();
        let mut scripts: Vec<(Script, usize)> = Vec::new();
        for (lang, script, n) in paragraphs {
            let base = lang.split('-').next().unwrap_or("und");
            if base != "und" {
                add(&mut langs, base, n);
            }
            if script != Script::None {
                add(&mut scripts, script, n);
            }
        }
        let script = most(&scripts).unwrap_or(Script::None);
        let lang = most(&langs).map_or_else(|| "und".to_string(), |l| lang_tag(l, script));
        (lang, script)
    }
}

/// A paragraph: a block of text between blank lines (or line breaks), with
/// its language and script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// Span of the original text.
    pub span: Span,
    /// BCP-47-like language: `zh-Hans`, `zh-Hant`, `en`, another whatlang
    /// code, or `und` when too short to tell.
    pub lang: String,
    /// Script of the Chinese characters in it.
    pub script: Script,
}

/// A sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// Span of the original text.
    pub span: Span,
    /// Index of its paragraph in [`Document::paragraphs`].
    pub paragraph: usize,
}

/// A token (a word, a number, a punctuation mark).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    /// Span of the original text.
    pub span: Span,
    /// The original surface, `&doc.text[span]`.
    pub text: String,
    /// The form the models saw (e.g. the simplified form of a traditional
    /// word, the cleaned form of an OCR-spaced word).
    pub norm: String,
    /// Language-specific part of speech (jieba tag for Chinese, Penn Treebank for English).
    pub pos: String,
    /// Universal POS tag (UD v2).
    pub upos: String,
    /// Index of its sentence in [`Document::sentences`].
    pub sentence: usize,
}

/// A named entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Span of the original text.
    pub span: Span,
    /// Its label.
    pub label: Label,
    /// The original surface, `&doc.text[span]`.
    pub text: String,
    /// The normalized (simplified, cleaned) form, the key to count mentions by.
    pub norm: String,
}

/// An annotated document. Every span points into [`Document::text`], the
/// original text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Identifier (usually the input path relative to the corpus root).
    pub id: String,
    /// The original text, exactly as decoded from the input.
    pub text: String,
    /// Paragraphs in order.
    pub paragraphs: Vec<Paragraph>,
    /// Sentences in order.
    pub sentences: Vec<Sentence>,
    /// Tokens in order, not overlapping.
    pub tokens: Vec<Token>,
    /// Entities in order of their start.
    pub entities: Vec<Entity>,
}

impl Document {
    /// A document with text only.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            ..Default::default()
        }
    }

    /// Checks the offset contract: every span lies in the text on char
    /// boundaries, tokens and sentences are sorted and do not overlap, and
    /// every recorded surface equals the text it covers.
    pub fn validate(&self) -> Result<()> {
        let check = |what: &dyn Fn() -> String, span: Span| -> Result<()> {
            if span.end > self.text.len()
                || !self.text.is_char_boundary(span.start)
                || !self.text.is_char_boundary(span.end)
            {
                return Err(Error::BadSpan {
                    what: what(),
                    start: span.start,
                    end: span.end,
                    len: self.text.len(),
                });
            }
            Ok(())
        };
        let surface = |what: &dyn Fn() -> String, span: Span, rec: &str| -> Result<()> {
            check(what, span)?;
            let actual = &self.text[span.range()];
            if actual != rec {
                return Err(Error::SurfaceMismatch {
                    what: what(),
                    start: span.start,
                    end: span.end,
                    recorded: rec.to_string(),
                    actual: actual.to_string(),
                });
            }
            Ok(())
        };
        let sorted = |what: &dyn Fn() -> String, prev: Span, span: Span| -> Result<()> {
            if span.start < prev.end {
                return Err(Error::BadSpan {
                    what: format!("{} overlaps the previous one and", what()),
                    start: span.start,
                    end: span.end,
                    len: self.text.len(),
                });
            }
            Ok(())
        };
        let mut prev = Span::default();
        for (i, p) in self.paragraphs.iter().enumerate() {
            check(&|| format!("paragraph {i}"), p.span)?;
            sorted(&|| format!("paragraph {i}"), prev, p.span)?;
            prev = p.span;
        }
        let mut prev = Span::default();
        for (i, s) in self.sentences.iter().enumerate() {
            check(&|| format!("sentence {i}"), s.span)?;
            sorted(&|| format!("sentence {i}"), prev, s.span)?;
            prev = s.span;
        }
        let mut prev = Span::default();
        for (i, t) in self.tokens.iter().enumerate() {
            surface(&|| format!("token {i}"), t.span, &t.text)?;
            sorted(&|| format!("token {i}"), prev, t.span)?;
            prev = t.span;
        }
        for (i, e) in self.entities.iter().enumerate() {
            surface(&|| format!("entity {i}"), e.span, &e.text)?;
        }
        Ok(())
    }

    /// Counts, language and script of the document: the one place they are
    /// computed (JSONL, manifests and CSV tables all read them here).
    ///
    /// * `lang`: the language covering most characters among paragraphs of a
    ///   known language (`und` paragraphs — datelines, numbers, short lines —
    ///   do not count; `zh-Hans` and `zh-Hant` count as one language); ties go
    ///   to the language met first; `und` if no paragraph has one. Chinese is
    ///   tagged with the document's script, as paragraphs are ([`lang_tag`]).
    /// * `script`: the script covering most characters among paragraphs
    ///   with Chinese characters that tell the scripts apart (not
    ///   [`Script::None`]); ties go to the one met first; `Mixed` only when
    ///   mixed paragraphs cover the most, so one stray paragraph does not
    ///   make a traditional document mixed.
    ///
    /// ```
    /// use zhen_core::{Document, Paragraph, Script, Span};
    /// let mut d = Document::new("d", "東莞市選派幹部。\n2020-04-20\n东莞");
    /// let p = |s, e, lang: &str, script| Paragraph { span: Span::new(s, e), lang: lang.into(), script };
    /// d.paragraphs = vec![p(0, 24, "zh-Hant", Script::Hant), p(25, 35, "und", Script::None), p(36, 42, "zh-Hans", Script::Hans)];
    /// let stats = d.stats();
    /// assert_eq!((stats.lang.as_str(), stats.script), ("zh-Hant", Script::Hant));
    /// assert_eq!((stats.chars, stats.paragraphs, stats.entities), (22, 3, 0));
    /// ```
    pub fn stats(&self) -> Stats {
        let (lang, script) = Stats::lang_and_script(self.paragraphs.iter().map(|p| {
            let n = self
                .text
                .get(p.span.range())
                .map_or(0, |t| t.chars().count());
            (p.lang.as_str(), p.script, n)
        }));
        let mut labels = BTreeMap::new();
        for e in &self.entities {
            *labels.entry(e.label.to_string()).or_default() += 1;
        }
        Stats {
            chars: self.text.chars().count(),
            paragraphs: self.paragraphs.len(),
            sentences: self.sentences.len(),
            tokens: self.tokens.len(),
            entities: self.entities.len(),
            labels,
            lang,
            script,
        }
    }

    /// The tokens of sentence `i`.
    pub fn sentence_tokens(&self, i: usize) -> &[Token] {
        let lo = self.tokens.partition_point(|t| t.sentence < i);
        let hi = self.tokens.partition_point(|t| t.sentence <= i);
        &self.tokens[lo..hi]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for s in ["PER", "LOC", "ORG", "MISC", "GPE"] {
            assert_eq!(s.parse::<Label>().unwrap().as_str(), s);
        }
        assert!("".parse::<Label>().is_err());
        assert_eq!(Label::new("PER"), Label::Per);
    }

    #[test]
    fn validate_catches_surface_mismatch() {
        let mut d = Document::new("d", "王小明在北京");
        d.entities.push(Entity {
            span: Span::new(0, 9),
            label: Label::Per,
            text: "王小明".into(),
            norm: "王小明".into(),
        });
        d.validate().unwrap();
        d.entities[0].span = Span::new(0, 8);
        assert!(d.validate().is_err());
        d.entities[0].span = Span::new(3, 12);
        let e = d.validate().unwrap_err().to_string();
        assert_eq!(
            e,
            "entity 0 says \"王小明\" but the text at 3..12 is \"小明在\""
        );
    }
}
