//! Contract tests: write → read → write is byte-identical for every format,
//! and every written offset slices the original text to the written surface.

mod common;

use common::fixtures;
use zhen_core::Document;
use zhen_export::{
    brat, conll, conllu, csv, jsonl, ConllOptions, ConlluOptions, CsvOptions, Join, ReadOptions,
    Scheme,
};

fn conll_of(docs: &[Document], opts: &ConllOptions) -> String {
    let mut out = Vec::new();
    for d in docs {
        conll::write(&mut out, d, opts).unwrap();
    }
    String::from_utf8(out).unwrap()
}

fn conllu_of(docs: &[Document]) -> String {
    let mut out = Vec::new();
    for d in docs {
        conllu::write(&mut out, d, &ConlluOptions::default()).unwrap();
    }
    String::from_utf8(out).unwrap()
}

fn jsonl_of(docs: &[Document]) -> String {
    let mut out = Vec::new();
    for d in docs {
        jsonl::write(&mut out, d).unwrap();
    }
    String::from_utf8(out).unwrap()
}

fn doccano_of(docs: &[Document]) -> String {
    let mut out = Vec::new();
    for d in docs {
        jsonl::write_doccano(&mut out, d).unwrap();
    }
    String::from_utf8(out).unwrap()
}

fn tokens_of(docs: &[Document], opts: &CsvOptions) -> String {
    let mut t = csv::TokenTable::new(Vec::new(), opts).unwrap();
    for d in docs {
        t.add(d).unwrap();
    }
    String::from_utf8(t.finish().unwrap()).unwrap()
}

#[test]
fn conll_round_trips_in_every_scheme_and_layout() {
    let docs = fixtures::all();
    for scheme in [Scheme::Iob1, Scheme::Iob2, Scheme::Bioes] {
        for char_level in [false, true] {
            let opts = ConllOptions { scheme, char_level };
            let first = conll_of(&docs, &opts);
            let join = if char_level { Join::None } else { Join::Auto };
            let back = conll::read_str(&first, "x.conll", &ReadOptions { join }).unwrap();
            assert_eq!(back.len(), docs.len(), "{opts:?}");
            for d in &back {
                d.validate().unwrap();
            }
            assert_eq!(conll_of(&back, &opts), first, "{opts:?}");
        }
    }
}

#[test]
fn conll_word_level_keeps_texts_and_entities() {
    let docs = fixtures::all();
    let back = conll::read_str(
        &conll_of(&docs, &ConllOptions::default()),
        "x",
        &ReadOptions::default(),
    )
    .unwrap();
    // Chinese joins without spaces, so the simplified document comes back
    // as its sentences on lines (the blank line between paragraphs is lost)
    assert_eq!(
        back[0].text,
        "王小明在北京大学见到了张学友。\n他说：“我爱上海！”"
    );
    assert_eq!(back[2].text, "I do n't think the U.S. Army will pay -3 dollars or =SUM(1) .\nJohn Smith lives in New York .");
    let ents = |d: &Document| {
        d.entities
            .iter()
            .map(|e| format!("{}:{}", e.label, e.text))
            .collect::<Vec<_>>()
    };
    assert_eq!(ents(&back[0]), ents(&docs[0]));
    assert_eq!(ents(&back[2]), ents(&docs[2]));
    // the entity 北京市 cut the token 市长: it comes back as the whole token
    assert_eq!(
        ents(&back[4]),
        ["ORG:北京大学", "LOC:北京市长", "LOC:New_York"]
    );
    assert_eq!(back[5].text, "");
}

#[test]
fn conllu_round_trips_and_keeps_offsets() {
    let docs = fixtures::all();
    let first = conllu_of(&docs);
    let back = conllu::read_str(&first, "x.conllu").unwrap();
    // the empty document writes no sentence
    assert_eq!(back.len(), docs.len() - 1);
    for (b, d) in back.iter().zip(&docs) {
        b.validate().unwrap();
        assert_eq!(b.id, d.id);
        let spans = |d: &Document| d.tokens.iter().map(|t| t.span).collect::<Vec<_>>();
        assert_eq!(spans(b), spans(d), "{}", d.id);
        let ents = |d: &Document| {
            d.entities
                .iter()
                .map(|e| (e.span, e.label.clone()))
                .collect::<Vec<_>>()
        };
        if d.id != "newline" {
            assert_eq!(ents(b), ents(d), "{}", d.id);
        }
    }
    assert_eq!(conllu_of(&back), first);
}

#[test]
fn conllu_offsets_slice_the_original_text() {
    for d in fixtures::all() {
        let chars: Vec<char> = d.text.chars().collect();
        let out = conllu_of(std::slice::from_ref(&d));
        for line in out.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 10);
            let get = |k: &str| -> usize {
                cols[9]
                    .split('|')
                    .find_map(|i| i.strip_prefix(k))
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            let (s, e) = (get("start_char="), get("end_char="));
            let surface: String = chars[s..e]
                .iter()
                .map(|&c| if c == ' ' { '\u{a0}' } else { c })
                .collect();
            assert_eq!(surface, cols[1]);
        }
    }
}

#[test]
fn jsonl_round_trips_to_equal_documents() {
    let docs = fixtures::all();
    let first = jsonl_of(&docs);
    let back = jsonl::read_str(&first, "x.jsonl").unwrap();
    assert_eq!(back, docs);
    assert_eq!(jsonl_of(&back), first);
}

#[test]
fn jsonl_offsets_are_code_points_of_the_original() {
    for d in fixtures::all() {
        let line = jsonl_of(std::slice::from_ref(&d));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        let chars: Vec<char> = v["text"].as_str().unwrap().chars().collect();
        for list in ["tokens", "entities"] {
            for item in v[list].as_array().unwrap() {
                let (s, e) = (
                    item["start"].as_u64().unwrap() as usize,
                    item["end"].as_u64().unwrap() as usize,
                );
                let slice: String = chars[s..e].iter().collect();
                assert_eq!(slice, item["text"].as_str().unwrap());
            }
        }
    }
    let v: serde_json::Value = serde_json::from_str(&jsonl_of(&[fixtures::zh_hant()])).unwrap();
    assert_eq!(v["tokens"][0]["norm"], "台湾");
    assert_eq!(v["lang"], "zh-Hant");
    assert_eq!(v["script"], "Hant");
}

#[test]
fn doccano_round_trips() {
    let docs = fixtures::all();
    let first = doccano_of(&docs);
    let back = jsonl::read_doccano_str(&first, "d.jsonl").unwrap();
    for (b, d) in back.iter().zip(&docs) {
        assert_eq!(b.text, d.text);
        let ents = |d: &Document| {
            d.entities
                .iter()
                .map(|e| (e.span, e.label.clone(), e.text.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ents(b), ents(d));
    }
    assert_eq!(doccano_of(&back), first);
}

#[test]
fn brat_round_trips_with_the_same_entities() {
    let dir = tempfile::tempdir().unwrap();
    for d in fixtures::all() {
        let (txt, ann) = brat::write_files(dir.path(), &d).unwrap();
        assert_eq!(std::fs::read_to_string(&txt).unwrap(), d.text);
        let back = brat::read_path(&ann).unwrap();
        assert_eq!(back.id, d.id);
        assert_eq!(back.text, d.text);
        let ents = |d: &Document| {
            d.entities
                .iter()
                .map(|e| (e.span, e.label.clone(), e.text.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ents(&back), ents(&d));
        let mut again = Vec::new();
        brat::write_ann(&mut again, &back).unwrap();
        assert_eq!(again, std::fs::read(&ann).unwrap());
    }
}

#[test]
fn tokens_csv_round_trips() {
    let docs = fixtures::all();
    for opts in [
        CsvOptions::default(),
        CsvOptions {
            excel: true,
            crlf: true,
            ..Default::default()
        },
        CsvOptions {
            raw_cells: true,
            scheme: Scheme::Bioes,
            ..Default::default()
        },
    ] {
        let first = tokens_of(&docs, &opts);
        let back = csv::read_tokens_str(&first, "tokens.csv", &opts).unwrap();
        // the empty document has no rows
        assert_eq!(back.len(), docs.len() - 1);
        for (b, d) in back.iter().zip(&docs) {
            b.validate().unwrap();
            assert_eq!(b.id, d.id);
            assert_eq!(
                b.tokens
                    .iter()
                    .map(|t| (&t.text, &t.norm, &t.pos))
                    .collect::<Vec<_>>(),
                d.tokens
                    .iter()
                    .map(|t| (&t.text, &t.norm, &t.pos))
                    .collect::<Vec<_>>()
            );
        }
        assert_eq!(tokens_of(&back, &opts), first, "{opts:?}");
    }
}

#[test]
fn invalid_documents_are_refused_by_every_writer() {
    let mut d = fixtures::zh_hans();
    d.tokens[0].span.end += 1; // inside 小
    let mut sink = Vec::new();
    let msg = conll::write(&mut sink, &d, &ConllOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(msg, "document \"zh-hans\" cannot be exported: token 0 span 0..10 does not fit a text of 77 bytes (or is not on char boundaries)");
    assert!(conllu::write(&mut sink, &d, &ConlluOptions::default()).is_err());
    assert!(jsonl::write(&mut sink, &d).is_err());
    assert!(jsonl::write_doccano(&mut sink, &d).is_err());
    assert!(brat::write_ann(&mut sink, &d).is_err());
    assert!(csv::write_tokens(Vec::new(), &d, &CsvOptions::default()).is_err());
    assert!(sink.is_empty());
    let mut d = fixtures::zh_hans();
    d.tokens[3].sentence = 1;
    assert_eq!(
        jsonl::write(&mut sink, &d).unwrap_err().to_string(),
        "document \"zh-hans\" cannot be exported: token 4 belongs to sentence 0 after a token of sentence 1; tokens must be in sentence order"
    );
}
