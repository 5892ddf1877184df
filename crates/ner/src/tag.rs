//! Tagging: one entry point per kind of input — sentences of text
//! ([`NerModel::tag_text`], entities as [`ByteRange`]s of each sentence) and
//! tokenized sentences ([`NerModel::tag_tokens`], entities as
//! [`TokenRange`]s) — with document-level consistency and the segmenter as
//! options of the call ([`TagOptions`]).

use std::fmt;

use zhen_core::{ByteRange, Bytes, Extent, Label, Segmenter, TokenRange, Tokens, Word};

use crate::doc::propagate;
use crate::features::{cat, seg_units, str_hash, unit_hash_char, SegUnit};
use crate::model::{NerModel, Units};
use crate::{Error, Result};

/// An entity the tagger found: its range (of bytes of a sentence, or of its
/// tokens — the unit `U` says which) and its label.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mention<U> {
    /// Where it is.
    pub range: Extent<U>,
    /// What it is.
    pub label: Label,
}

/// `(start, end, label)`, the spans of [`crate::BioSentence::spans`] and
/// [`crate::score::score`].
impl<U> From<Mention<U>> for (usize, usize, Label) {
    fn from(m: Mention<U>) -> Self {
        (m.range.start, m.range.end, m.label)
    }
}

/// One sentence of text to tag, with its words when the caller already has
/// them (the pipeline hands over its tokens).
#[derive(Clone, Copy, Debug)]
pub struct Text<'a> {
    /// The sentence (simplified Chinese for a Chinese model).
    pub text: &'a str,
    /// Its words with their POS tags, for models with
    /// [`flags::SEGMENTS`](crate::flags::SEGMENTS); other models ignore them.
    pub words: Option<&'a [Word<'a>]>,
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(text: &'a str) -> Self {
        Text { text, words: None }
    }
}

/// How [`NerModel::tag_text`] and [`NerModel::tag_tokens`] tag a document.
#[derive(Clone, Copy, Default)]
pub struct TagOptions<'a> {
    /// Document-level consistency: the sentences are one document, and a
    /// name tagged in one of them is also tagged at its untagged mentions in
    /// the others (Chinese: names of two or more characters), unless the
    /// document tags it with two different labels. Off: each sentence on
    /// its own.
    pub consistency: bool,
    /// Cuts sentences into words for a model with
    /// [`flags::SEGMENTS`](crate::flags::SEGMENTS) when a sentence comes
    /// without [`Text::words`] (and always for [`NerModel::tag_tokens`]).
    /// zhen-ner has no segmenter of its own: pass
    /// `zhen_tokenize::Tokenizer::jieba_only()`, the pipeline's cut.
    pub segmenter: Option<&'a dyn Segmenter>,
}

impl fmt::Debug for TagOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TagOptions")
            .field("consistency", &self.consistency)
            .field("segmenter", &self.segmenter.map(|_| "…"))
            .finish()
    }
}

impl NerModel {
    /// Entities of sentences of text, as byte ranges of each sentence (one
    /// list per sentence). A Chinese model tags the characters of
    /// simplified-Chinese text; an English model splits each sentence at
    /// whitespace and tags the pieces as tokens.
    ///
    /// Errors with [`Error::NoSegmenter`] if the model uses word features and
    /// a sentence has no words and `options` no segmenter.
    ///
    /// ```
    /// # #[cfg(feature = "embed")] {
    /// use zhen_core::Label;
    /// use zhen_ner::{NerModel, TagOptions, Text};
    ///
    /// let model = NerModel::embedded_zh();
    /// let jieba = zhen_tokenize::Tokenizer::jieba_only();
    /// let options = TagOptions { segmenter: Some(&jieba), ..TagOptions::default() };
    /// let s = "崔现忠作为第二批扶贫干部前往罗定市新民村。";
    /// let found = model.tag_text(&[Text::from(s)], &options).unwrap();
    /// assert!(found[0].iter().any(|m| &s[m.range.range()] == "崔现忠" && m.label == Label::Per));
    /// # }
    /// ```
    pub fn tag_text(
        &self,
        sentences: &[Text<'_>],
        options: &TagOptions<'_>,
    ) -> Result<Vec<Vec<Mention<Bytes>>>> {
        if self.ex.english {
            let toks: Vec<Vec<(usize, &str)>> =
                sentences.iter().map(|s| split_ws(s.text)).collect();
            let words: Vec<Vec<&str>> = toks
                .iter()
                .map(|t| t.iter().map(|w| w.1).collect())
                .collect();
            let units: Vec<Units<'_>> = words.iter().map(|w| Units::Tokens(w)).collect();
            let spans = self.tag_sentences(&units, &[], options.consistency);
            return Ok(spans
                .into_iter()
                .zip(&toks)
                .map(|(sp, t)| {
                    sp.into_iter()
                        .map(|(a, b, label)| Mention {
                            range: ByteRange::new(t[a].0, t[b - 1].0 + t[b - 1].1.len()),
                            label,
                        })
                        .collect()
                })
                .collect());
        }
        let chars: Vec<(Vec<usize>, Vec<char>)> = sentences
            .iter()
            .map(|s| s.text.char_indices().unzip())
            .collect();
        let segs = sentences
            .iter()
            .map(|s| self.segments(s.text, s.words, options.segmenter))
            .collect::<Result<Vec<_>>>()?;
        let units: Vec<Units<'_>> = chars.iter().map(|(_, c)| Units::Chars(c)).collect();
        let spans = self.tag_sentences(&units, &segs, options.consistency);
        Ok(spans
            .into_iter()
            .zip(chars.iter().zip(sentences))
            .map(|(sp, ((offs, _), s))| {
                sp.into_iter()
                    .map(|(a, b, label)| Mention {
                        range: ByteRange::new(
                            offs[a],
                            offs.get(b).copied().unwrap_or(s.text.len()),
                        ),
                        label,
                    })
                    .collect()
            })
            .collect())
    }

    /// Entities of tokenized sentences, as ranges of token indexes (one
    /// list per sentence). An English model tags the tokens; a Chinese
    /// model tags their characters and each entity covers the tokens it
    /// touches (one character per token, as in BIO files, maps one to one).
    ///
    /// Errors with [`Error::NoSegmenter`] if the model uses word features and
    /// `options` has no segmenter.
    ///
    /// ```
    /// # #[cfg(feature = "embed")] {
    /// use zhen_core::{Label, TokenRange};
    /// use zhen_ner::{NerModel, TagOptions};
    ///
    /// let toks = ["Peter", "Blackburn", "visited", "Brussels", "."];
    /// let found = NerModel::embedded_en().tag_tokens(&[&toks], &TagOptions::default()).unwrap();
    /// assert_eq!(found[0][0].range, TokenRange::new(0, 2));
    /// assert_eq!(found[0][0].label, Label::Per);
    /// # }
    /// ```
    pub fn tag_tokens(
        &self,
        sentences: &[&[&str]],
        options: &TagOptions<'_>,
    ) -> Result<Vec<Vec<Mention<Tokens>>>> {
        let token_range = |a: usize, b: usize, label| Mention {
            range: TokenRange::new(a, b),
            label,
        };
        if self.ex.english {
            let units: Vec<Units<'_>> = sentences.iter().map(|t| Units::Tokens(t)).collect();
            let spans = self.tag_sentences(&units, &[], options.consistency);
            return Ok(spans
                .into_iter()
                .map(|sp| {
                    sp.into_iter()
                        .map(|(a, b, l)| token_range(a, b, l))
                        .collect()
                })
                .collect());
        }
        // the characters of each sentence, with the token each belongs to
        let mut chars: Vec<(Vec<char>, Vec<usize>)> = Vec::with_capacity(sentences.len());
        for toks in sentences {
            let (mut c, mut owner) = (Vec::new(), Vec::new());
            for (i, t) in toks.iter().enumerate() {
                for ch in t.chars() {
                    c.push(ch);
                    owner.push(i);
                }
            }
            chars.push((c, owner));
        }
        let segs = if self.uses_segments() {
            chars
                .iter()
                .map(|(c, _)| self.segments(&c.iter().collect::<String>(), None, options.segmenter))
                .collect::<Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        let units: Vec<Units<'_>> = chars.iter().map(|(c, _)| Units::Chars(c)).collect();
        let spans = self.tag_sentences(&units, &segs, options.consistency);
        Ok(spans
            .into_iter()
            .zip(&chars)
            .map(|(sp, (_, owner))| {
                let mut out: Vec<Mention<Tokens>> = Vec::new();
                for (a, b, l) in sp {
                    let (first, last) = (owner[a], owner[b - 1] + 1);
                    // two entities inside one token: the token goes to the first
                    if out.last().is_none_or(|m| m.range.end <= first) {
                        out.push(token_range(first, last, l));
                    }
                }
                out
            })
            .collect())
    }

    /// Unit spans of each sentence (`segs`: per-sentence words, or empty),
    /// made consistent across the sentences if asked.
    fn tag_sentences(
        &self,
        units: &[Units<'_>],
        segs: &[Option<Vec<SegUnit>>],
        consistency: bool,
    ) -> Vec<Vec<(usize, usize, Label)>> {
        // the sentences are one document: one source for all of them
        let domain = self.domains.as_ref().map(|d| d.choose(units));
        let mut spans: Vec<Vec<(usize, usize, Label)>> = units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let seg = segs.get(i).and_then(|s| s.as_deref());
                let mut spans = self.tag_units_in(u, None, seg, domain);
                if let Units::Chars(c) = u {
                    crate::rules::apply(c, seg, &self.ex.lexicon, &mut spans);
                }
                spans
            })
            .collect();
        if consistency {
            let hashes: Vec<Vec<u64>> = units
                .iter()
                .map(|u| match u {
                    Units::Chars(c) => c.iter().map(|&x| unit_hash_char(x)).collect(),
                    Units::Tokens(t) => t.iter().map(|x| str_hash(x)).collect(),
                })
                .collect();
            // a single character is too often part of something else
            let min_units = match units.first() {
                Some(Units::Chars(_)) => 2,
                _ => 1,
            };
            // where the segmenter's words start (part 0 = B, 3 = S)
            let words: Vec<Vec<bool>> = segs
                .iter()
                .map(|s| {
                    s.as_deref()
                        .map(|s| s.iter().map(|w| w.2 == 0 || w.2 == 3).collect())
                        .unwrap_or_default()
                })
                .collect();
            // a listed place without its administrative suffix (清远 of
            // 清远市) names the same place
            let place = (1 << cat::PLACE) as u16;
            let short_form = |e: &[u64], l: &Label| -> Option<usize> {
                let (last, name) = e.split_last()?;
                let admin =
                    char::from_u32(*last as u32).is_some_and(|c| ADMIN_SUFFIXES.contains(&c));
                (matches!(units.first(), Some(Units::Chars(_)))
                    && *l == Label::Loc
                    && admin
                    && name.len() >= 2
                    && self.ex.lexicon.get_units(name) & place != 0)
                    .then_some(name.len())
            };
            propagate(&hashes, &mut spans, min_units, &words, &short_form);
        }
        // after consistency: a mention it tagged a person is no counted thing
        if let Some(Units::Chars(_)) = units.first() {
            let chars: Vec<&[char]> = units
                .iter()
                .map(|u| match u {
                    Units::Chars(c) => *c,
                    Units::Tokens(_) => &[][..],
                })
                .collect();
            // the names cut short, to the longer strings the document tags
            if consistency {
                crate::rules::longer_names(&chars, &mut spans);
            }
            let seg: Vec<Option<&[SegUnit]>> = segs.iter().map(|s| s.as_deref()).collect();
            crate::rules::counted_things(&chars, &seg, &mut spans);
            crate::rules::facility_persons(&chars, &seg, &mut spans);
        }
        spans
    }

    /// The per-character words of a sentence for a model with word features:
    /// from the caller's words, else from the segmenter.
    fn segments(
        &self,
        text: &str,
        words: Option<&[Word<'_>]>,
        segmenter: Option<&dyn Segmenter>,
    ) -> Result<Option<Vec<SegUnit>>> {
        if !self.uses_segments() {
            return Ok(None);
        }
        let cut;
        let words = match (words, segmenter) {
            (Some(w), _) => w,
            (None, Some(s)) => {
                cut = s.segment(text);
                &cut[..]
            }
            (None, None) => {
                return Err(Error::NoSegmenter {
                    model: self.id.clone(),
                })
            }
        };
        let pairs: Vec<(std::ops::Range<usize>, &str)> =
            words.iter().map(|w| (w.range.range(), w.tag)).collect();
        Ok(Some(seg_units(text, &pairs)))
    }
}

/// One-character suffixes of administrative divisions: a place listed
/// without one (清远 of 清远市, 番禺 of 番禺区) is the same place in a
/// document ([`crate::doc::propagate`]'s short form).
const ADMIN_SUFFIXES: &[char] = &['省', '市', '县', '区', '州', '镇', '乡'];

/// The whitespace-separated pieces of `s` with their byte offsets.
fn split_ws(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push((st, &s[st..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}
