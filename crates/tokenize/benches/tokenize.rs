//! Throughput of the tokenize stage against bare jieba-rs on the corpus.
//!
//! `jieba_tag`: `Jieba::tag(text, hmm = true)` over the whole corpus text.
//! `zhen_stage`: paragraphs + language + sentences + `Tokenizer::tokenize`
//! (jieba tagging, merging, projection to original spans, UPOS) on the same
//! text held in an identity `AlignedText`.
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhen_core::AlignedText;
use zhen_tokenize::{language, paragraphs, route, sentences, Tokenizer};

fn corpus() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus dir")
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn stage(tokenizer: &Tokenizer, text: &AlignedText) -> usize {
    let cur = text.current();
    let mut n = 0;
    for p in paragraphs(cur) {
        let lang = language(&cur[p.clone()]);
        for s in sentences(cur, p, &lang) {
            n += tokenizer
                .tokenize(text, s.clone(), route(&lang, &cur[s]))
                .len();
        }
    }
    n
}

fn bench(c: &mut Criterion) {
    let text = corpus();
    let jieba = jieba_rs::Jieba::new();
    let tokenizer = Tokenizer::new().unwrap();
    let aligned = AlignedText::new(text.as_str());
    let mut g = c.benchmark_group("tokenize");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(20);
    g.bench_function("jieba_tag", |b| {
        b.iter(|| black_box(jieba.tag(black_box(&text), true).len()))
    });
    g.bench_function("zhen_stage", |b| {
        b.iter(|| black_box(stage(&tokenizer, black_box(&aligned))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
