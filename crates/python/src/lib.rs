//! The `zhen` Python package's native module, `zhen._zhen`: PyO3 bindings
//! of the zhen facade crate. The Python part (exceptions, the pandas and
//! spaCy bridges, type stubs) is in `python/zhen/`; the tests are the
//! pytest suite in `tests/`, run against the installed wheel.
//!
//! Contract: every offset given to Python is a char (code point) offset
//! into the original text — a Python `str` index, the numbers of the CLI's
//! JSONL; every error is a `zhen.ZhenError` with the CLI's message; no Rust
//! panic unwinds into Python (each entry point runs under
//! `errors::guard`); Rust work runs with the interpreter released.
#![deny(missing_docs)]

mod convert;
mod corpus;
mod doc;
mod errors;
mod pipeline;

use std::path::PathBuf;

use pyo3::prelude::*;

use crate::errors::{failure, guard};

/// mimalloc for the Rust side, as in the `zhen` binary: an annotated
/// document is hundreds of thousands of small strings, and glibc's
/// malloc/free were about 9 % of `nlp.pipe` in perf. Only this module's
/// Rust allocations use it (Python objects keep CPython's allocator; no
/// memory is freed across the boundary: Python copies what it is given).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Reads a text file as ``zhen`` reads its inputs: UTF-8 with or without
/// BOM, UTF-16 with BOM, else GBK/GB18030/Big5 detected (``encoding``
/// forces one: ``"gbk"``, ``"big5"``, ``"utf-8"``, …). Undecodable bytes
/// raise ``DecodeError`` naming the line and byte offset, unless ``lossy``
/// replaces them with U+FFFD.
#[pyfunction]
#[pyo3(signature = (path, encoding = None, lossy = false))]
fn read_text(
    py: Python<'_>,
    path: PathBuf,
    encoding: Option<&str>,
    lossy: bool,
) -> PyResult<String> {
    py.detach(|| {
        guard(|| {
            let fail = |e: zhen::input::InputError| failure(&e.into());
            let encoding = match encoding {
                Some(l) => Some(zhen::input::DecodeOptions::encoding_for_label(l).map_err(fail)?),
                None => None,
            };
            let opts = zhen::input::DecodeOptions { encoding, lossy };
            zhen::input::read_file(&path, opts)
                .map(|(d, _)| d.text)
                .map_err(fail)
        })
    })
    .map_err(|f| f.into_pyerr(py))
}

/// `Doc.__reduce__`'s rebuilder.
#[pyfunction]
fn _doc_from_json(py: Python<'_>, line: &str) -> PyResult<doc::Doc> {
    doc::Doc::parse(py, line)
}

/// The native module.
#[pymodule]
fn _zhen(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<pipeline::Pipeline>()?;
    m.add_class::<pipeline::Pipe>()?;
    m.add_class::<doc::Doc>()?;
    m.add_class::<doc::Token>()?;
    m.add_class::<doc::Entity>()?;
    m.add_class::<doc::Sentence>()?;
    m.add_class::<doc::Paragraph>()?;
    m.add_class::<convert::Converter>()?;
    m.add_function(wrap_pyfunction!(convert::convert, m)?)?;
    m.add_function(wrap_pyfunction!(read_text, m)?)?;
    m.add_function(wrap_pyfunction!(corpus::annotate_corpus, m)?)?;
    m.add_function(wrap_pyfunction!(corpus::_evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(_doc_from_json, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
