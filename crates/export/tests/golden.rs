//! Golden files: every writer on one Chinese and one English document (and the
//! HTML view on traditional Chinese too, plus the corpus report),
//! compared byte for byte with `tests/golden/`. Regenerate with
//! `ZHEN_UPDATE_GOLDEN=1 cargo test -p zhen-export --test golden` and review the diff.

mod common;

use std::path::PathBuf;

use common::fixtures;
use zhen_core::Document;
use zhen_export::{
    brat, conll, conllu, csv, jsonl, ConllOptions, ConlluOptions, CsvOptions, EntityCounter, Scheme,
};

fn check(name: &str, actual: &[u8]) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("ZHEN_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with ZHEN_UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "{} differs from the output:\n--- expected\n{}\n--- actual\n{}\n(ZHEN_UPDATE_GOLDEN=1 regenerates)",
            path.display(),
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual)
        );
    }
}

fn all_writers(stem: &str, doc: &Document) {
    let mut out = Vec::new();
    conll::write(&mut out, doc, &ConllOptions::default()).unwrap();
    check(&format!("{stem}.conll"), &out);
    let mut out = Vec::new();
    conll::write(
        &mut out,
        doc,
        &ConllOptions {
            scheme: Scheme::Bioes,
            char_level: true,
        },
    )
    .unwrap();
    check(&format!("{stem}.char.bioes.conll"), &out);
    let mut out = Vec::new();
    conllu::write(&mut out, doc, &ConlluOptions::default()).unwrap();
    check(&format!("{stem}.conllu"), &out);
    let mut out = Vec::new();
    jsonl::write(&mut out, doc).unwrap();
    check(&format!("{stem}.jsonl"), &out);
    let mut out = Vec::new();
    jsonl::write_doccano(&mut out, doc).unwrap();
    check(&format!("{stem}.doccano.jsonl"), &out);
    let mut out = Vec::new();
    brat::write_ann(&mut out, doc).unwrap();
    check(&format!("{stem}.ann"), &out);
    check(&format!("{stem}.txt"), doc.text.as_bytes());
    let opts = CsvOptions::default();
    check(
        &format!("{stem}.tokens.csv"),
        &csv::write_tokens(Vec::new(), doc, &opts).unwrap(),
    );
    check(
        &format!("{stem}.entities.csv"),
        &csv::write_entities(Vec::new(), doc, &opts).unwrap(),
    );
}

#[test]
fn chinese() {
    all_writers("zh", &fixtures::zh_hans());
}

#[test]
fn english() {
    all_writers("en", &fixtures::en());
}

#[test]
fn newline_inside_an_entity() {
    all_writers("newline", &fixtures::newline());
}

#[test]
fn corpus_entity_counts() {
    let mut c = EntityCounter::new();
    for d in fixtures::all() {
        c.add(&d);
    }
    check(
        "entity_counts.csv",
        &c.write(Vec::new(), &CsvOptions::default()).unwrap(),
    );
    let excel = CsvOptions {
        excel: true,
        ..Default::default()
    };
    check(
        "entity_counts.excel.csv",
        &c.write(Vec::new(), &excel).unwrap(),
    );
}

fn html_view(stem: &str, doc: &Document) {
    use zhen_export::html::{self, HtmlOptions, Link};
    let opts = HtmlOptions {
        links: vec![
            Link::new("jsonl", format!("{stem}.jsonl")),
            Link::new("conllu", format!("{stem}.conllu")),
        ],
        index: Some("index.html".into()),
    };
    let mut out = Vec::new();
    html::write(&mut out, doc, &opts).unwrap();
    check(&format!("{stem}.html"), &out);
}

#[test]
fn html_simplified() {
    html_view("zh", &fixtures::zh_hans());
}

#[test]
fn html_traditional() {
    html_view("zh-hant", &fixtures::zh_hant());
}

#[test]
fn html_english() {
    html_view("en", &fixtures::en());
}

#[test]
fn html_entity_across_a_repaired_line_break() {
    html_view("newline", &fixtures::newline());
}

#[test]
fn html_corpus_report() {
    use zhen_export::html::Link;
    use zhen_export::report::Report;
    let mut r = Report::new();
    for d in fixtures::all() {
        let view = format!("{}.html", d.id);
        r.add(&d, &view);
    }
    r.add_failure("broken.txt", "broken.txt:3: not UTF-8 at byte 17");
    r.add_file(Link::new("entities.csv", "entities.csv"));
    check("index.html", &r.write(Vec::new()).unwrap());
}
