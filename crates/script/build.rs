//! Compiles the sixteen embedded OpenCC configs (`data/`) into the tables
//! `src/compiled.rs` reads at run time, with the crate's own conversion
//! code: see the docs of `src/compiled.rs`.
#![allow(dead_code)]

#[path = "src/compiled.rs"]
mod compiled;
#[path = "src/config.rs"]
mod config;
#[path = "src/convert.rs"]
mod convert;
#[path = "src/dict.rs"]
mod dict;
#[path = "src/error.rs"]
mod error;
#[path = "src/matcher.rs"]
mod matcher;
#[path = "src/trie.rs"]
mod trie;

use error::{Error, Result};

fn main() {
    for f in [
        "src/compiled.rs",
        "src/config.rs",
        "src/convert.rs",
        "src/dict.rs",
        "src/error.rs",
        "src/matcher.rs",
        "src/trie.rs",
        "data/config",
        "data/dictionary",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    if std::env::var_os("CARGO_FEATURE_EMBED").is_none() {
        return;
    }
    let blob = match compiled::build(std::path::Path::new("data")) {
        Ok(b) => b,
        Err(e) => panic!("compiling the OpenCC configs of data/: {e}"),
    };
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("opencc.bin");
    std::fs::write(out, blob).expect("write opencc.bin");
}
