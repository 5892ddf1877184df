//! A self-contained HTML view of one document (`<doc>.html`).
//!
//! The page shows the ORIGINAL text with its paragraphs; every entity is a
//! `<mark>` with a colour *and* its label written after it (so it reads in
//! black and white), a legend with a toggle per label, a switch that shows
//! the tokens with their POS, and a switch that shows the original line
//! breaks. Hovering or focusing an entity (entities are keyboard-focusable)
//! shows its label, its simplified form (`norm`), its sentence index and its
//! char offsets. The header gives the document id, script, language, counts
//! and links to the document's files in the other formats.
//!
//! CSS and JavaScript are inline; the page fetches nothing. Every piece of
//! the document (text, id, labels, norms, POS, link targets) is escaped, so
//! text such as `<script>` or `"><img src=x onerror=…>` is shown as text.
//!
//! **What is in the DOM.** The first (usually the only) element of entity
//! `i` of [`Document::entities`] is
//! `<mark class="e cK" id="e{i}" tabindex="0" data-e="{i}" data-l="{label}"
//! data-n="{norm}" data-s="{sentence}" data-o="{start},{end}">`; its text
//! content is exactly the entity's original text. `data-s` is the 0-based
//! index of the sentence holding the entity's start (empty outside every
//! sentence), `data-o` the char (code point) offsets into the original text,
//! as in the JSONL. An entity that crosses another entity's or a paragraph's
//! boundary is split into several `<mark>`s sharing `data-e`; the others
//! have class `more` and no `id`. Tokens are
//! `<span class="t" data-p="{pos}" data-u="{upos}">` (`data-n` when their
//! norm differs from their text).
//!
//! **Line breaks.** Inside a paragraph, a run of whitespace holding a line
//! break is one the cleaner joined (OCR'd or hard-wrapped lines). It is kept
//! in the DOM (so the text of an entity across it, `揭\n阳`, is intact) in a
//! `<span class="j">`, hidden when a CJK character is next to it (the
//! sentence reads `揭阳`) and shown as one space between other characters;
//! the "line breaks" switch shows them as they were. Text outside every
//! paragraph (what the cleaner removed as boilerplate) is shown greyed with
//! its line breaks; a document without paragraphs is shown as one block
//! with its line breaks.
//!
//! ```
//! use zhen_core::{Document, Entity, Label, Span};
//! use zhen_export::html::{self, HtmlOptions, Link};
//!
//! let mut doc = Document::new("news-1", "王小明在北京。");
//! doc.entities.push(Entity { span: Span::new(12, 18), label: Label::Loc,
//!     text: "北京".into(), norm: "北京".into() });
//! let opts = HtmlOptions {
//!     links: vec![Link::new("jsonl", "news-1.jsonl")],
//!     index: Some("index.html".into()),
//! };
//! let mut page = Vec::new();
//! html::write(&mut page, &doc, &opts).unwrap();
//! let page = String::from_utf8(page).unwrap();
//! assert!(page.contains(r#"data-l="LOC" data-n="北京" data-s="" data-o="4,6">北京</mark>"#));
//! assert!(page.contains(r#"<a href="./news-1.jsonl">jsonl</a>"#));
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use zhen_core::{chars, CharIndex, Document, Label, Stats};

use crate::util::{self, io};
use crate::{Error, Format, Result};

/// The CSS shared by the document view and the corpus report.
pub(crate) const COMMON_CSS: &str = include_str!("html/common.css");
const VIEW_CSS: &str = include_str!("html/view.css");
const VIEW_JS: &str = include_str!("html/view.js");

/// A link to a file, as written into a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The link text (`jsonl`, `conllu`, `entities.csv`).
    pub label: String,
    /// The target: a relative path with `/` separators, not percent-encoded
    /// (the writers encode it).
    pub href: String,
}

impl Link {
    /// A link with text `label` to the relative path `href`.
    pub fn new(label: impl Into<String>, href: impl Into<String>) -> Self {
        Link {
            label: label.into(),
            href: href.into(),
        }
    }
}

/// Options of the document view.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HtmlOptions {
    /// The document's files in other formats, relative to the view (written
    /// in the same run, beside it).
    pub links: Vec<Link>,
    /// The corpus report (`index.html`), relative to the view, if there is one.
    pub index: Option<String>,
}

/// What the document views of a run link to: the document's files in the
/// run's other formats (beside the view) and, with `report`, the corpus
/// report `index.html` at the top of the output folder. Files are named by
/// [`document_path`](crate::document_path) from the document's id.
///
/// ```
/// use zhen_export::html::HtmlLinks;
/// use zhen_export::Format;
/// let links = HtmlLinks::new(&[Format::Jsonl, Format::Html, Format::Brat], true);
/// let opts = links.options("news/a.txt").unwrap();
/// let hrefs: Vec<&str> = opts.links.iter().map(|l| l.href.as_str()).collect();
/// assert_eq!(hrefs, ["a.jsonl", "a.txt", "a.ann"]);
/// assert_eq!(opts.index.as_deref(), Some("../index.html"));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HtmlLinks {
    /// The formats, as bits by their position in [`Format::ALL`].
    formats: u32,
    report: bool,
}

impl HtmlLinks {
    /// Links to the files of `formats` (HTML itself aside) and, if `report`,
    /// to `index.html`.
    pub fn new(formats: &[Format], report: bool) -> Self {
        let mut bits = 0;
        for f in formats {
            if let Some(i) = Format::ALL.iter().position(|x| x == f) {
                bits |= 1 << i;
            }
        }
        HtmlLinks {
            formats: bits,
            report,
        }
    }

    /// The formats linked to, in the order of [`Format::ALL`].
    pub fn formats(self) -> impl Iterator<Item = Format> {
        Format::ALL
            .into_iter()
            .enumerate()
            .filter(move |(i, f)| self.formats & (1 << i) != 0 && *f != Format::Html)
            .map(|(_, f)| f)
    }

    /// Whether the views link to the corpus report.
    pub fn report(self) -> bool {
        self.report
    }

    /// The links of the view of the document named `name` (its id).
    pub fn options(self, name: &str) -> Result<HtmlOptions> {
        let view = relative_path(name, "html")?;
        let mut links = Vec::new();
        for f in self.formats() {
            for ext in f.extensions() {
                let path = relative_path(name, ext)?;
                let file = path.rsplit('/').next().unwrap_or(&path).to_string();
                let label = if f.extensions().len() > 1 {
                    format!("{} .{ext}", f.name())
                } else {
                    f.name().to_string()
                };
                links.push(Link::new(label, file));
            }
        }
        let index = self
            .report
            .then(|| format!("{}index.html", "../".repeat(view.matches('/').count())));
        Ok(HtmlOptions { links, index })
    }
}

/// The path of document `name`'s file with `extension`, relative to the
/// output folder, `/`-separated (as links want it).
///
/// ```
/// assert_eq!(zhen_export::html::relative_path("a\\b.txt", "html").unwrap(), "a/b.html");
/// ```
pub fn relative_path(name: &str, extension: &str) -> Result<String> {
    let path = crate::document_path(Path::new(""), name, extension)?;
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}

/// The views of `docs` (each named by [`relative_path`] from its id) and
/// their corpus report `index.html`, as files relative to one folder, for
/// viewing a file of documents (`zhen convert-format … --to html`). Two
/// documents whose views would be the same file are an error, naming both.
pub fn views_with_report(docs: &[Document]) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let links = HtmlLinks::new(&[], true);
    let mut report = crate::Report::new();
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::with_capacity(docs.len() + 1);
    let mut seen: HashMap<String, &str> = HashMap::new();
    for doc in docs {
        let view = relative_path(&doc.id, "html")?;
        if view == "index.html" {
            return Err(Error::InvalidDocument {
                id: doc.id.clone(),
                message: "its view would overwrite the report index.html; rename the document"
                    .into(),
            });
        }
        if let Some(other) = seen.insert(view.clone(), &doc.id) {
            return Err(Error::InvalidDocument {
                id: doc.id.clone(),
                message: format!("its view {view} is also the view of document {other:?}; give the documents distinct ids"),
            });
        }
        let mut bytes = Vec::new();
        write(&mut bytes, doc, &links.options(&doc.id)?)?;
        report.add(doc, &view);
        files.push((PathBuf::from(view), bytes));
    }
    files.push((PathBuf::from("index.html"), report.write(Vec::new())?));
    Ok(files)
}

/// Writes the HTML view of one document.
pub fn write<W: Write + ?Sized>(out: &mut W, doc: &Document, opts: &HtmlOptions) -> Result<()> {
    util::check(doc)?;
    let page = render(doc, opts);
    out.write_all(page.as_bytes()).map_err(io)
}

/// The colour class (`c0`…`c7`) of a label: PER, LOC, ORG and MISC have
/// their own; other labels share the remaining four by their name.
pub(crate) fn colour(label: &Label) -> usize {
    match label {
        Label::Per => 0,
        Label::Loc => 1,
        Label::Org => 2,
        Label::Misc => 3,
        Label::Other(s) => {
            4 + s
                .bytes()
                .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize))
                % 4
        }
    }
}

/// What a label stands for, for legends.
pub(crate) fn describe(label: &Label) -> &'static str {
    match label {
        Label::Per => "person",
        Label::Loc => "place",
        Label::Org => "organisation",
        Label::Misc => "other name",
        Label::Other(_) => "",
    }
}

/// Labels in display order (PER, LOC, ORG, MISC, then the others by name)
/// with their counts from [`Stats::labels`]; PER, LOC and ORG always appear.
pub(crate) fn label_counts(stats: &Stats) -> Vec<(Label, usize)> {
    let mut counts: Vec<(Label, usize)> = vec![(Label::Per, 0), (Label::Loc, 0), (Label::Org, 0)];
    for (l, &n) in &stats.labels {
        let l = Label::new(l);
        match counts.iter_mut().find(|(k, _)| *k == l) {
            Some((_, m)) => *m += n,
            None => counts.push((l, n)),
        }
    }
    counts.sort_by(|a, b| a.0.cmp(&b.0));
    counts
}

fn render(doc: &Document, opts: &HtmlOptions) -> String {
    let idx = CharIndex::new(&doc.text);
    let stats = doc.stats();
    let labels = label_counts(&stats);
    let mut h = String::with_capacity(doc.text.len() * 4 + 16 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<meta name=\"generator\" content=\"zhen\">\n<title>");
    text(&mut h, &doc.id);
    h.push_str(" · zhen</title>\n<style>\n");
    h.push_str(COMMON_CSS);
    h.push_str(VIEW_CSS);
    h.push_str("</style>\n</head>\n<body>\n");
    header(&mut h, doc, &stats, &labels, opts);
    toolbar(&mut h, &labels);
    h.push_str("<main class=\"text\" id=\"text\"");
    if stats.lang != "und" {
        h.push_str(" lang=\"");
        attr(&mut h, &stats.lang);
        h.push('"');
    }
    h.push('>');
    body(&mut h, doc, &idx);
    h.push_str("</main>\n<div id=\"tip\" role=\"tooltip\" hidden></div>\n");
    h.push_str(
        "<footer class=\"note\">Offsets are char (code point) offsets into the original text and \
         sentences are numbered from 0, as in the JSONL, CoNLL-U and CSV files. \
         Written by zhen; this page fetches nothing.</footer>\n<script>\n",
    );
    h.push_str(VIEW_JS);
    h.push_str("</script>\n</body>\n</html>\n");
    h
}

fn header(
    h: &mut String,
    doc: &Document,
    stats: &Stats,
    labels: &[(Label, usize)],
    opts: &HtmlOptions,
) {
    h.push_str("<header class=\"top\"><div class=\"wrap\">\n");
    if let Some(index) = &opts.index {
        h.push_str("<div class=\"crumb\"><a href=\"");
        href(h, index);
        h.push_str("\">\u{2190} corpus report</a></div>\n");
    }
    h.push_str("<h1>");
    text(h, &doc.id);
    h.push_str("</h1>\n<ul class=\"facts\">");
    let facts: [(&str, String); 7] = [
        ("script", stats.script.as_str().to_string()),
        ("language", stats.lang.clone()),
        ("characters", thousands(stats.chars as u64)),
        ("paragraphs", thousands(stats.paragraphs as u64)),
        ("sentences", thousands(stats.sentences as u64)),
        ("tokens", thousands(stats.tokens as u64)),
        ("entities", thousands(stats.entities as u64)),
    ];
    for (k, v) in facts {
        h.push_str("<li>");
        h.push_str(k);
        h.push_str(" <b>");
        text(h, &v);
        h.push_str("</b></li>");
    }
    for (l, n) in labels {
        h.push_str("<li>");
        text(h, l.as_str());
        h.push_str(" <b>");
        h.push_str(&thousands(*n as u64));
        h.push_str("</b></li>");
    }
    h.push_str("</ul>\n");
    if !opts.links.is_empty() {
        h.push_str("<p class=\"files\">Other formats: ");
        for l in &opts.links {
            h.push_str("<a href=\"");
            href(h, &l.href);
            h.push_str("\">");
            text(h, &l.label);
            h.push_str("</a>");
        }
        h.push_str("</p>\n");
    }
    h.push_str("</div></header>\n");
}

fn toolbar(h: &mut String, labels: &[(Label, usize)]) {
    h.push_str("<div class=\"bar\"><div class=\"wrap\">\n<ul class=\"legend\" aria-label=\"entity labels\">");
    for (l, n) in labels {
        let _ = write!(h, "<li><label class=\"c{}\"", colour(l));
        let d = describe(l);
        if !d.is_empty() {
            h.push_str(" title=\"");
            h.push_str(d);
            h.push('"');
        }
        h.push_str("><input type=\"checkbox\" checked data-l=\"");
        attr(h, l.as_str());
        h.push_str("\"><span class=\"badge\">");
        text(h, l.as_str());
        h.push_str("</span>");
        if !d.is_empty() {
            h.push(' ');
            h.push_str(d);
        }
        let _ = write!(
            h,
            " <span class=\"n\">{}</span></label></li>",
            thousands(*n as u64)
        );
    }
    h.push_str("</ul>\n<div class=\"switches\">");
    h.push_str(
        "<label class=\"switch\"><input type=\"checkbox\" id=\"sw-tokens\"> tokens and POS</label>",
    );
    h.push_str("<label class=\"switch\"><input type=\"checkbox\" id=\"sw-lines\"> original line breaks</label>");
    h.push_str("</div>\n</div></div>\n");
}

/// What an element of the text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A paragraph (joined line breaks hidden).
    Para(usize),
    /// Text outside the paragraphs, or the whole text of a document
    /// without paragraphs (line breaks shown).
    Raw { gap: bool },
    /// Entity `i`.
    Entity(usize),
    /// Token `i`.
    Token(usize),
}

/// An element to nest: blocks outermost, then entities, then tokens.
#[derive(Clone, Copy, Debug)]
struct Elem {
    start: usize,
    end: usize,
    level: u8,
    kind: Kind,
}

impl Elem {
    /// Nesting order: outer elements first.
    fn key(&self) -> (u8, usize, std::cmp::Reverse<usize>) {
        (self.level, self.start, std::cmp::Reverse(self.end))
    }
}

/// One step of the nested markup.
#[derive(Clone, Copy, Debug)]
enum Event {
    /// Opens element `e`, for the `first` time or again after a split.
    Open { e: usize, first: bool },
    /// Closes element `e`.
    Close,
    /// An empty entity at the current position.
    Empty(usize),
    /// Text of the original, `start..end` bytes.
    Text(usize, usize),
}

/// The blocks of the text: paragraphs and the non-blank text between them,
/// or the whole text without paragraphs; the whitespace around a gap is
/// left outside every block.
fn blocks(doc: &Document) -> Vec<Elem> {
    let t = &doc.text;
    let mut out = Vec::new();
    let gap = |out: &mut Vec<Elem>, from: usize, to: usize, is_gap: bool| {
        let s = &t[from..to];
        let core = s.trim();
        if !core.is_empty() {
            let start = from + (s.len() - s.trim_start().len());
            out.push(Elem {
                start,
                end: start + core.len(),
                level: 0,
                kind: Kind::Raw { gap: is_gap },
            });
        }
    };
    if doc.paragraphs.is_empty() {
        gap(&mut out, 0, t.len(), false);
        return out;
    }
    let mut pos = 0;
    for (i, p) in doc.paragraphs.iter().enumerate() {
        gap(&mut out, pos, p.span.start, true);
        if !p.span.is_empty() {
            out.push(Elem {
                start: p.span.start,
                end: p.span.end,
                level: 0,
                kind: Kind::Para(i),
            });
        }
        pos = p.span.end;
    }
    gap(&mut out, pos, t.len(), true);
    out
}

/// Nests blocks, entities and tokens into open/close events, splitting an
/// element where it crosses the boundary of an outer one.
fn events(doc: &Document, elems: &[Elem]) -> Vec<Event> {
    let mut order: Vec<usize> = (0..elems.len()).collect();
    order.sort_by_key(|&i| (elems[i].start, i));
    let mut points: Vec<usize> = elems.iter().flat_map(|e| [e.start, e.end]).collect();
    let mut empties: Vec<(usize, usize)> = doc
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.span.is_empty())
        .map(|(i, e)| (e.span.start, i))
        .collect();
    empties.sort();
    points.extend(empties.iter().map(|&(p, _)| p));
    points.push(0);
    points.push(doc.text.len());
    points.sort_unstable();
    points.dedup();

    let mut ev = Vec::new();
    let mut opened = vec![false; elems.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut active: Vec<usize> = Vec::new();
    let (mut next, mut next_empty) = (0, 0);
    for (k, &p) in points.iter().enumerate() {
        active.retain(|&i| elems[i].end > p);
        while next < order.len() && elems[order[next]].start <= p {
            active.push(order[next]);
            next += 1;
        }
        let mut want = active.clone();
        want.sort_by_key(|&i| (elems[i].key(), i));
        if k + 1 == points.len() {
            want.clear();
        }
        let keep = stack.iter().zip(&want).take_while(|(a, b)| a == b).count();
        for _ in keep..stack.len() {
            ev.push(Event::Close);
        }
        stack.truncate(keep);
        while next_empty < empties.len() && empties[next_empty].0 <= p {
            ev.push(Event::Empty(empties[next_empty].1));
            next_empty += 1;
        }
        for &i in &want[keep..] {
            ev.push(Event::Open {
                e: i,
                first: !opened[i],
            });
            opened[i] = true;
            stack.push(i);
        }
        if let Some(&q) = points.get(k + 1) {
            ev.push(Event::Text(p, q));
        }
    }
    ev
}

/// Whitespace runs holding a line break inside paragraphs, and whether they
/// read as a space (no CJK character next to them).
fn joins(doc: &Document) -> Vec<(usize, usize, bool)> {
    let t = &doc.text;
    let mut out = Vec::new();
    for p in &doc.paragraphs {
        let s = &t[p.span.range()];
        let mut run: Option<usize> = None;
        let mut has_break = false;
        let mut prev: Option<char> = None;
        for (i, c) in s.char_indices().chain([(s.len(), '\0')]) {
            let end_of_text = i == s.len();
            if !end_of_text && c.is_whitespace() {
                if run.is_none() {
                    run = Some(i);
                    has_break = false;
                }
                has_break |= is_line_break(c);
                continue;
            }
            if let Some(r) = run.take() {
                if has_break {
                    let next = (!end_of_text).then_some(c);
                    let space =
                        !prev.is_some_and(chars::is_cjk) && !next.is_some_and(chars::is_cjk);
                    out.push((p.span.start + r, p.span.start + i, space));
                }
            }
            prev = Some(c);
        }
    }
    out
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

fn body(h: &mut String, doc: &Document, idx: &CharIndex) {
    let mut elems = blocks(doc);
    let entity_elems = doc
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.span.is_empty())
        .map(|(i, e)| Elem {
            start: e.span.start,
            end: e.span.end,
            level: 1,
            kind: Kind::Entity(i),
        });
    elems.extend(entity_elems);
    let token_elems = doc
        .tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.span.is_empty())
        .map(|(i, t)| Elem {
            start: t.span.start,
            end: t.span.end,
            level: 2,
            kind: Kind::Token(i),
        });
    elems.extend(token_elems);
    let ev = events(doc, &elems);
    // the last opening of each element (a split element's badge goes there)
    let mut last_open = vec![usize::MAX; elems.len()];
    for (k, e) in ev.iter().enumerate() {
        if let Event::Open { e, .. } = e {
            last_open[*e] = k;
        }
    }
    let joins = joins(doc);
    let mut j = 0;
    let mut stack: Vec<usize> = Vec::new();
    let mut in_para = 0usize;
    for (k, e) in ev.iter().enumerate() {
        match *e {
            Event::Open { e, first } => {
                stack.push(e);
                let last = last_open[e] == k;
                match elems[e].kind {
                    Kind::Para(i) => {
                        in_para += 1;
                        h.push_str("<p");
                        let lang = &doc.paragraphs[i].lang;
                        if !lang.is_empty() && lang != "und" {
                            h.push_str(" lang=\"");
                            attr(h, lang);
                            h.push('"');
                        }
                        h.push('>');
                    }
                    Kind::Raw { gap } => {
                        h.push_str(if gap {
                            "<p class=\"gap\">"
                        } else {
                            "<p class=\"raw\">"
                        });
                    }
                    Kind::Entity(i) => open_entity(h, doc, idx, i, first, last),
                    Kind::Token(i) => {
                        let t = &doc.tokens[i];
                        // the POS is written after the token's last piece
                        h.push_str(if last {
                            "<span class=\"t\" data-p=\""
                        } else {
                            "<span class=\"t split\" data-p=\""
                        });
                        attr(h, &t.pos);
                        h.push_str("\" data-u=\"");
                        attr(h, &t.upos);
                        h.push('"');
                        if t.norm != t.text {
                            h.push_str(" data-n=\"");
                            attr(h, &t.norm);
                            h.push('"');
                        }
                        h.push('>');
                    }
                }
            }
            Event::Close => {
                let e = stack.pop().expect("balanced events");
                h.push_str(match elems[e].kind {
                    Kind::Para(_) => {
                        in_para -= 1;
                        "</p>"
                    }
                    Kind::Raw { .. } => "</p>",
                    Kind::Entity(_) => "</mark>",
                    Kind::Token(_) => "</span>",
                });
            }
            Event::Empty(i) => {
                open_entity(h, doc, idx, i, true, true);
                h.push_str("</mark>");
            }
            Event::Text(mut s, end) => {
                if in_para == 0 {
                    text(h, &doc.text[s..end]);
                    continue;
                }
                while j < joins.len() && joins[j].1 <= s {
                    j += 1;
                }
                while s < end {
                    match joins.get(j) {
                        Some(&(js, je, space)) if js < end => {
                            let (a, b) = (js.max(s), je.min(end));
                            text(h, &doc.text[s..a]);
                            h.push_str(if space {
                                "<span class=\"j s\">"
                            } else {
                                "<span class=\"j\">"
                            });
                            text(h, &doc.text[a..b]);
                            h.push_str("</span>");
                            s = b;
                            if je <= end {
                                j += 1;
                            }
                        }
                        _ => {
                            text(h, &doc.text[s..end]);
                            s = end;
                        }
                    }
                }
            }
        }
    }
}

fn open_entity(h: &mut String, doc: &Document, idx: &CharIndex, i: usize, first: bool, last: bool) {
    let e = &doc.entities[i];
    let _ = write!(h, "<mark class=\"e c{}", colour(&e.label));
    if !first {
        h.push_str(" more");
    }
    if !last {
        // the label is written after the entity's last piece
        h.push_str(" split");
    }
    h.push('"');
    if first {
        let _ = write!(h, " id=\"e{i}\" tabindex=\"0\"");
    }
    let _ = write!(h, " data-e=\"{i}\" data-l=\"");
    attr(h, e.label.as_str());
    h.push('"');
    if first {
        h.push_str(" data-n=\"");
        attr(h, &e.norm);
        h.push_str("\" data-s=\"");
        if let Some(s) = util::sentence_of(doc, e.span.start) {
            let _ = write!(h, "{s}");
        }
        let (s, t) = idx.char_span(e.span);
        let _ = write!(h, "\" data-o=\"{s},{t}\"");
    }
    h.push('>');
}

/// Appends `s` escaped for HTML text: `& < >`, CR as a reference (a raw CR
/// would become LF), NUL (which HTML drops) as U+FFFD.
pub(crate) fn text(h: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'', '\r', '\0']) {
        h.push_str(&rest[..i]);
        let c = rest[i..].chars().next().expect("a char at a found index");
        h.push_str(match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            '\r' => "&#13;",
            _ => "\u{FFFD}",
        });
        rest = &rest[i + 1..];
    }
    h.push_str(rest);
}

/// Appends `s` escaped for a double-quoted attribute value.
pub(crate) fn attr(h: &mut String, s: &str) {
    text(h, s);
}

/// Appends a relative path as an `href` value: each segment percent-encoded
/// (so `#`, `?`, `%` and `:` are not taken for URL syntax), and `./` before
/// a first segment that could be read as a URL scheme.
pub(crate) fn href(h: &mut String, path: &str) {
    if !path.starts_with("../") && !path.starts_with("./") {
        h.push_str("./");
    }
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                h.push(b as char)
            }
            _ => {
                let _ = write!(h, "%{b:02X}");
            }
        }
    }
}

/// `n` with commas between thousands.
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhen_core::{Entity, Paragraph, Script, Span};

    fn ent(doc: &mut Document, s: usize, e: usize, label: Label) {
        let text = doc.text[s..e].to_string();
        doc.entities.push(Entity {
            span: Span::new(s, e),
            label,
            norm: text.clone(),
            text,
        });
    }

    fn page(doc: &Document) -> String {
        let mut v = Vec::new();
        write(&mut v, doc, &HtmlOptions::default()).unwrap();
        String::from_utf8(v).unwrap()
    }

    fn main_part(p: &str) -> &str {
        let s = p.find("<main").unwrap();
        let e = p.find("</main>").unwrap();
        &p[s..e]
    }

    #[test]
    fn escapes_text_attributes_and_hrefs() {
        let mut h = String::new();
        text(&mut h, "a<b>&\"'\r\0");
        assert_eq!(h, "a&lt;b&gt;&amp;&quot;&#39;&#13;\u{FFFD}");
        let mut h = String::new();
        href(&mut h, "javascript:alert(1) #x?.html");
        assert_eq!(h, "./javascript%3Aalert%281%29%20%23x%3F.html");
        let mut h = String::new();
        href(&mut h, "../新闻/a b.html");
        assert_eq!(h, "../%E6%96%B0%E9%97%BB/a%20b.html");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn attack_strings_stay_text() {
        let text =
            "<script>alert(1)</script>\"><img src=x onerror=alert(2)></textarea><!-- \u{2028}";
        let mut doc = Document::new("\"><img src=x onerror=alert(3)><script>", text);
        ent(&mut doc, 0, 8, Label::new("<u>"));
        let p = page(&doc);
        assert!(!p.contains("<img"));
        assert!(!p.contains("<script>alert"));
        assert!(!p.contains("</textarea>"));
        assert!(!p.contains("<u>"));
        assert_eq!(p.matches("<script>").count(), 1);
        assert!(p.contains(
            "<title>&quot;&gt;&lt;img src=x onerror=alert(3)&gt;&lt;script&gt; · zhen</title>"
        ));
        assert!(p.contains(r#"data-l="&lt;u&gt;""#));
    }

    #[test]
    fn entity_across_a_joined_line_break_is_one_mark() {
        let mut doc = Document::new("d", "到揭\n阳工作, New\nYork");
        doc.paragraphs.push(Paragraph {
            span: Span::new(0, doc.text.len()),
            lang: "zh-Hans".into(),
            script: Script::Hans,
        });
        ent(&mut doc, 3, 10, Label::Loc);
        let p = page(&doc);
        assert!(p.contains(
            "data-s=\"\" data-o=\"1,4\">揭<span class=\"j\">\n</span>阳</mark>工作, New<span class=\"j s\">\n</span>York</p>"
        ), "{}", main_part(&p));
    }

    #[test]
    fn crossing_entities_are_split_and_keep_their_text() {
        let mut doc = Document::new("d", "abcdefgh");
        ent(&mut doc, 0, 5, Label::Per);
        ent(&mut doc, 3, 8, Label::Loc);
        ent(&mut doc, 8, 8, Label::Org);
        let p = page(&doc);
        let m = main_part(&p);
        assert!(
            m.starts_with(
                "<main class=\"text\" id=\"text\"><p class=\"raw\"><mark class=\"e c0\" id=\"e0\""
            ),
            "{m}"
        );
        assert!(m.contains(
            ">abc<mark class=\"e c1 split\" id=\"e1\" tabindex=\"0\" data-e=\"1\" data-l=\"LOC\" data-n=\"defgh\" data-s=\"\" data-o=\"3,8\">de</mark></mark><mark class=\"e c1 more\" data-e=\"1\" data-l=\"LOC\">fgh</mark>"
        ), "{m}");
        // the empty entity is still there, where it starts
        assert!(m.ends_with("fgh</mark></p><mark class=\"e c2\" id=\"e2\" tabindex=\"0\" data-e=\"2\" data-l=\"ORG\" data-n=\"\" data-s=\"\" data-o=\"8,8\"></mark>"), "{m}");
    }

    #[test]
    fn gaps_between_paragraphs_are_shown_apart() {
        let mut doc = Document::new("d", "导航 首页\n\n正文。\n\n  ");
        doc.paragraphs.push(Paragraph {
            span: Span::new(15, 24),
            lang: "zh-Hans".into(),
            script: Script::None,
        });
        let m = page(&doc);
        let m = main_part(&m);
        assert_eq!(
            m,
            "<main class=\"text\" id=\"text\" lang=\"zh-Hans\"><p class=\"gap\">导航 首页</p>\n\n<p lang=\"zh-Hans\">正文。</p>\n\n  "
        );
    }
}
