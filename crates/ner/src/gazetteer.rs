//! User entity lists that override the tagger's predictions.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use zhen_core::{ByteRange, Bytes, Label};

use crate::{Error, Mention, Result};

/// A user entity list: surfaces with labels, applied by longest match.
///
/// ```
/// use zhen_core::{ByteRange, Label};
/// use zhen_ner::{Gazetteer, Mention};
///
/// let g = Gazetteer::from_csv_reader("surface,label\n大沥镇政府,ORG\n".as_bytes(), "g.csv".as_ref()).unwrap();
/// let s = "他在大沥镇政府工作";
/// // 大沥镇 predicted as LOC
/// let mut ents = vec![Mention { range: ByteRange::new(6, 15), label: Label::Loc }];
/// g.apply(s, &mut ents);
/// assert_eq!(ents, vec![Mention { range: ByteRange::new(6, 21), label: Label::Org }]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {
    entries: HashMap<String, Label>,
    max_len: usize,
}

impl Gazetteer {
    /// An empty gazetteer.
    pub fn new() -> Gazetteer {
        Gazetteer::default()
    }

    /// Adds (or relabels) an entry.
    pub fn insert(&mut self, surface: &str, label: Label) {
        if surface.is_empty() {
            return;
        }
        self.max_len = self.max_len.max(surface.len());
        self.entries.insert(surface.to_string(), label);
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Reads a CSV file of `surface,label` lines (UTF-8 with or without BOM;
    /// an optional `surface,label` header; fields may be double-quoted).
    pub fn from_csv(path: &Path) -> Result<Gazetteer> {
        let f = std::fs::File::open(path).map_err(|e| Error::io(Some(path), e))?;
        Gazetteer::from_csv_reader(BufReader::new(f), path)
    }

    /// Like [`Gazetteer::from_csv`] from any reader; `path` names it in errors.
    pub fn from_csv_reader(r: impl BufRead, path: &Path) -> Result<Gazetteer> {
        let mut g = Gazetteer::new();
        for (i, line) in r.lines().enumerate() {
            let line = line.map_err(|e| Error::io(Some(path), e))?;
            let line = if i == 0 {
                line.trim_start_matches('\u{feff}').to_string()
            } else {
                line
            };
            let line = line.trim_end_matches(['\r', '\n']);
            if line.trim().is_empty() {
                continue;
            }
            let bad = |message: String| Error::Gazetteer {
                path: path.to_path_buf(),
                line: i + 1,
                message,
            };
            let fields = split_csv(line).map_err(&bad)?;
            if fields.len() != 2 {
                return Err(bad(format!(
                    "expected 2 fields `surface,label`, found {} in {line:?}",
                    fields.len()
                )));
            }
            let (surface, label) = (fields[0].trim(), fields[1].trim());
            if i == 0
                && surface.eq_ignore_ascii_case("surface")
                && label.eq_ignore_ascii_case("label")
            {
                continue;
            }
            if surface.is_empty() || label.is_empty() {
                return Err(bad(format!(
                    "empty {} in {line:?}",
                    if surface.is_empty() {
                        "surface"
                    } else {
                        "label"
                    }
                )));
            }
            g.insert(surface, Label::new(label));
        }
        Ok(g)
    }

    /// Finds the entries in `sentence` (leftmost longest, not inside a
    /// word of letters or digits) and forces them into `entities`: predicted
    /// entities that overlap a match are removed. `entities` holds byte ranges
    /// of `sentence` and is left sorted.
    pub fn apply(&self, sentence: &str, entities: &mut Vec<Mention<Bytes>>) {
        if self.entries.is_empty() {
            return;
        }
        let mut found: Vec<Mention<Bytes>> = Vec::new();
        let mut i = 0;
        while i < sentence.len() {
            let mut hit = None;
            let mut end = (i + self.max_len).min(sentence.len());
            while end > i {
                if sentence.is_char_boundary(end) {
                    if let Some(l) = self.entries.get(&sentence[i..end]) {
                        if word_edges_ok(sentence, i, end) {
                            hit = Some(Mention {
                                range: ByteRange::new(i, end),
                                label: l.clone(),
                            });
                            break;
                        }
                    }
                }
                end -= 1;
            }
            match hit {
                Some(m) => {
                    i = m.range.end;
                    found.push(m);
                }
                None => {
                    i += sentence[i..].chars().next().map_or(1, |c| c.len_utf8());
                }
            }
        }
        if found.is_empty() {
            return;
        }
        entities.retain(|e| !found.iter().any(|f| e.range.overlaps(&f.range)));
        entities.extend(found);
        entities.sort_by_key(|e| e.range);
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn word_edges_ok(s: &str, a: usize, b: usize) -> bool {
    let first = s[a..b].chars().next();
    let last = s[a..b].chars().next_back();
    let before = s[..a].chars().next_back();
    let after = s[b..].chars().next();
    let left = !(first.is_some_and(is_word_char) && before.is_some_and(is_word_char));
    let right = !(last.is_some_and(is_word_char) && after.is_some_and(is_word_char));
    left && right
}

fn split_csv(line: &str) -> std::result::Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && at_start {
            quoted = true;
            at_start = false;
        } else if c == ',' {
            out.push(std::mem::take(&mut cur));
            at_start = true;
        } else {
            cur.push(c);
            at_start = false;
        }
    }
    if quoted {
        return Err(format!("unclosed quote in {line:?}"));
    }
    out.push(cur);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_line_names_line() {
        let e = Gazetteer::from_csv_reader("\u{feff}a,PER\nb\n".as_bytes(), Path::new("g.csv"))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "g.csv:2: expected 2 fields `surface,label`, found 1 in \"b\""
        );
    }

    #[test]
    fn longest_match_and_word_edges() {
        let g = Gazetteer::from_csv_reader(
            "Paris,LOC\n\"Paris, Texas\",LOC\n北京,LOC\n北京大学,ORG\n".as_bytes(),
            Path::new("g.csv"),
        )
        .unwrap();
        let m = |a, b, label| Mention {
            range: ByteRange::new(a, b),
            label,
        };
        let mut e = vec![];
        g.apply("Parisian Paris, Texas", &mut e);
        assert_eq!(e, vec![m(9, 21, Label::Loc)]);
        let mut e = vec![m(0, 3, Label::Per), m(3, 9, Label::Loc)];
        g.apply("在北京大学", &mut e);
        assert_eq!(e, vec![m(0, 3, Label::Per), m(3, 15, Label::Org)]);
    }
}
