//! Streaming: JSON lines `{"id":…,"text":…}` in, one annotated JSON line
//! out per input line, in order (`zhen annotate --jsonl`).

use std::io::{BufRead, Write};

use zhen_export::jsonl;

use super::{Failure, Progress};
use crate::input::{DecodeOptions, InputError, LineDecoder};
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
    mut input: impl BufRead,
    mut output: impl Write,
    decode: DecodeOptions,
    jobs: usize,
    progress: &mut dyn Progress,
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
        |(n, l)| (n, annotate_line(pipeline, n, l)),
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

fn annotate_line(pipeline: &Pipeline, n: usize, line: RawLine) -> Line {
    let (decoded, raw) = match line {
        Ok(l) => l,
        Err(e) => return Line::Unreadable(e),
    };
    let line = match decoded {
        Ok(text) => text,
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
