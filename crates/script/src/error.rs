//! The error type of zhen-script.

use std::path::PathBuf;

/// Errors of zhen-script: unreadable or malformed configs and dictionaries,
/// unknown config names, and alignment errors from zhen-core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A config or dictionary file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A malformed line of a text dictionary.
    #[error("{}:{line}: {message}", path.display())]
    Dict {
        /// The dictionary (a file path, or `embedded:<name>.txt`).
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What was wrong, and what was expected.
        message: String,
    },
    /// A config that is not valid JSON or does not follow OpenCC's config format.
    #[error("{}: {message}", path.display())]
    Config {
        /// The config file (or `embedded:<name>.json`).
        path: PathBuf,
        /// What was wrong, and what was expected.
        message: String,
    },
    /// A config name that is not one of the 16 OpenCC configs.
    #[error("unknown OpenCC config {name:?}; valid names: {valid}")]
    UnknownConfig {
        /// The name given.
        name: String,
        /// The valid names, comma-separated.
        valid: String,
    },
    /// A dictionary that OpenCC generates at build time could not be generated.
    #[error("cannot generate dictionary {name}: {message}")]
    Generate {
        /// The generated dictionary (e.g. `STPhrases_GeneratedFromRegionalPhrases`).
        name: String,
        /// What went wrong.
        message: String,
    },
    /// An edit rejected by [`zhen_core::AlignedText::apply`], or a range that
    /// is out of bounds or not on char boundaries of the current text.
    #[error(transparent)]
    Core(#[from] zhen_core::Error),
}

/// Result with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
