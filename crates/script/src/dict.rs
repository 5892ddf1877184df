//! OpenCC text dictionaries: parsing, and the dictionaries OpenCC 1.4.2
//! generates at build time (`data/CMakeLists.txt` of the sdist).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// One dictionary entry: a key and its candidates, the first being the one
/// OpenCC outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub key: String,
    pub values: Vec<String>,
}

/// A parsed text dictionary, sorted by key (code point order, as OpenCC's
/// `Lexicon::Sort` on UTF-8 bytes), keys unique.
#[derive(Clone, Debug)]
pub(crate) struct Dict {
    /// Where it came from, for messages and cache keys.
    pub label: PathBuf,
    pub entries: Vec<Entry>,
}

impl Dict {
    /// Parses an OpenCC text dictionary as `Lexicon::ParseLexiconFromBuffer`
    /// does: an optional UTF-8 BOM; lines split on `\n` with one trailing
    /// `\r` removed; empty lines and lines starting with `#` skipped; the key
    /// runs to the first tab, the candidates follow, separated by single
    /// spaces. Duplicate keys are an error, as in OpenCC.
    pub fn parse(text: &str, label: &Path) -> Result<Dict> {
        let err = |line: usize, message: String| Error::Dict {
            path: label.to_path_buf(),
            line,
            message,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut entries = Vec::new();
        let mut lines: Vec<usize> = Vec::new();
        for (i, line) in text.split('\n').enumerate() {
            let line_no = i + 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // OpenCC stops a line at NUL or a lone CR; such bytes never
            // belong in a dictionary.
            if line.contains(['\0', '\r']) {
                return Err(err(
                    line_no,
                    "NUL or carriage return inside a line; expected `key<TAB>value[ value…]`"
                        .into(),
                ));
            }
            let Some((key, rest)) = line.split_once('\t') else {
                return Err(err(
                    line_no,
                    format!("no tab in {line:?}; expected `key<TAB>value[ value…]`"),
                ));
            };
            if key.is_empty() {
                return Err(err(line_no, "empty key before the tab".into()));
            }
            let values = rest.split(' ').map(str::to_string).collect();
            entries.push(Entry {
                key: key.to_string(),
                values,
            });
            lines.push(line_no);
        }
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by(|&a, &b| entries[a].key.cmp(&entries[b].key).then(a.cmp(&b)));
        for w in order.windows(2) {
            if entries[w[0]].key == entries[w[1]].key {
                let (a, b) = (lines[w[0]].min(lines[w[1]]), lines[w[0]].max(lines[w[1]]));
                return Err(err(
                    b,
                    format!(
                        "duplicate key {:?} (first at line {a}); OpenCC rejects duplicated keys",
                        entries[w[0]].key
                    ),
                ));
            }
        }
        let mut slots: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
        let entries = order
            .into_iter()
            .map(|i| slots[i].take().expect("each index once"))
            .collect();
        Ok(Dict {
            label: label.to_path_buf(),
            entries,
        })
    }

    /// A dictionary from entries that may be unsorted; keys must be unique.
    pub fn from_entries(label: PathBuf, mut entries: Vec<Entry>) -> Dict {
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        Dict { label, entries }
    }
}

/// The dictionaries OpenCC 1.4.2 generates when it is built, and their inputs.
pub(crate) const GENERATED: [(&str, &str); 5] = [
    // data/scripts/extract_tofu_risk.py TSCharacters.txt
    ("TSCharactersExt", "TSCharacters"),
    // data/scripts/reverse.py
    ("TWVariantsRev", "TWVariants"),
    ("HKVariantsRev", "HKVariants"),
    ("JPShinjitaiCharactersRev", "JPShinjitaiCharacters"),
    // data/scripts/generate_st_phrases_from_regional_phrases.py
    // --input HKPhrases.txt --input TWPhrases.txt --config t2s.json
    (
        "STPhrases_GeneratedFromRegionalPhrases",
        "HKPhrases+TWPhrases",
    ),
];

/// Python's `str.strip()` emptiness test, as used by `common.py`.
fn py_blank(line: &str) -> bool {
    line.chars().all(|c| {
        c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}') // Python treats these as whitespace too
    })
}

/// `reverse.py`: swaps keys and candidates (`common.Dict.swap`), honouring
/// `# @reverse-prefer: key [preferred]` lines, then sorts by key.
pub(crate) fn reverse(text: &str, label: &Path, out: &str) -> Result<Dict> {
    let gen_err = |message: String| Error::Generate {
        name: out.to_string(),
        message,
    };
    const PREFER: &str = "# @reverse-prefer:";
    let mut prefs: Vec<(String, String)> = Vec::new();
    let mut order: Vec<String> = Vec::new();
    let mut rev: HashMap<String, Vec<String>> = HashMap::new();
    for (i, raw) in py_lines(text).enumerate() {
        let line = raw.trim_end_matches(['\r', '\n']);
        if let Some(rest) = line.strip_prefix(PREFER) {
            let fields: Vec<&str> = rest.split_whitespace().collect();
            if !(1..=2).contains(&fields.len()) {
                return Err(Error::Dict {
                    path: label.to_path_buf(),
                    line: i + 1,
                    message: format!("invalid reverse preference {line:?}"),
                });
            }
            prefs.retain(|(k, _)| k != fields[0]);
            prefs.push((fields[0].to_string(), fields[fields.len() - 1].to_string()));
        }
        if raw.starts_with('#') || py_blank(raw) {
            continue;
        }
        let Some((key, value)) = line.split_once('\t') else {
            return Err(Error::Dict {
                path: label.to_path_buf(),
                line: i + 1,
                message: format!("no tab in {line:?}; expected `key<TAB>value[ value…]`"),
            });
        };
        for v in value.split(' ') {
            match rev.get_mut(v) {
                Some(keys) => keys.push(key.to_string()),
                None => {
                    order.push(v.to_string());
                    rev.insert(v.to_string(), vec![key.to_string()]);
                }
            }
        }
    }
    for (key, preferred) in &prefs {
        let keys = rev
            .get_mut(key)
            .filter(|ks| ks.contains(preferred))
            .ok_or_else(|| {
                gen_err(format!(
                    "reverse preference {key} -> {preferred} has no matching mapping"
                ))
            })?;
        let at = keys.iter().position(|k| k == preferred).expect("checked");
        let p = keys.remove(at);
        keys.insert(0, p);
    }
    let entries = order
        .into_iter()
        .map(|k| {
            let values = rev.remove(&k).expect("every key recorded");
            Entry { key: k, values }
        })
        .collect();
    Ok(Dict::from_entries(
        PathBuf::from(format!("{out}.txt")),
        entries,
    ))
}

/// `extract_tofu_risk.py`: the mapping after each `# @tofu-risk:` line,
/// without the candidate equal to its key.
pub(crate) fn extract_tofu_risk(text: &str, out: &str) -> Result<Dict> {
    const PREFIX: &str = "# @tofu-risk:";
    let gen_err = |message: String| Error::Generate {
        name: out.to_string(),
        message,
    };
    let lines: Vec<&str> = py_lines(text).collect();
    let mut entries = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if !line.starts_with(PREFIX) {
            continue;
        }
        let Some(mapping) = lines.get(index + 1) else {
            return Err(gen_err(format!(
                "missing mapping after {PREFIX} at line {}",
                index + 1
            )));
        };
        if py_blank(mapping) || mapping.starts_with('#') {
            return Err(gen_err(format!(
                "expected mapping after {PREFIX} at line {}",
                index + 1
            )));
        }
        let mapping = mapping.strip_suffix('\n').unwrap_or(mapping);
        let Some((key, values_text)) = mapping.split_once('\t') else {
            return Err(gen_err(format!("no tab at line {}", index + 2)));
        };
        let mut values: Vec<String> = values_text.split_whitespace().map(String::from).collect();
        if values.first().map(String::as_str) == Some(key) {
            values.remove(0);
        }
        if values.is_empty() {
            return Err(gen_err(format!(
                "expected extension mapping after {PREFIX} at line {}",
                index + 1
            )));
        }
        entries.push(Entry {
            key: key.to_string(),
            values,
        });
    }
    // The script writes them in file order; OpenCC sorts on load. A key
    // tagged twice would be a duplicate key in the generated file.
    let dict = Dict::from_entries(PathBuf::from(format!("{out}.txt")), entries);
    if let Some(w) = dict.entries.windows(2).find(|w| w[0].key == w[1].key) {
        return Err(gen_err(format!("duplicate key {:?}", w[0].key)));
    }
    Ok(dict)
}

/// `generate_st_phrases_from_regional_phrases.py`: every key of the regional
/// phrase dictionaries, converted with t2s, of 3 chars or more, mapped back to
/// the first regional key it came from. `convert` is the t2s converter
/// (with the tofu-risk dictionaries, as the build uses).
pub(crate) fn st_phrases_from_regional(
    inputs: &[(&str, &Path)],
    convert: &dyn Fn(&str) -> String,
    out: &str,
) -> Result<Dict> {
    let mut order: Vec<String> = Vec::new();
    let mut collisions: HashMap<String, Vec<String>> = HashMap::new();
    for (text, label) in inputs {
        for (i, raw) in py_lines(text).enumerate() {
            if raw.starts_with('#') || py_blank(raw) {
                continue;
            }
            let line = raw.trim_end_matches(['\r', '\n']);
            let Some((key, _)) = line.split_once('\t') else {
                return Err(Error::Dict {
                    path: label.to_path_buf(),
                    line: i + 1,
                    message: format!("no tab in {line:?}; expected `key<TAB>value[ value…]`"),
                });
            };
            let converted = convert(key);
            if converted.chars().count() < 3 {
                continue;
            }
            match collisions.get_mut(&converted) {
                Some(v) => v.push(key.to_string()),
                None => {
                    order.push(converted.clone());
                    collisions.insert(converted, vec![key.to_string()]);
                }
            }
        }
    }
    let mut conflicts: Vec<String> = Vec::new();
    for (k, v) in &collisions {
        if v.iter().any(|x| x != &v[0]) {
            conflicts.push(format!("{k}: {}", v.join(" ")));
        }
    }
    if !conflicts.is_empty() {
        conflicts.sort();
        return Err(Error::Generate {
            name: out.to_string(),
            message: format!(
                "conflicting regional phrase simplified projections: {}",
                conflicts.join("; ")
            ),
        });
    }
    let entries = order
        .into_iter()
        .map(|k| {
            let first = collisions[&k][0].clone();
            Entry {
                key: k,
                values: vec![first],
            }
        })
        .collect();
    Ok(Dict::from_entries(
        PathBuf::from(format!("{out}.txt")),
        entries,
    ))
}

/// Lines as Python's file iteration yields them: split after `\n`, keeping it.
fn py_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive('\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_sorts_and_keeps_all_candidates() {
        let d = Dict::parse("# c\n\n乾\t干 乾\r\n丁\t丁\n", Path::new("x.txt")).unwrap();
        assert_eq!(d.entries.len(), 2);
        assert_eq!(d.entries[0].key, "丁");
        assert_eq!(d.entries[1].values, vec!["干", "乾"]);
    }

    #[test]
    fn parse_errors_name_file_and_line() {
        let e = Dict::parse("a\tb\nxyz\n", Path::new("d/X.txt")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "d/X.txt:2: no tab in \"xyz\"; expected `key<TAB>value[ value…]`"
        );
        let e = Dict::parse("a\tb\nc\td\na\te\n", Path::new("X.txt")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "X.txt:3: duplicate key \"a\" (first at line 1); OpenCC rejects duplicated keys"
        );
    }

    #[test]
    fn reverse_honours_preferences() {
        let src = "甲\t乙\n丙\t乙 丁\n# @reverse-prefer: 乙 丙\n";
        let d = reverse(src, Path::new("s.txt"), "R").unwrap();
        let e: Vec<_> = d
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.values.join(" ")))
            .collect();
        assert_eq!(
            e,
            vec![("丁", "丙".to_string()), ("乙", "丙 甲".to_string())]
        );
        let bad = "甲\t乙\n# @reverse-prefer: 乙 戊\n";
        assert!(reverse(bad, Path::new("s.txt"), "R").is_err());
    }

    #[test]
    fn tofu_risk_extraction_drops_identity() {
        let src = "# @tofu-risk: note\n㑮\t㑮 𫝈\n丁\t丁\n";
        let d = extract_tofu_risk(src, "E").unwrap();
        assert_eq!(d.entries.len(), 1);
        assert_eq!(d.entries[0].key, "㑮");
        assert_eq!(d.entries[0].values, vec!["𫝈"]);
    }
}
