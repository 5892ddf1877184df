//! Contract tests of the shipped models and the model file format.

use std::path::Path;

use zhen_core::Label;
use zhen_ner::score::score;
use zhen_ner::{read_bio, Error, NerModel};

#[test]
fn embedded_zh_finds_corpus_entities() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/000_22ba5b47bbfdc2bd.txt"),
    )
    .expect("corpus/000_22ba5b47bbfdc2bd.txt");
    let s = text
        .split('。')
        .find(|s| s.contains("罗定市") && s.contains("崔现忠"))
        .expect("a sentence with 崔现忠 and 罗定市");
    let ents = NerModel::embedded_zh().tag_chars(s);
    let has = |surface: &str, labels: &[Label]| {
        ents.iter()
            .any(|(r, l)| &s[r.clone()] == surface && labels.contains(l))
    };
    assert!(has("崔现忠", &[Label::Per]), "{s}: {ents:?}");
    assert!(has("罗定市", &[Label::Loc]), "{s}: {ents:?}");
    let s2 = text
        .split('。')
        .find(|s| s.contains("大沥镇"))
        .expect("a sentence with 大沥镇");
    let ents2 = NerModel::embedded_zh().tag_chars(s2);
    assert!(
        ents2
            .iter()
            .any(|(r, l)| matches!(&s2[r.clone()], "大沥镇" | "大沥镇政府")
                && matches!(l, Label::Loc | Label::Org)),
        "{s2}: {ents2:?}"
    );
    for (r, _) in &ents {
        assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
    }
}

#[test]
fn write_read_round_trip_predicts_the_same() {
    let m = NerModel::embedded_zh();
    let mut bytes = Vec::new();
    m.write(&mut bytes).unwrap();
    let m2 = NerModel::read(&bytes[..]).unwrap();
    assert_eq!(m2.id(), m.id());
    assert_eq!(m2.lang(), "zh");
    let s = "新华社北京三月五日电，国务院总理李鹏在人民大会堂会见了日本外务大臣。";
    assert_eq!(m.tag_chars(s), m2.tag_chars(s));
    let mut again = Vec::new();
    m2.write(&mut again).unwrap();
    assert_eq!(bytes, again);
}

#[test]
fn bad_header_is_reported() {
    let e = NerModel::read(&b"PK\x03\x04 not a model"[..]).unwrap_err();
    assert!(matches!(e, Error::BadModel(_)));
    assert_eq!(
        e.to_string(),
        "not a zhen NER model: starts with \"PK\\u{3}\\u{4} not\", expected the magic bytes \"ZHENNER\\x02\"; pass a .zner file written by zhen's NER trainer"
    );
    let e = NerModel::read(&b"ZHENNER\x09rest"[..]).unwrap_err();
    assert!(
        e.to_string().contains("format version 9 is not supported"),
        "{e}"
    );
    let mut bytes = Vec::new();
    NerModel::embedded_en().write(&mut bytes).unwrap();
    bytes.truncate(bytes.len() / 2);
    let e = NerModel::read(&bytes[..]).unwrap_err();
    assert!(e.to_string().contains("truncated"), "{e}");
}

#[test]
fn embedded_en_tags_tokens() {
    let toks = [
        "Peter",
        "Blackburn",
        "visited",
        "Brussels",
        "for",
        "the",
        "European",
        "Commission",
        ".",
    ];
    let ents = NerModel::embedded_en().tag_tokens(&toks);
    assert!(ents.contains(&(0..2, Label::Per)), "{ents:?}");
    assert!(ents.contains(&(3..4, Label::Loc)), "{ents:?}");
    assert!(ents.contains(&(6..8, Label::Org)), "{ents:?}");
}

/// Scores the embedded zh model on the first 300 sentences of MSRA test,
/// when the research data is present on this machine.
#[test]
fn msra_test_head_above_floor() {
    let path = Path::new("/work/shared/data/msra/test.bio");
    if !path.exists() {
        eprintln!(
            "note: {} not found; skipping the MSRA score check",
            path.display()
        );
        return;
    }
    let sents = read_bio(path).unwrap();
    let head = &sents[..300.min(sents.len())];
    let gold: Vec<_> = head.iter().map(|s| s.spans()).collect();
    let m = NerModel::embedded_zh();
    let pred: Vec<_> = head.iter().map(|s| m.tag_bio_tokens(&s.tokens)).collect();
    let s = score(&gold, &pred);
    eprintln!(
        "MSRA test, first {} sentences: F1 {:.4}",
        head.len(),
        s.micro.f1
    );
    assert!(
        s.micro.f1 > FLOOR,
        "F1 {} below the floor {FLOOR}",
        s.micro.f1
    );
}

/// Somewhat below the measured F1 of the shipped model on these sentences (0.939)
/// (see models/README.md).
const FLOOR: f64 = 0.88;

#[test]
fn model_is_send_and_sync_and_tags_documents() {
    fn check<T: Send + Sync>() {}
    check::<NerModel>();
    let m = NerModel::embedded_zh();
    let doc = [
        "国务院总理李鹏今天在北京会见了客人。",
        "李鹏说，中国愿意发展两国关系。",
    ];
    let out = zhen_ner::tag_document_zh(m, &doc);
    assert_eq!(out.len(), 2);
    for (s, ents) in doc.iter().zip(&out) {
        for (r, _) in ents {
            assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
        }
    }
    assert!(
        out[1]
            .iter()
            .any(|(r, l)| &doc[1][r.clone()] == "李鹏" && *l == Label::Per),
        "{out:?}"
    );
}

#[test]
fn averaging_a_model_with_itself_keeps_its_predictions() {
    let en = NerModel::embedded_en();
    let avg = NerModel::average(&[en, en]).unwrap();
    let toks = [
        "Peter",
        "Blackburn",
        "visited",
        "Brussels",
        "for",
        "the",
        "European",
        "Commission",
        ".",
    ];
    assert_eq!(avg.tag_tokens(&toks), en.tag_tokens(&toks));
    let e = NerModel::average(&[en, NerModel::embedded_zh()]).unwrap_err();
    assert!(e.to_string().contains("cannot average"), "{e}");
}

#[test]
fn embedded_en_round_trips_with_its_word_clusters() {
    let m = NerModel::embedded_en();
    assert_ne!(m.flags() & zhen_ner::flags::CLUSTERS, 0);
    assert!(m.cluster_len() > 20_000, "{}", m.cluster_len());
    let mut bytes = Vec::new();
    m.write(&mut bytes).unwrap();
    let m2 = NerModel::read(&bytes[..]).unwrap();
    let toks = [
        "Rudi",
        "Voeller",
        "left",
        "Bayer",
        "Leverkusen",
        "for",
        "Rome",
        ".",
    ];
    assert_eq!(m.tag_tokens(&toks), m2.tag_tokens(&toks));
    let mut again = Vec::new();
    m2.write(&mut again).unwrap();
    assert_eq!(bytes, again);
}
