//! `zhen.Pipeline`: the annotation pipeline, called on one text or streamed
//! over many with `pipe` (in parallel, in order, the interpreter released
//! while Rust works).

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyIterator, PyString, PyTuple};
use zhen::Document;

use crate::doc::Doc;
use crate::errors::{failure, guard, Failure, Kind};

/// The options a pipeline was built with (for ``repr`` and pickling).
#[derive(Clone, Debug)]
struct Options {
    convert: String,
    clean: bool,
    entities: bool,
    user_dict: Option<PathBuf>,
    entities_file: Option<PathBuf>,
    model: Option<PathBuf>,
    doc_consistency: bool,
}

/// The annotation pipeline: clean → script detection → conversion →
/// paragraphs, sentences → tokens and POS → entities, every offset in the
/// original text. Build it once and reuse it: it is safe to share between
/// threads, and calling it releases the interpreter while Rust works.
///
/// Call it on one text — ``nlp(text, id=None) -> Doc`` — or stream many
/// through :meth:`pipe`. ``text`` is a ``str``, or ``bytes`` decoded as the
/// ``zhen`` command decodes files (BOM, UTF-8, else GBK/GB18030/Big5
/// detected); ``id`` is a ``str`` or ``int`` (default ``"0"``, as the first
/// text of ``pipe``). Undecodable bytes, or a ``str`` holding a lone
/// surrogate, raise :class:`DecodeError` with the offset.
///
/// Args:
///     convert: how Chinese text is converted before segmentation and
///         tagging: ``"t2s"`` (traditional and mixed paragraphs are tagged
///         as simplified and reported in the original; ``norm`` is
///         simplified), ``"s2t"`` (the same, ``norm`` traditional) or
///         ``"none"``.
///     clean: clean scraped and OCR'd text first (OCR spaces inside
///         Chinese words, broken lines, boilerplate); offsets still point
///         into the original text.
///     entities: tag PER/LOC/ORG entities (``False``: tokens only).
///     user_dict: a jieba user dictionary file (``word [freq] [tag]`` lines).
///     entities_file: known entities to force, a CSV file of ``surface,label``.
///     model: a NER model file (from ``zhen train-ner``) replacing the
///         embedded model of its language.
///     doc_consistency: a name recognised once in a document is recognised
///         at its other mentions too.
///
/// Raises:
///     UsageError: an unknown ``convert`` value.
///     FileError: a file that cannot be read.
///     FormatError: a malformed user dictionary or entities file.
///     ModelError: a ``model`` file that is not a zhen NER model.
///
/// Example::
///
///     >>> nlp = zhen.Pipeline()
///     >>> doc = nlp("2019年5月10日，崔現忠前往羅定市新民村。", id="news-1")
///     >>> [(e.text, e.label) for e in doc.entities]
///     [('崔現忠', 'PER'), ('羅定市', 'LOC'), ('新民村', 'LOC')]
#[pyclass(frozen, module = "zhen", name = "Pipeline")]
pub struct Pipeline {
    inner: Arc<zhen::Pipeline>,
    options: Options,
}

impl Pipeline {
    /// The Rust pipeline.
    pub fn inner(&self) -> &Arc<zhen::Pipeline> {
        &self.inner
    }

    /// Whether it tags entities.
    pub fn tags_entities(&self) -> bool {
        self.options.entities
    }

    /// Its settings as the library's options (what a manifest records).
    pub fn pipeline_options(&self) -> Result<zhen::PipelineOptions, Failure> {
        self.options.library_options()
    }
}

/// Builds the pipeline as the CLI does (the library's options, so the
/// errors name the setting as the CLI does: "user dictionary: …").
fn build(o: &Options) -> Result<zhen::Pipeline, Failure> {
    let fail = |e: zhen::Error| failure(&e);
    let b = o.library_options()?.builder().map_err(fail)?;
    b.entities(o.entities)
        .build()
        .map_err(|e| match (&e, &o.user_dict) {
            // the user dictionary is parsed here; say which file
            (zhen::Error::Tokenize(zhen::tokenize::Error::UserDict { .. }), Some(p)) => fail(e)
                .context(&format!("user dictionary: {}", p.display()))
                .at_path(p),
            _ => fail(e),
        })
}

impl Options {
    /// The settings as the library's options (what a manifest records).
    fn library_options(&self) -> Result<zhen::PipelineOptions, Failure> {
        Ok(zhen::PipelineOptions {
            clean: self.clean,
            convert: self.convert.parse().map_err(|e| failure(&e))?,
            user_dict: self.user_dict.clone(),
            entities: self.entities_file.clone(),
            model: self.model.clone(),
            doc_consistency: self.doc_consistency,
        })
    }
}

/// One text to annotate: `(id, text)`.
type Input = (String, String);

/// A document id given from Python: a `str`, or an `int` written in decimal.
fn id_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return text_of_str(s, what);
    }
    if obj.is_instance_of::<pyo3::types::PyInt>() {
        return Ok(obj.str()?.to_cow()?.into_owned());
    }
    Err(PyTypeError::new_err(format!(
        "{what}: the id must be a str or an int, not {}",
        obj.get_type().name()?
    )))
}

/// A `str` as Rust text; a lone surrogate (which UTF-8 cannot hold) is a
/// `DecodeError` at its index.
pub(crate) fn text_of_str(s: &Bound<'_, PyString>, what: &str) -> PyResult<String> {
    let py = s.py();
    match s.to_cow() {
        Ok(c) => Ok(c.into_owned()),
        Err(e) => {
            let start: Option<usize> = e.value(py).getattr("start").and_then(|v| v.extract()).ok();
            let mut f = Failure::new(
                Kind::Decode,
                match start {
                    Some(i) => format!(
                        "{what}: char offset {i}: a lone surrogate cannot be encoded as UTF-8 (was the text decoded with errors=\"surrogateescape\"? decode it strictly, or pass the bytes)"
                    ),
                    None => format!("{what}: the text cannot be encoded as UTF-8: {e}"),
                },
            );
            if let Some(i) = start {
                f = f.at_offset(i);
            }
            Err(f.into_pyerr(py))
        }
    }
}

/// A text given from Python: a `str`, or `bytes` decoded as the CLI decodes
/// files (BOM, UTF-8, else GBK/GB18030/Big5 detected; undecodable bytes are
/// a `DecodeError` naming line and byte offset).
fn text_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return text_of_str(s, what);
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        let d = zhen::input::decode(what.as_ref(), b.as_bytes(), Default::default())
            .map_err(|e| failure(&e.into()).into_pyerr(obj.py()))?;
        return Ok(d.text);
    }
    Err(PyTypeError::new_err(format!(
        "{what}: expected str or bytes, not {}",
        obj.get_type().name()?
    )))
}

/// An item of `pipe`: a text, or an `(id, text)` pair.
fn item_of(obj: &Bound<'_, PyAny>, index: usize) -> PyResult<Input> {
    let what = format!("item {index}");
    if let Ok(t) = obj.cast::<PyTuple>() {
        if t.len() != 2 {
            return Err(PyTypeError::new_err(format!(
                "{what}: expected a text or an (id, text) pair, got a tuple of {}",
                t.len()
            )));
        }
        let id = id_of(&t.get_item(0)?, &what)?;
        let text = text_of(&t.get_item(1)?, &format!("item {index} ({id:?})"))?;
        return Ok((id, text));
    }
    Ok((index.to_string(), text_of(obj, &what)?))
}

/// Annotates one text; a failure names the document.
fn annotate(pipeline: &zhen::Pipeline, (id, text): &Input) -> Result<Document, Failure> {
    guard(|| {
        pipeline
            .annotate(id, text)
            .map(|a| a.document)
            .map_err(|e| failure(&e).context(&format!("document {id:?}")))
    })
}

#[pymethods]
impl Pipeline {
    #[new]
    #[pyo3(signature = (convert = "t2s", clean = true, entities = true, user_dict = None, entities_file = None, model = None, doc_consistency = true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        convert: &str,
        clean: bool,
        entities: bool,
        user_dict: Option<PathBuf>,
        entities_file: Option<PathBuf>,
        model: Option<PathBuf>,
        doc_consistency: bool,
    ) -> PyResult<Self> {
        let options = Options {
            convert: convert.to_string(),
            clean,
            entities,
            user_dict,
            entities_file,
            model,
            doc_consistency,
        };
        let inner = py
            .detach(|| guard(|| build(&options)))
            .map_err(|f| f.into_pyerr(py))?;
        Ok(Pipeline {
            inner: Arc::new(inner),
            options,
        })
    }

    /// Annotates one text and returns its :class:`Doc`.
    ///
    /// Args:
    ///     text: a ``str``, or ``bytes`` decoded as ``zhen`` decodes files
    ///         (BOM, UTF-8, else GBK/GB18030/Big5 detected).
    ///     id: the document's identifier, a ``str`` (or an ``int``);
    ///         default ``"0"``, as the first text of :meth:`pipe`.
    ///
    /// Raises:
    ///     DecodeError: undecodable ``bytes``, or a ``str`` with a lone surrogate.
    #[pyo3(signature = (text, id = None))]
    fn __call__(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Doc> {
        let id = match id {
            Some(i) => id_of(i, "id")?,
            None => "0".to_string(),
        };
        let input = (id, text_of(text, "text")?);
        let pipeline = &self.inner;
        let doc = py
            .detach(|| annotate(pipeline, &input))
            .map_err(|f| f.into_pyerr(py))?;
        Ok(Doc::new(doc))
    }

    /// Annotates a stream of texts, yielding :class:`Doc` objects in input order.
    ///
    /// Items are ``str`` (or ``bytes``) — the n-th gets the id ``str(n)`` — or
    /// ``(id, text)`` pairs. The texts are annotated with the interpreter
    /// released on ``n_threads`` worker threads (as ``zhen annotate -j N``
    /// annotates on N threads while its main thread reads and writes), which
    /// keep annotating the next ``batch_size`` items while Python handles
    /// the documents already yielded: with ``n_threads=1`` too, Python's
    /// share (``to_json()``, writing, your own code) runs beside the
    /// annotating instead of between documents. Memory is bounded by
    /// ``batch_size`` documents. The documents are the same as calling the
    /// pipeline on each text, for any ``n_threads``.
    ///
    /// Args:
    ///     texts: any iterable (a list, a generator, a file's lines, …).
    ///     n_threads: worker threads; 0 for all cores.
    ///     batch_size: items read ahead and annotated before they are asked for.
    ///
    /// A text that fails (undecodable bytes, a wrong item type) raises at its
    /// position; calling ``next()`` again goes on with the following texts.
    #[pyo3(signature = (texts, n_threads = 0, batch_size = 64))]
    fn pipe(
        &self,
        texts: &Bound<'_, PyAny>,
        n_threads: usize,
        batch_size: usize,
    ) -> PyResult<Pipe> {
        if batch_size == 0 {
            return Err(PyValueError::new_err("batch_size must be at least 1"));
        }
        let workers = match n_threads {
            0 => Workers::Global,
            n => Workers::Pool(Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| {
                        Failure::new(Kind::Internal, format!("starting {n} threads: {e}"))
                            .into_pyerr(texts.py())
                    })?,
            )),
        };
        Ok(Pipe {
            pipeline: Arc::clone(&self.inner),
            source: PyIterator::from_object(texts)?.unbind(),
            workers,
            batch: batch_size,
            queue: VecDeque::new(),
            finished: Arc::default(),
            next_index: 0,
            exhausted: false,
        })
    }

    /// The identifiers of the NER models in use: ``{"zh": …, "en": …}``.
    #[getter]
    fn model_ids(&self) -> std::collections::BTreeMap<&'static str, String> {
        let (zh, en) = self.inner.model_ids();
        [("zh", zh), ("en", en)].into()
    }

    /// The options, as a dict of the constructor's arguments.
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let o = &self.options;
        let d = pyo3::types::PyDict::new(py);
        d.set_item("convert", &o.convert)?;
        d.set_item("clean", o.clean)?;
        d.set_item("entities", o.entities)?;
        d.set_item("user_dict", &o.user_dict)?;
        d.set_item("entities_file", &o.entities_file)?;
        d.set_item("model", &o.model)?;
        d.set_item("doc_consistency", o.doc_consistency)?;
        Ok(d)
    }

    /// Pickles as its options: unpickling builds the pipeline again (in a
    /// Spark or multiprocessing worker, for instance).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let o = &slf.get().options;
        let args = (
            &o.convert,
            o.clean,
            o.entities,
            &o.user_dict,
            &o.entities_file,
            &o.model,
            o.doc_consistency,
        )
            .into_pyobject(py)?;
        PyTuple::new(py, [slf.get_type().into_any(), args.into_any()])
    }

    fn __repr__(&self) -> String {
        let o = &self.options;
        let path = |p: &Option<PathBuf>| match p {
            Some(p) => format!("{:?}", p.display().to_string()),
            None => "None".into(),
        };
        let b = |v: bool| if v { "True" } else { "False" };
        format!(
            "zhen.Pipeline(convert={:?}, clean={}, entities={}, user_dict={}, entities_file={}, model={}, doc_consistency={})",
            o.convert,
            b(o.clean),
            b(o.entities),
            path(&o.user_dict),
            path(&o.entities_file),
            path(&o.model),
            b(o.doc_consistency)
        )
    }
}

/// Where `pipe` annotates its documents: never in the calling thread, so
/// that Python's handling of the documents yielded (rendering, writing)
/// runs beside the annotating, as the `zhen annotate` main thread's writing
/// does (one worker thread at `n_threads=1`, as `-j1` has one).
enum Workers {
    /// rayon's global pool (all cores, or `RAYON_NUM_THREADS`).
    Global,
    /// A pool of its own.
    Pool(Arc<rayon::ThreadPool>),
}

impl Workers {
    /// Runs `job` on a worker thread (not the caller's).
    fn spawn(&self, job: impl FnOnce() + Send + 'static) {
        match self {
            Workers::Pool(pool) => pool.spawn(job),
            Workers::Global => rayon::spawn(job),
        }
    }
}

/// Documents annotated by the workers, by item index, until `pipe` yields them.
#[derive(Default)]
struct Finished {
    docs: Mutex<HashMap<usize, Result<Document, Failure>>>,
    arrived: Condvar,
}

impl Finished {
    fn put(&self, index: usize, doc: Result<Document, Failure>) {
        let mut docs = self.docs.lock().unwrap_or_else(PoisonError::into_inner);
        docs.insert(index, doc);
        self.arrived.notify_all();
    }

    /// Waits for item `index` (every item handed to a worker arrives:
    /// `annotate` catches panics).
    fn take(&self, index: usize) -> Result<Document, Failure> {
        let mut docs = self.docs.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(doc) = docs.remove(&index) {
                return doc;
            }
            docs = self
                .arrived
                .wait(docs)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// An item of `pipe` on its way out.
enum Slot {
    /// The item is not a text (or the source failed): raised in its place.
    Unread(PyErr),
    /// Handed to a worker; its document arrives in `Finished` under this index.
    Running(usize),
}

/// The iterator :meth:`Pipeline.pipe` returns: yields a :class:`Doc` per
/// input item, in order.
///
/// It keeps up to `batch_size` items in flight: each
/// item read is handed to the pool at once and the next document is
/// yielded as soon as it is done, so the workers never wait for a whole
/// batch to finish, nor for Python to consume one — while Python handles a
/// document the following ones are being annotated.
#[pyclass(module = "zhen")]
pub struct Pipe {
    pipeline: Arc<zhen::Pipeline>,
    source: Py<PyIterator>,
    workers: Workers,
    batch: usize,
    queue: VecDeque<Slot>,
    finished: Arc<Finished>,
    next_index: usize,
    exhausted: bool,
}

impl Pipe {
    /// The next item of the source, converted; `None` at its end. After
    /// the source fails, its error is the last item.
    fn read(&mut self, py: Python<'_>) -> Option<PyResult<Input>> {
        if self.exhausted {
            return None;
        }
        match self.source.bind(py).clone().next() {
            Some(Ok(obj)) => {
                let item = item_of(&obj, self.next_index);
                self.next_index += 1;
                Some(item)
            }
            Some(Err(e)) => {
                self.exhausted = true;
                Some(Err(e))
            }
            None => {
                self.exhausted = true;
                None
            }
        }
    }

    /// Reads items until `batch` are in flight (or the
    /// source ends), handing each to the pool as it is read.
    fn top_up(&mut self, py: Python<'_>) {
        while self.queue.len() < self.batch {
            let index = self.next_index;
            match self.read(py) {
                Some(Ok(input)) => {
                    let pipeline = Arc::clone(&self.pipeline);
                    let finished = Arc::clone(&self.finished);
                    self.workers
                        .spawn(move || finished.put(index, annotate(&pipeline, &input)));
                    self.queue.push_back(Slot::Running(index));
                }
                Some(Err(e)) => self.queue.push_back(Slot::Unread(e)),
                None => break,
            }
        }
    }
}

#[pymethods]
impl Pipe {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Doc>> {
        self.top_up(py);
        let doc = match self.queue.pop_front() {
            None => return Ok(None),
            Some(Slot::Unread(e)) => return Err(e),
            Some(Slot::Running(index)) => {
                let finished = &self.finished;
                py.detach(|| finished.take(index))
            }
        };
        doc.map(|d| Some(Doc::new(d))).map_err(|f| f.into_pyerr(py))
    }
}
