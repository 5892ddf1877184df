//! Format dispatch, in one place: the [`Format`] names, guessing a format
//! from a file name, the file names of a document, and one entry point each
//! for writing a document ([`write_document`]), writing many into one file
//! ([`write_documents`]) and reading a file ([`read_path`]).

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use zhen_core::Document;

use crate::csv::TokenTable;
use crate::html::{self, HtmlLinks};
use crate::{brat, conll, conllu, csv, jsonl};
use crate::{ConllOptions, ConlluOptions, CsvOptions, Error, ReadOptions, Result};

/// An annotation format, as named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// CoNLL-2003 columns (`conll`).
    Conll,
    /// CoNLL-U (`conllu`).
    Conllu,
    /// CSV tables (`csv`).
    Csv,
    /// Our JSON Lines (`jsonl`).
    Jsonl,
    /// doccano JSON Lines (`doccano`).
    Doccano,
    /// brat standoff (`brat`).
    Brat,
    /// A self-contained HTML view of each document (`html`), written, not
    /// read; a corpus run adds the report `index.html` ([`crate::report`]).
    Html,
}

impl Format {
    /// Every format, in the order above.
    pub const ALL: [Format; 7] = [
        Format::Conll,
        Format::Conllu,
        Format::Csv,
        Format::Jsonl,
        Format::Doccano,
        Format::Brat,
        Format::Html,
    ];

    /// The name accepted by [`FromStr`]: `conll`, `conllu`, `csv`, `jsonl`,
    /// `doccano`, `brat`, `html`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Conll => "conll",
            Format::Conllu => "conllu",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Doccano => "doccano",
            Format::Brat => "brat",
            Format::Html => "html",
        }
    }

    /// Other spellings [`FromStr`] accepts.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Format::Conll => &["conll2003", "bio"],
            Format::Conllu => &["conll-u"],
            Format::Jsonl => &["json"],
            _ => &[],
        }
    }

    /// The extensions of the files one document is written to, without the
    /// dot: one per file (brat writes the text and the annotations:
    /// `txt`, `ann`; doccano `doccano.jsonl`, so it stands beside our JSONL).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Conll => &["conll"],
            Format::Conllu => &["conllu"],
            Format::Csv => &["csv"],
            Format::Jsonl => &["jsonl"],
            Format::Doccano => &["doccano.jsonl"],
            Format::Brat => &["txt", "ann"],
            Format::Html => &["html"],
        }
    }

    /// The format of a file from its name, as [`Format::extensions`] names
    /// files: `.conllu`; `.doccano.jsonl`; `.jsonl` and `.json`; `.ann` and
    /// `.txt` beside an `.ann` (brat); `.csv`; `.html` and `.htm`; anything else is read as
    /// CoNLL / BIO columns (`.conll`, `.bio`, `.iob`, `.tsv`, `.txt`…).
    ///
    /// ```
    /// use zhen_export::Format;
    /// assert_eq!(Format::from_path("a/x.doccano.jsonl".as_ref()), Format::Doccano);
    /// assert_eq!(Format::from_path("x.JSONL".as_ref()), Format::Jsonl);
    /// assert_eq!(Format::from_path("msra/test.bio".as_ref()), Format::Conll);
    /// ```
    pub fn from_path(path: &Path) -> Format {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "conllu" => Format::Conllu,
            "jsonl" if name.ends_with(".doccano.jsonl") => Format::Doccano,
            "jsonl" | "json" => Format::Jsonl,
            "ann" => Format::Brat,
            "txt" if path.with_extension("ann").is_file() => Format::Brat,
            "csv" => Format::Csv,
            "html" | "htm" => Format::Html,
            _ => Format::Conll,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = Error;
    /// Parses a [`Format::name`] or one of its [`Format::aliases`], in any case.
    fn from_str(s: &str) -> Result<Self> {
        let s = s.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s || f.aliases().contains(&s.as_str()))
            .ok_or(Error::Unknown {
                what: "format",
                value: s,
                expected: "conll, conllu, csv, jsonl, doccano, brat, html",
            })
    }
}

#[cfg(feature = "clap")]
zhen_core::value_enum!(Format, |f| f
    .aliases()
    .iter()
    .map(|a| a.to_string())
    .collect());

/// The options of every writer, by format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// CoNLL-2003 columns.
    pub conll: ConllOptions,
    /// CoNLL-U.
    pub conllu: ConlluOptions,
    /// CSV tables.
    pub csv: CsvOptions,
    /// What HTML views link to (the other formats of the run, the report).
    pub html: HtmlLinks,
}

/// One file of a document in one format: its extension (one of
/// [`Format::extensions`]) and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The extension of the file's name, without the dot.
    pub extension: &'static str,
    /// The file's contents.
    pub bytes: Vec<u8>,
}

/// The files of one document in `format`, in the order of
/// [`Format::extensions`]: its `tokens.csv` for CSV, the text and the
/// annotations for brat, one file otherwise.
///
/// ```
/// use zhen_core::Document;
/// use zhen_export::{write_document, Format, WriteOptions};
/// let doc = Document::new("d", "王小明");
/// let parts = write_document(Format::Brat, &doc, &WriteOptions::default()).unwrap();
/// assert_eq!(parts.iter().map(|p| p.extension).collect::<Vec<_>>(), ["txt", "ann"]);
/// assert_eq!(parts[0].bytes, "王小明".as_bytes());
/// ```
pub fn write_document(format: Format, doc: &Document, options: &WriteOptions) -> Result<Vec<Part>> {
    write_document_as(format, doc, options, false)
}

/// The files of one document in each of `formats`, in order: what
/// [`write_document`] returns for each, the document checked once for all
/// of them (JSONL, CoNLL-U and CSV skip their own check; the others make
/// theirs again). A document every writer refuses is refused here with the
/// same error, before anything is written.
///
/// ```
/// use zhen_core::Document;
/// use zhen_export::{write_document, write_document_formats, Format, WriteOptions};
/// let doc = Document::new("d", "王小明");
/// let (formats, o) = ([Format::Jsonl, Format::Csv], WriteOptions::default());
/// let all = write_document_formats(&formats, &doc, &o).unwrap();
/// let one_by_one: Vec<_> = formats.iter().flat_map(|f| write_document(*f, &doc, &o).unwrap()).collect();
/// assert_eq!(all, one_by_one);
/// ```
pub fn write_document_formats(
    formats: &[Format],
    doc: &Document,
    options: &WriteOptions,
) -> Result<Vec<Part>> {
    crate::util::check(doc)?;
    let mut parts = Vec::with_capacity(formats.len());
    for format in formats {
        parts.extend(write_document_as(*format, doc, options, true)?);
    }
    Ok(parts)
}

/// [`write_document`]; `checked`: [`crate::util::check`] has passed.
fn write_document_as(
    format: Format,
    doc: &Document,
    options: &WriteOptions,
    checked: bool,
) -> Result<Vec<Part>> {
    // a line per token: JSONL, CoNLL-U and CSV come to 15–17 times the
    // text (corpus/); room for that at once spares the copies of a growing
    // buffer
    let mut buf = match format {
        Format::Brat | Format::Html | Format::Doccano => Vec::new(),
        _ => Vec::with_capacity(doc.text.len() * 18 + 4096),
    };
    let one = |bytes| {
        vec![Part {
            extension: format.extensions()[0],
            bytes,
        }]
    };
    Ok(match format {
        Format::Conll => {
            conll::write(&mut buf, doc, &options.conll)?;
            one(buf)
        }
        Format::Conllu if checked => {
            // the sentences straight into the buffer sized for them
            let mut s = String::from_utf8(buf).expect("an empty buffer is UTF-8");
            conllu::write_into(&mut s, doc, &options.conllu)?;
            one(s.into_bytes())
        }
        Format::Conllu => {
            conllu::write(&mut buf, doc, &options.conllu)?;
            one(buf)
        }
        Format::Csv if checked => one(csv::write_tokens_checked(buf, doc, &options.csv)?),
        Format::Csv => one(csv::write_tokens(buf, doc, &options.csv)?),
        Format::Jsonl if checked => {
            jsonl::write_checked(&mut buf, doc)?;
            one(buf)
        }
        Format::Jsonl => {
            jsonl::write(&mut buf, doc)?;
            one(buf)
        }
        Format::Doccano => {
            jsonl::write_doccano(&mut buf, doc)?;
            one(buf)
        }
        Format::Brat => {
            brat::write_ann(&mut buf, doc)?;
            vec![
                Part {
                    extension: "txt",
                    bytes: doc.text.as_bytes().to_vec(),
                },
                Part {
                    extension: "ann",
                    bytes: buf,
                },
            ]
        }
        Format::Html => {
            html::write(&mut buf, doc, &options.html.options(&doc.id)?)?;
            one(buf)
        }
    })
}

/// Writes many documents into one file in `format` (CSV: one table with one
/// header). brat is a pair of files per document: write those with
/// [`write_document`] and [`document_path`]; HTML views and their report
/// with [`html::views_with_report`].
pub fn write_documents<'a, W: Write>(
    format: Format,
    docs: impl IntoIterator<Item = &'a Document>,
    mut out: W,
    options: &WriteOptions,
) -> Result<W> {
    match format {
        Format::Csv => {
            let mut table = TokenTable::new(out, &options.csv)?;
            for d in docs {
                table.add(d)?;
            }
            table.finish()
        }
        Format::Brat | Format::Html => Err(Error::Unknown {
            what: "single-file format",
            value: format.name().into(),
            expected: "conll, conllu, csv, jsonl, doccano (brat and html write a folder)",
        }),
        _ => {
            for d in docs {
                for part in write_document(format, d, options)? {
                    out.write_all(&part.bytes).map_err(Error::Write)?;
                }
            }
            Ok(out)
        }
    }
}

/// Reads an annotation file in `format`, or in the format its name says
/// ([`Format::from_path`]). CoNLL columns are read with the default
/// [`ReadOptions`]; a brat path names the `.ann` or the `.txt` beside it.
pub fn read_path(path: &Path, format: Option<Format>) -> Result<Vec<Document>> {
    Ok(match format.unwrap_or_else(|| Format::from_path(path)) {
        Format::Conll => conll::read_path(path, &ReadOptions::default())?,
        Format::Conllu => conllu::read_path(path)?,
        Format::Jsonl => jsonl::read_path(path)?,
        Format::Doccano => jsonl::read_doccano_path(path)?,
        Format::Brat => vec![brat::read_path(path)?],
        Format::Csv => csv::read_tokens_path(path, &CsvOptions::default())?,
        Format::Html => {
            return Err(Error::Unknown {
                what: "format to read",
                value: format!("html ({})", path.display()),
                expected: "conll, conllu, csv, jsonl, doccano, brat (HTML is written, not read)",
            })
        }
    })
}

/// Where a document's files go: its name (an input's path relative to the
/// corpus, or a document id) as a relative path under `dir`, with a
/// trailing `.txt` removed, then `.<extension>`. `news/a.txt` in `out` with
/// `conllu` is `out/news/a.conllu`; `a.md` gives `out/a.md.conllu`. `/` and
/// `\` separate folders; a name that is empty or absolute, or has an empty,
/// `.` or `..` part, is refused rather than written outside `dir`.
///
/// ```
/// use std::path::Path;
/// use zhen_export::document_path;
/// let out = Path::new("out");
/// assert_eq!(document_path(out, "news/a.txt", "conllu").unwrap(), Path::new("out/news/a.conllu"));
/// assert_eq!(document_path(out, "x.tar.txt", "csv").unwrap(), Path::new("out/x.tar.csv"));
/// assert!(document_path(out, "../evil.txt", "csv").is_err());
/// ```
pub fn document_path(dir: &Path, name: &str, extension: &str) -> Result<PathBuf> {
    let bad = || Error::DocumentName {
        name: name.to_string(),
    };
    let parts: Vec<&str> = name.split(['/', '\\']).collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || *p == "." || *p == "..")
    {
        return Err(bad());
    }
    let mut path = dir.to_path_buf();
    for (i, p) in parts.iter().enumerate() {
        if i + 1 < parts.len() {
            path.push(p);
        } else {
            let stem = p
                .strip_suffix(".txt")
                .filter(|s| !s.is_empty())
                .unwrap_or(p);
            path.push(format!("{stem}.{extension}"));
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
            for a in f.aliases() {
                assert_eq!(a.parse::<Format>().unwrap(), f);
            }
        }
        assert_eq!("CoNLL-U".parse::<Format>().unwrap(), Format::Conllu);
        assert_eq!(
            "xlsx".parse::<Format>().unwrap_err().to_string(),
            "unknown format \"xlsx\": expected one of conll, conllu, csv, jsonl, doccano, brat, html"
        );
    }

    #[test]
    fn the_file_names_of_a_format_are_the_ones_it_is_read_back_from() {
        let dir = std::env::temp_dir().join(format!("zhen-export-names-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in Format::ALL {
            let paths: Vec<PathBuf> = f
                .extensions()
                .iter()
                .map(|e| document_path(&dir, "news/a.txt", e).unwrap())
                .collect();
            if f == Format::Brat {
                std::fs::create_dir_all(paths[1].parent().unwrap()).unwrap();
                std::fs::write(&paths[1], "").unwrap();
            }
            for p in &paths {
                assert_eq!(Format::from_path(p), f, "{}", p.display());
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn document_paths_stay_inside_the_folder() {
        let d = Path::new("out");
        let p = |name: &str| document_path(d, name, "ann");
        assert_eq!(p("a/b.txt").unwrap(), Path::new("out/a/b.ann"));
        assert_eq!(p("a\\b").unwrap(), Path::new("out/a/b.ann"));
        assert_eq!(p(".txt").unwrap(), Path::new("out/.txt.ann"));
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/"] {
            assert!(p(bad).is_err(), "{bad:?}");
        }
    }
}
