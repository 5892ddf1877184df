//! Entity-level precision, recall and F1 (exact match, conlleval/seqeval
//! semantics): an entity counts as correct when its start, end and label
//! all equal a gold entity's.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use zhen_core::Label;

/// Precision, recall and F1 (fractions 0–1) with their counts.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Prf {
    /// Correct / predicted (0 when nothing was predicted).
    pub precision: f64,
    /// Correct / gold (0 when there is no gold entity).
    pub recall: f64,
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub f1: f64,
    /// Number of gold entities.
    pub gold: usize,
    /// Number of predicted entities.
    pub predicted: usize,
    /// Number of predicted entities that match a gold entity exactly.
    pub correct: usize,
}

impl Prf {
    /// Scores from counts.
    pub fn from_counts(gold: usize, predicted: usize, correct: usize) -> Prf {
        let p = if predicted == 0 {
            0.0
        } else {
            correct as f64 / predicted as f64
        };
        let r = if gold == 0 {
            0.0
        } else {
            correct as f64 / gold as f64
        };
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        Prf {
            precision: p,
            recall: r,
            f1,
            gold,
            predicted,
            correct,
        }
    }
}

/// Scores of a set of predictions against gold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    /// Micro-averaged over all entities.
    pub micro: Prf,
    /// Per label (`PER`, `LOC`, …), for every label seen in gold or predictions.
    pub per_label: BTreeMap<String, Prf>,
    /// Number of sentences scored.
    pub sentences: usize,
}

/// Scores predicted entities against gold, sentence by sentence. Both slices
/// hold one list of `(start, end, label)` per sentence, in the same order.
///
/// # Panics
/// If the slices differ in length.
pub fn score(gold: &[Vec<(usize, usize, Label)>], pred: &[Vec<(usize, usize, Label)>]) -> Scores {
    assert_eq!(
        gold.len(),
        pred.len(),
        "gold and predictions must have the same number of sentences"
    );
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut total = (0, 0, 0);
    for (g, p) in gold.iter().zip(pred) {
        let gs: HashSet<&(usize, usize, Label)> = g.iter().collect();
        let ps: HashSet<&(usize, usize, Label)> = p.iter().collect();
        for e in &gs {
            counts.entry(e.2.to_string()).or_default().0 += 1;
            total.0 += 1;
        }
        for e in &ps {
            let c = counts.entry(e.2.to_string()).or_default();
            c.1 += 1;
            total.1 += 1;
            if gs.contains(e) {
                c.2 += 1;
                total.2 += 1;
            }
        }
    }
    Scores {
        micro: Prf::from_counts(total.0, total.1, total.2),
        per_label: counts
            .into_iter()
            .map(|(k, (g, p, c))| (k, Prf::from_counts(g, p, c)))
            .collect(),
        sentences: gold.len(),
    }
}

impl Scores {
    /// The scores as JSON: `{"micro":{…},"per_label":{"PER":{…}},"sentences":N}`
    /// with precision, recall and f1 as fractions and the three counts.
    pub fn to_json(&self) -> String {
        fn prf(p: &Prf) -> String {
            format!(
                "{{\"precision\":{},\"recall\":{},\"f1\":{},\"gold\":{},\"predicted\":{},\"correct\":{}}}",
                p.precision, p.recall, p.f1, p.gold, p.predicted, p.correct
            )
        }
        let labels: Vec<String> = self
            .per_label
            .iter()
            .map(|(k, v)| format!("{:?}:{}", k, prf(v)))
            .collect();
        format!(
            "{{\"micro\":{},\"per_label\":{{{}}},\"sentences\":{}}}",
            prf(&self.micro),
            labels.join(","),
            self.sentences
        )
    }
}

impl fmt::Display for Scores {
    /// A table: one row per label and a micro row, P/R/F1 in percent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}",
            "label", "P", "R", "F1", "gold", "pred", "correct"
        )?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, p: &Prf| {
            writeln!(
                f,
                "{:<8} {:>7.2} {:>7.2} {:>7.2} {:>7} {:>7} {:>7}",
                name,
                100.0 * p.precision,
                100.0 * p.recall,
                100.0 * p.f1,
                p.gold,
                p.predicted,
                p.correct
            )
        };
        for (k, v) in &self.per_label {
            row(f, k, v)?;
        }
        row(f, "micro", &self.micro)?;
        write!(f, "({} sentences)", self.sentences)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_zero_division() {
        let per = Label::Per;
        let gold = vec![vec![(0, 2, per.clone()), (3, 4, Label::Loc)], vec![]];
        let pred = vec![vec![(0, 2, per.clone()), (3, 5, Label::Loc)], vec![]];
        let s = score(&gold, &pred);
        assert_eq!(s.micro.correct, 1);
        assert_eq!(s.micro.f1, 0.5);
        assert_eq!(s.per_label["LOC"].f1, 0.0);
        assert_eq!(s.per_label["PER"].f1, 1.0);
        assert_eq!(s.sentences, 2);
    }
}
