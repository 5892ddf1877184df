//! The error type of zhen-ner.

use std::path::PathBuf;

/// Errors of zhen-ner.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file or stream failed.
    #[error("{}: {source}", path.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "<stream>".into()))]
    Io {
        /// The file, when known.
        path: Option<PathBuf>,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A malformed line in a BIO file.
    #[error("{}:{line}: {message}", path.display())]
    Bio {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What was wrong and what was expected.
        message: String,
    },
    /// A malformed line in a gazetteer CSV.
    #[error("{}:{line}: {message}", path.display())]
    Gazetteer {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What was wrong and what was expected.
        message: String,
    },
    /// A stream that is not a zhen NER model, or a model of another format version.
    #[error("not a zhen NER model: {0}")]
    BadModel(String),
    /// A model with word features was asked to tag sentences without their
    /// words and without a segmenter to cut them.
    #[error("model {model} uses word features: pass the words of each sentence or a segmenter (TagOptions::segmenter, TrainOptions::segmenter)")]
    NoSegmenter {
        /// The model's id.
        model: String,
    },
    /// A model file whose bytes fail a check of its format: a length, a
    /// section, a table size or the checksum.
    #[error("{}corrupt NER model at byte {offset}: {message}", path.as_ref().map(|p| format!("{}: ", p.display())).unwrap_or_default())]
    CorruptModel {
        /// The file, when known.
        path: Option<PathBuf>,
        /// Where in the file the check failed.
        offset: u64,
        /// What was wrong.
        message: String,
    },
    /// Training could not start (no data, unknown language, …).
    #[error("cannot train: {0}")]
    Train(String),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: Option<&std::path::Path>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.map(|p| p.to_path_buf()),
            source,
        }
    }
}
