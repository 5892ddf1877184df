//! The facade's error type: every stage's error, with where it happened.

use std::path::PathBuf;

/// Errors of the zhen facade.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Aligned-text contract violations.
    #[error(transparent)]
    Core(#[from] zhen_core::Error),
    /// OpenCC conversion tables or configs.
    #[error(transparent)]
    Script(#[from] zhen_script::Error),
    /// Cleaning.
    #[error(transparent)]
    Clean(#[from] zhen_clean::Error),
    /// Tokenizer, user dictionaries, POS model.
    #[error(transparent)]
    Tokenize(#[from] zhen_tokenize::Error),
    /// NER models, gazetteers, training data.
    #[error(transparent)]
    Ner(#[from] zhen_ner::Error),
    /// Readers and writers of annotation formats.
    #[error(transparent)]
    Export(#[from] zhen_export::Error),
    /// Reading and decoding inputs.
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
    /// A file that could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file could not be written to the output folder. (The message
    /// holds the cause, so it is not repeated as a source.)
    #[error("{}: cannot {action}: {cause}", path.display())]
    Output {
        /// "create", "write" or "rename into place".
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        cause: std::io::Error,
    },
    /// A setting's file (user dictionary, entity list, model) failed to
    /// load. (The message holds the cause.)
    #[error("{setting}: {cause}")]
    Setting {
        /// Which setting.
        setting: &'static str,
        /// What went wrong.
        cause: Box<Error>,
    },
    /// A bad option value.
    #[error("{0}")]
    Usage(String),
    /// A corpus run stopped because its
    /// [`Progress`](crate::corpus::Progress) asked it to (an interrupt).
    #[error("interrupted after {documents} documents")]
    Cancelled {
        /// The documents done (their files are written).
        documents: usize,
    },
}

/// Result with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
