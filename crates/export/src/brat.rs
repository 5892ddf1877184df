//! brat standoff: `<doc>.txt` (the original text, unmodified) and
//! `<doc>.ann` with one text-bound annotation per entity:
//!
//! ```text
//! T1<TAB>PER 0 3<TAB>王小明
//! ```
//!
//! Offsets are char offsets into the `.txt`. brat cannot show a span that
//! crosses a line break, so an entity containing `\n` or `\r` is written as
//! discontinuous fragments split at the line breaks (`T2<TAB>ORG 2 4;5 7<TAB>北京 大学`,
//! the fragment texts joined by a space, as brat does); line-break chars at
//! the very start or end of an entity are left out. Tabs and other control
//! chars in the annotation text are written as spaces.
//!
//! Reading takes `T` lines (other annotation kinds — relations, events,
//! attributes, notes — are skipped). Every fragment must lie in the text and
//! the annotation text must equal the covered text (fragments joined by a
//! space): otherwise the error names the `.ann` line. An entity read from
//! fragments spans from the first fragment's start to the last one's end.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use zhen_core::{CharIndex, Document, Entity, Label};

use crate::stream::Before;
use crate::util::{self, io};
use crate::{Error, Result};

fn is_newline(c: char) -> bool {
    c == '\n' || c == '\r'
}

/// The char fragments of an entity of `chars` (the text as chars).
fn fragments(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = None;
    for (i, &c) in chars.iter().enumerate().take(end).skip(start) {
        match (is_newline(c), s) {
            (false, None) => s = Some(i),
            (true, Some(a)) => {
                out.push((a, i));
                s = None;
            }
            _ => {}
        }
    }
    if let Some(a) = s {
        out.push((a, end));
    }
    if out.is_empty() {
        // an empty entity, or one of line breaks only: keep its span
        out.push((start, end));
    }
    out
}

/// The annotation text of fragments: their texts joined by a space, control
/// chars as spaces.
fn ann_text(chars: &[char], frags: &[(usize, usize)]) -> String {
    let parts: Vec<String> = frags
        .iter()
        .map(|&(s, e)| chars[s..e].iter().collect())
        .collect();
    util::one_line(&parts.join(" ")).into_owned()
}

/// Writes the `.ann` of a document (the `.txt` is `doc.text` as is).
pub fn write_ann<W: Write + ?Sized>(out: &mut W, doc: &Document) -> Result<()> {
    util::check(doc)?;
    write_ann_part(out, doc, &Before::default())
}

/// The `.ann` lines of a checked document that is a part of a whole one
/// (`before` says what came before it).
pub(crate) fn write_ann_part<W: Write + ?Sized>(
    out: &mut W,
    doc: &Document,
    before: &Before,
) -> Result<()> {
    let idx = CharIndex::new(&doc.text);
    let chars: Vec<char> = doc.text.chars().collect();
    let mut order: Vec<&Entity> = doc.entities.iter().collect();
    order.sort_by_key(|e| (e.span.start, e.span.end));
    let mut s = String::new();
    for (n, e) in order.iter().enumerate() {
        let (a, b) = idx.char_span(e.span);
        let frags = fragments(&chars, a, b);
        let offsets: Vec<String> = frags
            .iter()
            .map(|(s, e)| format!("{} {}", before.chars + s, before.chars + e))
            .collect();
        let _ = writeln!(
            s,
            "T{}\t{} {}\t{}",
            before.entities + n + 1,
            e.label.as_str(),
            offsets.join(";"),
            ann_text(&chars, &frags)
        );
    }
    out.write_all(s.as_bytes()).map_err(io)
}

/// Writes a document's `.txt` and `.ann` under `dir`, named by
/// [`document_path`](crate::document_path) from its id (`news/a.txt` →
/// `dir/news/a.txt` and `dir/news/a.ann`), creating folders as needed;
/// returns the two paths.
pub fn write_files(dir: impl AsRef<Path>, doc: &Document) -> Result<(PathBuf, PathBuf)> {
    let parts = crate::write_document(crate::Format::Brat, doc, &Default::default())?;
    let mut paths = Vec::with_capacity(2);
    for part in parts {
        let path = crate::document_path(dir.as_ref(), &doc.id, part.extension)?;
        let file_err = |action| {
            let path = path.clone();
            move |source| Error::File {
                action,
                path,
                source,
            }
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(file_err("create"))?;
        }
        std::fs::write(&path, &part.bytes).map_err(file_err("write"))?;
        paths.push(path);
    }
    let ann = paths.pop().expect("brat writes two files");
    let txt = paths.pop().expect("brat writes two files");
    Ok((txt, ann))
}

/// Builds a document from the text of a `.txt` and its `.ann`. `ann_source`
/// names the `.ann` in errors.
pub fn read_str(id: &str, text: &str, ann: &str, ann_source: &str) -> Result<Document> {
    let idx = CharIndex::new(text);
    let chars: Vec<char> = text.chars().collect();
    let mut doc = Document::new(id, text);
    for (ln, raw) in ann.split('\n').enumerate() {
        let line_no = ln + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if !line.starts_with('T') {
            continue;
        }
        let err =
            |column: usize, message: String| Error::parse(ann_source, line_no, column, message);
        let mut parts = line.splitn(3, '\t');
        let tid = parts.next().unwrap_or("");
        let (Some(mid), Some(note)) = (parts.next(), parts.next()) else {
            return Err(err(
                1,
                format!("{tid}: expected 3 TAB-separated fields: ID, \"LABEL START END\", text"),
            ));
        };
        let mid_col = tid.chars().count() + 2;
        let Some((label, offsets)) = mid.split_once(' ') else {
            return Err(err(
                mid_col,
                format!("{tid}: expected \"LABEL START END\", found {mid:?}"),
            ));
        };
        let label: Label = label
            .parse()
            .map_err(|_| err(mid_col, format!("{tid}: empty label")))?;
        let mut frags = Vec::new();
        let mut col = mid_col + label.as_str().chars().count() + 1;
        for f in offsets.split(';') {
            let nums: Vec<Option<usize>> = f.split(' ').map(|n| n.parse().ok()).collect();
            let (s, e) = match nums.as_slice() {
                [Some(s), Some(e)] => (*s, *e),
                _ => {
                    return Err(err(
                        col,
                        format!(
                            "{tid}: expected a fragment \"START END\" (char offsets), found {f:?}"
                        ),
                    ))
                }
            };
            if s > e || e > idx.char_len() {
                return Err(err(
                    col,
                    format!(
                        "{tid}: span {s} {e} is outside the text ({} chars) or ends before it starts; is the .txt the one annotated?",
                        idx.char_len()
                    ),
                ));
            }
            frags.push((s, e));
            col += f.chars().count() + 1;
        }
        let covered = ann_text(&chars, &frags);
        if covered != util::one_line(note) {
            return Err(err(
                mid_col + mid.chars().count() + 1,
                format!("{tid}: the annotation says {note:?} but the text at {offsets} is {covered:?}; fix the offsets or the annotation text"),
            ));
        }
        let (s, e) = (
            frags[0].0,
            frags.iter().map(|f| f.1).max().unwrap_or(frags[0].1),
        );
        let span = idx.byte_span(s, e).expect("checked above");
        let text = doc.text[span.range()].to_string();
        doc.entities.push(Entity {
            span,
            label,
            norm: text.clone(),
            text,
        });
    }
    doc.entities.sort_by_key(|e| (e.span.start, e.span.end));
    Ok(doc)
}

/// Reads `<path>.txt` and `<path>.ann` (give either, or the path without
/// extension); the document id is the file stem.
pub fn read_path(path: impl AsRef<Path>) -> Result<Document> {
    let path = path.as_ref();
    let base = match path.extension().and_then(|e| e.to_str()) {
        Some("txt") | Some("ann") => path.with_extension(""),
        _ => path.to_path_buf(),
    };
    let txt = base.with_extension("txt");
    let ann = base.with_extension("ann");
    let id = base
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("document");
    read_str(
        id,
        &util::read_text(&txt)?,
        &util::read_text(&ann)?,
        &ann.display().to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhen_core::Span;

    #[test]
    fn newline_inside_an_entity_gives_fragments() {
        let mut d = Document::new("d", "在北京\n大学\r\n里");
        for (s, e, l) in [(3, 16, "ORG"), (0, 3, "X")] {
            let text = d.text[s..e].to_string();
            d.entities.push(Entity {
                span: Span::new(s, e),
                label: Label::new(l),
                norm: text.clone(),
                text,
            });
        }
        let mut out = Vec::new();
        write_ann(&mut out, &d).unwrap();
        let ann = String::from_utf8(out).unwrap();
        assert_eq!(ann, "T1\tX 0 1\t在\nT2\tORG 1 3;4 6\t北京 大学\n");
        let back = read_str("d", &d.text, &ann, "d.ann").unwrap();
        assert_eq!(back.entities[1].span, Span::new(3, 16));
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = |ann: &str| {
            read_str("d", "王小明在北京", ann, "d.ann")
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e("T1\tPER 0 3\t王小明\nT2\tLOC 4 7\t北京\n"),
            "d.ann:2:8: T2: span 4 7 is outside the text (6 chars) or ends before it starts; is the .txt the one annotated?"
        );
        assert_eq!(
            e("T1\tPER 0 2\t王小明\n"),
            "d.ann:1:12: T1: the annotation says \"王小明\" but the text at 0 2 is \"王小\"; fix the offsets or the annotation text"
        );
        assert_eq!(
            e("#1\tAnnotatorNotes T1\tok\nT1\tPER 0 x\t王\n"),
            "d.ann:2:8: T1: expected a fragment \"START END\" (char offsets), found \"0 x\""
        );
        assert_eq!(e("T1 PER 0 3 王小明\n"), "d.ann:1:1: T1 PER 0 3 王小明: expected 3 TAB-separated fields: ID, \"LABEL START END\", text");
    }

    #[test]
    fn files_are_named_by_the_one_rule() {
        let dir = std::env::temp_dir().join(format!("zhen-brat-files-{}", std::process::id()));
        let mut doc = Document::new("news/a.txt", "王小明");
        let (txt, ann) = write_files(&dir, &doc).unwrap();
        assert_eq!((txt, ann), (dir.join("news/a.txt"), dir.join("news/a.ann")));
        assert_eq!(read_path(dir.join("news/a.ann")).unwrap().text, "王小明");
        doc.id = "../../etc/x".into();
        assert!(write_files(&dir, &doc).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
