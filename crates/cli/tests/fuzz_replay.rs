//! The fuzz targets on stable: every committed seed (`fuzz/seeds/TARGET/`)
//! and every input a fuzzer once crashed on (`fuzz/regressions/TARGET/`) runs
//! through the same function the libFuzzer target calls, with the same
//! checks. A failure names the file; `scripts/fuzz` does the long runs.

#[path = "../../../fuzz/src/lib.rs"]
mod targets;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut files = Vec::new();
    for dir in ["seeds", "regressions"] {
        if let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) {
            files.extend(entries.map(|e| e.unwrap().path()));
        }
    }
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "no seeds for the fuzz target {target}");
    for f in files {
        let data = std::fs::read(&f).unwrap();
        if std::panic::catch_unwind(|| run(&data)).is_err() {
            panic!("fuzz target {target} fails on {}", f.display());
        }
    }
}

macro_rules! replay {
    ($($t:ident),* $(,)?) => {$(
        #[test]
        fn $t() {
            replay(stringify!($t), targets::$t);
        }
    )*};
}

replay!(
    aligned_edits,
    annotate,
    clean,
    convert,
    decode,
    ner_model,
    read_bio,
    read_brat,
    read_conll,
    read_conllu,
    read_csv,
    read_jsonl,
);
