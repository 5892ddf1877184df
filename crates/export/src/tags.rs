//! Sequence tag schemes (IOB1, IOB2, BIOES): encoding entities as per-unit
//! tags and decoding tags back into entity spans.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::str::FromStr;

use zhen_core::{Entity, Span};

use crate::{Error, Result};

/// How entities are written as per-token tags.
///
/// * `Iob2` (the default, CoNLL-2003 as distributed by most tools, and what
///   `seqeval` expects): `B-` on the first unit of every entity, `I-` after.
/// * `Iob1` (the original CoNLL-2003 files): `I-` everywhere, `B-` only on
///   the first unit of an entity that directly follows another entity of the
///   same label.
/// * `Bioes`: `S-` for single-unit entities, `B-`, `I-`, `E-` otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// IOB1.
    Iob1,
    /// IOB2 (BIO).
    #[default]
    Iob2,
    /// BIOES (IOBES).
    Bioes,
}

#[cfg(feature = "clap")]
zhen_core::value_enum!(Scheme, |s| match s {
    Scheme::Iob1 => vec![],
    Scheme::Iob2 => vec!["bio".into()],
    Scheme::Bioes => vec!["iobes".into()],
});

impl Scheme {
    /// Every scheme.
    pub const ALL: [Scheme; 3] = [Scheme::Iob1, Scheme::Iob2, Scheme::Bioes];

    /// The name accepted by [`FromStr`]: `iob1`, `iob2`, `bioes`.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Iob1 => "iob1",
            Scheme::Iob2 => "iob2",
            Scheme::Bioes => "bioes",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scheme {
    type Err = Error;
    /// Parses `iob1`, `iob2` (or `bio`), `bioes` (or `iobes`), in any case.
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "iob1" => Scheme::Iob1,
            "iob2" | "bio" => Scheme::Iob2,
            "bioes" | "iobes" => Scheme::Bioes,
            _ => {
                return Err(Error::Unknown {
                    what: "tag scheme",
                    value: s.to_string(),
                    expected: "iob1, iob2, bioes",
                })
            }
        })
    }
}

/// Finds, for every unit (token or char) span, the index in `entities` of
/// the entity it belongs to: the entity that starts first (then ends first)
/// among those overlapping it. A token cut by an entity boundary therefore
/// takes that entity's tag.
///
/// One sweep over the whole document: the entities are sorted once, and
/// the units of successive [`Assigner::assign`] calls (a document's
/// sentences in order) move forward through the text, so a document costs
/// O((units + entities) · log entities) however many sentences it has.
pub(crate) struct Assigner<'a> {
    entities: &'a [Entity],
    /// Non-empty entities by (start, end, index).
    order: Vec<usize>,
    /// The next entity of `order` not yet started.
    next: usize,
    /// Started entities, smallest (start, end, index) on top; those ending
    /// before the current unit are dropped when they reach the top.
    active: BinaryHeap<Reverse<(usize, usize, usize)>>,
    /// Start of the last unit seen.
    last: usize,
}

impl<'a> Assigner<'a> {
    pub(crate) fn new(entities: &'a [Entity]) -> Self {
        let mut order: Vec<usize> = (0..entities.len())
            .filter(|&i| !entities[i].span.is_empty())
            .collect();
        order.sort_by_key(|&i| (entities[i].span.start, entities[i].span.end, i));
        Assigner {
            entities,
            order,
            next: 0,
            active: BinaryHeap::new(),
            last: 0,
        }
    }

    /// The entity of every unit. Units must be sorted and must not overlap,
    /// and lie after the units of earlier calls (otherwise the sweep starts
    /// over, which is correct but slower).
    pub(crate) fn assign(&mut self, units: &[Span]) -> Vec<Option<usize>> {
        if units.first().is_some_and(|u| u.start < self.last) {
            self.next = 0;
            self.active.clear();
        }
        let ents = self.entities;
        units
            .iter()
            .map(|u| {
                self.last = u.start;
                while let Some(&i) = self.order.get(self.next) {
                    let span = ents[i].span;
                    if span.start >= u.end {
                        break;
                    }
                    self.active.push(Reverse((span.start, span.end, i)));
                    self.next += 1;
                }
                while self
                    .active
                    .peek()
                    .is_some_and(|Reverse((_, end, _))| *end <= u.start)
                {
                    self.active.pop();
                }
                // empty units overlap nothing
                if u.is_empty() {
                    return None;
                }
                self.active.peek().map(|Reverse((_, _, i))| *i)
            })
            .collect()
    }
}

/// [`Assigner::assign`] for one list of units.
#[cfg(test)]
pub(crate) fn assign(units: &[Span], entities: &[Entity]) -> Vec<Option<usize>> {
    Assigner::new(entities).assign(units)
}

/// The tags of one sentence's units, given the entity of every unit
/// (`O` borrowed: most units are outside, and writers wrote a string per unit).
pub(crate) fn encode(
    scheme: Scheme,
    of: &[Option<usize>],
    entities: &[Entity],
) -> Vec<Cow<'static, str>> {
    (0..of.len())
        .map(|i| {
            let Some(e) = of[i] else {
                return Cow::Borrowed("O");
            };
            let label = entities[e].label.as_str();
            let prev = if i > 0 { of[i - 1] } else { None };
            let next = of.get(i + 1).copied().flatten();
            let first = prev != Some(e);
            let last = next != Some(e);
            let prefix = match scheme {
                Scheme::Iob2 => {
                    if first {
                        'B'
                    } else {
                        'I'
                    }
                }
                Scheme::Iob1 => {
                    let after_same_label =
                        prev.is_some_and(|p| p != e && entities[p].label == entities[e].label);
                    if first && after_same_label {
                        'B'
                    } else {
                        'I'
                    }
                }
                Scheme::Bioes => match (first, last) {
                    (true, true) => 'S',
                    (true, false) => 'B',
                    (false, true) => 'E',
                    (false, false) => 'I',
                },
            };
            Cow::Owned(format!("{prefix}-{label}"))
        })
        .collect()
}

/// A parsed tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tag {
    /// Outside.
    O,
    /// Begin (`B-`).
    B(String),
    /// Inside (`I-`, or `M-` of BMES).
    I(String),
    /// End (`E-`, or `L-` of BILOU).
    E(String),
    /// Single (`S-`, or `U-` of BILOU).
    S(String),
}

/// Parses `O`, `B-X`, `I-X`, `E-X`, `S-X` (and `M-`, `L-`, `U-`).
pub(crate) fn parse_tag(s: &str) -> Option<Tag> {
    if s == "O" {
        return Some(Tag::O);
    }
    let (prefix, label) = s.split_at_checked(2)?;
    if label.is_empty() || label.chars().any(char::is_whitespace) {
        return None;
    }
    let l = label.to_string();
    Some(match prefix {
        "B-" => Tag::B(l),
        "I-" | "M-" => Tag::I(l),
        "E-" | "L-" => Tag::E(l),
        "S-" | "U-" => Tag::S(l),
        _ => return None,
    })
}

/// What an invalid tag error says.
pub(crate) const TAG_HELP: &str = "expected O or B-, I-, E-, S- followed by a label (e.g. B-PER)";

/// Decodes the tags of one sentence into `(first unit, one past the last
/// unit, label)`. Lenient, so IOB1, IOB2 and BIOES all decode: an entity
/// starts at `B-`/`S-`, or at `I-`/`E-` whose label differs from the open
/// entity's (or when none is open).
pub(crate) fn decode(tags: &[Tag]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, t) in tags.iter().enumerate() {
        match t {
            Tag::O => {
                if let Some((s, l)) = open.take() {
                    out.push((s, i, l));
                }
            }
            Tag::B(l) | Tag::S(l) => {
                if let Some((s, ol)) = open.take() {
                    out.push((s, i, ol));
                }
                if matches!(t, Tag::S(_)) {
                    out.push((i, i + 1, l.clone()));
                } else {
                    open = Some((i, l.clone()));
                }
            }
            Tag::I(l) | Tag::E(l) => {
                let start = match open.take() {
                    Some((s, ol)) if ol == *l => s,
                    Some((s, ol)) => {
                        out.push((s, i, ol));
                        i
                    }
                    None => i,
                };
                if matches!(t, Tag::E(_)) {
                    out.push((start, i + 1, l.clone()));
                } else {
                    open = Some((start, l.clone()));
                }
            }
        }
    }
    if let Some((s, l)) = open {
        out.push((s, tags.len(), l));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhen_core::Label;

    fn ent(s: usize, e: usize, l: &str) -> Entity {
        Entity {
            span: Span::new(s, e),
            label: Label::new(l),
            text: String::new(),
            norm: String::new(),
        }
    }

    fn units(n: usize) -> Vec<Span> {
        (0..n).map(|i| Span::new(i, i + 1)).collect()
    }

    #[test]
    fn schemes_encode_adjacent_entities() {
        // PER PER | PER | O | LOC
        let ents = [ent(0, 2, "PER"), ent(2, 3, "PER"), ent(4, 5, "LOC")];
        let of = assign(&units(5), &ents);
        assert_eq!(of, [Some(0), Some(0), Some(1), None, Some(2)]);
        let t = |s| encode(s, &of, &ents).join(" ");
        assert_eq!(t(Scheme::Iob2), "B-PER I-PER B-PER O B-LOC");
        assert_eq!(t(Scheme::Iob1), "I-PER I-PER B-PER O I-LOC");
        assert_eq!(t(Scheme::Bioes), "B-PER E-PER S-PER O S-LOC");
    }

    #[test]
    fn entity_boundary_inside_a_token_gives_the_token_the_entity() {
        // tokens 0..4 4..8; entity 2..6 cuts both
        let toks = [Span::new(0, 4), Span::new(4, 8)];
        let ents = [ent(2, 6, "LOC")];
        assert_eq!(assign(&toks, &ents), [Some(0), Some(0)]);
        // overlapping entities: the one starting first wins
        let ents = [ent(0, 6, "ORG"), ent(4, 8, "LOC")];
        assert_eq!(assign(&toks, &ents), [Some(0), Some(0)]);
    }

    /// The definition, entity by entity: the overlapping entity with the
    /// smallest (start, end, index).
    fn naive(units: &[Span], ents: &[Entity]) -> Vec<Option<usize>> {
        units
            .iter()
            .map(|u| {
                (0..ents.len())
                    .filter(|&i| {
                        let e = ents[i].span;
                        !u.is_empty() && !e.is_empty() && e.start < u.end && e.end > u.start
                    })
                    .min_by_key(|&i| (ents[i].span.start, ents[i].span.end, i))
            })
            .collect()
    }

    proptest::proptest! {
        /// One sweep over many sentences gives what the definition gives,
        /// with overlapping, nested, empty and unsorted entities.
        #[test]
        fn the_sweep_over_sentences_is_the_definition(
            cuts in proptest::collection::vec(0usize..60, 0..40),
            raw in proptest::collection::vec((0usize..60, 0usize..12, 0usize..3), 0..25),
            sentence_len in 1usize..6,
        ) {
            let mut cuts = cuts;
            cuts.sort_unstable();
            cuts.dedup();
            // units between consecutive cuts, some empty ones kept
            let units: Vec<Span> = cuts.windows(2).map(|w| Span::new(w[0], w[1])).collect();
            let ents: Vec<Entity> = raw
                .iter()
                .map(|&(s, len, l)| ent(s, s + len, ["PER", "LOC", "ORG"][l]))
                .collect();
            let mut a = Assigner::new(&ents);
            let mut got = Vec::new();
            for sentence in units.chunks(sentence_len) {
                got.extend(a.assign(sentence));
            }
            proptest::prop_assert_eq!(got, naive(&units, &ents));
            // going back starts over
            proptest::prop_assert_eq!(a.assign(&units), naive(&units, &ents));
        }
    }

    #[test]
    fn decode_accepts_every_scheme() {
        let p = |s: &str| {
            s.split(' ')
                .map(|t| parse_tag(t).unwrap())
                .collect::<Vec<_>>()
        };
        let want = vec![
            (0, 2, "PER".to_string()),
            (2, 3, "PER".to_string()),
            (4, 5, "LOC".to_string()),
        ];
        assert_eq!(decode(&p("B-PER I-PER B-PER O B-LOC")), want);
        assert_eq!(decode(&p("I-PER I-PER B-PER O I-LOC")), want);
        assert_eq!(decode(&p("B-PER E-PER S-PER O S-LOC")), want);
        assert_eq!(
            decode(&p("B-PER M-PER E-PER")),
            vec![(0, 3, "PER".to_string())]
        );
        // a label change inside starts a new entity
        assert_eq!(
            decode(&p("B-PER I-LOC")),
            vec![(0, 1, "PER".to_string()), (1, 2, "LOC".to_string())]
        );
    }

    #[test]
    fn bad_tags_are_rejected() {
        for t in ["B", "B-", "X-PER", "o", "B_PER", "PER", ""] {
            assert_eq!(parse_tag(t), None, "{t}");
        }
        assert_eq!("BIO".parse::<Scheme>().unwrap(), Scheme::Iob2);
        assert_eq!(
            "bilou".parse::<Scheme>().unwrap_err().to_string(),
            "unknown tag scheme \"bilou\": expected one of iob1, iob2, bioes"
        );
    }
}
