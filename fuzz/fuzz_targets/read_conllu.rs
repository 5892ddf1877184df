//! The CoNLL-U reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(docs) = zhen::export::conllu::read_str(&text, "fuzz.conllu") {
        docs.iter().for_each(zhen_fuzz::check_read);
    }
});
