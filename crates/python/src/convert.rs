//! `zhen.convert` and `zhen.Converter`: OpenCC 1.4.2 conversion.

use pyo3::prelude::*;
use pyo3::types::PyString;
use zhen::script::{Config, Converter as RustConverter};

use crate::errors::{failure, guard, Failure};
use crate::pipeline::text_of_str;

fn load(config: &str) -> Result<RustConverter, Failure> {
    let err = |e: zhen::script::Error| failure(&zhen::Error::from(e));
    match config.parse::<Config>() {
        Ok(c) => RustConverter::new(c).map_err(err),
        // not one of the 16 names: an OpenCC config file, if there is one
        Err(e) => {
            let path = std::path::Path::new(config);
            if path.is_file() {
                RustConverter::from_config_file(path).map_err(err)
            } else {
                Err(err(e))
            }
        }
    }
}

/// An OpenCC converter: byte-identical to OpenCC 1.4.2 (its algorithm and
/// dictionaries), built once per config and process.
///
/// Args:
///     config: one of OpenCC's configs ``s2t t2s s2tw tw2s s2twp tw2sp s2hk
///         hk2s s2hkp hk2sp t2tw tw2t t2hk hk2t t2jp jp2t`` (``"t2s.json"``
///         works too), or the path of an OpenCC config file.
///
/// Raises:
///     UsageError: an unknown config name.
///
/// Example::
///
///     >>> zhen.Converter("s2twp").convert("鼠标和软件")
///     '滑鼠和軟體'
#[pyclass(frozen, module = "zhen", name = "Converter")]
pub struct Converter {
    inner: RustConverter,
    config: String,
}

#[pymethods]
impl Converter {
    #[new]
    fn new(py: Python<'_>, config: &str) -> PyResult<Self> {
        let inner = py
            .detach(|| guard(|| load(config)))
            .map_err(|f| f.into_pyerr(py))?;
        Ok(Converter {
            inner,
            config: config.to_string(),
        })
    }

    /// Converts ``text``.
    fn convert(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<String> {
        let text = text_of_str(text, "text")?;
        let inner = &self.inner;
        py.detach(|| guard(|| Ok(inner.convert(&text))))
            .map_err(|f| f.into_pyerr(py))
    }

    /// The config it was made from.
    #[getter]
    fn config(&self) -> &str {
        &self.config
    }

    fn __reduce__(&self, py: Python<'_>) -> PyResult<(Py<PyAny>, (String,))> {
        let cls = py.get_type::<Converter>().into_any().unbind();
        Ok((cls, (self.config.clone(),)))
    }

    fn __repr__(&self) -> String {
        format!("zhen.Converter({:?})", self.config)
    }
}

/// Converts ``text`` with an OpenCC config (``"t2s"``, ``"s2twp"``, …): the
/// same as ``zhen.Converter(config).convert(text)``; converters are cached.
///
/// Example::
///
///     >>> zhen.convert("頭髮乾燥", "t2s")
///     '头发干燥'
#[pyfunction]
pub fn convert(py: Python<'_>, text: &Bound<'_, PyString>, config: &str) -> PyResult<String> {
    let text = text_of_str(text, "text")?;
    py.detach(|| guard(|| load(config).map(|c| c.convert(&text))))
        .map_err(|f| f.into_pyerr(py))
}
