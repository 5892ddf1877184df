//! Conversion throughput over the corpus: t2s and s2t, in bytes per second.
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhen_core::AlignedText;
use zhen_script::{Config, Converter};

fn corpus() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus/ exists")
        .map(|e| e.expect("readable corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("corpus file is UTF-8"))
        .collect()
}

fn bench(c: &mut Criterion) {
    let text = corpus();
    let mut g = c.benchmark_group("convert");
    g.throughput(Throughput::Bytes(text.len() as u64));
    for config in [Config::T2s, Config::S2t] {
        let conv = Converter::new(config).expect("embedded config");
        g.bench_function(config.name(), |b| b.iter(|| conv.convert(&text)));
        g.bench_function(format!("{}_aligned", config.name()), |b| {
            b.iter(|| {
                let mut t = AlignedText::new(text.as_str());
                conv.convert_aligned(&mut t).expect("valid edits");
                t
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
