//! Streaming: JSON lines `{"id":…,"text":…}` in, one annotated JSON line
//! out per input line, in order (`zhen annotate --jsonl`).
//!
//! A text over [`PART_BYTES`] is annotated a part at a time
//! ([`crate::parts`], as `zhen annotate` does with a large file) and its
//! JSON line is written to an unnamed temporary file, copied to the output
//! in its turn: memory is bounded by the line's text and the part, not by
//! its annotations (a JSON line carries about 20 bytes per byte of text).

use std::fs::File;
use std::io::{BufRead, BufWriter, Seek, Write};

use zhen_export::{jsonl, DocWriter, Format, WriteOptions};

use super::{Failure, Progress};
use crate::input::{DecodeOptions, InputError, LineDecoder};
use crate::parts::PART_BYTES;
use crate::{par, Error, Pipeline, Result};

/// What a stream did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamSummary {
    /// Lines read (and written).
    pub lines: usize,
    /// Lines that could not be annotated (written as `{"error":…}`).
    pub failures: usize,
}

/// One input line's outcome.
enum Line {
    /// The annotated document's JSON line.
    Done(Vec<u8>),
    /// A large document's JSON line, in an unnamed temporary file.
    DoneFile(File),
    /// A line that cannot be annotated: the message, the byte offset when
    /// known, and the line's id when it has one.
    Bad {
        message: String,
        byte_offset: Option<usize>,
        id: Option<serde_json::Value>,
    },
    /// The input could not be read: the stream ends here.
    Unreadable(std::io::Error),
}

/// Annotates JSON lines from `input` to `output` on `jobs` threads (0:
/// every core), in order and in parallel batches. Each line is decoded on
/// its own ([`LineDecoder`]: UTF-8 unless `decode` forces an encoding;
/// `lossy` replaces bad bytes), so a bad byte fails its line only. A line
/// that is not valid input, or fails, becomes
/// `{"error":"<stdin> line N…","line":N}` (with the line's `"id"` when it
/// can be read) and is reported to `progress`; the stream goes on: one
/// output line per input line. Fatal: `decode` names an encoding that is
/// not line-based (UTF-16), `input` cannot be read (after the lines before
/// it are written), `output` cannot be written, or `progress` cancelled the
/// stream (after the lines before are written).
pub fn annotate_jsonl(
    pipeline: &Pipeline,
    input: impl BufRead,
    output: impl Write,
    decode: DecodeOptions,
    jobs: usize,
    progress: &mut dyn Progress,
) -> Result<StreamSummary> {
    stream(pipeline, input, output, decode, jobs, progress, PART_BYTES)
}

/// [`annotate_jsonl`] with texts over `part_bytes` annotated in parts.
fn stream(
    pipeline: &Pipeline,
    mut input: impl BufRead,
    mut output: impl Write,
    decode: DecodeOptions,
    jobs: usize,
    progress: &mut dyn Progress,
    part_bytes: usize,
) -> Result<StreamSummary> {
    let pool = par::pool(jobs)?;
    let mut decoder = LineDecoder::new("<stdin>", decode)?;
    let mut summary = StreamSummary::default();
    let mut failed = false;
    // raw lines, decoded in order (the decoder counts lines and offsets)
    let lines = std::iter::from_fn(|| {
        if failed {
            return None;
        }
        let mut raw = Vec::new();
        match input.read_until(b'\n', &mut raw) {
            Ok(0) => None,
            Ok(_) => {
                let decoded = decoder.decode(&raw).map(|d| d.text);
                Some((decoder.line(), Ok((decoded, raw))))
            }
            Err(e) => {
                failed = true;
                Some((decoder.line() + 1, Err(e)))
            }
        }
    });
    let write_err = |source| Error::Io {
        path: "<stdout>".into(),
        source,
    };
    let consume = |(n, line): (usize, Line)| -> Result<()> {
        match line {
            Line::Done(bytes) => output.write_all(&bytes).map_err(write_err)?,
            Line::DoneFile(mut file) => {
                file.rewind()
                    .and_then(|()| std::io::copy(&mut file, &mut output))
                    .map_err(write_err)?;
            }
            Line::Bad {
                message,
                byte_offset,
                id,
            } => {
                summary.failures += 1;
                progress.failure(&Failure {
                    input: "<stdin>".into(),
                    message: message.clone(),
                    line: Some(n),
                    byte_offset,
                });
                let mut err = serde_json::json!({ "error": message, "line": n });
                if let Some(id) = id {
                    err["id"] = id;
                }
                let mut line = serde_json::to_vec(&err).expect("a JSON object serializes");
                line.push(b'\n');
                output.write_all(&line).map_err(write_err)?;
            }
            Line::Unreadable(source) => {
                output.flush().map_err(write_err)?;
                return Err(Error::Io {
                    path: "<stdin>".into(),
                    source,
                });
            }
        }
        summary.lines += 1;
        if progress.cancelled() {
            output.flush().map_err(write_err)?;
            return Err(Error::Cancelled {
                documents: summary.lines,
            });
        }
        Ok(())
    };
    par::ordered_each(
        pool.as_ref(),
        lines,
        |(n, l)| (n, annotate_line(pipeline, n, l, part_bytes)),
        consume,
    )?;
    output.flush().map_err(write_err)?;
    Ok(summary)
}

/// A line read: its decoded text (or why it is not text) and its bytes.
type RawLine = std::io::Result<(std::result::Result<String, InputError>, Vec<u8>)>;

/// The `id` of a line that is a JSON object, read even when the line has
/// bad bytes (they become U+FFFD) or its `text` is wrong.
fn id_of(raw: &[u8]) -> Option<serde_json::Value> {
    let text = String::from_utf8_lossy(raw);
    let value: serde_json::Value = serde_json::from_str(text.trim_end()).ok()?;
    value.get("id").cloned()
}

fn annotate_line(pipeline: &Pipeline, n: usize, line: RawLine, part_bytes: usize) -> Line {
    let (decoded, raw) = match line {
        Ok(l) => l,
        Err(e) => return Line::Unreadable(e),
    };
    let line = match decoded {
        Ok(text) => {
            drop(raw);
            text
        }
        Err(e) => {
            let byte_offset = match &e {
                InputError::Undecodable { offset, .. } => Some(*offset),
                _ => None,
            };
            return Line::Bad {
                message: e.to_string(),
                byte_offset,
                id: id_of(&raw),
            };
        }
    };
    let bad = |message: String, id: Option<serde_json::Value>| Line::Bad {
        message,
        byte_offset: None,
        id,
    };
    const EXPECTED: &str = "expected {\"id\":…,\"text\":\"…\"}";
    let value: serde_json::Value = match serde_json::from_str(&line) {
        Ok(v) => v,
        Err(e) => {
            return bad(
                format!(
                    "<stdin> line {n}, column {}: invalid JSON input: {e}; {EXPECTED}",
                    e.column()
                ),
                None,
            )
        }
    };
    drop(line);
    let Some(object) = value.as_object() else {
        return bad(
            format!("<stdin> line {n}: a JSON object is needed; {EXPECTED}"),
            None,
        );
    };
    let id_value = object.get("id").cloned();
    let (Some(id), Some(text)) = (&id_value, object.get("text")) else {
        let missing = if id_value.is_none() { "id" } else { "text" };
        return bad(
            format!("<stdin> line {n}: no \"{missing}\"; {EXPECTED}"),
            id_value,
        );
    };
    let Some(text) = text.as_str() else {
        return bad(
            format!("<stdin> line {n}: \"text\" must be a string; {EXPECTED}"),
            id_value,
        );
    };
    let id = match id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.len() > part_bytes {
        return match annotate_large(pipeline, &id, text, part_bytes) {
            Ok(file) => Line::DoneFile(file),
            Err(e) => bad(format!("<stdin> line {n}: {e}"), id_value),
        };
    }
    let doc = match pipeline.annotate(&id, text) {
        Ok(a) => a.document,
        Err(e) => return bad(format!("<stdin> line {n}: {e}"), id_value),
    };
    let mut buf = Vec::new();
    match jsonl::write(&mut buf, &doc) {
        Ok(()) => Line::Done(buf),
        Err(e) => bad(format!("<stdin> line {n}: {e}"), id_value),
    }
}

/// A text over `max` bytes: its JSON line, annotated and written a part at
/// a time to an unnamed temporary file (removed by the system when it is
/// closed, even if the process is killed).
fn annotate_large(pipeline: &Pipeline, id: &str, text: &str, max: usize) -> Result<File> {
    let temp = |source| Error::Io {
        path: std::env::temp_dir(),
        source,
    };
    let mut writer = DocWriter::new(id, &WriteOptions::default());
    writer.spool(Box::new(tempfile::tempfile().map_err(temp)?));
    let out = BufWriter::with_capacity(1 << 16, tempfile::tempfile().map_err(temp)?);
    writer.add(Format::Jsonl, vec![out])?;
    crate::parts::annotate_into(pipeline, id, text, max, &mut writer)?;
    let done = writer.finish()?;
    let out = done
        .outputs
        .into_iter()
        .flat_map(|(_, outs)| outs)
        .next()
        .expect("one JSONL output");
    out.into_inner().map_err(|e| temp(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line over the part size is annotated in parts and its JSON line
    /// is what the small lines' is: one line, the whole text, in its place.
    #[test]
    fn large_lines_are_annotated_in_parts_in_order() {
        let pipeline = Pipeline::builder().build().unwrap();
        let big = "崔现忠前往罗定市新民村。李四在上海工作。".repeat(6);
        let input = format!(
            "{}\n{}\n{}\n",
            serde_json::json!({"id": "a", "text": "王小明在北京工作。"}),
            serde_json::json!({"id": "big", "text": big}),
            serde_json::json!({"id": 3, "text": "李四在上海工作。"}),
        );
        let run = |max| {
            let mut out = Vec::new();
            let summary = stream(
                &pipeline,
                input.as_bytes(),
                &mut out,
                DecodeOptions::default(),
                2,
                &mut (),
                max,
            )
            .unwrap();
            assert_eq!(summary.lines, 3);
            assert_eq!(summary.failures, 0);
            String::from_utf8(out).unwrap()
        };
        let parts = run(100);
        let whole = run(PART_BYTES);
        let docs = jsonl::read_str(&parts, "out.jsonl").unwrap();
        assert_eq!(parts.lines().count(), 3);
        assert_eq!(
            docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            ["a", "big", "3"]
        );
        assert_eq!(docs[1].text, big);
        let shanghai = docs[1].entities.iter().filter(|e| e.text == "上海").count();
        assert_eq!(shanghai, 6, "{:?}", docs[1].entities);
        // the small lines are the same either way, the big one has the
        // same sentences and tokens as when annotated whole
        let whole_docs = jsonl::read_str(&whole, "out.jsonl").unwrap();
        assert_eq!(docs[0], whole_docs[0]);
        assert_eq!(docs[2], whole_docs[2]);
        assert_eq!(docs[1].sentences.len(), whole_docs[1].sentences.len());
        assert_eq!(docs[1].tokens, whole_docs[1].tokens);
    }
}
