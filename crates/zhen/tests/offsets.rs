//! The offset contract, the tokenizers way: every token and entity, sliced
//! from the ORIGINAL input with its span, is its surface; tokens plus the
//! gaps between them rebuild the input.

use proptest::prelude::*;
use std::sync::OnceLock;
use zhen::{Document, Pipeline};

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::builder().build().expect("default pipeline"))
}

fn check_contract(doc: &Document) {
    doc.validate().unwrap();
    let text = &doc.text;
    let mut rebuilt = String::new();
    let mut pos = 0;
    for t in &doc.tokens {
        assert!(t.span.start >= pos, "tokens overlap at {:?}", t.span);
        rebuilt.push_str(&text[pos..t.span.start]);
        rebuilt.push_str(&t.text);
        assert_eq!(&text[t.span.range()], t.text);
        assert!(!t.text.is_empty());
        pos = t.span.end;
    }
    rebuilt.push_str(&text[pos..]);
    assert_eq!(&rebuilt, text);
    for e in &doc.entities {
        assert_eq!(&text[e.span.range()], e.text);
        assert!(!e.text.trim().is_empty());
    }
    for s in &doc.sentences {
        assert!(doc.paragraphs[s.paragraph].span.contains(s.span));
    }
}

#[test]
fn every_corpus_document_keeps_the_contract() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = pipeline().annotate("c", &text).unwrap().document;
        check_contract(&doc);
        assert!(
            doc.tokens.len() > 500,
            "{}: {} tokens",
            path.display(),
            doc.tokens.len()
        );
        assert!(!doc.entities.is_empty());
        n += 1;
    }
    assert_eq!(n, 5);
}

#[test]
fn traditional_entities_are_reported_in_the_original_script() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../corpus/001_6935bd13527f7fd9.txt"),
    )
    .unwrap();
    let doc = pipeline().annotate("001", &text).unwrap().document;
    assert!(doc.paragraphs.iter().any(|p| p.lang == "zh-Hant"));
    // 廣州市 is found through its simplified form and reported as written
    let e = doc
        .entities
        .iter()
        .find(|e| e.norm == "广州市")
        .expect("广州市 tagged");
    assert_eq!(e.text, "廣州市");
    assert_eq!(&text[e.span.range()], "廣州市");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_text_keeps_the_contract(text in "(\\PC|[\\u{4e00}-\\u{4fff}]{1,6}|[ \\n,.。，“”\"]|[a-zA-Z0-9]{1,5}|\\u{20000}){0,60}") {
        let doc = pipeline().annotate("p", &text).unwrap().document;
        check_contract(&doc);
    }
}
