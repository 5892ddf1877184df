//! BIO files, span extraction with conlleval semantics, and the BIOES tag set
//! the tagger decodes with.

use std::io::{BufRead, BufReader};
use std::path::Path;

use zhen_core::Label;

use crate::{Error, Result};

/// One sentence of a BIO file: tokens (characters for Chinese) and their tags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BioSentence {
    /// The tokens, as written.
    pub tokens: Vec<String>,
    /// One BIO tag per token (`O`, `B-PER`, `I-LOC`, …).
    pub tags: Vec<String>,
}

impl BioSentence {
    /// The gold entities as `(start, end, label)` token ranges.
    pub fn spans(&self) -> Vec<(usize, usize, Label)> {
        spans_from_bio(&self.tags)
    }

    /// The tokens as `&str`s, as [`crate::NerModel::tag_tokens`] takes them.
    pub fn token_strs(&self) -> Vec<&str> {
        self.tokens.iter().map(String::as_str).collect()
    }
}

/// Reads a BIO file: `TOKEN<TAB>TAG` per line, a blank line between sentences.
///
/// Errors name the file and the 1-based line: a line without exactly two
/// tab-separated columns, or a tag that is not `O`, `B-X` or `I-X`.
pub fn read_bio(path: impl AsRef<Path>) -> Result<Vec<BioSentence>> {
    let path = path.as_ref();
    let f = std::fs::File::open(path).map_err(|e| Error::io(Some(path), e))?;
    read_bio_from(BufReader::new(f), path)
}

/// Like [`read_bio`] from any reader; `path` is only used in error messages.
pub fn read_bio_from(r: impl BufRead, path: &Path) -> Result<Vec<BioSentence>> {
    let mut out = Vec::new();
    let mut cur = BioSentence::default();
    for (i, line) in r.lines().enumerate() {
        let line = line.map_err(|e| Error::io(Some(path), e))?;
        let line = line.strip_suffix('\r').unwrap_or(&line);
        let line = if i == 0 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        if line.trim().is_empty() {
            if !cur.tokens.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let bad = |message: String| Error::Bio {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 2 || cols[0].is_empty() {
            return Err(bad(format!(
                "expected 2 tab-separated columns TOKEN<TAB>TAG, found {} in {line:?}",
                cols.len()
            )));
        }
        let tag = cols[1].trim();
        if !is_bio_tag(tag) {
            return Err(bad(format!(
                "bad tag {tag:?}: expected O, B-<LABEL> or I-<LABEL>"
            )));
        }
        cur.tokens.push(cols[0].to_string());
        cur.tags.push(tag.to_string());
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

fn is_bio_tag(t: &str) -> bool {
    t == "O" || ((t.starts_with("B-") || t.starts_with("I-")) && t.len() > 2)
}

/// Entities of a BIO tag sequence as `(start, end, label)` token ranges, with
/// conlleval semantics (seqeval's default mode): an entity starts at `B-X`, or
/// at `I-X` when the previous tag is `O` or of another type; it ends before
/// `O`, `B-`, or a tag of another type. Tags other than `B-`/`I-` count as `O`.
pub fn spans_from_bio<S: AsRef<str>>(tags: &[S]) -> Vec<(usize, usize, Label)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (i, t) in tags.iter().enumerate() {
        let t = t.as_ref();
        let (prefix, ty) = match t.split_once('-') {
            Some((p @ ("B" | "I"), ty)) if !ty.is_empty() => (p, ty),
            _ => ("O", ""),
        };
        let continues = prefix == "I" && matches!(open, Some((_, oty)) if oty == ty);
        if !continues {
            if let Some((s, oty)) = open.take() {
                out.push((s, i, Label::new(oty)));
            }
            if prefix != "O" {
                open = Some((i, ty));
            }
        }
    }
    if let Some((s, oty)) = open {
        out.push((s, tags.len(), Label::new(oty)));
    }
    out
}

/// BIO tags for entities over `n` tokens (the inverse of [`spans_from_bio`]
/// for non-overlapping spans).
pub fn bio_from_spans(n: usize, spans: &[(usize, usize, Label)]) -> Vec<String> {
    let mut tags = vec!["O".to_string(); n];
    for (s, e, l) in spans {
        for (k, t) in tags[*s..*e].iter_mut().enumerate() {
            *t = format!("{}-{}", if k == 0 { "B" } else { "I" }, l.as_str());
        }
    }
    tags
}

/// The BIOES tag set over a list of labels: tag 0 is `O`; label `k` has
/// `B = 1+4k`, `I = 2+4k`, `E = 3+4k`, `S = 4+4k`. A tag set made with
/// [`TagSet::with_second`] gives chosen labels two more tags after their
/// `S`: `I₂` and `E₂`, the second unit of an entity that goes on or ends
/// there, so the model sees entity length (a two-character Chinese name
/// ends at `E₂`, a three-character one at `E` after `I₂`); `I` and `E` are
/// then the third unit or later. [`TagSet::part`] reports `I₂`/`E₂` as
/// `I`/`E`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagSet {
    labels: Vec<Label>,
    /// Per tag: part, label index, unit class (`j` for `I_j`/`E_j`, else 0).
    kinds: Vec<(Part, usize, u8)>,
    /// First tag of each label.
    base: Vec<usize>,
    /// Per label: the last unit with tags of its own (1: plain BIOES).
    depths: Vec<usize>,
    allowed: Vec<bool>,
}

/// Position of a BIOES tag inside its entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Outside.
    O,
    /// Begin of a multi-token entity.
    B,
    /// Inside.
    I,
    /// End of a multi-token entity.
    E,
    /// Single-token entity.
    S,
}

impl TagSet {
    /// The tag set over `labels`.
    pub fn new(labels: Vec<Label>) -> TagSet {
        TagSet::with_depth(labels, &[])
    }

    /// The tag set over `labels`, with `I₂`/`E₂` tags for the labels in
    /// `second`.
    pub fn with_second(labels: Vec<Label>, second: &[Label]) -> TagSet {
        let depth: Vec<(Label, usize)> = second.iter().map(|l| (l.clone(), 2)).collect();
        TagSet::with_depth(labels, &depth)
    }

    /// The tag set over `labels` where label `l` of `(l, d)` in `depth` has
    /// tags `I_j`/`E_j` of its own for units `j = 2..=d` of an entity (after
    /// its `S`, in order `I₂ E₂ I₃ E₃ …`); its `I`/`E` are then unit `d + 1`
    /// or later.
    pub fn with_depth(labels: Vec<Label>, depth: &[(Label, usize)]) -> TagSet {
        let depth_of = |l: &Label| depth.iter().find(|x| &x.0 == l).map_or(1, |x| x.1.max(1));
        let mut kinds = vec![(Part::O, usize::MAX, 0u8)];
        let mut base = Vec::with_capacity(labels.len());
        let mut depths = Vec::with_capacity(labels.len());
        for (k, l) in labels.iter().enumerate() {
            base.push(kinds.len());
            let d = depth_of(l);
            depths.push(d);
            for p in [Part::B, Part::I, Part::E, Part::S] {
                kinds.push((p, k, 0));
            }
            for j in 2..=d {
                kinds.push((Part::I, k, j as u8));
                kinds.push((Part::E, k, j as u8));
            }
        }
        let n = kinds.len();
        let mut allowed = vec![false; n * n];
        for (a, &(pa, la, ca)) in kinds.iter().enumerate() {
            // the unit class the next tag of the entity must have
            let next = |d: usize| match (pa, ca as usize) {
                (Part::B, _) if d >= 2 => 2,
                (Part::I, c) if c >= 2 && c < d => c + 1,
                _ => 0,
            };
            for (b, &(pb, lb, cb)) in kinds.iter().enumerate() {
                allowed[a * n + b] = match pa {
                    Part::O | Part::E | Part::S => matches!(pb, Part::O | Part::B | Part::S),
                    Part::B | Part::I => {
                        matches!(pb, Part::I | Part::E)
                            && la == lb
                            && cb as usize == next(depths[la])
                    }
                };
            }
        }
        TagSet {
            labels,
            kinds,
            base,
            depths,
            allowed,
        }
    }

    /// The tag set of a model with feature flags `flags` (see
    /// [`crate::flags::SECOND_PER`]).
    pub fn for_flags(labels: Vec<Label>, flags: u32) -> TagSet {
        if flags & crate::flags::SECOND_PER != 0 {
            TagSet::with_second(labels, &[Label::Per])
        } else {
            TagSet::new(labels)
        }
    }

    /// The labels, in tag order.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// Number of tags (`1 + 4 × labels`, plus 2 for each `I_j`/`E_j` pair).
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// Whether there are no labels (only `O`).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The part and label index of tag `t` (`usize::MAX` for `O`).
    pub fn part(&self, t: usize) -> (Part, usize) {
        let (p, k, _) = self.kinds[t];
        (p, k)
    }

    /// Whether tag `b` may follow tag `a`.
    pub fn allowed(&self, a: usize, b: usize) -> bool {
        self.allowed[a * self.len() + b]
    }

    /// Whether a sentence may start with tag `t`.
    pub fn allowed_start(&self, t: usize) -> bool {
        matches!(self.kinds[t].0, Part::O | Part::B | Part::S)
    }

    /// Whether a sentence may end with tag `t`.
    pub fn allowed_end(&self, t: usize) -> bool {
        matches!(self.kinds[t].0, Part::O | Part::E | Part::S)
    }

    /// BIOES tags for entities over `n` tokens. Entities with a label not in
    /// the set are left as `O`.
    pub fn encode(&self, n: usize, spans: &[(usize, usize, Label)]) -> Vec<u16> {
        let mut tags = vec![0u16; n];
        for (s, e, l) in spans {
            let Some(k) = self.labels.iter().position(|x| x == l) else {
                continue;
            };
            let base = self.base[k] as u16;
            let d = self.depths[k];
            let len = e - s;
            if len == 1 {
                tags[*s] = base + 3;
                continue;
            }
            tags[*s] = base;
            for j in 2..=len {
                let last = (j == len) as u16;
                tags[s + j - 1] = if j <= d {
                    base + 4 + 2 * (j as u16 - 2) + last
                } else {
                    base + 1 + last
                };
            }
        }
        tags
    }

    /// Entities of a valid BIOES sequence (as produced by constrained decoding).
    /// Invalid sequences are read leniently: an entity ends at `E`/`S` or
    /// before anything that cannot continue it.
    pub fn decode(&self, tags: &[u16]) -> Vec<(usize, usize, Label)> {
        let mut out = Vec::new();
        let mut open: Option<(usize, usize)> = None;
        for (i, &t) in tags.iter().enumerate() {
            let (p, k) = self.part(t as usize);
            match p {
                Part::I | Part::E if matches!(open, Some((_, ok)) if ok == k) => {}
                _ => {
                    if let Some((s, ok)) = open.take() {
                        out.push((s, i, self.labels[ok].clone()));
                    }
                    if p != Part::O {
                        open = Some((i, k));
                    }
                }
            }
            if matches!(p, Part::E | Part::S) {
                if let Some((s, ok)) = open.take() {
                    out.push((s, i + 1, self.labels[ok].clone()));
                }
            }
        }
        if let Some((s, ok)) = open {
            out.push((s, tags.len(), self.labels[ok].clone()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(s: &str) -> Label {
        Label::new(s)
    }

    #[test]
    fn conlleval_spans() {
        let tags = [
            "I-PER", "I-PER", "O", "B-LOC", "I-ORG", "B-ORG", "B-ORG", "I-ORG", "O", "I-LOC",
        ];
        assert_eq!(
            spans_from_bio(&tags),
            vec![
                (0, 2, l("PER")),
                (3, 4, l("LOC")),
                (4, 5, l("ORG")),
                (5, 6, l("ORG")),
                (6, 8, l("ORG")),
                (9, 10, l("LOC")),
            ]
        );
    }

    #[test]
    fn bioes_round_trip() {
        let ts = TagSet::new(vec![l("PER"), l("LOC"), l("ORG")]);
        let spans = vec![(0, 1, l("LOC")), (1, 4, l("ORG")), (5, 7, l("PER"))];
        let enc = ts.encode(8, &spans);
        // S-LOC B-ORG I-ORG E-ORG O B-PER E-PER O
        assert_eq!(enc, vec![8, 9, 10, 11, 0, 1, 3, 0]);
        assert_eq!(ts.decode(&enc), spans);
    }

    #[test]
    fn second_unit_tags_encode_entity_length() {
        let ts = TagSet::with_second(vec![l("PER"), l("LOC")], &[l("PER")]);
        // PER: B 1, I 2, E 3, S 4, I2 5, E2 6; LOC: B 7, I 8, E 9, S 10
        assert_eq!(ts.len(), 11);
        let spans = vec![
            (0, 2, l("PER")),
            (2, 5, l("PER")),
            (5, 9, l("PER")),
            (9, 12, l("LOC")),
            (12, 13, l("PER")),
        ];
        let enc = ts.encode(13, &spans);
        assert_eq!(enc, vec![1, 6, 1, 5, 3, 1, 5, 2, 3, 7, 8, 9, 4]);
        assert_eq!(ts.decode(&enc), spans);
        for w in enc.windows(2) {
            assert!(ts.allowed(w[0] as usize, w[1] as usize), "{w:?}");
        }
        // B-PER must go on with a second-unit tag; I2 with a later one
        assert!(!ts.allowed(1, 2) && !ts.allowed(1, 3));
        assert!(ts.allowed(1, 5) && ts.allowed(1, 6));
        assert!(!ts.allowed(5, 5) && !ts.allowed(5, 6) && ts.allowed(5, 2) && ts.allowed(5, 3));
        assert!(!ts.allowed(2, 5) && ts.allowed(2, 2));
        assert!(!ts.allowed(7, 5), "no second-unit tags for LOC");
        assert_eq!(ts.part(6), (Part::E, 0));
        assert!(ts.allowed_end(6) && !ts.allowed_end(5) && !ts.allowed_start(6));
    }

    #[test]
    fn deeper_unit_tags_follow_each_other_in_order() {
        let ts = TagSet::with_depth(vec![l("PER")], &[(l("PER"), 3)]);
        // B 1, I 2, E 3, S 4, I2 5, E2 6, I3 7, E3 8
        assert_eq!(ts.len(), 9);
        let spans = vec![(0, 2, l("PER")), (2, 5, l("PER")), (5, 10, l("PER"))];
        let enc = ts.encode(10, &spans);
        assert_eq!(enc, vec![1, 6, 1, 5, 8, 1, 5, 7, 2, 3]);
        assert_eq!(ts.decode(&enc), spans);
        for w in enc.windows(2) {
            assert!(ts.allowed(w[0] as usize, w[1] as usize), "{w:?}");
        }
        assert!(!ts.allowed(5, 2) && !ts.allowed(7, 7) && ts.allowed(7, 3) && ts.allowed(2, 2));
    }

    #[test]
    fn transitions() {
        let ts = TagSet::new(vec![l("PER"), l("LOC")]);
        // O -> I-PER forbidden, B-PER -> I-PER fine, B-PER -> I-LOC forbidden
        assert!(!ts.allowed(0, 2));
        assert!(ts.allowed(1, 2));
        assert!(!ts.allowed(1, 6));
        assert!(!ts.allowed(1, 0));
        assert!(ts.allowed(3, 5));
        assert!(!ts.allowed_start(2));
        assert!(!ts.allowed_end(1));
        assert!(ts.allowed_end(4));
    }

    #[test]
    fn bad_line_names_file_and_line() {
        let data = "中\tO\n国\tB-LOC\tX\n";
        let e = read_bio_from(data.as_bytes(), Path::new("x.bio")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.bio:2: expected 2 tab-separated columns TOKEN<TAB>TAG, found 3 in \"国\\tB-LOC\\tX\""
        );
        let data = "中\tO\n\n国\tE-LOC\n";
        let e = read_bio_from(data.as_bytes(), Path::new("y.bio")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "y.bio:3: bad tag \"E-LOC\": expected O, B-<LABEL> or I-<LABEL>"
        );
    }
}
