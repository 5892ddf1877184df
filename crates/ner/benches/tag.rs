//! Tagging throughput of the shipped models, features included.
//!
//! Input: the sentences of `corpus/` (Chinese) and a fixed English paragraph,
//! repeated. Run with `cargo bench -p zhen-ner --bench tag`.
//! `zh_chars` is the tagger on its own (a model with segment features cuts
//! each sentence with jieba first); `zh_chars_segmented` is the pipeline's
//! case, where the tokenizer's words are handed over; `zh_segment` is the
//! jieba cut alone.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhen_core::Segmenter;
use zhen_ner::{NerModel, TagOptions, Text};

fn zh_sentences() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut text = String::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for f in files.iter().take(20) {
        text.push_str(&std::fs::read_to_string(f).unwrap_or_default());
    }
    text.split(['。', '！', '？', '\n'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
    let zh = NerModel::from_path(&root.join("zh-news.zner")).expect("models/zh-news.zner");
    let sents = zh_sentences();
    let chars: usize = sents.iter().map(|s| s.chars().count()).sum();
    let bytes: usize = sents.iter().map(|s| s.len()).sum();
    eprintln!(
        "zh input: {} sentences, {chars} chars, {bytes} bytes",
        sents.len()
    );
    let mut g = c.benchmark_group("tag");
    g.throughput(Throughput::Bytes(bytes as u64));
    let seg = zhen_tokenize::Tokenizer::jieba_only();
    let options = TagOptions {
        consistency: false,
        segmenter: Some(&seg),
    };
    g.bench_function("zh_chars", |b| {
        b.iter(|| {
            let mut n = 0;
            for s in &sents {
                n += zh.tag_text(&[Text::from(s.as_str())], &options).unwrap()[0].len();
            }
            n
        })
    });
    if zh.uses_segments() {
        let words: Vec<_> = sents.iter().map(|s| seg.segment(s)).collect();
        g.bench_function("zh_chars_segmented", |b| {
            b.iter(|| {
                let mut n = 0;
                for (s, w) in sents.iter().zip(&words) {
                    let given = [Text {
                        text: s,
                        words: Some(w),
                    }];
                    n += zh.tag_text(&given, &options).unwrap()[0].len();
                }
                n
            })
        });
        g.bench_function("zh_segment", |b| {
            b.iter(|| sents.iter().map(|s| seg.segment(s).len()).sum::<usize>())
        });
    }
    if let Ok(en) = NerModel::from_path(&root.join("en-conll.zner")) {
        let para = "EU rejects German call to boycott British lamb . Peter Blackburn BRUSSELS 1996-08-22 The European Commission said on Thursday it disagreed with German advice to consumers to shun British lamb until scientists determine whether mad cow disease can be transmitted to sheep .";
        let toks: Vec<&str> = para.split(' ').collect();
        g.throughput(Throughput::Bytes(para.len() as u64));
        g.bench_function("en_tokens", |b| {
            b.iter(|| en.tag_tokens(&[&toks], &options).unwrap()[0].len())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
