//! Arbitrary Unicode text with arbitrary valid entity spans survives JSONL,
//! doccano and brat round trips with the same spans and surfaces.

use proptest::prelude::*;
use zhen_core::{Document, Entity, Label, Span};
use zhen_export::{brat, jsonl};

fn text() -> impl Strategy<Value = Vec<char>> {
    let ch = prop_oneof![
        any::<char>(),
        prop::sample::select(vec![
            '王', '臺', '\n', '\r', '\t', ' ', '😀', 'e', '\u{301}', '\u{2028}', '\u{85}', '"',
            '\\'
        ]),
    ];
    prop::collection::vec(ch, 0..40)
}

/// A document over `chars` with entities at the given char pairs.
fn doc(chars: &[char], pairs: &[(usize, usize)], labels: &[String]) -> Document {
    let text: String = chars.iter().collect();
    let byte = |c: usize| chars[..c].iter().map(|c| c.len_utf8()).sum::<usize>();
    let mut d = Document::new("p", text);
    for (i, &(a, b)) in pairs.iter().enumerate() {
        let (a, b) = (a % (chars.len() + 1), b % (chars.len() + 1));
        let span = Span::new(byte(a.min(b)), byte(a.max(b)));
        let text = d.text[span.range()].to_string();
        d.entities.push(Entity {
            span,
            label: Label::new(&labels[i % labels.len()]),
            norm: text.clone(),
            text,
        });
    }
    d.entities.sort_by_key(|e| (e.span.start, e.span.end));
    d
}

fn ents(d: &Document) -> Vec<(Span, String, String)> {
    d.entities
        .iter()
        .map(|e| (e.span, e.label.to_string(), e.text.clone()))
        .collect()
}

proptest! {
    #[test]
    fn jsonl_and_doccano_preserve_spans(
        chars in text(),
        pairs in prop::collection::vec((0usize..64, 0usize..64), 0..6),
        labels in prop::collection::vec("[A-Z]{1,4}", 1..3),
    ) {
        let d = doc(&chars, &pairs, &labels);
        let mut out = Vec::new();
        jsonl::write(&mut out, &d).unwrap();
        let back = jsonl::read_str(std::str::from_utf8(&out).unwrap(), "p.jsonl").unwrap();
        prop_assert_eq!(&back[0], &d);
        let mut out = Vec::new();
        jsonl::write_doccano(&mut out, &d).unwrap();
        let back = jsonl::read_doccano_str(std::str::from_utf8(&out).unwrap(), "p.jsonl").unwrap();
        prop_assert_eq!(&back[0].text, &d.text);
        prop_assert_eq!(ents(&back[0]), ents(&d));
    }

    #[test]
    fn brat_preserves_spans(
        chars in text(),
        pairs in prop::collection::vec((0usize..64, 0usize..64), 0..6),
        labels in prop::collection::vec("[A-Z]{1,4}", 1..3),
    ) {
        let d = doc(&chars, &pairs, &labels);
        // brat cannot show line breaks at the ends of an entity: those are trimmed
        let nl = |c: Option<char>| matches!(c, Some('\n' | '\r'));
        let keep = d.entities.iter().all(|e| {
            e.text.chars().all(|c| c == '\n' || c == '\r')
                || !(nl(e.text.chars().next()) || nl(e.text.chars().next_back()))
        });
        prop_assume!(keep);
        let mut ann = Vec::new();
        brat::write_ann(&mut ann, &d).unwrap();
        let back = brat::read_str("p", &d.text, std::str::from_utf8(&ann).unwrap(), "p.ann").unwrap();
        prop_assert_eq!(&back.text, &d.text);
        prop_assert_eq!(ents(&back), ents(&d));
    }
}
