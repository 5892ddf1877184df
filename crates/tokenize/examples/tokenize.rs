//! Tokenizes files (or stdin) and prints one token per line:
//! `start<TAB>end<TAB>original<TAB>pos<TAB>upos` (byte offsets of the
//! original), a blank line after each sentence.
//!
//! ```text
//! cargo run --release -p zhen-tokenize --example tokenize -- [--count] [FILE…]
//! ```
//! With `--count` only the totals and the throughput of the tokenize stage
//! (paragraphs + language + sentences + tokenize, file reading excluded) are
//! printed, to stderr.
use std::io::{BufWriter, Read, Write};
use std::time::Instant;

use zhen_core::AlignedText;
use zhen_tokenize::{language, paragraphs, route, sentences, Tokenizer};

fn main() {
    let mut count_only = false;
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        if a == "--count" {
            count_only = true;
        } else {
            files.push(a);
        }
    }
    let mut inputs = Vec::new();
    if files.is_empty() {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .expect("stdin is not UTF-8");
        inputs.push(s);
    }
    for f in &files {
        inputs.push(std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{f}: {e}")));
    }
    let tokenizer = Tokenizer::new().expect("tokenizer");
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let start = Instant::now();
    let (mut bytes, mut ntok, mut nsent) = (0usize, 0usize, 0usize);
    for input in inputs {
        bytes += input.len();
        let text = AlignedText::new(input);
        let cur = text.current();
        for p in paragraphs(cur) {
            let lang = language(&cur[p.clone()]);
            for s in sentences(cur, p, &lang) {
                nsent += 1;
                let toks = tokenizer.tokenize(&text, s.clone(), route(&lang, &cur[s]));
                ntok += toks.len();
                if count_only {
                    continue;
                }
                for t in toks {
                    let orig = &text.original()[t.span.range()];
                    let ok = writeln!(
                        out,
                        "{}\t{}\t{orig}\t{}\t{}",
                        t.span.start, t.span.end, t.pos, t.upos
                    );
                    if ok.is_err() {
                        return; // broken pipe
                    }
                }
                if writeln!(out).is_err() {
                    return;
                }
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let _ = out.flush();
    if count_only {
        eprintln!(
            "{bytes} bytes, {nsent} sentences, {ntok} tokens in {secs:.3} s: {:.2} MB/s",
            bytes as f64 / 1e6 / secs
        );
    }
}
