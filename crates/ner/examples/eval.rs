//! Scores a model on a gold BIO file: per-label and micro P/R/F1.
//!
//! ```text
//! cargo run --release -p zhen-ner --example eval -- --gold msra/test.bio --model models/zh-news.zner [--json]
//! ```
//! Options: `--json` (machine-readable, fractions 0–1), `--doc-window N` (treat
//! every N consecutive sentences as one document and apply document-level
//! consistency), `--conll-docs FILE` (document boundaries from a CoNLL file
//! with `-DOCSTART-` lines holding the same sentences), `--prune-q N` (drop
//! feature rows below N quantisation steps before tagging), `--dump FILE`
//! (write `TOKEN GOLD PRED` columns for error analysis), `--repeat N` (also
//! time N-1 extra tagging passes and print the fastest).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use zhen_ner::score::score;
use zhen_ner::{bio_from_spans, read_bio, tag_document_en, tag_document_zh, NerModel};

fn conll_doc_sizes(path: &PathBuf) -> std::io::Result<Vec<usize>> {
    let text = std::fs::read_to_string(path)?;
    let mut sizes = Vec::new();
    let mut cur = 0usize;
    let mut in_sent = false;
    for line in text.lines() {
        if line.starts_with("-DOCSTART-") {
            if in_sent {
                cur += 1;
                in_sent = false;
            }
            if cur > 0 {
                sizes.push(cur);
            }
            cur = 0;
        } else if line.trim().is_empty() {
            if in_sent {
                cur += 1;
            }
            in_sent = false;
        } else {
            in_sent = true;
        }
    }
    if in_sent {
        cur += 1;
    }
    if cur > 0 {
        sizes.push(cur);
    }
    Ok(sizes)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut gold, mut model, mut json, mut window, mut docs) = (None, None, false, 0usize, None);
    let mut prune: i16 = 0;
    let mut dump: Option<PathBuf> = None;
    let mut repeat = 1usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--gold" => gold = args.next().map(PathBuf::from),
            "--model" => model = args.next().map(PathBuf::from),
            "--json" => json = true,
            "--doc-window" => window = args.next().and_then(|s| s.parse().ok()).unwrap_or(0),
            "--conll-docs" => docs = args.next().map(PathBuf::from),
            "--repeat" => repeat = args.next().and_then(|s| s.parse().ok()).unwrap_or(1),
            "--dump" => dump = args.next().map(PathBuf::from),
            "--prune-q" => prune = args.next().and_then(|s| s.parse().ok()).unwrap_or(0),
            _ => {
                eprintln!("error: unknown argument {a:?}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(gold), Some(model_path)) = (gold, model) else {
        eprintln!("usage: eval --gold FILE.bio --model MODEL [--json] [--doc-window N] [--conll-docs FILE]");
        return ExitCode::from(2);
    };
    let t0 = Instant::now();
    let mut model = match NerModel::from_path(&model_path) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let load = t0.elapsed().as_secs_f64();
    if prune > 0 {
        model.prune(prune);
        eprintln!("pruned to {} features", model.num_features());
    }
    let sents = match read_bio(&gold) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let gold_spans: Vec<_> = sents.iter().map(|s| s.spans()).collect();
    let sizes: Vec<usize> = if let Some(d) = &docs {
        match conll_doc_sizes(d) {
            Ok(s) if s.iter().sum::<usize>() == sents.len() => s,
            Ok(s) => {
                eprintln!(
                    "error: {} has {} sentences in {} documents, the gold file {}",
                    d.display(),
                    s.iter().sum::<usize>(),
                    s.len(),
                    sents.len()
                );
                return ExitCode::from(1);
            }
            Err(e) => {
                eprintln!("error: {}: {e}", d.display());
                return ExitCode::from(1);
            }
        }
    } else if window > 0 {
        (0..sents.len())
            .step_by(window)
            .map(|i| window.min(sents.len() - i))
            .collect()
    } else {
        vec![1; sents.len()]
    };
    // speed: the fastest of `repeat` passes of sentence-level tagging
    let mut best = f64::INFINITY;
    for _ in 1..repeat {
        let t = Instant::now();
        let mut n = 0;
        for s in &sents {
            n += model.tag_bio_tokens(&s.tokens).len();
        }
        std::hint::black_box(n);
        best = best.min(t.elapsed().as_secs_f64());
    }
    if repeat > 1 {
        let units: usize = sents.iter().map(|s| s.tokens.len()).sum();
        eprintln!(
            "fastest of {} passes: {:.3}s ({:.0} units/s)",
            repeat - 1,
            best,
            units as f64 / best
        );
        if model.uses_segments() {
            // the pipeline's case: the tokenizer's words are at hand
            let seg = zhen_tokenize::Tokenizer::jieba_only();
            let texts: Vec<String> = sents.iter().map(|s| s.tokens.concat()).collect();
            let words: Vec<Vec<(std::ops::Range<usize>, &str)>> =
                texts.iter().map(|t| seg.segment_chinese(t)).collect();
            let mut best = f64::INFINITY;
            for _ in 1..repeat {
                let t = Instant::now();
                let mut n = 0;
                for (s, w) in texts.iter().zip(&words) {
                    n += model.tag_chars_segmented(s, w).len();
                }
                std::hint::black_box(n);
                best = best.min(t.elapsed().as_secs_f64());
            }
            eprintln!(
                "fastest of {} passes given the segmentation: {:.3}s ({:.0} units/s)",
                repeat - 1,
                best,
                units as f64 / best
            );
        }
    }
    let t1 = Instant::now();
    let mut pred = Vec::with_capacity(sents.len());
    let mut pos = 0;
    let mut units = 0usize;
    for n in sizes {
        let doc = &sents[pos..pos + n];
        pos += n;
        units += doc.iter().map(|s| s.tokens.len()).sum::<usize>();
        if n == 1 {
            pred.push(model.tag_bio_tokens(&doc[0].tokens));
        } else if model.lang() == "en" {
            let toks: Vec<Vec<&str>> = doc
                .iter()
                .map(|s| s.tokens.iter().map(|t| t.as_str()).collect())
                .collect();
            let refs: Vec<&[&str]> = toks.iter().map(|t| t.as_slice()).collect();
            for sp in tag_document_en(&model, &refs) {
                pred.push(sp.into_iter().map(|(r, l)| (r.start, r.end, l)).collect());
            }
        } else {
            let texts: Vec<String> = doc.iter().map(|s| s.tokens.concat()).collect();
            let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
            for (sp, (s, text)) in tag_document_zh(&model, &refs)
                .into_iter()
                .zip(doc.iter().zip(&texts))
            {
                // byte ranges -> token indices
                let mut starts = Vec::with_capacity(s.tokens.len() + 1);
                let mut b = 0;
                for t in &s.tokens {
                    starts.push(b);
                    b += t.len();
                }
                starts.push(text.len());
                let idx = |x: usize| starts.partition_point(|&y| y < x);
                pred.push(
                    sp.into_iter()
                        .map(|(r, l)| (idx(r.start), idx(r.end), l))
                        .collect(),
                );
            }
        }
    }
    let secs = t1.elapsed().as_secs_f64();
    let s = score(&gold_spans, &pred);
    if let Some(d) = &dump {
        let mut out = String::new();
        for (sent, p) in sents.iter().zip(&pred) {
            let tags = bio_from_spans(sent.tokens.len(), p);
            for ((t, g), p) in sent.tokens.iter().zip(&sent.tags).zip(&tags) {
                out.push_str(&format!("{t}\t{g}\t{p}\n"));
            }
            out.push('\n');
        }
        if let Err(e) = std::fs::write(d, out) {
            eprintln!("error: {}: {e}", d.display());
            return ExitCode::from(1);
        }
    }
    if json {
        println!("{}", s.to_json());
    } else {
        println!(
            "{}: {} ({})",
            gold.display(),
            model_path.display(),
            model.id()
        );
        println!("{s}");
    }
    eprintln!(
        "model load {:.3}s; tagged {units} units in {:.2}s ({:.0} units/s)",
        load,
        secs,
        units as f64 / secs
    );
    ExitCode::SUCCESS
}
