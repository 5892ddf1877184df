//! Script detection on the corpus: 001 is traditional, the others simplified.
#![cfg(feature = "embed")]

use std::path::Path;

use zhen_core::Script;
use zhen_script::{detect_script, script_counts, Config, Converter};

fn corpus() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn corpus_documents_are_detected() {
    let docs = corpus();
    assert_eq!(docs.len(), 5);
    for (name, text) in &docs {
        let expected = if name.starts_with("001") {
            Script::Hant
        } else {
            Script::Hans
        };
        let c = script_counts(text);
        assert_eq!(detect_script(text), expected, "{name}: {c:?}");
        // decisively, not near the threshold
        let (major, minor) = if expected == Script::Hans {
            (c.hans, c.hant)
        } else {
            (c.hant, c.hans)
        };
        assert!(major > 100 && minor * 20 <= major, "{name}: {c:?}");
    }
}

#[test]
fn conversion_flips_the_detected_script() {
    let t2s = Converter::new(Config::T2s).unwrap();
    let s2t = Converter::new(Config::S2t).unwrap();
    for (name, text) in corpus() {
        match detect_script(&text) {
            Script::Hant => assert_eq!(detect_script(&t2s.convert(&text)), Script::Hans, "{name}"),
            Script::Hans => assert_eq!(detect_script(&s2t.convert(&text)), Script::Hant, "{name}"),
            other => panic!("{name}: {other}"),
        }
    }
}

#[test]
fn mixed_and_none() {
    let docs = corpus();
    let hans = &docs[0].1;
    let hant = &docs[1].1;
    let both = format!("{hans}{hant}");
    let c = script_counts(&both);
    assert_eq!(detect_script(&both), Script::Mixed, "{c:?}");
    assert_eq!(detect_script("Hello, 中文 2024"), Script::None);
    assert_eq!(detect_script(""), Script::None);
}
