//! The annotation pipeline: clean → script detection → conversion →
//! paragraphs, sentences → tokens/POS → entities, every offset in the
//! original text.

use std::io::BufRead;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
#[cfg(feature = "embed")]
use std::sync::OnceLock;

use zhen_clean::{CleanOptions, CleanReport, Cleaner};
use zhen_core::{
    AlignedText, ByteRange, Bytes, Document, Entity, Paragraph, Script, Sentence, Span, Token, Word,
};
use zhen_ner::{Gazetteer, Mention, NerModel, TagOptions, Text};
use zhen_script::Converter;
use zhen_tokenize::{Lang, PosTagger, Route, TokSpan, Tokenizer};

use crate::{Error, Result};

/// How Chinese text is converted before segmentation and tagging.
///
/// The segmenter and the tagger are trained on simplified Chinese, so by
/// default traditional and mixed paragraphs are converted to simplified
/// (`t2s`) through the aligned text and results are reported in the
/// original script. `S2t` does the same for the models but reports the
/// traditional form as each token's converted form; `None` tags the text as
/// it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ConvertMode {
    /// Traditional/mixed paragraphs → simplified; `norm` is simplified.
    #[default]
    T2s,
    /// Like `T2s` for the models; `norm` is the traditional form.
    S2t,
    /// No conversion.
    None,
}

impl ConvertMode {
    /// Every mode.
    pub const ALL: [ConvertMode; 3] = [ConvertMode::T2s, ConvertMode::S2t, ConvertMode::None];

    /// The name used on the command line and in manifests.
    pub fn name(self) -> &'static str {
        match self {
            ConvertMode::T2s => "t2s",
            ConvertMode::S2t => "s2t",
            ConvertMode::None => "none",
        }
    }
}

#[cfg(feature = "clap")]
zhen_core::value_enum!(ConvertMode);

impl std::str::FromStr for ConvertMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ConvertMode::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| Error::Usage(format!("unknown conversion {s:?}: use t2s, s2t or none")))
    }
}

/// Builds a [`Pipeline`]; see [`Pipeline::builder`].
///
/// ```
/// use zhen::{ConvertMode, Pipeline};
/// let dict = "驻镇帮镇扶村 100 n\n";
/// let pipeline = Pipeline::builder()
///     .convert(ConvertMode::T2s)
///     .user_dict(dict.as_bytes())?
///     .entities(false) // tokens only
///     .build()?;
/// let doc = pipeline.annotate("d", "開展駐鎮幫鎮扶村工作")?.document;
/// assert!(doc.tokens.iter().any(|t| t.text == "駐鎮幫鎮扶村" && t.norm == "驻镇帮镇扶村"));
/// assert!(doc.entities.is_empty());
/// # Ok::<(), zhen::Error>(())
/// ```
#[derive(Default)]
pub struct PipelineBuilder {
    clean: Option<CleanOptions>,
    no_clean: bool,
    convert: ConvertMode,
    user_dict: Option<Vec<u8>>,
    entities: Option<Gazetteer>,
    zh_model: Option<Model>,
    en_model: Option<Model>,
    tag: bool,
    doc_consistency: bool,
    converters: Option<(Converter, Converter)>,
    pos: Option<PosTagger>,
}

/// The embedded `$value`, or without the `embed` feature an error naming the
/// builder method that supplies `$what` instead.
macro_rules! embedded {
    ($what:expr, $method:expr, $value:expr) => {{
        #[cfg(feature = "embed")]
        let value: Result<_> = $value;
        #[cfg(not(feature = "embed"))]
        let value: Result<_> = Err(Error::Usage(format!(
            "zhen was built without the `embed` feature, so there is no embedded {}: pass one with PipelineBuilder::{}",
            $what, $method
        )));
        value
    }};
}

impl PipelineBuilder {
    /// Cleaning options (default: every cleaner on).
    pub fn clean(mut self, options: CleanOptions) -> Self {
        self.clean = Some(options);
        self.no_clean = false;
        self
    }

    /// Switches cleaning off.
    pub fn no_clean(mut self) -> Self {
        self.no_clean = true;
        self
    }

    /// How Chinese text is converted (default `t2s`).
    pub fn convert(mut self, mode: ConvertMode) -> Self {
        self.convert = mode;
        self
    }

    /// A jieba user dictionary (`word [freq] [tag]` lines).
    pub fn user_dict(mut self, reader: impl BufRead) -> Result<Self> {
        let mut buf = Vec::new();
        let mut reader = reader;
        std::io::Read::read_to_end(&mut reader, &mut buf).map_err(|e| Error::Io {
            path: "user dictionary".into(),
            source: e,
        })?;
        self.user_dict = Some(buf);
        Ok(self)
    }

    /// A user dictionary file.
    pub fn user_dict_path(self, path: &Path) -> Result<Self> {
        let f = std::fs::File::open(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        self.user_dict(std::io::BufReader::new(f))
    }

    /// Known entities to force (`surface,label` CSV).
    pub fn entities_path(mut self, path: &Path) -> Result<Self> {
        self.entities = Some(Gazetteer::from_csv(path)?);
        Ok(self)
    }

    /// A Chinese NER model instead of the embedded one.
    pub fn zh_model(mut self, model: NerModel) -> Self {
        self.zh_model = Some(Model::Owned(Arc::new(model)));
        self
    }

    /// An English NER model instead of the embedded one.
    pub fn en_model(mut self, model: NerModel) -> Self {
        self.en_model = Some(Model::Owned(Arc::new(model)));
        self
    }

    /// A NER model file; its language decides which default it replaces.
    pub fn model_path(self, path: &Path) -> Result<Self> {
        let m = NerModel::from_path(path)?;
        Ok(if m.lang() == "en" {
            self.en_model(m)
        } else {
            self.zh_model(m)
        })
    }

    /// The OpenCC converters for traditional → simplified and simplified →
    /// traditional instead of the embedded `t2s` and `s2t`.
    pub fn converters(mut self, t2s: Converter, s2t: Converter) -> Self {
        self.converters = Some((t2s, s2t));
        self
    }

    /// The English POS tagger instead of the embedded one.
    pub fn pos_tagger(mut self, tagger: PosTagger) -> Self {
        self.pos = Some(tagger);
        self
    }

    /// Whether to tag entities (default on).
    pub fn entities(mut self, on: bool) -> Self {
        self.tag = on;
        self
    }

    /// Whether a name recognised once in a document is recognised at its
    /// other mentions (default on; names the document tags with two labels
    /// are left as tagged).
    pub fn document_consistency(mut self, on: bool) -> Self {
        self.doc_consistency = on;
        self
    }

    /// Loads the models and dictionaries.
    pub fn build(self) -> Result<Pipeline> {
        let pos = match self.pos {
            Some(p) => p,
            None => embedded!(
                "English POS model",
                "pos_tagger",
                Ok(PosTagger::embedded()?)
            )?,
        };
        let mut tokenizer = Tokenizer::with_tagger(pos);
        if let Some(d) = &self.user_dict {
            tokenizer.load_user_dict(std::io::Cursor::new(d))?;
        }
        let cleaner = if self.no_clean {
            None
        } else {
            Some(Cleaner::new(self.clean.unwrap_or_default()))
        };
        // The embedded converters and models are only named here; each is
        // read the first time a text needs it, so a run that never meets
        // traditional text or never tags never pays for reading them.
        let (t2s, s2t) = match self.converters {
            Some((t2s, s2t)) => (Lazy::Given(t2s), Lazy::Given(s2t)),
            None => embedded!(
                "OpenCC tables",
                "converters",
                Ok((
                    Lazy::Embedded(zhen_script::Config::T2s, OnceLock::new()),
                    Lazy::Embedded(zhen_script::Config::S2t, OnceLock::new())
                ))
            )?,
        };
        let zh = match self.zh_model {
            Some(m) => m,
            None => embedded!("Chinese NER model", "zh_model", Ok(Model::EmbeddedZh))?,
        };
        let en = match self.en_model {
            Some(m) => m,
            None => embedded!("English NER model", "en_model", Ok(Model::EmbeddedEn))?,
        };
        Ok(Pipeline {
            cleaner,
            convert: self.convert,
            t2s,
            s2t,
            tokenizer,
            zh,
            en,
            gazetteer: self.entities,
            tag: self.tag,
            doc_consistency: self.doc_consistency,
        })
    }
}

/// The whole annotation pipeline. `Send + Sync`: share one across threads.
///
/// ```
/// let pipeline = zhen::Pipeline::builder().build().unwrap();
/// let doc = pipeline.annotate("demo", "崔現忠是大瀝鎮派駐新民村的第一書記。").unwrap().document;
/// let per = doc.entities.iter().find(|e| e.label.as_str() == "PER").unwrap();
/// assert_eq!(per.text, "崔現忠");          // in the original script…
/// assert_eq!(&doc.text[per.span.range()], "崔現忠"); // …at its original offsets
/// assert_eq!(per.norm, "崔现忠");
/// ```
pub struct Pipeline {
    cleaner: Option<Cleaner>,
    convert: ConvertMode,
    t2s: Lazy,
    s2t: Lazy,
    tokenizer: Tokenizer,
    zh: Model,
    en: Model,
    gazetteer: Option<Gazetteer>,
    tag: bool,
    doc_consistency: bool,
}

/// A NER model: embedded (read once per process, the first time it tags)
/// or loaded from a file.
#[derive(Clone)]
enum Model {
    #[cfg(feature = "embed")]
    EmbeddedZh,
    #[cfg(feature = "embed")]
    EmbeddedEn,
    Owned(Arc<NerModel>),
}

impl std::ops::Deref for Model {
    type Target = NerModel;
    fn deref(&self) -> &NerModel {
        match self {
            #[cfg(feature = "embed")]
            Model::EmbeddedZh => NerModel::embedded_zh(),
            #[cfg(feature = "embed")]
            Model::EmbeddedEn => NerModel::embedded_en(),
            Model::Owned(m) => m,
        }
    }
}

/// A converter given to the builder, or an embedded one built on first use.
enum Lazy {
    Given(Converter),
    #[cfg(feature = "embed")]
    Embedded(zhen_script::Config, OnceLock<Converter>),
}

impl std::ops::Deref for Lazy {
    type Target = Converter;
    fn deref(&self) -> &Converter {
        match self {
            Lazy::Given(c) => c,
            #[cfg(feature = "embed")]
            Lazy::Embedded(config, c) => c.get_or_init(|| {
                Converter::new(*config)
                    .expect("the embedded OpenCC tables are compiled at build time")
            }),
        }
    }
}

/// The result of annotating one text.
#[derive(Clone, Debug)]
pub struct Annotated {
    /// The annotated document.
    pub document: Document,
    /// What cleaning changed and removed (original spans).
    pub clean_report: CleanReport,
    /// The normalized text the models saw.
    pub normalized: String,
}

impl Pipeline {
    /// A builder with the defaults: all cleaners, `t2s`, embedded models.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder {
            tag: true,
            doc_consistency: true,
            ..Default::default()
        }
    }

    /// Identifiers of the NER models in use (`zh`, `en`).
    pub fn model_ids(&self) -> (String, String) {
        (self.zh.id().to_string(), self.en.id().to_string())
    }

    /// The conversion mode.
    pub fn convert_mode(&self) -> ConvertMode {
        self.convert
    }

    /// Cleans and converts only (what `zhen detect` shows), with the
    /// paragraphs found: their range in the normalized text, script and language.
    ///
    /// ```
    /// let pipeline = zhen::Pipeline::builder().entities(false).build()?;
    /// let (text, _report, paras) = pipeline.normalize("東 莞 市 選 派\n\nHello world, this is English.")?;
    /// assert_eq!(&text.current()[paras[0].range.clone()], "东莞市选派");
    /// assert_eq!(zhen::lang_tag(&paras[0].lang, paras[0].script), "zh-Hant");
    /// assert_eq!(paras[1].lang.as_str(), "en");
    /// # Ok::<(), zhen::Error>(())
    /// ```
    pub fn normalize(&self, text: &str) -> Result<(AlignedText, CleanReport, Vec<Para>)> {
        let mut at = AlignedText::try_new(text)?;
        let report = match &self.cleaner {
            Some(c) => c.clean(&mut at)?,
            None => CleanReport::default(),
        };
        let mut paras: Vec<Para> = zhen_tokenize::paragraphs(at.current())
            .into_iter()
            .map(|r| {
                let s = &at.current()[r.clone()];
                let script = zhen_script::detect_script(s);
                let lang = zhen_tokenize::language(s);
                Para {
                    range: r,
                    script,
                    lang,
                }
            })
            .collect();
        if self.convert != ConvertMode::None {
            // Chinese paragraphs in traditional or mixed script, converted
            // in one pass per conversion step; the others move with them.
            let todo: Vec<usize> = (0..paras.len())
                .filter(|&i| {
                    let p = &paras[i];
                    p.lang.as_str() == "zh" && matches!(p.script, Script::Hant | Script::Mixed)
                })
                .collect();
            if !todo.is_empty() {
                let old: Vec<Range<usize>> = todo.iter().map(|&i| paras[i].range.clone()).collect();
                let new = self.t2s.convert_ranges(&mut at, &old)?;
                let mut shift = 0isize;
                let mut k = 0;
                for (i, p) in paras.iter_mut().enumerate() {
                    if todo.get(k) == Some(&i) {
                        shift += new[k].len() as isize - old[k].len() as isize;
                        p.range = new[k].clone();
                        k += 1;
                    } else {
                        let s = (p.range.start as isize + shift) as usize;
                        let e = (p.range.end as isize + shift) as usize;
                        p.range = s..e;
                    }
                }
            }
        }
        Ok((at, report, paras))
    }

    /// Cleans and converts `text` and cuts it into paragraphs and
    /// sentences, each routed to its tokenizer: the first half of
    /// [`Pipeline::annotate`]. [`Pipeline::tokens`] gives a sentence's tokens.
    ///
    /// ```
    /// let pipeline = zhen::Pipeline::builder().entities(false).build()?;
    /// let seg = pipeline.segment("開展工作。")?;
    /// let mut tokens = Vec::new();
    /// pipeline.tokens(&seg, 0, &mut tokens);
    /// let words: Vec<&str> = tokens.iter().map(|t| &seg.text.original()[t.span.range()]).collect();
    /// assert_eq!(words, ["開展", "工作", "。"]);
    /// assert_eq!(tokens[0].pos, "v");
    /// # Ok::<(), zhen::Error>(())
    /// ```
    pub fn segment(&self, text: &str) -> Result<Segmented> {
        let (at, clean_report, paras) = self.normalize(text)?;
        let cur = at.current();
        // sentences (current ranges) with their paragraph and language
        let mut sent_ranges: Vec<Range<usize>> = Vec::new();
        let mut sent_meta: Vec<(usize, Lang)> = Vec::new();
        let mut paragraphs = Vec::with_capacity(paras.len());
        let para_spans = at.project(&paras.iter().map(|p| p.range.clone()).collect::<Vec<_>>());
        for (pi, proj) in para_spans.iter().enumerate() {
            let p = &paras[proj.first];
            paragraphs.push(Paragraph {
                span: proj.original,
                lang: lang_tag(&p.lang, p.script),
                script: p.script,
            });
            for s in zhen_tokenize::sentences(cur, proj.current.clone(), &p.lang) {
                sent_ranges.push(s);
                sent_meta.push((pi, p.lang));
            }
        }
        let sentences = at
            .project(&sent_ranges)
            .into_iter()
            .map(|proj| {
                let (paragraph, lang) = &sent_meta[proj.first];
                SegSentence {
                    span: proj.original,
                    paragraph: *paragraph,
                    route: zhen_tokenize::route(lang, &cur[proj.current.clone()]),
                    current: proj.current,
                }
            })
            .collect();
        Ok(Segmented {
            text: at,
            clean_report,
            paragraphs,
            sentences,
        })
    }

    /// Appends the tokens of sentence `i` of `seg` (from
    /// [`Pipeline::segment`] of this pipeline) to `out`, as
    /// [`Pipeline::annotate`] puts them into its [`Document`].
    ///
    /// # Panics
    /// If `i` is not a sentence of `seg`, or `seg` came from another text.
    pub fn tokens<'p>(&'p self, seg: &Segmented, i: usize, out: &mut Vec<TokSpan<'p>>) {
        let s = &seg.sentences[i];
        self.tokenizer
            .tokenize_into(&seg.text, s.current.clone(), s.route, out);
    }

    /// Annotates one text.
    pub fn annotate(&self, id: &str, text: &str) -> Result<Annotated> {
        let mut seg = self.segment(text)?;
        let clean_report = std::mem::take(&mut seg.clean_report);
        let mut doc = Document::new(id, text);
        doc.paragraphs = std::mem::take(&mut seg.paragraphs);
        let at = &seg.text;
        let cur = at.current();
        // Room for the tokens up front: grown by doubling, the vector of a
        // 1.3 MB document was copied (and its new pages faulted in) a dozen
        // times, a tenth of a `zhen tokenize`. One token per 4 bytes is more
        // than Chinese news has (about one per 5) and about what English
        // has; pages never written are never touched.
        doc.tokens.reserve(cur.len() / 4 + 1);
        doc.sentences.reserve(seg.sentences.len());
        let mut routed: Vec<Routed> = Vec::with_capacity(seg.sentences.len());
        let mut toks = Vec::new();
        for (si, s) in seg.sentences.iter().enumerate() {
            doc.sentences.push(Sentence {
                span: s.span,
                paragraph: s.paragraph,
            });
            toks.clear();
            self.tokens(&seg, si, &mut toks);
            let first = doc.tokens.len();
            let base = s.current.start;
            let mut words = Vec::with_capacity(toks.len());
            for t in &toks {
                words.push(ByteRange::new(t.current.start - base, t.current.end - base));
                let norm = &cur[t.current.clone()];
                let norm = match self.convert {
                    ConvertMode::S2t => self.s2t.convert(norm),
                    _ => norm.to_string(),
                };
                doc.tokens.push(Token {
                    span: t.span,
                    text: text[t.span.range()].to_string(),
                    norm,
                    pos: t.pos.to_string(),
                    upos: t.upos.to_string(),
                    sentence: si,
                });
            }
            routed.push(Routed {
                current: s.current.clone(),
                route: s.route,
                tokens: first..doc.tokens.len(),
                words,
            });
        }
        if self.tag {
            self.tag_entities(at, &mut doc, &routed)?;
        }
        debug_assert!(doc.validate().is_ok(), "{:?}", doc.validate());
        Ok(Annotated {
            normalized: at.current().to_string(),
            document: doc,
            clean_report,
        })
    }

    /// Annotates a stream of `(id, text)` documents, yielding results in
    /// input order. Documents are processed in parallel in small batches
    /// (a few per thread), so memory stays bounded by the batch, not the
    /// stream, and the output is the same for any thread count.
    ///
    /// ```
    /// let pipeline = zhen::Pipeline::builder().build()?;
    /// let docs = vec![
    ///     ("a".to_string(), "崔现忠前往罗定市新民村。".to_string()),
    ///     ("b".to_string(), "Peter Blackburn works for the European Commission in Brussels.".to_string()),
    /// ];
    /// let ids: Vec<String> = pipeline
    ///     .annotate_iter(docs)
    ///     .map(|r| r.map(|a| a.document.id))
    ///     .collect::<Result<_, _>>()?;
    /// assert_eq!(ids, ["a", "b"]);
    /// # Ok::<(), zhen::Error>(())
    /// ```
    pub fn annotate_iter<I>(&self, docs: I) -> AnnotateIter<'_, I::IntoIter>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let annotate: AnnotateFn<'_> = Box::new(move |(id, text)| self.annotate(&id, &text));
        AnnotateIter(crate::par::ordered(None, docs.into_iter(), annotate))
    }

    /// Tags the sentences of `doc` with the model of their route, applies
    /// the user's entity list, and reports the entities in the original.
    fn tag_entities(&self, at: &AlignedText, doc: &mut Document, routed: &[Routed]) -> Result<()> {
        let cur = at.current();
        let options = TagOptions {
            consistency: self.doc_consistency,
            segmenter: Some(&self.tokenizer),
        };
        let of_route =
            |r: Route| -> Vec<&Routed> { routed.iter().filter(|s| s.route == r).collect() };
        let (zh, en) = (of_route(Route::Chinese), of_route(Route::English));
        // the Chinese model reads characters, with the tokenizer's words
        let words: Vec<Vec<Word>> = zh
            .iter()
            .map(|s| {
                let toks = &doc.tokens[s.tokens.clone()];
                s.words
                    .iter()
                    .zip(toks)
                    .map(|(range, t)| Word {
                        range: *range,
                        tag: &t.pos,
                    })
                    .collect()
            })
            .collect();
        let texts: Vec<Text> = zh
            .iter()
            .zip(&words)
            .map(|(s, w)| Text {
                text: &cur[s.current.clone()],
                words: Some(w),
            })
            .collect();
        // (a model is read on first use: not at all when no sentence needs it)
        let mut found: Vec<(&Routed, Vec<Mention<Bytes>>)> = if zh.is_empty() {
            Vec::new()
        } else {
            zh.iter()
                .copied()
                .zip(self.zh.tag_text(&texts, &options)?)
                .collect()
        };
        // the English model reads the tokens' normalized forms
        let token_lists: Vec<Vec<&str>> = en
            .iter()
            .map(|s| {
                doc.tokens[s.tokens.clone()]
                    .iter()
                    .map(|t| t.norm.as_str())
                    .collect()
            })
            .collect();
        let refs: Vec<&[&str]> = token_lists.iter().map(Vec::as_slice).collect();
        let en_mentions = if en.is_empty() {
            Vec::new()
        } else {
            self.en.tag_tokens(&refs, &options)?
        };
        for (s, mentions) in en.iter().zip(en_mentions) {
            let bytes = mentions
                .into_iter()
                .map(|m| Mention {
                    range: ByteRange::new(
                        s.words[m.range.start].start,
                        s.words[m.range.end - 1].end,
                    ),
                    label: m.label,
                })
                .collect();
            found.push((s, bytes));
        }
        // current byte ranges of the whole text, in order
        let mut entities: Vec<Mention<Bytes>> = Vec::new();
        for (s, mut mentions) in found {
            if let Some(g) = &self.gazetteer {
                g.apply(&cur[s.current.clone()], &mut mentions);
            }
            entities.extend(mentions.into_iter().map(|m| Mention {
                range: m.range.shift(s.current.start),
                label: m.label,
            }));
        }
        entities.sort_by_key(|m| m.range);
        let ranges: Vec<Range<usize>> = entities.iter().map(|m| m.range.range()).collect();
        // entities never overlap, so projection keeps them one to one unless a
        // many-to-many replacement glues two together
        for proj in at.project(&ranges) {
            doc.entities.push(Entity {
                span: proj.original,
                text: doc.text[proj.original.range()].to_string(),
                norm: cur[proj.current.clone()].to_string(),
                label: entities[proj.first].label.clone(),
            });
        }
        Ok(())
    }
}

/// A sentence on its way through [`Pipeline::annotate`].
struct Routed {
    /// Byte range of the normalized (current) text.
    current: Range<usize>,
    /// Its tokenizer and NER model.
    route: Route,
    /// Its tokens: indexes of `Document::tokens`.
    tokens: Range<usize>,
    /// The bytes of each of its tokens in the sentence's current text.
    words: Vec<ByteRange>,
}

/// The per-document work of [`AnnotateIter`].
type AnnotateFn<'p> = Box<dyn Fn((String, String)) -> Result<Annotated> + Send + Sync + 'p>;

/// The iterator of [`Pipeline::annotate_iter`].
pub struct AnnotateIter<'p, I>(crate::par::Ordered<'p, I, AnnotateFn<'p>, Result<Annotated>>);

impl<I: Iterator<Item = (String, String)>> Iterator for AnnotateIter<'_, I> {
    type Item = Result<Annotated>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

/// A text cleaned, converted and cut into paragraphs and sentences by
/// [`Pipeline::segment`]; [`Pipeline::tokens`] tokenizes its sentences one
/// at a time, so a caller that prints tokens (`zhen tokenize`) keeps no
/// [`Token`] with its four strings for every word of a document.
#[derive(Clone, Debug)]
pub struct Segmented {
    /// The original text, the normalized text the tokenizers read, and the
    /// alignment between them.
    pub text: AlignedText,
    /// What cleaning changed and removed (original spans).
    pub clean_report: CleanReport,
    /// The paragraphs, as in [`Document::paragraphs`].
    pub paragraphs: Vec<Paragraph>,
    /// The sentences, in text order.
    pub sentences: Vec<SegSentence>,
}

/// A sentence of a [`Segmented`] text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegSentence {
    /// Span of the original text.
    pub span: Span,
    /// Index of its paragraph in [`Segmented::paragraphs`].
    pub paragraph: usize,
    /// Byte range of the normalized (current) text.
    pub current: Range<usize>,
    /// Its tokenizer (and NER model).
    pub route: Route,
}

/// A paragraph of the normalized text.
#[derive(Clone, Debug)]
pub struct Para {
    /// Byte range of the normalized (current) text.
    pub range: Range<usize>,
    /// Script of its Chinese characters (before conversion).
    pub script: Script,
    /// Its language.
    pub lang: Lang,
}

/// The language tag written to outputs: `zh-Hans`/`zh-Hant` for Chinese
/// ([`zhen_core::lang_tag`]).
pub fn lang_tag(lang: &Lang, script: Script) -> String {
    zhen_core::lang_tag(lang.as_str(), script)
}
