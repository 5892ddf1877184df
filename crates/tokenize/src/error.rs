//! The error type of zhen-tokenize.

/// Errors of zhen-tokenize.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A line of a jieba user dictionary that is not `word [freq] [tag]`.
    #[error("user dictionary line {line}: {what}: {content:?} (expected `word [freq] [tag]`)")]
    UserDict {
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        what: String,
        /// The offending line.
        content: String,
    },
    /// A POS model file that cannot be read.
    #[error("POS model line {line}: {what}")]
    Model {
        /// 1-based line number of the model text (0 for the binary header).
        line: usize,
        /// What was wrong.
        what: String,
    },
    /// A training or evaluation file that cannot be read.
    #[error("{path} line {line}: {what}")]
    Data {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        what: String,
    },
    /// The crate was built without the `embed` feature and no model was given.
    #[error("no English POS model: build with the `embed` feature or use Tokenizer::with_tagger")]
    NoModel,
    /// An I/O error.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// Result with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
