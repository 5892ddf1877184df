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
//! time N-1 extra tagging passes and print the fastest), `--titles on|off`
//! (switch the English title rule, `flags::TITLES`, for an ablation),
//! `--companies on|off` (the same for the company rule, `flags::COMPANIES`),
//! `--domain NAME` (a model with per-source features, `flags::DOMAINS`: tag
//! with that source's features instead of the register classifier's choice;
//! without it the choice per document is counted and printed).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use zhen_core::Segmenter;
use zhen_ner::score::score;
use zhen_ner::{bio_from_spans, read_bio, NerModel, TagOptions, Text};

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
    let mut titles: Option<bool> = None;
    let mut companies: Option<bool> = None;
    let mut domain: Option<String> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--gold" => gold = args.next().map(PathBuf::from),
            "--model" => model = args.next().map(PathBuf::from),
            "--json" => json = true,
            "--doc-window" => window = args.next().and_then(|s| s.parse().ok()).unwrap_or(0),
            "--conll-docs" => docs = args.next().map(PathBuf::from),
            "--repeat" => repeat = args.next().and_then(|s| s.parse().ok()).unwrap_or(1),
            "--dump" => dump = args.next().map(PathBuf::from),
            "--titles" => match args.next().as_deref() {
                Some("on") => titles = Some(true),
                Some("off") => titles = Some(false),
                other => {
                    eprintln!("error: --titles takes on or off, not {other:?}");
                    return ExitCode::from(2);
                }
            },
            "--companies" => match args.next().as_deref() {
                Some("on") => companies = Some(true),
                Some("off") => companies = Some(false),
                other => {
                    eprintln!("error: --companies takes on or off, not {other:?}");
                    return ExitCode::from(2);
                }
            },
            "--domain" => domain = args.next(),
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
    if let Some(on) = titles {
        model.set_title_rule(on);
    }
    if let Some(on) = companies {
        model.set_company_rule(on);
    }
    if let Err(e) = model.set_domain(domain.as_deref()) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
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
    // the pipeline's segmenter, for a model with word features
    let jieba = zhen_tokenize::Tokenizer::jieba_only();
    let options = |consistency| TagOptions {
        consistency,
        segmenter: Some(&jieba),
    };
    let tokens: Vec<Vec<&str>> = sents.iter().map(|s| s.token_strs()).collect();
    // speed: the fastest of `repeat` passes of sentence-level tagging
    let mut best = f64::INFINITY;
    for _ in 1..repeat {
        let t = Instant::now();
        let mut n = 0;
        for toks in &tokens {
            n += model
                .tag_tokens(&[toks], &options(false))
                .map_or(0, |f| f[0].len());
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
            let texts: Vec<String> = sents.iter().map(|s| s.tokens.concat()).collect();
            let words: Vec<_> = texts.iter().map(|t| jieba.segment(t)).collect();
            let mut best = f64::INFINITY;
            for _ in 1..repeat {
                let t = Instant::now();
                let mut n = 0;
                for (s, w) in texts.iter().zip(&words) {
                    let given = [Text {
                        text: s,
                        words: Some(w),
                    }];
                    n += model
                        .tag_text(&given, &options(false))
                        .map_or(0, |f| f[0].len());
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
    let mut pred: Vec<Vec<(usize, usize, zhen_core::Label)>> = Vec::with_capacity(sents.len());
    let mut pos = 0;
    let mut units = 0usize;
    // per-source models: the source the classifier picks for each document
    let mut chosen: Vec<(String, usize)> = Vec::new();
    for n in sizes {
        let doc: Vec<&[&str]> = tokens[pos..pos + n].iter().map(Vec::as_slice).collect();
        let texts: Vec<String> = doc.iter().map(|s| s.concat()).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        if let Some(d) = model.domain_of(&refs) {
            match chosen.iter_mut().find(|(n, _)| n == d) {
                Some(c) => c.1 += 1,
                None => chosen.push((d.to_string(), 1)),
            }
        }
        pos += n;
        units += doc.iter().map(|s| s.len()).sum::<usize>();
        // a document of several sentences is tagged consistently
        match model.tag_tokens(&doc, &options(n > 1)) {
            Ok(found) => pred.extend(
                found
                    .into_iter()
                    .map(|f| f.into_iter().map(Into::into).collect()),
            ),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let secs = t1.elapsed().as_secs_f64();
    if !chosen.is_empty() {
        let list: Vec<String> = chosen.iter().map(|(n, c)| format!("{n} {c}")).collect();
        eprintln!("sources chosen per document: {}", list.join(", "));
    }
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
