//! A document written a part at a time through `DocWriter` is byte for byte
//! the document written whole, in every format, with the same stats and
//! entity counts — wherever the parts are cut between sentences, inside a
//! paragraph or between paragraphs.

mod common;

use common::fixtures;
use zhen_core::{Document, Paragraph, Sentence, Span};
use zhen_export::csv::{EntityCounter, EntityTable};
use zhen_export::{
    write_document, ConllOptions, CsvOptions, DocWriter, Format, Scheme, WriteOptions,
};

/// `doc` cut at the byte offsets `cuts` (sentence starts): each part's
/// text, items and spans are its own; a paragraph the cut goes through is
/// in both parts, and the second says it continues.
fn split(doc: &Document, cuts: &[usize]) -> Vec<(Document, bool, Option<char>)> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(doc.text.len());
    let mut parts = Vec::new();
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        let shift = |s: Span| Span::new(s.start - a, s.end - a);
        let inside = |s: Span| {
            s.start >= a && s.end <= b && !(s.is_empty() && s.start == b && b != doc.text.len())
        };
        let mut part = Document::new(doc.id.clone(), &doc.text[a..b]);
        // paragraphs overlapping the part, clipped to it
        let mut para_map = Vec::new();
        for (i, p) in doc.paragraphs.iter().enumerate() {
            if p.span.end > a && p.span.start < b || p.span.is_empty() && inside(p.span) {
                let span = Span::new(p.span.start.max(a), p.span.end.min(b));
                para_map.push((i, part.paragraphs.len()));
                part.paragraphs.push(Paragraph {
                    span: shift(span),
                    ..p.clone()
                });
            }
        }
        let continues = doc
            .paragraphs
            .iter()
            .any(|p| p.span.start < a && p.span.end > a);
        let mut sent_map = Vec::new();
        for (i, s) in doc.sentences.iter().enumerate() {
            if inside(s.span) {
                let paragraph = para_map
                    .iter()
                    .find(|(g, _)| *g == s.paragraph)
                    .map(|(_, l)| *l)
                    .expect("the sentence's paragraph is in the part");
                sent_map.push((i, part.sentences.len()));
                part.sentences.push(Sentence {
                    span: shift(s.span),
                    paragraph,
                });
            }
        }
        for t in &doc.tokens {
            if let Some((_, l)) = sent_map.iter().find(|(g, _)| *g == t.sentence) {
                let mut t = t.clone();
                t.span = shift(t.span);
                t.sentence = *l;
                part.tokens.push(t);
            }
        }
        for e in &doc.entities {
            if inside(e.span) {
                let mut e = e.clone();
                e.span = shift(e.span);
                part.entities.push(e);
            }
        }
        parts.push((part, continues, doc.text[b..].chars().next()));
    }
    let tokens: usize = parts.iter().map(|p| p.0.tokens.len()).sum();
    let entities: usize = parts.iter().map(|p| p.0.entities.len()).sum();
    assert_eq!(
        (tokens, entities),
        (doc.tokens.len(), doc.entities.len()),
        "a cut inside an entity"
    );
    parts
}

fn options() -> Vec<WriteOptions> {
    let mut all = vec![WriteOptions::default()];
    for scheme in [Scheme::Iob1, Scheme::Bioes] {
        all.push(WriteOptions {
            conll: ConllOptions {
                scheme,
                char_level: true,
            },
            conllu: zhen_export::ConlluOptions { scheme },
            csv: CsvOptions {
                excel: true,
                crlf: true,
                scheme,
                ..Default::default()
            },
            ..Default::default()
        });
    }
    all
}

fn check(doc: &Document, cuts: &[usize]) {
    let parts = split(doc, cuts);
    for opts in options() {
        let mut w = DocWriter::new(&doc.id, &opts);
        // every format but HTML, which is written for whole documents only
        for f in Format::ALL.into_iter().filter(|f| *f != Format::Html) {
            w.add(f, vec![Vec::new(); f.extensions().len()]).unwrap();
        }
        let html = w.add(Format::Html, vec![Vec::new()]).unwrap_err();
        assert!(html.to_string().contains("HTML view"), "{html}");
        w.entity_rows();
        for (p, continues, next) in &parts {
            w.part(p, *continues, *next).unwrap();
        }
        let done = w.finish().unwrap();
        for (format, outs) in &done.outputs {
            let whole = write_document(*format, doc, &opts).unwrap();
            for (out, want) in outs.iter().zip(&whole) {
                assert_eq!(
                    String::from_utf8_lossy(out),
                    String::from_utf8_lossy(&want.bytes),
                    "{format} of {} cut at {cuts:?} ({opts:?})",
                    doc.id
                );
            }
        }
        assert_eq!(done.stats, doc.stats(), "{} cut at {cuts:?}", doc.id);
        let mut rows = EntityTable::rows(Vec::new(), &opts.csv);
        rows.add(doc).unwrap();
        assert_eq!(done.entity_rows.unwrap(), rows.finish().unwrap());
        let mut counter = EntityCounter::new();
        counter.add(doc);
        assert_eq!(done.counter.rows(), counter.rows());
    }
}

/// Cut points between sentences that no entity straddles.
fn cut_points(doc: &Document) -> Vec<usize> {
    doc.sentences
        .iter()
        .skip(1)
        .map(|s| s.span.start)
        .filter(|&c| {
            !doc.entities
                .iter()
                .any(|e| e.span.start < c && e.span.end > c)
        })
        .collect()
}

#[test]
fn parts_write_what_the_whole_writes() {
    for doc in fixtures::all() {
        let cuts = cut_points(&doc);
        check(&doc, &[]);
        for &c in &cuts {
            check(&doc, &[c]);
        }
        check(&doc, &cuts);
        // every other cut
        let half: Vec<usize> = cuts.iter().copied().step_by(2).collect();
        check(&doc, &half);
    }
}

#[test]
fn a_cut_inside_a_paragraph_keeps_one_paragraph() {
    // one paragraph of three sentences, the middle one without tokens
    let doc = fixtures::build(
        "one-paragraph",
        "王小明在北京。 李四在上海！他们好",
        "zh-Hans",
        zhen_core::Script::Hans,
        &[
            &[
                ("王小明", "王小明", "nr", "PROPN"),
                ("在", "在", "p", "ADP"),
                ("北京", "北京", "ns", "PROPN"),
                ("。", "。", "x", "PUNCT"),
            ],
            &[
                ("李四", "李四", "nr", "PROPN"),
                ("在", "在", "p", "ADP"),
                ("上海", "上海", "ns", "PROPN"),
                ("！", "！", "x", "PUNCT"),
            ],
            &[("他们", "他们", "r", "PRON"), ("好", "好", "a", "ADJ")],
        ],
        &[
            ("王小明", 0, "PER", "王小明"),
            ("北京", 0, "LOC", "北京"),
            ("李四", 0, "PER", "李四"),
            ("上海", 0, "LOC", "上海"),
        ],
    );
    assert_eq!(doc.paragraphs.len(), 1);
    let mut n = 0;
    for doc in fixtures::all().into_iter().chain([doc]) {
        let inside: Vec<usize> = cut_points(&doc)
            .into_iter()
            .filter(|&c| {
                doc.paragraphs
                    .iter()
                    .any(|p| p.span.start < c && p.span.end > c)
            })
            .collect();
        n += inside.len();
        check(&doc, &inside);
    }
    assert!(n > 0, "a fixture has a paragraph of several sentences");
}

#[test]
fn add_refuses_the_wrong_number_of_writers_and_late_formats() {
    let doc = fixtures::zh_hans();
    let mut w = DocWriter::new("d", &WriteOptions::default());
    assert_eq!(
        w.add(Format::Brat, vec![Vec::new()]).unwrap_err().to_string(),
        "document \"d\" cannot be exported: DocWriter::add(brat) takes 2 writer(s) before the first part, got 1 after 0 part(s)"
    );
    w.add(Format::Conll, vec![Vec::new()]).unwrap();
    w.part(&doc, false, None).unwrap();
    assert!(w.add(Format::Csv, vec![Vec::new()]).is_err());
}
