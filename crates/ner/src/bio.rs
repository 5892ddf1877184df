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

/// Reads a BIO file: one token per line with its NER tag in the last
/// column, a blank line between sentences.
///
/// The layouts are those `zhen eval` reads (`zhen_export::conll::read_str`),
/// so a file scored with one can be trained on with the other: columns
/// separated by TABs (when the first token line has a TAB) or by spaces, two
/// or more of them and as many on every line (`TOKEN TAG`, CoNLL-2003's
/// `TOKEN POS CHUNK TAG`, …); `-DOCSTART-` lines and a BOM are skipped; tags
/// in IOB1, IOB2 or BIOES (`O`, `B-`, `I-`, `E-`, `S-`, and `M-`, `L-`,
/// `U-`), read leniently like `eval` does and stored as IOB2.
///
/// Errors name the file and the 1-based line, and say what was expected.
pub fn read_bio(path: impl AsRef<Path>) -> Result<Vec<BioSentence>> {
    let path = path.as_ref();
    let f = std::fs::File::open(path).map_err(|e| Error::io(Some(path), e))?;
    read_bio_from(BufReader::new(f), path)
}

/// Like [`read_bio`] from any reader; `path` is only used in error messages.
pub fn read_bio_from(r: impl BufRead, path: &Path) -> Result<Vec<BioSentence>> {
    let mut out = Vec::new();
    let mut cur = BioSentence::default();
    // (TAB-separated, columns, the line that fixed them)
    let mut layout: Option<(bool, usize, usize)> = None;
    let finish = |cur: &mut BioSentence, out: &mut Vec<BioSentence>| {
        if !cur.tokens.is_empty() {
            cur.tags = to_iob2(&cur.tags);
            out.push(std::mem::take(cur));
        }
    };
    for (i, line) in r.lines().enumerate() {
        let line = line.map_err(|e| Error::io(Some(path), e))?;
        let line = line.strip_suffix('\r').unwrap_or(&line);
        let line = if i == 0 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        if line.trim().is_empty() {
            finish(&mut cur, &mut out);
            continue;
        }
        let bad = |message: String| Error::Bio {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        let tab = layout.map_or(line.contains('\t'), |l| l.0);
        let cols: Vec<&str> = if tab {
            line.split('\t').collect()
        } else {
            line.split(' ').filter(|c| !c.is_empty()).collect()
        };
        if cols[0] == "-DOCSTART-" {
            finish(&mut cur, &mut out);
            continue;
        }
        let sep = if tab { "TAB" } else { "space" };
        let (_, n, first) = *layout.get_or_insert((tab, cols.len(), i + 1));
        if cols.len() < 2 {
            return Err(bad(format!(
                "a token line needs at least 2 {sep}-separated columns (token … NER tag), found 1 in {line:?}"
            )));
        }
        if cols.len() != n {
            return Err(bad(format!(
                "{} {sep}-separated columns, but line {first} has {n}; every token line must have the same columns{}",
                cols.len(),
                if tab { "" } else { " (a token containing a space? use TABs between columns)" }
            )));
        }
        if cols[0].trim().is_empty() {
            return Err(bad(format!("the token (column 1) is empty in {line:?}")));
        }
        let tag = cols[n - 1].trim();
        if parse_tag(tag).is_none() {
            return Err(bad(format!(
                "bad tag {tag:?} in column {n}: expected O, or B-, I-, E-, S- followed by a label (e.g. B-PER)"
            )));
        }
        cur.tokens.push(cols[0].to_string());
        cur.tags.push(tag.to_string());
    }
    finish(&mut cur, &mut out);
    Ok(out)
}

/// A tag's part (`B`, `I`, `E`, `S`, or `O` with an empty label) and label:
/// `M-` reads as `I-`, `L-` as `E-`, `U-` as `S-`. `None` for anything else.
fn parse_tag(t: &str) -> Option<(char, &str)> {
    if t == "O" {
        return Some(('O', ""));
    }
    let (prefix, label) = t.split_at_checked(2)?;
    if label.is_empty() || label.chars().any(char::is_whitespace) {
        return None;
    }
    let part = match prefix {
        "B-" => 'B',
        "I-" | "M-" => 'I',
        "E-" | "L-" => 'E',
        "S-" | "U-" => 'S',
        _ => return None,
    };
    Some((part, label))
}

/// Valid tags in any scheme as IOB2: an entity starts at `B-`/`S-`, or at
/// `I-`/`E-` after `O`, after another label or after the end of an entity
/// (`E-`/`S-`); it ends after `E-`/`S-` or before a tag that does not go on.
fn to_iob2(tags: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(tags.len());
    // the label of the entity still open
    let mut open: Option<&str> = None;
    for t in tags {
        let (part, label) = parse_tag(t).unwrap_or(('O', ""));
        let goes_on = matches!(part, 'I' | 'E') && open == Some(label);
        out.push(match part {
            'O' => "O".to_string(),
            _ if goes_on => format!("I-{label}"),
            _ => format!("B-{label}"),
        });
        open = match part {
            'B' | 'I' => Some(label),
            _ => None,
        };
    }
    out
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

    fn read(data: &str) -> Result<Vec<BioSentence>> {
        read_bio_from(data.as_bytes(), Path::new("x.bio"))
    }

    /// Issue 12 case 7: `train-ner` rejected the space-separated files
    /// `eval` reads, and said "expected 2 … found 2" for an empty token.
    #[test]
    fn reads_the_layouts_eval_reads() {
        let want = vec![
            BioSentence {
                tokens: vec!["王".into(), "小明".into(), "来".into()],
                tags: vec!["B-PER".into(), "I-PER".into(), "O".into()],
            },
            BioSentence {
                tokens: vec!["He".into()],
                tags: vec!["O".into()],
            },
        ];
        // TAB, spaces (runs of them), CoNLL-2003 columns with -DOCSTART-
        assert_eq!(
            read("王\tB-PER\n小明\tI-PER\n来\tO\n\nHe\tO\n").unwrap(),
            want
        );
        assert_eq!(read("王 B-PER\n小明  I-PER\n来 O\n\nHe O\n").unwrap(), want);
        assert_eq!(
            read("-DOCSTART- -X- -X- O\n\n王 NR B-NP B-PER\n小明 NR I-NP I-PER\n来 VV B-VP O\n\n-DOCSTART- -X- -X- O\n\nHe PRP B-NP O\n").unwrap(),
            want
        );
        // IOB1 and BIOES are stored as IOB2
        assert_eq!(
            read("王 S-PER\n小 B-PER\n明 E-PER\n来 O\n").unwrap()[0].tags,
            ["B-PER", "B-PER", "I-PER", "O"]
        );
        assert_eq!(
            read("王 I-PER\n小 B-PER\n明 I-PER\n在 O\n京 I-LOC\n").unwrap()[0].tags,
            ["B-PER", "B-PER", "I-PER", "O", "B-LOC"]
        );
        assert_eq!(read("\u{feff}中\tO\r\n").unwrap()[0].tokens, ["中"]);
    }

    #[test]
    fn bad_lines_name_file_line_and_what_was_expected() {
        let e = |data: &str| read(data).unwrap_err().to_string();
        assert_eq!(
            e("中\tO\n国\tB-LOC\tX\n"),
            "x.bio:2: 3 TAB-separated columns, but line 1 has 2; every token line must have the same columns"
        );
        assert_eq!(
            e("中 O\n国 B-LOC X\n"),
            "x.bio:2: 3 space-separated columns, but line 1 has 2; every token line must have the same columns (a token containing a space? use TABs between columns)"
        );
        assert_eq!(
            e("中\n"),
            "x.bio:1: a token line needs at least 2 space-separated columns (token … NER tag), found 1 in \"中\""
        );
        assert_eq!(
            e("中\tO\n\tO\n"),
            "x.bio:2: the token (column 1) is empty in \"\\tO\""
        );
        assert_eq!(
            e("中\tO\n\n国\tX-LOC\n"),
            "x.bio:3: bad tag \"X-LOC\" in column 2: expected O, or B-, I-, E-, S- followed by a label (e.g. B-PER)"
        );
    }
}
