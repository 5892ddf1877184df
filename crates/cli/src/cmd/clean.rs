//! `zhen clean`: cleaning of scraped and OCR'd text.

use std::io::Write;

use anyhow::Result;
use zhen::clean::{CleanOptions, Cleaner};
use zhen::{AlignedText, CharIndex};

use crate::io::{for_each_input, stdout, InputArgs};

/// Clean scraped/OCR'd text and print the cleaned text.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// Print what changed instead of the text: one line per change,
    /// `start<TAB>end<TAB>kind<TAB>before<TAB>after<TAB>reason` (original
    /// char offsets; line breaks shown as \n).
    #[arg(long)]
    report: bool,
    /// Keep spaces between Chinese characters (OCR).
    #[arg(long)]
    keep_ocr_spaces: bool,
    /// Keep lines broken inside sentences.
    #[arg(long)]
    keep_line_breaks: bool,
    /// Keep OCR-doubled headings (东东莞莞).
    #[arg(long)]
    keep_doubled: bool,
    /// Keep half-width punctuation in Chinese and full-width ASCII.
    #[arg(long)]
    keep_punctuation: bool,
    /// Keep boilerplate and spam lines.
    #[arg(long)]
    keep_boilerplate: bool,
}

impl Args {
    fn options(&self) -> CleanOptions {
        CleanOptions {
            ocr_spaces: !self.keep_ocr_spaces,
            join_lines: !self.keep_line_breaks,
            doubled_chars: !self.keep_doubled,
            punctuation: !self.keep_punctuation,
            boilerplate: !self.keep_boilerplate,
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\t', "\\t")
}

pub fn run(args: Args) -> Result<i32> {
    let cleaner = Cleaner::new(args.options());
    let mut out = stdout();
    let status = for_each_input(&args.input, |id, text, many| {
        let mut text = AlignedText::try_new(text)?;
        let report = cleaner.clean(&mut text)?;
        if args.report {
            if many {
                writeln!(out, "# {}", id)?;
            }
            let idx = CharIndex::new(text.original());
            for c in &report.changes {
                let (s, e) = idx.char_span(c.original);
                writeln!(
                    out,
                    "{s}\t{e}\t{}\t{}\t{}\t{}",
                    c.kind.as_str(),
                    escape(&c.before),
                    escape(&c.after),
                    escape(&c.reason)
                )?;
            }
        } else {
            out.write_all(text.current().as_bytes())?;
            if !text.current().ends_with('\n') && many {
                out.write_all(b"\n")?;
            }
        }
        Ok(())
    })?;
    out.flush()?;
    Ok(status)
}
