//! The scorer against Python seqeval 1.2.2 (default, non-strict mode, which
//! follows conlleval) on `fixtures/score.bio` (columns TOKEN GOLD PRED).
//!
//! The expected numbers were computed by `python3 scripts/seqeval-check.py`
//! (seqeval.metrics.classification_report, zero_division=0), rounded to 6 places.

use zhen_ner::score::score;
use zhen_ner::spans_from_bio;

fn fixture() -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let text = include_str!("fixtures/score.bio");
    let (mut gold, mut pred) = (Vec::new(), Vec::new());
    for block in text.split("\n\n") {
        let (mut g, mut p) = (Vec::new(), Vec::new());
        for line in block.lines().filter(|l| !l.trim().is_empty()) {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 3, "fixture line {line:?}");
            g.push(cols[1].to_string());
            p.push(cols[2].to_string());
        }
        if !g.is_empty() {
            gold.push(g);
            pred.push(p);
        }
    }
    (gold, pred)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 5e-6
}

#[test]
fn matches_seqeval() {
    let (gold, pred) = fixture();
    let g: Vec<_> = gold.iter().map(|t| spans_from_bio(t)).collect();
    let p: Vec<_> = pred.iter().map(|t| spans_from_bio(t)).collect();
    let s = score(&g, &p);
    assert_eq!(s.sentences, 4);
    // (label, precision, recall, f1, support) from seqeval
    let expected = [
        ("LOC", 0.666667, 1.0, 0.8, 4),
        ("MISC", 0.0, 0.0, 0.0, 1),
        ("ORG", 0.0, 0.0, 0.0, 3),
        ("PER", 0.2, 0.333333, 0.25, 3),
    ];
    for (label, p, r, f, n) in expected {
        let got = &s.per_label[label];
        assert!(
            close(got.precision, p) && close(got.recall, r) && close(got.f1, f),
            "{label}: {got:?}"
        );
        assert_eq!(got.gold, n, "{label}");
    }
    assert!(close(s.micro.precision, 0.357143), "{:?}", s.micro);
    assert!(close(s.micro.recall, 0.454545), "{:?}", s.micro);
    assert!(close(s.micro.f1, 0.4), "{:?}", s.micro);
    assert_eq!(s.micro.gold, 11);
}
