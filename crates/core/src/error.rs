//! The error type of zhen-core.

/// Errors of zhen-core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An edit was out of order, out of bounds or not on char boundaries.
    #[error("invalid edit {start}..{end} of a text of {len} bytes: out of order, out of bounds or not on char boundaries")]
    InvalidEdit {
        /// Start of the edit's range.
        start: usize,
        /// End of the edit's range.
        end: usize,
        /// Length of the current text.
        len: usize,
    },
    /// A text of 4 GiB or more.
    #[error("text of {len} bytes is too large: zhen handles texts below 4 GiB; split the file")]
    TooLarge {
        /// Length in bytes.
        len: usize,
    },
    /// A span that does not fit the text it is supposed to point into.
    #[error("{what} span {start}..{end} does not fit a text of {len} bytes (or is not on char boundaries)")]
    BadSpan {
        /// What the span belongs to (e.g. "token 3").
        what: String,
        /// Start byte.
        start: usize,
        /// End byte.
        end: usize,
        /// Length of the text.
        len: usize,
    },
    /// A span whose recorded surface differs from the text it covers.
    #[error("{what} says {recorded:?} but the text at {start}..{end} is {actual:?}")]
    SurfaceMismatch {
        /// What the span belongs to.
        what: String,
        /// Start byte.
        start: usize,
        /// End byte.
        end: usize,
        /// The recorded surface.
        recorded: String,
        /// The text actually covered.
        actual: String,
    },
    /// An unknown entity label or script name.
    #[error("unknown {what} {value:?}")]
    Unknown {
        /// What was parsed ("label", "script").
        what: &'static str,
        /// The offending value.
        value: String,
    },
}

/// Result with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
