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
    /// A line that cannot be annotated: the message for its error line.
    Bad(String),
    /// The input could not be read: the stream ends here.
    Unreadable(std::io::Error),
}

/// Annotates JSON lines from `input` to `output` on `jobs` threads (0:
/// every core), in order and in parallel batches. A line that is not valid
/// input, or fails, becomes `{"error":"<stdin> line N…"}` and is reported to
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
    let lines = input.lines().enumerate().map(|(i, l)| (i + 1, l));
    let write_err = |source| Error::Io {
        path: "<stdout>".into(),
        source,
    };
    for (n, line) in par::ordered(pool.as_ref(), lines, |(n, l)| {
        (n, annotate_line(pipeline, n, l))
    }) {
        match line {
            Line::Done(bytes) => output.write_all(&bytes).map_err(write_err)?,
            Line::Bad(message) => {
                summary.failures += 1;
                progress.failure(&Failure {
                    input: "<stdin>".into(),
                    message: message.clone(),
                    line: Some(n),
                    byte_offset: None,
                });
                let mut line = serde_json::to_vec(&serde_json::json!({ "error": message }))
                    .expect("a JSON object serializes");
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

fn annotate_line(pipeline: &Pipeline, n: usize, line: std::io::Result<String>) -> Line {
    #[derive(Deserialize)]
    struct In {
        id: serde_json::Value,
        text: String,
    }
    let line = match line {
        Ok(l) => l,
        Err(e) => return Line::Unreadable(e),
    };
    let input: In = match serde_json::from_str(&line) {
        Ok(i) => i,
        Err(e) => {
            return Line::Bad(format!(
                "<stdin> line {n}, column {}: invalid JSON input: {e}; expected {{\"id\":…,\"text\":…}}",
                e.column()
            ))
        }
    };
    let id = match &input.id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let doc = match pipeline.annotate(&id, &input.text) {
        Ok(a) => a.document,
        Err(e) => return Line::Bad(format!("<stdin> line {n}: {e}")),
    };
    let mut buf = Vec::new();
    match jsonl::write(&mut buf, &doc) {
        Ok(()) => Line::Done(buf),
        Err(e) => Line::Bad(e.to_string()),
    }
}
