//! Trains a NER model from BIO files.
//!
//! ```text
//! cargo run --release -p zhen-ner --example train -- --lang zh \
//!     --train msra/train.bio --dev dev.bio --lexicon dict.txt -o models/zh-news.zner --epochs 10
//! ```
//! Options: `--lang zh|en`, `--train FILE` (repeatable), `--train-other FILE`
//! (repeatable: a corpus with conventions of its own, see
//! `TrainOptions::other_conventions`), `--dev FILE` (per-epoch F1,
//! best epoch kept), `-o MODEL`, `--epochs N`, `--seed N`, `--lexicon FILE`
//! (repeatable; jieba dict.txt or `word<TAB>CAT|CAT`), `--clusters FILE`
//! (`word<TAB>id<TAB>id<TAB>id`; Chinese: `c:X`, `b:XY`, `w:WORD`), `--no-cues`, `--flags N`
//! (feature families, see `zhen_ner::flags`), `--gazetteer` (English: gazetteer
//! from train entities), `--prune W`, `--id ID`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use zhen_ner::{train, TrainOptions};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut lang = String::from("zh");
    let mut files = Vec::new();
    let mut dev = None;
    let mut out = None;
    let mut opts = TrainOptions::default();
    while let Some(a) = args.next() {
        let mut val = |name: &str| -> String {
            args.next().unwrap_or_else(|| {
                eprintln!("error: {name} needs a value");
                std::process::exit(2)
            })
        };
        let num = |s: String, name: &str| -> f64 {
            s.parse().unwrap_or_else(|_| {
                eprintln!("error: {name} needs a number, got {s:?}");
                std::process::exit(2)
            })
        };
        match a.as_str() {
            "--lang" => lang = val("--lang"),
            "--train" => files.push(PathBuf::from(val("--train"))),
            "--train-other" => opts
                .other_conventions
                .push(PathBuf::from(val("--train-other"))),
            "--dev" => dev = Some(PathBuf::from(val("--dev"))),
            "-o" | "--output" => out = Some(PathBuf::from(val("-o"))),
            "--epochs" => opts.epochs = num(val("--epochs"), "--epochs") as usize,
            "--seed" => opts.seed = num(val("--seed"), "--seed") as u64,
            "--flags" => opts.flags = num(val("--flags"), "--flags") as u32,
            "--prune" => opts.prune = num(val("--prune"), "--prune") as f32,
            "--lexicon" => opts.lexicons.push(PathBuf::from(val("--lexicon"))),
            "--clusters" => opts.clusters = Some(PathBuf::from(val("--clusters"))),
            "--no-cues" => opts.builtin_cues = false,
            "--gazetteer" => opts.train_gazetteer = true,
            "--id" => opts.id = Some(val("--id")),
            _ => {
                eprintln!(
                    "error: unknown argument {a:?} (see the doc comment of examples/train.rs)"
                );
                return ExitCode::from(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("error: -o MODEL is required");
        return ExitCode::from(2);
    };
    // the pipeline's segmenter, for models with word features (flags::SEGMENTS)
    let jieba = zhen_tokenize::Tokenizer::jieba_only();
    opts.segmenter = Some(&jieba);
    let t0 = Instant::now();
    let model = match train(&lang, &files, dev.as_deref(), opts) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let secs = t0.elapsed().as_secs_f64();
    let res = std::fs::File::create(&out)
        .map_err(|e| e.to_string())
        .and_then(|f| {
            model
                .write(std::io::BufWriter::new(f))
                .map_err(|e| e.to_string())
        });
    if let Err(e) = res {
        eprintln!("error: {}: {e}", out.display());
        return ExitCode::from(1);
    }
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "wrote {} ({} features, {} lexicon entries, {:.1} MB) after {:.1}s of training",
        out.display(),
        model.num_features(),
        model.lexicon_len(),
        size as f64 / 1e6,
        secs
    );
    ExitCode::SUCCESS
}
