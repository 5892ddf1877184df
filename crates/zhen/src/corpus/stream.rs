//! Streaming: JSON lines `{"id":…,"text":…}` in, one annotated JSON line
//! out per input line, in order (`zhen annotate --jsonl`).

use std::io::{BufRead, Write};

use serde::Deserialize;
use zhen_export::jsonl;

use super::{Failure, Progress};
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
    /// A line that cannot be annotated: the message for its error line,
    /// the line's id when it could be read, and the stream offset of a byte
    /// that is not UTF-8.
    Bad {
        message: String,
        id: Option<String>,
        byte_offset: Option<usize>,
    },
    /// The input could not be read: the stream ends here.
    Unreadable(std::io::Error),
}

/// Annotates JSON lines from `input` to `output` on `jobs` threads (0:
/// every core), in order and in parallel batches. A line that is not valid
/// input (not JSON, or not UTF-8: each line is decoded on its own), or
/// fails, becomes `{"error":"<stdin> line N…","line":N}` (with `"id"` when
/// the line has one) and is reported to
/// `progress`; the stream goes on. Fatal: `input` cannot be read (after the
/// lines before it are written) or `output` cannot be written.
pub fn annotate_jsonl(
    pipeline: &Pipeline,
    input: impl BufRead,
    mut output: impl Write,
    jobs: usize,
    progress: &mut dyn Progress,
) -> Result<StreamSummary> {
    let pool = par::pool(jobs)?;
    let mut summary = StreamSummary::default();
    // lines as bytes, with the stream offset of each: a bad byte spoils
    // only its own line
    let mut offset = 0;
    let lines = input.split(b'\n').enumerate().map(|(i, l)| {
        let at = offset;
        if let Ok(l) = &l {
            offset += l.len() + 1;
        }
        (i + 1, at, l)
    });
    let write_err = |source| Error::Io {
        path: "<stdout>".into(),
        source,
    };
    for (n, line) in par::ordered(pool.as_ref(), lines, |(n, at, l)| {
        (n, annotate_line(pipeline, n, at, l))
    }) {
        match line {
            Line::Done(bytes) => output.write_all(&bytes).map_err(write_err)?,
            Line::Bad {
                message,
                id,
                byte_offset,
            } => {
                summary.failures += 1;
                progress.failure(&Failure {
                    input: "<stdin>".into(),
                    message: message.clone(),
                    line: Some(n),
                    byte_offset,
                });
                let mut error = serde_json::json!({ "error": message, "line": n });
                if let Some(id) = id {
                    error["id"] = serde_json::Value::String(id);
                }
                let mut line = serde_json::to_vec(&error).expect("a JSON object serializes");
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
    }
    output.flush().map_err(write_err)?;
    Ok(summary)
}

#[derive(Deserialize)]
struct In {
    id: serde_json::Value,
    text: String,
}

fn id_of(input: &In) -> String {
    match &input.id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn annotate_line(pipeline: &Pipeline, n: usize, at: usize, line: std::io::Result<Vec<u8>>) -> Line {
    let bad = |message: String, id: Option<String>| Line::Bad {
        message,
        id,
        byte_offset: None,
    };
    let mut bytes = match line {
        Ok(l) => l,
        Err(e) => return Line::Unreadable(e),
    };
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    let line = match String::from_utf8(bytes) {
        Ok(l) => l,
        Err(e) => {
            let col = e.utf8_error().valid_up_to();
            // the id, if the rest of the line still parses
            let id = serde_json::from_str::<In>(&String::from_utf8_lossy(e.as_bytes()))
                .ok()
                .map(|i| id_of(&i));
            return Line::Bad {
                message: format!(
                    "<stdin> line {n}, byte {}: not UTF-8 (byte 0x{:02X}); this line is skipped, the others go on",
                    at + col,
                    e.as_bytes()[col]
                ),
                id,
                byte_offset: Some(at + col),
            };
        }
    };
    let input: In = match serde_json::from_str(&line) {
        Ok(i) => i,
        Err(e) => {
            return bad(
                format!(
                    "<stdin> line {n}, column {}: invalid JSON input: {e}; expected {{\"id\":…,\"text\":…}}",
                    e.column()
                ),
                None,
            )
        }
    };
    let id = id_of(&input);
    let doc = match pipeline.annotate(&id, &input.text) {
        Ok(a) => a.document,
        Err(e) => return bad(format!("<stdin> line {n}: {e}"), Some(id)),
    };
    let mut buf = Vec::new();
    match jsonl::write(&mut buf, &doc) {
        Ok(()) => Line::Done(buf),
        Err(e) => bad(e.to_string(), Some(id)),
    }
}
