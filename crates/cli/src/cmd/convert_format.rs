//! `zhen convert-format`: annotation files from one format to another.

use std::path::PathBuf;

use anyhow::{Context, Result};
use zhen::export::{self, Format, Scheme};

/// Convert annotation files between formats (BIO/CoNLL, CoNLL-U, JSONL,
/// doccano, brat, CSV tokens → conllu, conll, csv, jsonl, doccano, brat,
/// html).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The input file (format from its extension, or --from).
    input: PathBuf,
    /// Output file (for brat and html: a folder; html writes a view per
    /// document, named after its id, and the report index.html).
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Output format.
    #[arg(long, value_enum, ignore_case = true)]
    to: Format,
    /// Input format (default: from the extension).
    #[arg(long, value_enum, ignore_case = true)]
    from: Option<Format>,
    /// NER scheme of CoNLL-2003 and CSV output.
    #[arg(long, value_enum, ignore_case = true, default_value_t = Scheme::Iob2)]
    scheme: Scheme,
    /// CoNLL-2003 output with one character per line.
    #[arg(long)]
    char_level: bool,
}

pub fn run(args: Args) -> Result<i32> {
    // formats without sentences get zhen's own; a file with none fails
    let docs = zhen::eval::read_annotations(&args.input, args.from)
        .with_context(|| format!("reading {}", args.input.display()))?;
    let options = export::WriteOptions {
        conll: export::ConllOptions {
            scheme: args.scheme,
            char_level: args.char_level,
        },
        conllu: export::ConlluOptions::default(),
        csv: export::CsvOptions {
            scheme: args.scheme,
            ..Default::default()
        },
        html: export::html::HtmlLinks::default(),
    };
    if args.to == Format::Html {
        for (path, bytes) in export::html::views_with_report(&docs)? {
            crate::io::write_atomic(&args.output.join(path), &bytes)?;
        }
        return Ok(0);
    }
    if args.to == Format::Brat {
        for d in &docs {
            export::brat::write_files(&args.output, d)?;
        }
        return Ok(0);
    }
    let buf = export::write_documents(args.to, &docs, Vec::new(), &options)?;
    crate::io::write_atomic(&args.output, &buf)?;
    Ok(0)
}
