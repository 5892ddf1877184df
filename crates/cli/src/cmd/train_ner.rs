//! `zhen train-ner`: train a NER model.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use zhen::ner::{train_averaged, TrainOptions};

/// Train a NER model (structured averaged perceptron over BIOES tags) from
/// BIO files (`TOKEN<TAB>TAG`, blank line between sentences). Chinese is
/// tagged per character, English per token. The epoch with the best dev F1 is kept.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Language of the model: zh (character tagging) or en (token tagging).
    #[arg(long, value_enum)]
    lang: Lang,
    /// Training file(s); repeat for several.
    #[arg(long, required_unless_present = "train_domain")]
    train: Vec<PathBuf>,
    /// Training file(s) annotated with conventions of their own (another
    /// corpus): they train the shared weights with private copies of every
    /// feature that take up where their conventions differ; the copies are
    /// left out of the model. Repeat for several; each is its own source.
    #[arg(long, value_name = "FILE")]
    train_other: Vec<PathBuf>,
    /// Training file of a named source (`NAME=FILE`, e.g. `weibo=weibo/train.bio`):
    /// it trains the shared weights and a few features private to its source
    /// (a tag bias, the lexicon categories, the character), which are kept in
    /// the model with a register classifier that picks a source for each
    /// document from its text at tagging time (Chinese; flags::DOMAINS).
    /// Repeat for several; a name may have several files; at most 8 names.
    /// `=FILE` (no name): a file of no source, trained as `--train` files
    /// are, in its place among these (files are read `--train` first, then
    /// these in order, and the order is part of the seeded shuffle).
    #[arg(long, value_name = "NAME=FILE", value_parser = parse_domain)]
    train_domain: Vec<(String, PathBuf)>,
    /// Training file of a named source of `--train-domain` (`NAME=FILE`)
    /// whose sentences train only that source's private features, not the
    /// weights the sources share (nor the transitions or the register
    /// classifier): more weight on one source's conventions, e.g. its
    /// `--train-domain` file given here again. Read after the
    /// `--train-domain` files.
    #[arg(long, value_name = "NAME=FILE", value_parser = parse_domain, requires = "train_domain")]
    train_domain_private: Vec<(String, PathBuf)>,
    /// With `--train-domain`: the features private to a source are its tag
    /// bias and lexicon categories only, not the character (a smaller,
    /// faster model; sets flags::DOMAIN_NO_CHAR).
    #[arg(long, requires = "train_domain")]
    no_domain_char: bool,
    /// Development file: picks the best epoch.
    #[arg(long)]
    dev: Option<PathBuf>,
    /// Where to write the model.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Passes over the training data.
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    /// Seed(s) of the shuffle (training is deterministic for a seed); with
    /// several, comma-separated, one model is trained per seed and their
    /// weights are averaged.
    #[arg(long, default_value = "42", value_delimiter = ',')]
    seed: Vec<u64>,
    /// Drop feature rows whose largest weight is below this many
    /// quantisation steps (a smaller, faster model; 0 keeps all).
    #[arg(long, default_value_t = 0)]
    prune_q: i16,
    /// Extra lexicon files (jieba dict.txt format, or `word<TAB>CAT|CAT`).
    #[arg(long)]
    lexicon: Vec<PathBuf>,
    /// Clusters, `STRING<TAB>id[<TAB>id[<TAB>id]]` lines, ids coarsest first:
    /// English lowercased words (scripts/clusters-en), Chinese `c:X`, `b:XY`
    /// and `w:WORD` entries (scripts/clusters-zh).
    #[arg(long)]
    clusters: Option<PathBuf>,
    /// Feature families as a bit set (zhen_ner::flags; default: the library default).
    #[arg(long)]
    flags: Option<u32>,
    /// Passive-aggressive updates (PA-I) with this aggressiveness C instead of
    /// the perceptron's unit step: a wrong sentence moves the weights just far
    /// enough to score the gold tags above the predicted ones by the number
    /// of tags they differ in, at most C per feature (0: the perceptron).
    #[arg(long, default_value_t = 0.0, value_name = "C")]
    pa: f32,
    /// Loss-augmented decoding in training: every wrong tag gets this added
    /// to its score, so the gold tags must win by a margin (0: off).
    #[arg(long, default_value_t = 0.0)]
    cost: f32,
    /// English: add the training data's entity strings as a jackknifed gazetteer.
    #[arg(long)]
    gazetteer: bool,
    /// Model id recorded in the file and in manifests.
    #[arg(long)]
    id: Option<String>,
}

/// `NAME=FILE` of `--train-domain`.
fn parse_domain(s: &str) -> std::result::Result<(String, PathBuf), String> {
    match s.split_once('=') {
        Some((name, file)) if !file.is_empty() => Ok((name.to_string(), PathBuf::from(file))),
        _ => Err(format!("expected NAME=FILE, got {s:?}")),
    }
}

/// The language of a model.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Lang {
    Zh,
    En,
}

pub fn run(args: Args) -> Result<i32> {
    // the pipeline's segmenter, for the word features of Chinese models
    let jieba = zhen::tokenize::Tokenizer::jieba_only();
    let opts = TrainOptions {
        epochs: args.epochs,
        lexicons: args.lexicon.clone(),
        clusters: args.clusters.clone(),
        other_conventions: args.train_other.clone(),
        domains: args.train_domain.clone(),
        domains_private: args.train_domain_private.clone(),
        flags: args.flags.unwrap_or(zhen::ner::flags::DEFAULT)
            | if args.no_domain_char {
                zhen::ner::flags::DOMAIN_NO_CHAR
            } else {
                0
            },
        train_gazetteer: args.gazetteer,
        pa: args.pa,
        cost: args.cost,
        id: args.id.clone(),
        verbose: true,
        segmenter: Some(&jieba),
        ..TrainOptions::default()
    };
    let t0 = Instant::now();
    let lang = match args.lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    };
    let model = train_averaged(
        lang,
        &args.train,
        args.dev.as_deref(),
        opts,
        &args.seed,
        args.prune_q,
    )?;
    let mut buf = Vec::new();
    model.write(&mut buf)?;
    crate::io::write_atomic(&args.output, &buf)?;
    eprintln!(
        "zhen: wrote {} ({} features, {:.1} MB) after {:.1} s of training",
        args.output.display(),
        model.num_features(),
        buf.len() as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
    Ok(0)
}
