//! Document-level consistency: a name recognised in one sentence of a
//! document is also recognised at its other mentions
//! ([`crate::TagOptions::consistency`]).

use rustc_hash::{FxHashMap, FxHashSet};
use zhen_core::Label;

/// Adds, in every sentence, the untagged mentions of entity strings that were
/// tagged elsewhere in the same document (longest first), when every tagged
/// mention of the string has the same label: a string the model labels two
/// ways is contested, and spreading the majority label would multiply its
/// errors (`昭通` tagged ORG 3 times and LOC once in corpus/003 made all 26
/// bare mentions ORG). Mentions that overlap an entity are left alone.
/// `units` are unit hashes per sentence; `spans` are `(start, end,
/// label)` unit ranges per sentence, updated in place and kept sorted.
/// Entities shorter than `min_units` units are not propagated.
///
/// `words` (Chinese: the segmenter's words, per sentence; empty when the
/// model reads none) marks where words start: `words[s][i]` is true when a
/// word starts at unit `i` of sentence `s`. A mention is then taken only if
/// it starts and ends at word boundaries, so a name is not found inside a
/// longer word (`中国` in 发展中国家, `邮电部` in 邮电部门, `新浪` in 新浪微博
/// when that is one word). A sentence without such a list takes every
/// mention.
///
/// `short_form` gives, for a tagged entity's units and label, the length of
/// a shorter form that names the same thing (Chinese: a listed place
/// without its administrative suffix, 清远 of 清远市); the short form then
/// counts as tagged with that label, so its bare mentions are found too
/// (unless the document tags the short form with another label).
pub(crate) fn propagate(
    units: &[Vec<u64>],
    spans: &mut [Vec<(usize, usize, Label)>],
    min_units: usize,
    words: &[Vec<bool>],
    short_form: &dyn Fn(&[u64], &Label) -> Option<usize>,
) {
    // the label of each tagged string, or None once two labels disagree
    // (FxHash: the units are already hashes, and SipHash over every
    // candidate slice was most of this function's time)
    let mut labels: FxHashMap<&[u64], Option<Label>> = FxHashMap::default();
    let mut max_len = 0;
    for (u, sp) in units.iter().zip(spans.iter()) {
        for (s, e, l) in sp {
            let full = &u[*s..*e];
            let short = short_form(full, l).filter(|&n| n < full.len());
            for key in std::iter::once(full).chain(short.map(|n| &full[..n])) {
                if key.len() >= min_units {
                    labels
                        .entry(key)
                        .and_modify(|seen| {
                            if seen.as_ref() != Some(l) {
                                *seen = None;
                            }
                        })
                        .or_insert_with(|| Some(l.clone()));
                    max_len = max_len.max(key.len());
                }
            }
        }
    }
    let best: FxHashMap<&[u64], Label> = labels
        .into_iter()
        .filter_map(|(k, l)| l.map(|l| (k, l)))
        .collect();
    if best.is_empty() {
        return;
    }
    // a position no string starts with, or a length no string has, cannot
    // match: skipped without a lookup
    let starts: FxHashSet<u64> = best.keys().filter_map(|k| k.first().copied()).collect();
    let mut has_len = vec![false; max_len + 1];
    for k in best.keys() {
        has_len[k.len()] = true;
    }
    for (si, (u, sp)) in units.iter().zip(spans.iter_mut()).enumerate() {
        // a word boundary before unit `i` (every position without a segmentation)
        let starts_word = |i: usize| {
            words
                .get(si)
                .filter(|w| w.len() == u.len())
                .is_none_or(|w| i == u.len() || w[i])
        };
        let mut covered = vec![false; u.len()];
        for (s, e, _) in sp.iter() {
            covered[*s..*e].iter_mut().for_each(|c| *c = true);
        }
        let mut added = Vec::new();
        let mut i = 0;
        while i < u.len() {
            let mut hit = None;
            if !covered[i] && starts.contains(&u[i]) && starts_word(i) {
                for len in (min_units..=max_len.min(u.len() - i)).rev() {
                    if !has_len[len]
                        || !starts_word(i + len)
                        || covered[i..i + len].iter().any(|&c| c)
                    {
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
        propagate(&units, &mut spans, 2, &[], &|_, _| None);
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
        propagate(&units, &mut spans, 2, &[], &|_, _| None);
        assert_eq!(spans[1], vec![(0, 2, Label::Per)]);
        assert_eq!(spans[2], vec![(0, 2, Label::Loc), (2, 4, Label::Per)]);
    }

    #[test]
    fn mentions_inside_a_longer_word_are_left_alone() {
        let u = |s: &str| s.chars().map(|c| c as u64).collect::<Vec<_>>();
        // 中国/人民 | 发展中国家/是 | 在/中国
        let units = vec![u("中国人民"), u("发展中国家是"), u("在中国")];
        let starts = |cuts: &[usize], n: usize| (0..n).map(|i| cuts.contains(&i)).collect();
        let words = vec![starts(&[0, 2], 4), starts(&[0, 5], 6), starts(&[0, 1], 3)];
        let tagged = vec![vec![(0, 2, Label::Loc)], vec![], vec![]];
        let mut spans = tagged.clone();
        propagate(&units, &mut spans, 2, &words, &|_, _| None);
        assert_eq!(spans[1], vec![]);
        assert_eq!(spans[2], vec![(1, 3, Label::Loc)]);
        // without the words, the mention inside 发展中国家 is taken
        let mut spans = tagged;
        propagate(&units, &mut spans, 2, &[], &|_, _| None);
        assert_eq!(spans[1], vec![(2, 4, Label::Loc)]);
    }

    #[test]
    fn a_short_form_is_found_with_the_label_of_the_long_one() {
        let u = |s: &str| s.chars().map(|c| c as u64).collect::<Vec<_>>();
        let units = vec![u("清远市驻镇"), u("在清远工作"), u("清远鸡")];
        let starts = |cuts: &[usize], n: usize| (0..n).map(|i| cuts.contains(&i)).collect();
        let words = vec![
            starts(&[0, 3, 4], 5),
            starts(&[0, 1, 3], 5),
            starts(&[0], 3),
        ];
        let shi = '市' as u64;
        let strip = |e: &[u64], l: &Label| {
            (*l == Label::Loc && e.last() == Some(&shi)).then(|| e.len() - 1)
        };
        let tagged = vec![vec![(0, 3, Label::Loc)], vec![], vec![]];
        let mut spans = tagged.clone();
        propagate(&units, &mut spans, 2, &words, &strip);
        assert_eq!(spans[1], vec![(1, 3, Label::Loc)]);
        // 清远鸡 is one word: no place inside it
        assert_eq!(spans[2], vec![]);
        // without the short form, the bare mention stays untagged
        let mut spans = tagged.clone();
        propagate(&units, &mut spans, 2, &words, &|_, _| None);
        assert_eq!(spans[1], vec![]);
        // a short form the document tags otherwise is contested
        let mut spans = tagged;
        spans[2] = vec![(0, 2, Label::Org)];
        propagate(&units, &mut spans, 2, &words, &strip);
        assert_eq!(spans[1], vec![]);
    }
}
