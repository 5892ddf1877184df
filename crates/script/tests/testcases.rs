//! OpenCC 1.4.2's own conversion test cases (`test/testcases/testcases.json`,
//! vendored as `data/testcases.json`): every input under every config listed.
#![cfg(feature = "embed")]

use std::collections::BTreeMap;

use zhen_core::AlignedText;
use zhen_script::{Config, Converter};

/// The JSON has trailing commas (OpenCC parses it with rapidjson's flag).
fn strip_trailing_commas(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut in_str = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_str {
            out.push(c);
            if c == '\\' {
                out.push(chars[i + 1]);
                i += 1;
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '"' {
            in_str = true;
            out.push(c);
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if !matches!(next, Some('}') | Some(']')) {
                out.push(c);
            }
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

#[test]
fn every_opencc_testcase_passes() {
    let raw = include_str!("../data/testcases.json");
    let doc: serde_json::Value = serde_json::from_str(&strip_trailing_commas(raw)).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    let mut converters = BTreeMap::new();
    let mut pairs = 0;
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let input = case["input"].as_str().unwrap();
        for (name, expected) in case["expected"].as_object().unwrap() {
            let config: Config = name.parse().unwrap();
            let conv = converters
                .entry(config)
                .or_insert_with(|| Converter::new(config).unwrap());
            let expected = expected.as_str().unwrap();
            pairs += 1;
            let got = conv.convert(input);
            if got != expected {
                failures.push(format!(
                    "{id} {name}: {input:?}\n  got      {got:?}\n  expected {expected:?}"
                ));
            }
            let mut aligned = AlignedText::new(input);
            conv.convert_aligned(&mut aligned).unwrap();
            if aligned.current() != expected {
                failures.push(format!(
                    "{id} {name} (aligned): got {:?}",
                    aligned.current()
                ));
            }
        }
    }
    assert_eq!(cases.len(), 243);
    assert_eq!(pairs, 556, "OpenCC 1.4.2 has 556 input-config pairs");
    assert!(
        failures.is_empty(),
        "{} of {pairs} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
