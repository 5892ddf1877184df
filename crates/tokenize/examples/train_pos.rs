//! Trains the English POS tagger on CoNLL-2003 and prints dev/test accuracy.
//!
//! ```text
//! cargo run --release -p zhen-tokenize --no-default-features --example train_pos -- \
//!     eng.train eng.testa eng.testb crates/tokenize/models/en-pos.zpos [epochs] [seed] [scale]
//! ```
use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use zhen_tokenize::pos::read_conll_pos;
use zhen_tokenize::{PosTagger, TrainOptions};

fn read(path: &str) -> Vec<zhen_tokenize::TaggedSentence> {
    let f = File::open(path).unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    read_conll_pos(BufReader::new(f), path).unwrap_or_else(|e| panic!("{e}"))
}

fn pct((ok, n): (usize, usize)) -> f64 {
    100.0 * ok as f64 / n.max(1) as f64
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        eprintln!("usage: train_pos TRAIN DEV TEST OUT [EPOCHS=10] [SEED=1] [SCALE=0.001]");
        std::process::exit(2);
    }
    let opts = TrainOptions {
        epochs: args.get(4).map_or(10, |s| s.parse().expect("epochs")),
        seed: args.get(5).map_or(1, |s| s.parse().expect("seed")),
    };
    let scale: f32 = args.get(6).map_or(0.001, |s| s.parse().expect("scale"));
    let (train, dev, test) = (read(&args[0]), read(&args[1]), read(&args[2]));
    let n: usize = train.iter().map(|s| s.words.len()).sum();
    println!(
        "train: {} sentences, {n} tokens; epochs {}, seed {}",
        train.len(),
        opts.epochs,
        opts.seed
    );
    let t = Instant::now();
    let model = PosTagger::train(&train, &opts, |epoch, m| {
        println!("epoch {epoch:2}: dev {:.2}%", pct(m.evaluate(&dev)));
    });
    println!(
        "trained in {:.1}s, {} features",
        t.elapsed().as_secs_f64(),
        model.feature_count()
    );
    let mut buf = Vec::new();
    model.write(&mut buf, scale).expect("write model");
    std::fs::write(&args[3], &buf).expect("write model file");
    let t = Instant::now();
    let loaded = PosTagger::read(&buf[..]).expect("read back");
    let load = t.elapsed();
    println!(
        "model {}: {} bytes ({:.2} MB), {} features after pruning at scale {scale}, load {:.0} ms",
        args[3],
        buf.len(),
        buf.len() as f64 / 1e6,
        loaded.feature_count(),
        load.as_secs_f64() * 1e3
    );
    println!(
        "dev  (testa) accuracy, full model:   {:.2}%",
        pct(model.evaluate(&dev))
    );
    println!(
        "test (testb) accuracy, full model:   {:.2}%",
        pct(model.evaluate(&test))
    );
    println!(
        "dev  (testa) accuracy, saved model:  {:.2}%",
        pct(loaded.evaluate(&dev))
    );
    println!(
        "test (testb) accuracy, saved model:  {:.2}%",
        pct(loaded.evaluate(&test))
    );
}
