//! Averages models trained with different seeds into one.
//!
//! ```text
//! cargo run --release -p zhen-ner --example average -- -o OUT.zner [--prune-q N] [--id ID] A.zner B.zner [C.zner …]
//! ```
//! `--id ID` names the averaged model (default: the first model's id).
//! `--prune-q N` drops the rows of the averaged model whose largest weight is
//! below N quantisation steps (averaging leaves many small weights: features
//! that only one of the models learned). `--refit-domain NAME=FILE` (repeated,
//! in `zhen train-ner --train-domain`'s order): trains the register classifier
//! of a model with per-source features again from those files
//! (`zhen_ner::refit_domains`; one input model is allowed then).
//! `--register-trainer perceptron|logistic` (with `--refit-domain`): the
//! classifier's trainer (`zhen_ner::RegisterTrainer`; default logistic).

use std::path::PathBuf;
use std::process::ExitCode;

use zhen_ner::{NerModel, RegisterTrainer};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut out = None;
    let mut inputs = Vec::new();
    let mut prune: i16 = 0;
    let mut id = None;
    let mut refit: Vec<(String, PathBuf)> = Vec::new();
    let mut trainer = RegisterTrainer::default();
    while let Some(a) = args.next() {
        if a == "-o" {
            out = args.next().map(PathBuf::from);
        } else if a == "--id" {
            match args.next() {
                Some(s) if !s.is_empty() => id = Some(s),
                _ => {
                    eprintln!("error: --id needs a model id");
                    return ExitCode::from(2);
                }
            }
        } else if a == "--refit-domain" {
            match args.next().as_deref().and_then(|s| s.split_once('=')) {
                Some((n, f)) if !f.is_empty() => refit.push((n.to_string(), PathBuf::from(f))),
                _ => {
                    eprintln!("error: --refit-domain needs NAME=FILE");
                    return ExitCode::from(2);
                }
            }
        } else if a == "--register-trainer" {
            match args.next().as_deref() {
                Some("perceptron") => trainer = RegisterTrainer::Perceptron,
                Some("logistic") => trainer = RegisterTrainer::Logistic,
                _ => {
                    eprintln!("error: --register-trainer needs perceptron or logistic");
                    return ExitCode::from(2);
                }
            }
        } else if a == "--prune-q" {
            match args.next().and_then(|s| s.parse().ok()) {
                Some(q) => prune = q,
                None => {
                    eprintln!("error: --prune-q needs a number of quantisation steps");
                    return ExitCode::from(2);
                }
            }
        } else {
            inputs.push(PathBuf::from(a));
        }
    }
    let Some(out) = out else {
        eprintln!("usage: average -o OUT.zner [--prune-q N] [--id ID] A.zner B.zner …");
        return ExitCode::from(2);
    };
    let mut models = Vec::new();
    for p in &inputs {
        match NerModel::from_path(p) {
            Ok(m) => models.push(m),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let refs: Vec<&NerModel> = models.iter().collect();
    let res = NerModel::average(&refs).and_then(|mut m| {
        if !refit.is_empty() {
            zhen_ner::refit_domains_with(&mut m, &refit, trainer)?;
        }
        let mut m = match &id {
            Some(id) => m.with_id(id.as_str()),
            None => m,
        };
        if prune > 0 {
            m.prune(prune);
        }
        let f = std::fs::File::create(&out).map_err(|e| zhen_ner::Error::Io {
            path: Some(out.clone()),
            source: e,
        })?;
        m.write(std::io::BufWriter::new(f))?;
        eprintln!("wrote {} ({} features)", out.display(), m.num_features());
        Ok(())
    });
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
