//! Counts the register classifier's choices over the documents of files.
//!
//! ```text
//! cargo run --release -p zhen-ner --example register -- --model MODEL FILE…
//! ```
//! A `.bio` file: every sentence a document. A `.jsonl` file (`zhen eval`'s
//! paragraphs, a `text` field per line): every line a document, cut into
//! sentences as the pipeline cuts them (`zhen_tokenize::sentences`; no
//! cleaning, no conversion). A `.txt` file: one document, cut the same way. Prints per
//! file the number of documents given to each source; `--each`: every
//! document's choice and scores too.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use zhen_ner::{read_bio, NerModel};
use zhen_tokenize::Lang;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut model = None;
    let mut files = Vec::new();
    let mut each = false;
    while let Some(a) = args.next() {
        if a == "--each" {
            each = true;
        } else if a == "--model" {
            model = args.next().map(PathBuf::from);
        } else {
            files.push(PathBuf::from(a));
        }
    }
    let Some(model) = model else {
        eprintln!("usage: register --model MODEL FILE…");
        return ExitCode::from(2);
    };
    let m = match NerModel::from_path(&model) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let names = m.domain_names();
    if names.is_empty() {
        eprintln!("error: {} has no sources", model.display());
        return ExitCode::from(1);
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for f in &files {
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        let docs: Vec<Vec<String>> = if ext == "txt" {
            match std::fs::read_to_string(f) {
                Ok(t) => vec![zhen_tokenize::sentences(&t, 0..t.len(), &Lang::ZH)
                    .into_iter()
                    .map(|r| t[r].to_string())
                    .collect()],
                Err(e) => {
                    eprintln!("error: {}: {e}", f.display());
                    return ExitCode::from(1);
                }
            }
        } else if ext == "jsonl" {
            let text = match std::fs::read_to_string(f) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: {}: {e}", f.display());
                    return ExitCode::from(1);
                }
            };
            let mut docs = Vec::new();
            for (i, line) in text.lines().enumerate() {
                let Some(t) = json_text(line) else {
                    eprintln!("error: {}:{}: no \"text\" field", f.display(), i + 1);
                    return ExitCode::from(1);
                };
                let sents: Vec<String> = zhen_tokenize::sentences(&t, 0..t.len(), &Lang::ZH)
                    .into_iter()
                    .map(|r| t[r].to_string())
                    .collect();
                docs.push(sents);
            }
            docs
        } else {
            match read_bio(f) {
                Ok(s) => s.iter().map(|s| vec![s.tokens.concat()]).collect(),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(1);
                }
            }
        };
        let mut count = vec![0usize; names.len()];
        for (j, d) in docs.iter().enumerate() {
            let refs: Vec<&str> = d.iter().map(String::as_str).collect();
            if let Some(n) = m.domain_of(&refs) {
                if let Some(i) = names.iter().position(|x| *x == n) {
                    count[i] += 1;
                }
                if each {
                    let scores = m.domain_scores(&refs).unwrap_or_default();
                    if let Err(e) = writeln!(out, "{}\t{j}\t{n}\t{scores:?}", f.display()) {
                        return write_failed(&e);
                    }
                }
            }
        }
        let parts: Vec<String> = names
            .iter()
            .zip(&count)
            .map(|(n, c)| format!("{n} {c}"))
            .collect();
        if let Err(e) = writeln!(
            out,
            "{}\t{} docs\t{}",
            f.display(),
            docs.len(),
            parts.join("  ")
        ) {
            return write_failed(&e);
        }
    }
    ExitCode::SUCCESS
}

/// The `text` string of a JSON line (escapes decoded; surrogate pairs of
/// `\u` escapes joined).
fn json_text(line: &str) -> Option<String> {
    let start = line.find("\"text\"")? + 6;
    let rest = line[start..].trim_start().strip_prefix(':')?.trim_start();
    let mut it = rest.strip_prefix('"')?.chars();
    let mut out = String::new();
    let mut high: Option<u32> = None;
    loop {
        match it.next()? {
            '"' => return Some(out),
            '\\' => match it.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let h: String = it.by_ref().take(4).collect();
                    let u = u32::from_str_radix(&h, 16).ok()?;
                    if (0xd800..0xdc00).contains(&u) {
                        high = Some(u);
                        continue;
                    }
                    let c = match high.take() {
                        Some(hi) => 0x10000 + ((hi - 0xd800) << 10) + (u - 0xdc00),
                        None => u,
                    };
                    out.push(char::from_u32(c)?);
                }
                c => out.push(c),
            },
            c => out.push(c),
        }
    }
}

/// A closed pipe (`… --each FILE | head`) ends the listing quietly; any other
/// write error is reported.
fn write_failed(e: &io::Error) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: writing to stdout: {e}");
        ExitCode::from(1)
    }
}
