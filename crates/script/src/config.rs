//! OpenCC config files (`Config.cpp`) and the loading of their dictionaries.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::dict::{self, Dict};
use crate::matcher::{Leaf, Matcher, Policy, Tree};
use crate::{Error, Result};

/// A dictionary reference of a config.
#[derive(Clone, Debug)]
pub(crate) enum DictSpec {
    /// A dictionary file, by stem (`STPhrases` for `STPhrases.ocd2`).
    File { stem: String, tofu: bool },
    /// An `inline` dictionary.
    Inline(Arc<Dict>),
    /// A `group` of dictionaries.
    Group {
        policy: Policy,
        tofu: bool,
        dicts: Vec<DictSpec>,
    },
}

/// A parsed config: normalization chain, optional mmseg segmentation, and
/// the conversion chain.
#[derive(Clone, Debug)]
pub(crate) struct ConfigSpec {
    pub name: Option<String>,
    pub normalization: Vec<DictSpec>,
    pub segmentation: Option<DictSpec>,
    pub chain: Vec<DictSpec>,
}

/// Removes `//` and `/* */` comments and trailing commas outside strings:
/// OpenCC parses configs with rapidjson's comment and trailing-comma flags,
/// and its testcases.json has trailing commas.
pub(crate) fn lenient_json(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut last = 0; // start of the pending copy
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == b'"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => {
                in_str = true;
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                out.push_str(&text[last..i]);
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                last = i;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                out.push_str(&text[last..i]);
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(b.len());
                last = i;
            }
            b',' => {
                let mut j = i + 1;
                while j < b.len() && (b[j] as char).is_ascii_whitespace() {
                    j += 1;
                }
                if matches!(b.get(j), Some(b'}') | Some(b']')) {
                    out.push_str(&text[last..i]);
                    last = i + 1;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out.push_str(&text[last.min(text.len())..]);
    out
}

impl ConfigSpec {
    /// Parses a config JSON (`label` names it in errors).
    pub fn parse(json: &str, label: &Path) -> Result<ConfigSpec> {
        let err = |message: String| Error::Config {
            path: label.to_path_buf(),
            message,
        };
        let doc: Value = serde_json::from_str(&lenient_json(json))
            .map_err(|e| err(format!("not valid JSON: {e}")))?;
        let Value::Object(obj) = &doc else {
            return Err(err("the root of a config must be an object".into()));
        };
        let name = obj.get("name").and_then(Value::as_str).map(String::from);
        let chain_of = |key: &str| -> Result<Vec<DictSpec>> {
            let Some(v) = obj.get(key) else {
                return Ok(Vec::new());
            };
            let Value::Array(items) = v else {
                return Err(err(format!("property must be an array: {key}")));
            };
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                // OpenCC silently skips non-object elements here.
                let Value::Object(o) = item else { continue };
                let Some(d) = o.get("dict") else {
                    return Err(err(format!(
                        "{key}[{i}]: required property not found: dict"
                    )));
                };
                out.push(parse_dict(d, label, &format!("{key}[{i}].dict"))?);
            }
            Ok(out)
        };
        if !obj.contains_key("conversion_chain") {
            return Err(err("required property not found: conversion_chain".into()));
        }
        let chain = chain_of("conversion_chain")?;
        let normalization = chain_of("normalization")?;
        let segmentation = match obj.get("segmentation") {
            None => None,
            Some(Value::Object(seg)) => {
                let ty = seg.get("type").and_then(Value::as_str).ok_or_else(|| {
                    err("segmentation: required string property not found: type".into())
                })?;
                if ty != "mmseg" {
                    return Err(err(format!(
                        "segmentation type {ty:?} is not supported: only \"mmseg\" (OpenCC plugins are not)"
                    )));
                }
                let d = seg
                    .get("dict")
                    .ok_or_else(|| err("segmentation: required property not found: dict".into()))?;
                Some(parse_dict(d, label, "segmentation.dict")?)
            }
            Some(_) => return Err(err("property must be an object: segmentation".into())),
        };
        Ok(ConfigSpec {
            name,
            normalization,
            segmentation,
            chain,
        })
    }
}

fn parse_dict(v: &Value, label: &Path, at: &str) -> Result<DictSpec> {
    let err = |message: String| Error::Config {
        path: label.to_path_buf(),
        message: format!("{at}: {message}"),
    };
    let Value::Object(o) = v else {
        return Err(err("a dictionary must be an object".into()));
    };
    let ty = o
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| err("required string property not found: type".into()))?;
    if ty == "inline" {
        if o.contains_key("may_output_tofu") {
            return Err(err(
                "inline dictionary does not support may_output_tofu".into()
            ));
        }
        let Some(Value::Object(entries)) = o.get("entries") else {
            return Err(err(
                "inline dictionary needs an object property: entries".into()
            ));
        };
        let mut lines = Vec::new();
        for (k, v) in entries {
            let Some(v) = v.as_str().filter(|v| !v.is_empty()) else {
                return Err(err(format!(
                    "inline dictionary value must be a non-empty string: {k}"
                )));
            };
            if k.is_empty() {
                return Err(err(
                    "inline dictionary key must be a non-empty string".into()
                ));
            }
            lines.push(dict::Entry {
                key: k.clone(),
                values: vec![v.to_string()],
            });
        }
        return Ok(DictSpec::Inline(Arc::new(Dict::from_entries(
            PathBuf::from(format!("{}#{at}", label.display())),
            lines,
        ))));
    }
    let tofu = match o.get("may_output_tofu") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(err("property must be a bool: may_output_tofu".into())),
    };
    if ty == "group" {
        let policy = match o.get("match_policy") {
            None => Policy::ShortCircuit,
            Some(Value::String(s)) if s == "short_circuit" => Policy::ShortCircuit,
            Some(Value::String(s)) if s == "union" => Policy::Union,
            Some(other) => {
                return Err(err(format!(
                    "unknown match_policy {other}: expected \"short_circuit\" or \"union\""
                )))
            }
        };
        let Some(Value::Array(items)) = o.get("dicts") else {
            return Err(err("group needs an array property: dicts".into()));
        };
        let dicts = items
            .iter()
            .enumerate()
            .map(|(i, d)| parse_dict(d, label, &format!("{at}.dicts[{i}]")))
            .collect::<Result<Vec<_>>>()?;
        return Ok(DictSpec::Group {
            policy,
            tofu,
            dicts,
        });
    }
    let file = o
        .get("file")
        .and_then(Value::as_str)
        .ok_or_else(|| err("required string property not found: file".into()))?;
    let stem = match ty {
        "ocd2" | "ocd" | "text" => file
            .strip_suffix(".ocd2")
            .or_else(|| file.strip_suffix(".ocd"))
            .or_else(|| file.strip_suffix(".txt"))
            .unwrap_or(file),
        _ => {
            return Err(err(format!(
                "unknown dictionary type {ty:?}: expected ocd2, ocd, text, group or inline"
            )))
        }
    };
    Ok(DictSpec::File {
        stem: stem.to_string(),
        tofu,
    })
}

/// Where dictionary texts come from.
pub(crate) trait Source: Send {
    /// The text of dictionary `stem` (`STPhrases`), with a label for
    /// messages, or `None` if there is no such file.
    fn dict_text(&self, stem: &str) -> Result<Option<(Cow<'static, str>, PathBuf)>>;
}

/// Dictionaries in directories, as `<stem>.txt`.
pub(crate) struct DirSource {
    pub dirs: Vec<PathBuf>,
}

impl Source for DirSource {
    fn dict_text(&self, stem: &str) -> Result<Option<(Cow<'static, str>, PathBuf)>> {
        for d in &self.dirs {
            let p = d.join(format!("{stem}.txt"));
            if p.is_file() {
                let text = std::fs::read_to_string(&p).map_err(|source| Error::Io {
                    path: p.clone(),
                    source,
                })?;
                return Ok(Some((Cow::Owned(text), p)));
            }
        }
        Ok(None)
    }
}

/// Loads dictionaries from a [`Source`], generating the ones OpenCC builds,
/// and caches parsed dictionaries and built automata.
pub(crate) struct Loader {
    source: Box<dyn Source>,
    dicts: HashMap<String, Arc<Dict>>,
    leaves: HashMap<Vec<String>, Arc<Leaf>>,
    matchers: HashMap<String, Arc<Matcher>>,
}

impl Loader {
    pub fn new(source: Box<dyn Source>) -> Loader {
        Loader {
            source,
            dicts: HashMap::new(),
            leaves: HashMap::new(),
            matchers: HashMap::new(),
        }
    }

    /// Dictionary `stem`: its file if there is one, else generated as
    /// OpenCC's build generates it.
    pub fn dict(&mut self, stem: &str) -> Result<Arc<Dict>> {
        if let Some(d) = self.dicts.get(stem) {
            return Ok(d.clone());
        }
        let d = match self.source.dict_text(stem)? {
            Some((text, label)) => Dict::parse(&text, &label)?,
            None => self.generate(stem)?,
        };
        let d = Arc::new(d);
        self.dicts.insert(stem.to_string(), d.clone());
        Ok(d)
    }

    fn source_text(&self, stem: &str, for_: &str) -> Result<(Cow<'static, str>, PathBuf)> {
        self.source.dict_text(stem)?.ok_or_else(|| Error::Generate {
            name: for_.to_string(),
            message: format!("its source {stem}.txt was not found"),
        })
    }

    fn generate(&mut self, stem: &str) -> Result<Dict> {
        match stem {
            "TSCharactersExt" => {
                let (text, _) = self.source_text("TSCharacters", stem)?;
                dict::extract_tofu_risk(&text, stem)
            }
            "TWVariantsRev" | "HKVariantsRev" | "JPShinjitaiCharactersRev" => {
                let src = stem.strip_suffix("Rev").expect("matched");
                let (text, label) = self.source_text(src, stem)?;
                dict::reverse(&text, &label, stem)
            }
            "STPhrases_GeneratedFromRegionalPhrases" => {
                let hk = self.source_text("HKPhrases", stem)?;
                let tw = self.source_text("TWPhrases", stem)?;
                // The build converts the keys with data/config/t2s.json and
                // the tofu-risk dictionaries.
                let t2s = ConfigSpec::parse(
                    include_str!("../data/config/t2s.json"),
                    Path::new("t2s.json"),
                )?;
                let conv = crate::convert::Pipeline::build(&t2s, self, true)?;
                dict::st_phrases_from_regional(
                    &[(&hk.0, &hk.1), (&tw.0, &tw.1)],
                    &|s| conv.convert(s),
                    stem,
                )
            }
            _ => Err(Error::Generate {
                name: stem.to_string(),
                message: format!(
                    "{stem}.txt was not found, and it is not one of the dictionaries OpenCC \
                     generates ({}); OpenCC's binary .ocd/.ocd2 files cannot be read, give the .txt",
                    dict::GENERATED.map(|g| g.0).join(", ")
                ),
            }),
        }
    }

    /// Builds the matcher of a dictionary spec; `None` when everything in it
    /// is a tofu-risk dictionary left out (OpenCC then drops the step).
    pub fn matcher(&mut self, spec: &DictSpec, include_tofu: bool) -> Result<Option<Arc<Matcher>>> {
        let mut leaves = Vec::new();
        let mut names = Vec::new();
        let Some(tree) = self.tree(spec, include_tofu, &mut leaves, &mut names)? else {
            return Ok(None);
        };
        let sig = signature(&tree, &names);
        if let Some(m) = self.matchers.get(&sig) {
            return Ok(Some(m.clone()));
        }
        let m = Arc::new(Matcher::compile(&leaves, &tree, &sig)?);
        self.matchers.insert(sig, m.clone());
        Ok(Some(m))
    }

    fn tree(
        &mut self,
        spec: &DictSpec,
        include_tofu: bool,
        leaves: &mut Vec<Arc<Leaf>>,
        names: &mut Vec<String>,
    ) -> Result<Option<Tree>> {
        match spec {
            DictSpec::File { tofu: true, .. } | DictSpec::Group { tofu: true, .. }
                if !include_tofu =>
            {
                Ok(None)
            }
            DictSpec::File { .. } | DictSpec::Inline(_) => {
                let mut group = Vec::new();
                self.flat_union(spec, include_tofu, &mut group)?;
                Ok(Some(self.leaf(group, leaves, names)))
            }
            DictSpec::Group { policy, dicts, .. } => {
                // A tree of unions over plain dictionaries is one merged
                // dictionary (OpenCC's CanFlattenAsUnion).
                if self.flattens(spec, include_tofu) {
                    let mut group = Vec::new();
                    self.flat_union(spec, include_tofu, &mut group)?;
                    if group.is_empty() {
                        return Ok(None);
                    }
                    return Ok(Some(self.leaf(group, leaves, names)));
                }
                let mut children = Vec::new();
                for d in dicts {
                    if let Some(t) = self.tree(d, include_tofu, leaves, names)? {
                        children.push(t);
                    }
                }
                Ok(match children.len() {
                    0 => None,
                    // OpenCC unwraps single-dictionary groups
                    1 => children.pop(),
                    _ => Some(Tree::Group(*policy, children)),
                })
            }
        }
    }

    fn flattens(&self, spec: &DictSpec, include_tofu: bool) -> bool {
        match spec {
            DictSpec::Group { tofu: true, .. } if !include_tofu => true,
            DictSpec::File { .. } | DictSpec::Inline(_) => true,
            DictSpec::Group { policy, dicts, .. } => {
                let kept: Vec<&DictSpec> = dicts
                    .iter()
                    .filter(|d| {
                        include_tofu
                            || !matches!(
                                d,
                                DictSpec::File { tofu: true, .. }
                                    | DictSpec::Group { tofu: true, .. }
                            )
                    })
                    .collect();
                (*policy == Policy::Union || kept.len() <= 1)
                    && kept.iter().all(|d| self.flattens(d, include_tofu))
            }
        }
    }

    fn flat_union(
        &mut self,
        spec: &DictSpec,
        include_tofu: bool,
        out: &mut Vec<(String, Arc<Dict>)>,
    ) -> Result<()> {
        match spec {
            DictSpec::File { tofu: true, .. } | DictSpec::Group { tofu: true, .. }
                if !include_tofu => {}
            DictSpec::File { stem, .. } => {
                let d = self.dict(stem)?;
                out.push((stem.clone(), d));
            }
            DictSpec::Inline(d) => {
                out.push((d.label.display().to_string(), d.clone()));
            }
            DictSpec::Group { dicts, .. } => {
                for d in dicts {
                    self.flat_union(d, include_tofu, out)?;
                }
            }
        }
        Ok(())
    }

    fn leaf(
        &mut self,
        group: Vec<(String, Arc<Dict>)>,
        leaves: &mut Vec<Arc<Leaf>>,
        names: &mut Vec<String>,
    ) -> Tree {
        let key: Vec<String> = group.iter().map(|(k, _)| k.clone()).collect();
        names.push(key.join("+"));
        let leaf = match self.leaves.get(&key) {
            Some(l) => l.clone(),
            None => {
                let dicts: Vec<Arc<Dict>> = group.into_iter().map(|(_, d)| d).collect();
                let l = Arc::new(Leaf::build(&dicts));
                self.leaves.insert(key, l.clone());
                l
            }
        };
        leaves.push(leaf);
        Tree::Leaf(leaves.len() - 1)
    }
}

/// A cache key for a compiled tree: its shape and dictionary names.
fn signature(tree: &Tree, names: &[String]) -> String {
    match tree {
        Tree::Leaf(i) => names[*i].clone(),
        Tree::Group(policy, children) => {
            let inner: Vec<String> = children.iter().map(|c| signature(c, names)).collect();
            let p = match policy {
                Policy::ShortCircuit => "short_circuit",
                Policy::Union => "union",
            };
            format!("{p}[{}]", inner.join(","))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_json_drops_comments_and_trailing_commas() {
        let j = "{\"a\": [1, 2,], // c\n \"b\": \"x,}\" /* d */,\n}";
        let v: Value = serde_json::from_str(&lenient_json(j)).unwrap();
        assert_eq!(v["a"][1], 2);
        assert_eq!(v["b"], "x,}");
    }

    #[test]
    fn config_errors_name_the_file() {
        let e = ConfigSpec::parse("{\"name\": 1}", Path::new("c.json")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.json: required property not found: conversion_chain"
        );
        let j = r#"{"conversion_chain": [{"dict": {"type": "group", "match_policy": "x", "dicts": []}}]}"#;
        let e = ConfigSpec::parse(j, Path::new("c.json")).unwrap_err();
        assert!(
            e.to_string()
                .contains("conversion_chain[0].dict: unknown match_policy"),
            "{e}"
        );
    }
}
