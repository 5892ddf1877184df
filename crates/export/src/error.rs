//! The error type of zhen-export.

use std::io;
use std::path::PathBuf;

/// Errors of zhen-export.
///
/// Every parse error names the file, the 1-based line and the 1-based column
/// (counted in chars) where the problem is, and says what was expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Input that does not follow its format.
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        /// The file (or the name given for in-memory input).
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in chars (for CSV: the 1-based field number).
        column: usize,
        /// What was wrong and what was expected.
        message: String,
    },
    /// A document that breaks the offset contract, so it cannot be exported.
    #[error("document {id:?} cannot be exported: {message}")]
    InvalidDocument {
        /// The document's id.
        id: String,
        /// What is wrong with it.
        message: String,
    },
    /// A file that could not be read, created or written.
    #[error("cannot {action} {}", path.display())]
    File {
        /// "read", "create" or "write".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// Writing to the output failed (a broken pipe, a full disk).
    #[error("cannot write the output")]
    Write(#[source] io::Error),
    /// A document name that cannot name a file inside the output folder.
    #[error("document name {name:?} cannot name a file inside the output folder: it is empty or absolute, or has an empty, `.` or `..` part")]
    DocumentName {
        /// The name.
        name: String,
    },
    /// An unknown name of a format, tag scheme or join mode.
    #[error("unknown {what} {value:?}: expected one of {expected}")]
    Unknown {
        /// "format", "tag scheme" or "join mode".
        what: &'static str,
        /// The name given.
        value: String,
        /// The accepted names.
        expected: &'static str,
    },
}

/// Result with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn parse(
        file: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Error::Parse {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    pub(crate) fn from_csv(err: csv::Error, file: &str) -> Self {
        let (line, message) = match err.position() {
            Some(p) => (p.line() as usize, err.to_string()),
            None => (0, err.to_string()),
        };
        match err.into_kind() {
            csv::ErrorKind::Io(e) => Error::Write(e),
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => Error::parse(
                file,
                line,
                1,
                format!("{len} fields, but the header has {expected_len}; quote fields that contain commas"),
            ),
            _ => Error::parse(file, line, 1, message),
        }
    }
}
