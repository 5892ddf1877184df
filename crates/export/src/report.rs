//! The corpus report, `index.html`: a self-contained page over a whole corpus.
//!
//! * Totals: documents, failed inputs, characters, tokens, mentions per label.
//! * The most frequent entities per label, as inline SVG bar charts of
//!   mentions and documents; each entity opens the list of the documents
//!   mentioning it most, linked to their views.
//! * The documents (name, script, language, characters, tokens, PER/LOC/ORG
//!   counts — MISC and other labels when present), sortable by any column and
//!   paginated, each linked to its view.
//! * A search box over document names and entities (original and simplified
//!   forms), all in the page: nothing is fetched.
//! * The inputs that failed, with their errors.
//!
//! [`Report`] is an accumulator like [`EntityCounter`]:
//! the corpus runner [`add`](Report::add)s documents one at a time, in corpus
//! order, then [`write`](Report::write)s the page. It keeps one small row per
//! document and, per entity, at most [`DOCS_PER_ENTITY`] document indexes.
//! The page is a pure function of what was added, in that order: no clock,
//! no hash-map order.
//!
//! **Caps** (said on the page too): the table shows [`PAGE_ROWS`] rows per page
//! (every document is in the page, sortable and searchable); the charts
//! show the [`CHART_ROWS`] most frequent entities of each label, for at most
//! [`CHART_LABELS`] labels; the search covers the [`SEARCH_ENTITIES`] most
//! frequent entities; an entity links to at most [`DOCS_PER_ENTITY`]
//! documents (those mentioning it most, earlier ones first on ties); at most
//! [`FAILURE_ROWS`] failed inputs are listed. `entities.csv` and
//! `entity_counts.csv` hold everything. With these caps `index.html` for
//! 10,000 documents stays well under 5 MB (tested in `tests/html.rs`).
//!
//! ```
//! use zhen_core::{Document, Entity, Label, Span};
//! use zhen_export::report::Report;
//!
//! let mut doc = Document::new("news/1.txt", "王小明在北京。");
//! doc.entities.push(Entity { span: Span::new(12, 18), label: Label::Loc,
//!     text: "北京".into(), norm: "北京".into() });
//! let mut report = Report::new();
//! report.add(&doc, "news/1.html");
//! report.add_failure("news/2.txt", "not UTF-8 at line 3");
//! let page = String::from_utf8(report.write(Vec::new()).unwrap()).unwrap();
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! // the chart links to the first mention in the document's view
//! assert!(page.contains(r#"<a href="./news/1.html#e0">news/1.txt</a>"#));
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write;

use serde::Serialize;
use zhen_core::{Document, Label, Script};

use crate::html::{self, attr, colour, href, text, thousands, Link, COMMON_CSS};
use crate::util::io;
use crate::{EntityCounter, Result};

const REPORT_CSS: &str = include_str!("html/report.css");
const REPORT_JS: &str = include_str!("html/report.js");

/// Rows per page of the document table.
pub const PAGE_ROWS: usize = 100;
/// Entities per label in the charts.
pub const CHART_ROWS: usize = 20;
/// Labels with a chart (PER, LOC, ORG, MISC first, then by mentions).
pub const CHART_LABELS: usize = 12;
/// Entities the search box covers (the most mentioned).
pub const SEARCH_ENTITIES: usize = 5_000;
/// Entities shown for one search.
pub const SEARCH_HITS: usize = 100;
/// Documents an entity links to.
pub const DOCS_PER_ENTITY: usize = 20;
/// Failed inputs listed.
pub const FAILURE_ROWS: usize = 200;

/// One document's row.
#[derive(Clone, Debug)]
struct DocRow {
    id: String,
    view: String,
    script: Script,
    lang: String,
    chars: u64,
    tokens: u64,
    labels: Vec<(Label, u64)>,
}

/// A document mentioning an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mention {
    /// Mentions in the document.
    count: u32,
    /// The document's index in the report.
    doc: u32,
    /// The index of the first mention in the document's entities (its
    /// view's `#e{first}` anchor).
    first: u32,
}

/// The documents mentioning an entity most, by mentions (descending), then
/// document order; at most [`DOCS_PER_ENTITY`].
#[derive(Clone, Debug, Default)]
struct TopDocs(Vec<Mention>);

impl TopDocs {
    fn offer(&mut self, m: Mention) {
        let key = |m: &Mention| (std::cmp::Reverse(m.count), m.doc);
        let at = self.0.partition_point(|x| key(x) < key(&m));
        if at < DOCS_PER_ENTITY {
            self.0.insert(at, m);
            self.0.truncate(DOCS_PER_ENTITY);
        }
    }
}

/// The corpus report, built one document at a time; see the [module
/// docs](self).
#[derive(Clone, Debug, Default)]
pub struct Report {
    docs: Vec<DocRow>,
    counter: EntityCounter,
    top: HashMap<(String, String), TopDocs>,
    failures: Vec<(String, String)>,
    failed: u64,
    files: Vec<Link>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a document whose view is at `view` (a relative path from the
    /// report's folder, `/`-separated, not percent-encoded).
    pub fn add(&mut self, doc: &Document, view: &str) {
        self.add_counted(doc, doc.tokens.len(), view);
    }

    /// [`Report::add`] for a document given without its tokens (the corpus
    /// runner's, or the outline of one annotated a part at a time): it had
    /// `tokens` tokens.
    pub fn add_counted(&mut self, doc: &Document, tokens: usize, view: &str) {
        let n = u32::try_from(self.docs.len()).unwrap_or(u32::MAX);
        self.counter.add(doc);
        let mut here: HashMap<(&str, &str), Mention> = HashMap::new();
        for (i, e) in doc.entities.iter().enumerate() {
            let first = u32::try_from(i).unwrap_or(u32::MAX);
            here.entry((e.label.as_str(), &e.norm))
                .or_insert(Mention {
                    count: 0,
                    doc: n,
                    first,
                })
                .count += 1;
        }
        for ((l, norm), m) in here {
            self.top
                .entry((l.to_string(), norm.to_string()))
                .or_default()
                .offer(m);
        }
        let stats = doc.stats();
        self.docs.push(DocRow {
            id: doc.id.clone(),
            view: view.to_string(),
            labels: html::label_counts(&stats)
                .into_iter()
                .map(|(l, c)| (l, c as u64))
                .collect(),
            script: stats.script,
            lang: stats.lang,
            chars: stats.chars as u64,
            tokens: tokens as u64,
        });
    }

    /// Records an input that failed, with its error message.
    pub fn add_failure(&mut self, input: &str, message: &str) {
        self.failed += 1;
        if self.failures.len() < FAILURE_ROWS {
            self.failures.push((input.to_string(), message.to_string()));
        }
    }

    /// Adds a link to a corpus-wide file (`entities.csv`, `manifest.json`),
    /// relative to the report's folder.
    pub fn add_file(&mut self, link: Link) {
        self.files.push(link);
    }

    /// Number of documents added.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no document was added.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Writes `index.html`.
    pub fn write<W: Write>(&self, mut out: W) -> Result<W> {
        let page = self.render();
        out.write_all(page.as_bytes()).map_err(io)?;
        Ok(out)
    }

    fn render(&self) -> String {
        let rows = self.counter.rows();
        // label order: PER, LOC, ORG, MISC, others by name; every label seen
        let mut labels: Vec<Label> = vec![Label::Per, Label::Loc, Label::Org];
        for r in &rows {
            let l = Label::new(&r.label);
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
        labels.sort();
        let mut mentions = vec![0u64; labels.len()];
        let mut distinct = vec![0u64; labels.len()];
        let li = |s: &str| labels.iter().position(|l| l.as_str() == s);
        for r in &rows {
            if let Some(i) = li(&r.label) {
                mentions[i] += r.mentions;
                distinct[i] += 1;
            }
        }
        // table columns: PER, LOC, ORG, MISC if seen, then "other" for the rest
        let has_misc = labels.contains(&Label::Misc);
        let has_other = labels.iter().any(|l| matches!(l, Label::Other(_)));

        let mut h = String::with_capacity(64 * 1024 + self.docs.len() * 96);
        h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        h.push_str("<meta name=\"generator\" content=\"zhen\">\n<title>Corpus report · zhen</title>\n<style>\n");
        h.push_str(COMMON_CSS);
        h.push_str(REPORT_CSS);
        h.push_str("</style>\n</head>\n<body>\n<header class=\"top\"><div class=\"wrap\">\n");
        h.push_str("<div class=\"crumb\">zhen</div>\n<h1>Corpus report</h1>\n<ul class=\"stats\">");
        let chars: u64 = self.docs.iter().map(|d| d.chars).sum();
        let tokens: u64 = self.docs.iter().map(|d| d.tokens).sum();
        let stat = |h: &mut String, cls: &str, n: u64, what: &str| {
            h.push_str("<li");
            if !cls.is_empty() {
                let _ = write!(h, " class=\"{cls}\"");
            }
            let _ = write!(h, "><b>{}</b><span>", thousands(n));
            text(h, what);
            h.push_str("</span></li>");
        };
        stat(&mut h, "", self.docs.len() as u64, "documents");
        if self.failed > 0 {
            stat(&mut h, "bad", self.failed, "inputs failed");
        }
        stat(&mut h, "", chars, "characters");
        stat(&mut h, "", tokens, "tokens");
        for (i, l) in labels.iter().enumerate() {
            let what = format!("{} mentions · {} names", l.as_str(), thousands(distinct[i]));
            stat(&mut h, &format!("c{}", colour(l)), mentions[i], &what);
        }
        h.push_str("</ul>\n<ul class=\"facts mix\">");
        let mut scripts: BTreeMap<&str, u64> = BTreeMap::new();
        let mut langs: BTreeMap<&str, u64> = BTreeMap::new();
        for d in &self.docs {
            *scripts.entry(d.script.as_str()).or_default() += 1;
            *langs.entry(&d.lang).or_default() += 1;
        }
        for (what, counts) in [("scripts", &scripts), ("languages", &langs)] {
            let _ = write!(h, "<li>{what}:");
            for (k, n) in counts.iter() {
                h.push_str(" <b>");
                text(&mut h, k);
                let _ = write!(h, "</b> {}", thousands(*n));
            }
            h.push_str("</li>");
        }
        h.push_str("</ul>\n");
        if !self.files.is_empty() {
            h.push_str("<p class=\"files\">Corpus files: ");
            for f in &self.files {
                h.push_str("<a href=\"");
                href(&mut h, &f.href);
                h.push_str("\">");
                text(&mut h, &f.label);
                h.push_str("</a>");
            }
            h.push_str("</p>\n");
        }
        h.push_str("</div></header>\n<div class=\"wrap\">\n");
        h.push_str(
            "<div class=\"search\"><label><input type=\"search\" id=\"q\" autocomplete=\"off\" \
             placeholder=\"Search documents and entities (original or simplified form)…\" \
             aria-label=\"search documents and entities\"></label><span class=\"count\" id=\"qcount\"></span></div>\n",
        );
        h.push_str("<section id=\"hits\" hidden><h2>Entities matching: <span id=\"hitcount\"></span></h2><ul class=\"hits\" id=\"hitlist\"></ul></section>\n");
        self.charts(&mut h, &rows, &labels);
        self.table(&mut h, has_misc, has_other);
        self.failures(&mut h);
        h.push_str("</div>\n<footer class=\"note\">");
        let _ = write!(
            h,
            "Caps: the table shows {PAGE_ROWS} documents per page (all are sortable and searchable); \
             charts show the {CHART_ROWS} most frequent entities of each label (at most {CHART_LABELS} labels); \
             the search covers the {} most mentioned entities; an entity links to at most {DOCS_PER_ENTITY} documents, \
             those mentioning it most; at most {FAILURE_ROWS} failed inputs are listed. \
             entities.csv, entity_counts.csv and errors.csv hold everything. \
             Written by zhen; this page fetches nothing.",
            thousands(SEARCH_ENTITIES as u64)
        );
        h.push_str("</footer>\n<script type=\"application/json\" id=\"data\">");
        h.push_str(&self.data(&rows, &labels, has_misc, has_other));
        h.push_str("</script>\n<script>\n");
        h.push_str(REPORT_JS);
        h.push_str("</script>\n</body>\n</html>\n");
        h
    }

    fn charts(&self, h: &mut String, rows: &[crate::csv::EntityCount], labels: &[Label]) {
        h.push_str("<section id=\"top\"><h2>Most frequent entities</h2>\n");
        h.push_str("<p class=\"key\"><span><svg width=\"22\" height=\"8\" aria-hidden=\"true\"><rect class=\"m\" width=\"22\" height=\"8\" style=\"fill:#555\"/></svg> mentions</span>");
        h.push_str("<span><svg width=\"22\" height=\"8\" aria-hidden=\"true\"><rect class=\"d\" x=\".5\" y=\".5\" width=\"21\" height=\"7\" style=\"fill:#ddd;stroke:#555\"/></svg> documents</span>");
        h.push_str("<span>· open a name for the documents that mention it</span></p>\n<div class=\"charts\">\n");
        // PER, LOC, ORG, MISC first, then the other labels by mentions
        let mut order: Vec<(usize, &Label, u64)> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let m = rows
                    .iter()
                    .filter(|r| r.label == l.as_str())
                    .map(|r| r.mentions)
                    .sum();
                (i, l, m)
            })
            .collect();
        order.sort_by(|a, b| {
            let fixed = |l: &Label| !matches!(l, Label::Other(_));
            fixed(b.1).cmp(&fixed(a.1)).then_with(|| {
                if fixed(a.1) {
                    a.0.cmp(&b.0)
                } else {
                    b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0))
                }
            })
        });
        for (_, l, total) in order.into_iter().take(CHART_LABELS) {
            let top: Vec<&crate::csv::EntityCount> = rows
                .iter()
                .filter(|r| r.label == l.as_str())
                .take(CHART_ROWS)
                .collect();
            let _ = write!(
                h,
                "<figure class=\"chart c{}\"><figcaption><span class=\"badge\">",
                colour(l)
            );
            text(h, l.as_str());
            h.push_str("</span>");
            let d = html::describe(l);
            if !d.is_empty() {
                h.push_str(d);
                h.push_str(" · ");
            }
            let _ = writeln!(h, "{} mentions</figcaption>", thousands(total));
            if top.is_empty() {
                h.push_str("<p class=\"hint\">none</p>");
            }
            let max = top.first().map_or(1, |r| r.mentions.max(1)) as f64;
            for r in top {
                h.push_str("<details class=\"er\"><summary><span class=\"nm\" title=\"");
                attr(h, &r.entity);
                h.push_str("\">");
                text(h, &r.entity);
                if r.simplified != r.entity {
                    h.push_str("<small>");
                    text(h, &r.simplified);
                    h.push_str("</small>");
                }
                let _ = write!(
                    h,
                    "</span><svg class=\"bars\" viewBox=\"0 0 100 14\" preserveAspectRatio=\"none\" aria-hidden=\"true\">\
                     <rect class=\"m\" y=\"1\" height=\"6\" width=\"{:.1}\"/><rect class=\"d\" y=\"8\" height=\"5\" width=\"{:.1}\"/></svg>\
                     <span class=\"num\">{}<small> · {} {}</small></span></summary><ul class=\"dl\">",
                    r.mentions as f64 / max * 100.0,
                    r.documents as f64 / max * 100.0,
                    thousands(r.mentions),
                    thousands(r.documents),
                    if r.documents == 1 { "doc" } else { "docs" }
                );
                let docs = self.top.get(&(r.label.clone(), r.simplified.clone()));
                for m in docs.map_or(&[][..], |t| &t.0[..]) {
                    let row = &self.docs[m.doc as usize];
                    h.push_str("<li><a href=\"");
                    href(h, &row.view);
                    let _ = write!(h, "#e{}\">", m.first);
                    text(h, &row.id);
                    let _ = write!(h, "</a><span class=\"n\">×{}</span></li>", m.count);
                }
                let listed = docs.map_or(0, |t| t.0.len()) as u64;
                if r.documents > listed {
                    let _ = write!(
                        h,
                        "<li class=\"more\">and {} more (entities.csv lists every mention)</li>",
                        thousands(r.documents - listed)
                    );
                }
                h.push_str("</ul></details>\n");
            }
            h.push_str("</figure>\n");
        }
        h.push_str("</div></section>\n");
    }

    fn table(&self, h: &mut String, has_misc: bool, has_other: bool) {
        let _ = write!(
            h,
            "<section id=\"docs\"><h2>Documents</h2>\n<p class=\"hint\">{} documents · {PAGE_ROWS} per page · \
             click a column to sort · the search box filters by name</p>\n\
             <div class=\"tablebox\"><table id=\"doctable\"><thead><tr>",
            thousands(self.docs.len() as u64)
        );
        let mut cols: Vec<(String, &str)> = vec![
            ("document".into(), ""),
            ("script".into(), ""),
            ("language".into(), ""),
            ("characters".into(), "num"),
            ("tokens".into(), "num"),
            ("PER".into(), "num c0"),
            ("LOC".into(), "num c1"),
            ("ORG".into(), "num c2"),
        ];
        if has_misc {
            cols.push(("MISC".into(), "num c3"));
        }
        if has_other {
            cols.push(("other labels".into(), "num c7"));
        }
        for (name, cls) in cols {
            h.push_str("<th scope=\"col\"");
            if !cls.is_empty() {
                let _ = write!(h, " class=\"{cls}\"");
            }
            h.push_str("><button type=\"button\">");
            text(h, &name);
            h.push_str("</button></th>");
        }
        h.push_str("</tr></thead><tbody></tbody></table></div>\n");
        h.push_str("<noscript><p class=\"hint\">The document table needs JavaScript; manifest.json lists every document.</p></noscript>\n");
        h.push_str("<div class=\"pager\"><button type=\"button\" id=\"prev\">‹ previous</button><span id=\"pagetext\"></span><button type=\"button\" id=\"next\">next ›</button></div>\n</section>\n");
    }

    fn failures(&self, h: &mut String) {
        if self.failed == 0 {
            return;
        }
        let _ = write!(
            h,
            "<section id=\"failed\"><h2>Inputs that failed ({})</h2>",
            thousands(self.failed)
        );
        if self.failed as usize > self.failures.len() {
            let _ = write!(
                h,
                "<p class=\"hint\">the first {FAILURE_ROWS}; errors.csv lists them all</p>"
            );
        }
        h.push_str("<div class=\"tablebox\"><table class=\"failed\"><thead><tr><th>input</th><th>error</th></tr></thead><tbody>");
        for (input, msg) in &self.failures {
            h.push_str("<tr><td>");
            text(h, input);
            h.push_str("</td><td>");
            text(h, msg);
            h.push_str("</td></tr>");
        }
        h.push_str("</tbody></table></div></section>\n");
    }

    /// The page's data as JSON, safe inside `<script>`.
    fn data(
        &self,
        rows: &[crate::csv::EntityCount],
        labels: &[Label],
        has_misc: bool,
        has_other: bool,
    ) -> String {
        #[derive(Serialize)]
        struct Data<'a> {
            page: usize,
            hits: usize,
            labels: Vec<&'a str>,
            colours: Vec<usize>,
            scripts: Vec<&'static str>,
            langs: Vec<&'a str>,
            /// `[id, view or 0, script, language, chars, tokens, PER, LOC, ORG, (MISC), (other)]`
            docs: Vec<serde_json::Value>,
            ents: Vec<Ent<'a>>,
        }
        /// An entity, written as the array
        /// `[label, entity, simplified, mentions, documents, [[doc, mentions in it, first mention], …]]`.
        #[derive(Serialize)]
        struct Ent<'a>(
            /// Index into `labels`.
            usize,
            /// The most frequent original surface.
            &'a str,
            /// The simplified form.
            &'a str,
            /// Mentions.
            u64,
            /// Documents.
            u64,
            /// `(document index, mentions in it, first mention)`, most mentions first.
            Vec<(u32, u32, u32)>,
        );
        let scripts = [Script::Hans, Script::Hant, Script::Mixed, Script::None];
        let mut langs: Vec<&str> = self.docs.iter().map(|d| d.lang.as_str()).collect();
        langs.sort_unstable();
        langs.dedup();
        let docs = self
            .docs
            .iter()
            .map(|d| {
                let count =
                    |l: &Label| d.labels.iter().find(|(x, _)| x == l).map_or(0, |&(_, n)| n);
                let mut v = vec![
                    serde_json::Value::from(d.id.as_str()),
                    if d.view == default_view(&d.id) {
                        0.into()
                    } else {
                        d.view.as_str().into()
                    },
                    scripts
                        .iter()
                        .position(|s| *s == d.script)
                        .unwrap_or(3)
                        .into(),
                    langs.binary_search(&d.lang.as_str()).unwrap_or(0).into(),
                    d.chars.into(),
                    d.tokens.into(),
                    count(&Label::Per).into(),
                    count(&Label::Loc).into(),
                    count(&Label::Org).into(),
                ];
                if has_misc {
                    v.push(count(&Label::Misc).into());
                }
                if has_other {
                    let other: u64 = d
                        .labels
                        .iter()
                        .filter(|(l, _)| matches!(l, Label::Other(_)))
                        .map(|(_, n)| n)
                        .sum();
                    v.push(other.into());
                }
                serde_json::Value::Array(v)
            })
            .collect();
        let ents = rows
            .iter()
            .take(SEARCH_ENTITIES)
            .map(|r| {
                let l = labels
                    .iter()
                    .position(|l| l.as_str() == r.label)
                    .unwrap_or(0);
                let top = self.top.get(&(r.label.clone(), r.simplified.clone()));
                let docs = top.map_or(Vec::new(), |t| {
                    t.0.iter().map(|m| (m.doc, m.count, m.first)).collect()
                });
                Ent(l, &r.entity, &r.simplified, r.mentions, r.documents, docs)
            })
            .collect();
        let data = Data {
            page: PAGE_ROWS,
            hits: SEARCH_HITS,
            labels: labels.iter().map(|l| l.as_str()).collect(),
            colours: labels.iter().map(colour).collect(),
            scripts: scripts.iter().map(|s| s.as_str()).collect(),
            langs,
            docs,
            ents,
        };
        script_json(&serde_json::to_string(&data).expect("serializing to a String cannot fail"))
    }
}

/// The view of document `id` when it follows the naming rule: the id
/// without the extension of its last segment, plus `.html` (the page's
/// script applies the same rule to rows whose view is written as 0).
fn default_view(id: &str) -> String {
    let seg = id.rfind('/').map_or(0, |i| i + 1);
    let stem = match id.rfind('.') {
        Some(d) if d > seg => &id[..d],
        _ => id,
    };
    format!("{stem}.html")
}

/// JSON made safe inside a `<script>` element: `<`, `>` and `&` (so no
/// `</script>` or `<!--` can appear) and U+2028/U+2029 as `\u` escapes. They
/// can only occur inside JSON strings, where the escapes mean the same.
pub(crate) fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script() {
        let json = serde_json::to_string(&["</script><!--<script>", "a\u{2028}b&"]).unwrap();
        let safe = script_json(&json);
        assert_eq!(
            safe,
            r#"["\u003c/script\u003e\u003c!--\u003cscript\u003e","a\u2028b\u0026"]"#
        );
        let back: Vec<String> = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, ["</script><!--<script>", "a\u{2028}b&"]);
    }

    #[test]
    fn default_view_strips_the_last_extension() {
        assert_eq!(default_view("a/b.txt"), "a/b.html");
        assert_eq!(default_view("a.d/b"), "a.d/b.html");
        assert_eq!(default_view("a/.hidden"), "a/.hidden.html");
        assert_eq!(default_view("x.tar.gz"), "x.tar.html");
    }

    #[test]
    fn top_docs_keep_the_most_mentioning_first() {
        let mut t = TopDocs::default();
        for doc in 0..(DOCS_PER_ENTITY as u32 + 5) {
            t.offer(Mention {
                count: 1 + doc % 3,
                doc,
                first: 0,
            });
        }
        let got: Vec<(u32, u32)> = t.0.iter().map(|m| (m.count, m.doc)).collect();
        assert_eq!(got.len(), DOCS_PER_ENTITY);
        assert_eq!(&got[..3], &[(3, 2), (3, 5), (3, 8)]);
        assert!(got
            .windows(2)
            .all(|w| w[0].0 > w[1].0 || w[0].0 == w[1].0 && w[0].1 < w[1].1));
    }
}
