//! `zhen convert-format`: annotation files from one format to another.

use std::path::PathBuf;

use anyhow::{Context, Result};
use zhen::export::{self, Format};

/// Convert annotation files between formats (BIO/CoNLL, CoNLL-U, JSONL,
/// doccano, brat, CSV tokens → conllu, conll, csv, jsonl, doccano, brat).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The input file (format from its extension, or --from).
    input: PathBuf,
    /// Output file (for brat: a folder).
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Output format: conllu, conll, csv, jsonl, doccano, brat.
    #[arg(long)]
    to: String,
    /// Input format (default: from the extension).
    #[arg(long)]
    from: Option<String>,
    /// NER scheme of CoNLL-2003 output: iob1, iob2, bioes.
    #[arg(long, default_value = "iob2")]
    scheme: String,
    /// CoNLL-2003 output with one character per line.
    #[arg(long)]
    char_level: bool,
}

pub fn run(args: Args) -> Result<i32> {
    let docs = super::eval::read_gold(&args.input, args.from.as_deref())
        .with_context(|| format!("reading {}", args.input.display()))?;
    let to: Format = args.to.parse().map_err(|e| anyhow::anyhow!("--to: {e}"))?;
    let scheme: export::Scheme = args
        .scheme
        .parse()
        .map_err(|e| anyhow::anyhow!("--scheme: {e}"))?;
    if to == Format::Brat {
        for d in &docs {
            export::brat::write_files(&args.output, d)?;
        }
        return Ok(0);
    }
    let mut buf = Vec::new();
    match to {
        Format::Conll => {
            let o = export::ConllOptions {
                scheme,
                char_level: args.char_level,
            };
            for d in &docs {
                export::conll::write(&mut buf, d, &o)?;
            }
        }
        Format::Conllu => {
            for d in &docs {
                export::conllu::write(&mut buf, d, &export::ConlluOptions::default())?;
            }
        }
        Format::Csv => {
            let o = export::CsvOptions {
                scheme,
                ..Default::default()
            };
            let mut t = export::csv::TokenTable::new(Vec::new(), &o)?;
            for d in &docs {
                t.add(d)?;
            }
            buf = t.finish()?;
        }
        Format::Jsonl => {
            for d in &docs {
                export::jsonl::write(&mut buf, d)?;
            }
        }
        Format::Doccano => {
            for d in &docs {
                export::jsonl::write_doccano(&mut buf, d)?;
            }
        }
        _ => anyhow::bail!("--to {to}: not a writable format"),
    }
    crate::io::write_atomic(&args.output, &buf)?;
    Ok(0)
}
