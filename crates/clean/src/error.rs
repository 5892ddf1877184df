//! The error type of zhen-clean.

/// Errors of zhen-clean.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An edit was rejected by [`zhen_core::AlignedText::apply`] (a bug in a
    /// cleaner: edits out of order or off char boundaries), or the text grew
    /// past 4 GiB.
    #[error("cleaning step {step:?} failed: {source}")]
    Core {
        /// The step that produced the edits ("ocr-space", "joined-line", …).
        step: &'static str,
        /// The underlying error.
        #[source]
        source: zhen_core::Error,
    },
}

impl Error {
    /// The underlying [`zhen_core::Error`], for callers that speak core errors
    /// only (the [`zhen_core::Normalizer`] trait).
    pub fn into_core(self) -> zhen_core::Error {
        match self {
            Error::Core { source, .. } => source,
        }
    }
}

/// Result with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
