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
pub(crate) fn propagate(
    units: &[Vec<u64>],
    spans: &mut [Vec<(usize, usize, Label)>],
    min_units: usize,
) {
    // the label of each tagged string, or None once two labels disagree
    // (FxHash: the units are already hashes, and SipHash over every
    // candidate slice was most of this function's time)
    let mut labels: FxHashMap<&[u64], Option<Label>> = FxHashMap::default();
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
    for (u, sp) in units.iter().zip(spans.iter_mut()) {
        let mut covered = vec![false; u.len()];
        for (s, e, _) in sp.iter() {
            covered[*s..*e].iter_mut().for_each(|c| *c = true);
        }
        let mut added = Vec::new();
        let mut i = 0;
        while i < u.len() {
            let mut hit = None;
            if !covered[i] && starts.contains(&u[i]) {
                for len in (min_units..=max_len.min(u.len() - i)).rev() {
                    if !has_len[len] || covered[i..i + len].iter().any(|&c| c) {
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
