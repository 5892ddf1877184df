//! Checks shared by the fuzz targets: what must hold of every value the
//! library hands back, whatever the input.

use zhen::export::{brat, conll, conllu, csv, jsonl};
use zhen::{AlignedText, Document};

/// Every current char maps to a span of the original on char boundaries,
/// and the alignment is monotone; mapping back lands on char boundaries.
pub fn check_aligned(at: &AlignedText) {
    let (orig, cur) = (at.original(), at.current());
    let mut prev: Option<zhen::Span> = None;
    for (i, c) in cur.char_indices() {
        let s = at.to_original(i..i + c.len_utf8());
        assert!(s.start <= s.end && s.end <= orig.len(), "{s:?} outside the original");
        assert!(
            orig.is_char_boundary(s.start) && orig.is_char_boundary(s.end),
            "{s:?} not on char boundaries of the original"
        );
        if let Some(p) = prev {
            assert!(p.start <= s.start && p.end <= s.end, "alignment not monotone: {p:?} then {s:?}");
        }
        prev = Some(s);
    }
    let whole = at.to_original(0..cur.len());
    assert!(whole.end <= orig.len());
    for (i, c) in orig.char_indices() {
        let r = at.to_current(zhen::Span::new(i, i + c.len_utf8()));
        assert!(r.start <= r.end && r.end <= cur.len(), "{r:?} outside the current text");
        assert!(cur.is_char_boundary(r.start) && cur.is_char_boundary(r.end));
    }
}

/// A document a reader returns keeps the offset contract, and every writer
/// takes it.
pub fn check_read(doc: &Document) {
    doc.validate().expect("a reader returned a document that breaks the offset contract");
    let mut out = Vec::new();
    conll::write(&mut out, doc, &Default::default()).expect("conll writer refused a read document");
    let char_level = conll::ConllOptions {
        char_level: true,
        ..Default::default()
    };
    conll::write(&mut out, doc, &char_level).expect("conll writer refused a read document");
    conllu::write(&mut out, doc, &Default::default()).expect("conllu writer refused a read document");
    csv::write_tokens(Vec::new(), doc, &Default::default()).expect("csv writer refused a read document");
    csv::write_entities(Vec::new(), doc, &Default::default()).expect("csv writer refused a read document");
    brat::write_ann(&mut out, doc).expect("brat writer refused a read document");
    jsonl::write_doccano(&mut out, doc).expect("doccano writer refused a read document");
    let mut line = Vec::new();
    jsonl::write(&mut line, doc).expect("jsonl writer refused a read document");
    // our own JSONL reads back as the same document
    let back = jsonl::read_str(std::str::from_utf8(&line).unwrap(), "fuzz.jsonl")
        .expect("zhen's JSONL of a read document does not read back");
    assert_eq!(back.len(), 1);
    assert_eq!(&back[0], doc, "JSONL round trip changed the document");
}
