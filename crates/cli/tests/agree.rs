//! One fact, one value: every document's language, script and counts are
//! the same in its JSONL, in the manifest, and in the CSV tables
//! (issue 16: JSONL said `Mixed` where the manifest said the majority script).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn jsonl_manifest_and_csv_agree_on_every_document() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir(&input).unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    for f in fs::read_dir(&corpus).unwrap() {
        let f = f.unwrap().path();
        fs::copy(&f, input.join(f.file_name().unwrap())).unwrap();
    }
    // a simplified document with one traditional paragraph, and an English
    // one whose dateline and score lines are too short to identify: where
    // the JSONL used to say Mixed / und and the manifest Hans / en
    fs::write(
        input.join("mixed.txt"),
        "东莞市选派干部驻镇帮扶，推动乡村振兴工作取得新进展。\n\n\
         崔現忠前往羅定市新民村。\n\n\
         大沥镇结合自身经验与丰富资源，打造产业发展新模式。\n",
    )
    .unwrap();
    fs::write(
        input.join("english.txt"),
        "BRUSSELS 1996-08-22\n\n\
         The European Commission said on Thursday it disagreed with German advice.\n\n\
         Japan 2 Syria 1\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let st = Command::cargo_bin("zhen")
        .unwrap()
        .args(["annotate"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let manifest: Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let entity_rows = csv_rows(&out.join("entities.csv"));
    let docs = manifest["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 7);
    for rec in docs {
        let id = rec["id"].as_str().unwrap();
        assert_eq!(rec["status"], "ok", "{id}");
        let stem = id.strip_suffix(".txt").unwrap();
        let doc: Value =
            serde_json::from_slice(&fs::read(out.join(format!("{stem}.jsonl"))).unwrap()).unwrap();
        let counts = &rec["counts"];
        let n = |v: &Value| v.as_array().unwrap().len() as u64;
        // language and script
        assert_eq!(rec["lang"], doc["lang"], "{id}: lang");
        assert_eq!(rec["script"], doc["script"], "{id}: script");
        // counts
        let chars = doc["text"].as_str().unwrap().chars().count() as u64;
        assert_eq!(counts["chars"], chars, "{id}: chars");
        assert_eq!(
            counts["paragraphs"],
            n(&doc["paragraphs"]),
            "{id}: paragraphs"
        );
        assert_eq!(counts["sentences"], n(&doc["sentences"]), "{id}: sentences");
        assert_eq!(counts["tokens"], n(&doc["tokens"]), "{id}: tokens");
        assert_eq!(counts["entities"], n(&doc["entities"]), "{id}: entities");
        let tokens_csv = csv_rows(&out.join(format!("{stem}.csv")));
        assert_eq!(
            counts["tokens"],
            tokens_csv.len() as u64,
            "{id}: tokens.csv rows"
        );
        let mine: Vec<_> = entity_rows.iter().filter(|r| r["doc"] == id).collect();
        assert_eq!(
            counts["entities"],
            mine.len() as u64,
            "{id}: entities.csv rows"
        );
        let mut labels: BTreeMap<String, u64> = BTreeMap::new();
        for e in doc["entities"].as_array().unwrap() {
            *labels
                .entry(e["label"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        for (label, k) in &labels {
            assert_eq!(counts[format!("entities_{label}")], *k, "{id}: {label}");
            let in_csv = mine.iter().filter(|r| &r["label"] == label).count() as u64;
            assert_eq!(in_csv, *k, "{id}: {label} in entities.csv");
        }
    }
    // the majority rule, where the two used to disagree
    let get = |id: &str| docs.iter().find(|d| d["id"] == id).unwrap();
    assert_eq!(get("mixed.txt")["script"], "Hans");
    assert_eq!(get("mixed.txt")["lang"], "zh-Hans");
    assert_eq!(get("english.txt")["lang"], "en");
    assert_eq!(get("english.txt")["script"], "None");
    assert_eq!(get("001_6935bd13527f7fd9.txt")["lang"], "zh-Hant");
}
