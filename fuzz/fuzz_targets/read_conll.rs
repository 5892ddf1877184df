//! The CoNLL / BIO column reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhen::export::conll::{read_str, Join, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let join = [Join::Auto, Join::Space, Join::None][mode as usize % 3];
    if let Ok(docs) = read_str(&text, "fuzz.conll", &ReadOptions { join }) {
        docs.iter().for_each(zhen_fuzz::check_read);
    }
});
