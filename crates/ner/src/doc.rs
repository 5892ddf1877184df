//! Document-level consistency: a name recognised in one sentence of a
//! document is also recognised at its other mentions.

use std::collections::HashMap;
use std::ops::Range;

use zhen_core::Label;

use crate::features::{seg_units, str_hash, unit_hash_char};
use crate::model::{NerModel, Units};

/// Adds, in every sentence, the untagged mentions of entity strings that were
/// tagged elsewhere in the same document (longest first), when every tagged
/// mention of the string has the same label: a string the model labels two
/// ways is contested, and spreading the majority label would multiply its
/// errors (`昭通` tagged ORG 3 times and LOC once in corpus/003 made all 26
/// bare mentions ORG). Mentions that overlap an entity are left alone. `units` are unit hashes per sentence; `spans` are `(start, end,
/// label)` unit ranges per sentence, updated in place and kept sorted.
/// Entities shorter than `min_units` units are not propagated.
pub(crate) fn propagate(
    units: &[Vec<u64>],
    spans: &mut [Vec<(usize, usize, Label)>],
    min_units: usize,
) {
    // the label of each tagged string, or None once two labels disagree
    let mut labels: HashMap<&[u64], Option<Label>> = HashMap::new();
    let mut max_len = 0;
    for (u, sp) in units.iter().zip(spans.iter()) {
        for (s, e, l) in sp {
            if e - s >= min_units {
                labels
                    .entry(&u[*s..*e])
                    .and_modify(|seen| {
                        if seen.as_ref() != Some(l) {
                            *seen = None;
                        }
                    })
                    .or_insert_with(|| Some(l.clone()));
                max_len = max_len.max(e - s);
            }
        }
    }
    let best: HashMap<&[u64], Label> = labels
        .into_iter()
        .filter_map(|(k, l)| l.map(|l| (k, l)))
        .collect();
    if best.is_empty() {
        return;
    }
    for (u, sp) in units.iter().zip(spans.iter_mut()) {
        let mut covered = vec![false; u.len()];
        for (s, e, _) in sp.iter() {
            covered[*s..*e].iter_mut().for_each(|c| *c = true);
        }
        let mut added = Vec::new();
        let mut i = 0;
        while i < u.len() {
            let mut hit = None;
            if !covered[i] {
                for len in (min_units..=max_len.min(u.len() - i)).rev() {
                    if covered[i..i + len].iter().any(|&c| c) {
                        continue;
                    }
                    if let Some(l) = best.get(&u[i..i + len]) {
                        hit = Some((i, i + len, l.clone()));
                        break;
                    }
                }
            }
            match hit {
                Some(h) => {
                    i = h.1;
                    added.push(h);
                }
                None => i += 1,
            }
        }
        if !added.is_empty() {
            sp.extend(added);
            sp.sort_by_key(|x| (x.0, x.1));
        }
    }
}

/// Tags the sentences of one Chinese document (simplified text) and makes the
/// result consistent across sentences: a name of two or more characters
/// tagged in one sentence is also tagged at its untagged mentions elsewhere,
/// unless the document tags it with two different labels.
/// Returns byte ranges per sentence, as [`NerModel::tag_chars`].
pub fn tag_document_zh(model: &NerModel, sentences: &[&str]) -> Vec<Vec<(Range<usize>, Label)>> {
    tag_document_zh_impl(model, sentences, None)
}

/// Like [`tag_document_zh`] with each sentence's words (byte ranges of the
/// sentence and jieba tags, see [`NerModel::tag_chars_segmented`]).
pub fn tag_document_zh_segmented(
    model: &NerModel,
    sentences: &[&str],
    words: &[Vec<(Range<usize>, &str)>],
) -> Vec<Vec<(Range<usize>, Label)>> {
    tag_document_zh_impl(model, sentences, Some(words))
}

/// Words of a sentence: byte ranges of it with jieba tags.
type Words<'a> = Vec<(Range<usize>, &'a str)>;

fn tag_document_zh_impl(
    model: &NerModel,
    sentences: &[&str],
    words: Option<&[Words<'_>]>,
) -> Vec<Vec<(Range<usize>, Label)>> {
    let chars: Vec<(Vec<usize>, Vec<char>)> =
        sentences.iter().map(|s| s.char_indices().unzip()).collect();
    let mut spans: Vec<Vec<(usize, usize, Label)>> = chars
        .iter()
        .enumerate()
        .map(|(i, (_, c))| {
            let seg = match words.and_then(|w| w.get(i)) {
                Some(w) if model.uses_segments() => Some(seg_units(sentences[i], w)),
                _ => None,
            };
            model.tag_units(&Units::Chars(c), None, seg.as_deref())
        })
        .collect();
    let units: Vec<Vec<u64>> = chars
        .iter()
        .map(|(_, c)| c.iter().map(|&x| unit_hash_char(x)).collect())
        .collect();
    propagate(&units, &mut spans, 2);
    spans
        .into_iter()
        .zip(chars.iter().zip(sentences))
        .map(|(sp, ((offs, _), s))| {
            sp.into_iter()
                .map(|(a, b, l)| (offs[a]..offs.get(b).copied().unwrap_or(s.len()), l))
                .collect()
        })
        .collect()
}

/// Tags the tokenized sentences of one English document with document-level
/// consistency. Returns token ranges per sentence, as [`NerModel::tag_tokens`].
pub fn tag_document_en(model: &NerModel, sentences: &[&[&str]]) -> Vec<Vec<(Range<usize>, Label)>> {
    let mut spans: Vec<Vec<(usize, usize, Label)>> = sentences
        .iter()
        .map(|t| {
            model
                .tag_tokens(t)
                .into_iter()
                .map(|(r, l)| (r.start, r.end, l))
                .collect()
        })
        .collect();
    let units: Vec<Vec<u64>> = sentences
        .iter()
        .map(|t| t.iter().map(|x| str_hash(x)).collect())
        .collect();
    propagate(&units, &mut spans, 1);
    spans
        .into_iter()
        .map(|sp| sp.into_iter().map(|(a, b, l)| (a..b, l)).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_strings_tagged_with_two_labels_alone() {
        let u = |s: &str| s.chars().map(|c| c as u64).collect::<Vec<_>>();
        let units = vec![u("昭通的人"), u("在昭通"), u("来自昭通"), u("张三在昭通")];
        let mut spans = vec![
            vec![(0, 2, Label::Org)],
            vec![(1, 3, Label::Loc)],
            vec![],
            vec![(0, 2, Label::Per)],
        ];
        propagate(&units, &mut spans, 2);
        assert_eq!(spans[2], vec![]);
        assert_eq!(spans[3], vec![(0, 2, Label::Per)]);
    }

    #[test]
    fn propagates_longest_with_its_label() {
        let u = |s: &str| s.chars().map(|c| c as u64).collect::<Vec<_>>();
        let units = vec![u("张三在北京"), u("张三说"), u("北京张三")];
        let mut spans = vec![
            vec![(0, 2, Label::Per), (3, 5, Label::Loc)],
            vec![],
            vec![(0, 2, Label::Loc)],
        ];
        propagate(&units, &mut spans, 2);
        assert_eq!(spans[1], vec![(0, 2, Label::Per)]);
        assert_eq!(spans[2], vec![(0, 2, Label::Loc), (2, 4, Label::Per)]);
    }
}
