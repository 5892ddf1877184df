//! zhen's errors as Python exceptions (the classes live in `zhen/_errors.py`
//! so they can derive from both `ZhenError` and `ValueError`/`OSError`), and
//! the guard that keeps Rust panics from crossing into Python.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

/// Which exception class an error becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `zhen.ZhenError` itself: a broken internal invariant.
    Internal,
    /// `zhen.UsageError` (ValueError): a bad argument value.
    Usage,
    /// `zhen.DecodeError` (ValueError): bytes or a str that are not text.
    Decode,
    /// `zhen.FormatError` (ValueError): a file that breaks its format.
    Format,
    /// `zhen.ModelError` (ValueError): not a (valid) zhen model.
    Model,
    /// `zhen.FileError` (OSError): a file that cannot be read or written.
    File,
}

impl Kind {
    fn class_name(self) -> &'static str {
        match self {
            Kind::Internal => "ZhenError",
            Kind::Usage => "UsageError",
            Kind::Decode => "DecodeError",
            Kind::Format => "FormatError",
            Kind::Model => "ModelError",
            Kind::File => "FileError",
        }
    }
}

/// An error on its way to Python: the message and where it happened.
#[derive(Clone, Debug)]
pub struct Failure {
    kind: Kind,
    message: String,
    path: Option<String>,
    line: Option<usize>,
    offset: Option<usize>,
    errno: Option<i32>,
}

impl Failure {
    /// A failure with only a message.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
            path: None,
            line: None,
            offset: None,
            errno: None,
        }
    }

    /// Sets the offset (a char offset for `str` input, else a byte offset).
    pub fn at_offset(mut self, offset: usize) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Sets the file the failure is about.
    pub fn at_path(mut self, path: &Path) -> Self {
        self.path = path_string(path);
        self
    }

    /// Puts `context: ` in front of the message, as the CLI does with the
    /// option an error came from.
    pub fn context(mut self, context: &str) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    /// The Python exception.
    pub fn into_pyerr(self, py: Python<'_>) -> PyErr {
        match self.build(py) {
            Ok(e) => e,
            Err(e) => e,
        }
    }

    fn build(self, py: Python<'_>) -> PyResult<PyErr> {
        static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
        let module =
            MODULE.get_or_try_init(py, || Ok::<_, PyErr>(py.import("zhen._errors")?.unbind()))?;
        let cls = module.bind(py).getattr(self.kind.class_name())?;
        let cls = cls.cast::<PyType>()?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("path", self.path)?;
        kwargs.set_item("line", self.line)?;
        kwargs.set_item("offset", self.offset)?;
        if self.kind == Kind::File {
            kwargs.set_item("errno", self.errno)?;
        }
        let value = cls.call((self.message,), Some(&kwargs))?;
        Ok(PyErr::from_value(value))
    }
}

/// The message as the CLI prints it (`{:#}`): the error and each cause
/// joined by `: `, skipping a cause the message already spells out.
pub fn message(err: &(dyn std::error::Error + 'static)) -> String {
    let mut msg = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        let s = c.to_string();
        if !msg.contains(&s) {
            msg.push_str(": ");
            msg.push_str(&s);
        }
        cause = c.source();
    }
    msg
}

fn path_string(p: &Path) -> Option<String> {
    Some(p.display().to_string())
}

fn file(err: &zhen::Error, path: Option<&Path>, source: &std::io::Error) -> Failure {
    Failure {
        kind: Kind::File,
        message: message(err),
        path: path.and_then(path_string),
        line: None,
        offset: None,
        errno: source.raw_os_error(),
    }
}

/// Classifies a zhen error and keeps its path, line and offset.
pub fn failure(err: &zhen::Error) -> Failure {
    use zhen::Error as E;
    let mut f = Failure::new(Kind::Internal, message(err));
    match err {
        E::Core(_) | E::Clean(_) => {}
        E::Usage(_) => f.kind = Kind::Usage,
        E::Io { path, source } => return file(err, Some(path), source),
        E::Output { path, cause, .. } => return file(err, Some(path), cause),
        // the cause's class and place, the setting named first
        E::Setting { setting, cause } => return failure(cause).context(setting),
        E::Input(e) => {
            use zhen::input::InputError as I;
            match e {
                I::Io { path, source } => return file(err, Some(path), source),
                I::Undecodable {
                    path, line, offset, ..
                } => {
                    f.kind = Kind::Decode;
                    f.path = path_string(path);
                    f.line = Some(*line);
                    f.offset = Some(*offset);
                }
                I::Binary { path, offset, .. } => {
                    f.kind = Kind::Decode;
                    f.path = path_string(path);
                    f.offset = Some(*offset);
                }
                I::UnknownEncoding(_) => f.kind = Kind::Usage,
                _ => {}
            }
        }
        E::Script(e) => {
            use zhen::script::Error as S;
            match e {
                S::Io { path, source } => return file(err, Some(path), source),
                S::Dict { path, line, .. } => {
                    f.kind = Kind::Format;
                    f.path = path_string(path);
                    f.line = Some(*line);
                }
                S::Config { path, .. } => {
                    f.kind = Kind::Format;
                    f.path = path_string(path);
                }
                S::UnknownConfig { .. } => f.kind = Kind::Usage,
                _ => {}
            }
        }
        E::Tokenize(e) => {
            use zhen::tokenize::Error as T;
            match e {
                T::UserDict { line, .. } => {
                    f.kind = Kind::Format;
                    f.line = Some(*line);
                }
                T::Data { path, line, .. } => {
                    f.kind = Kind::Format;
                    f.path = Some(path.clone());
                    f.line = Some(*line);
                }
                T::Model { .. } | T::NoModel => f.kind = Kind::Model,
                T::Io(source) => return file(err, None, source),
                _ => {}
            }
        }
        E::Ner(e) => {
            use zhen::ner::Error as N;
            match e {
                N::Io { path, source } => return file(err, path.as_deref(), source),
                N::Bio { path, line, .. } | N::Gazetteer { path, line, .. } => {
                    f.kind = Kind::Format;
                    f.path = path_string(path);
                    f.line = Some(*line);
                }
                N::BadModel(_) => f.kind = Kind::Model,
                N::CorruptModel { path, offset, .. } => {
                    f.kind = Kind::Model;
                    f.path = path.as_deref().and_then(path_string);
                    f.offset = usize::try_from(*offset).ok();
                }
                N::NoSegmenter { .. } => f.kind = Kind::Model,
                N::Train(_) => f.kind = Kind::Usage,
                _ => {}
            }
        }
        E::Export(e) => return export_failure(e),
        _ => {}
    }
    f
}

/// Classifies an export (reader/writer) error.
pub fn export_failure(err: &zhen::export::Error) -> Failure {
    use zhen::export::Error as X;
    let mut f = Failure::new(Kind::Internal, message(err));
    match err {
        X::Parse { file, line, .. } => {
            f.kind = Kind::Format;
            f.path = Some(file.clone());
            f.line = Some(*line);
        }
        X::File { path, source, .. } => {
            f.kind = Kind::File;
            f.path = path_string(path);
            f.errno = source.raw_os_error();
        }
        X::Write(source) => {
            f.kind = Kind::File;
            f.errno = source.raw_os_error();
        }
        X::Unknown { .. } => f.kind = Kind::Usage,
        _ => {}
    }
    f
}

/// Runs `f` (usually with the interpreter detached), turning a Rust panic
/// into `zhen.ZhenError` instead of letting it unwind into Python.
pub fn guard<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".to_string());
            Err(Failure::new(
                Kind::Internal,
                format!("internal error (a bug in zhen, please report it with the input): {what}"),
            ))
        }
    }
}
