//! The `tokens.csv` reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let opts = zhen::export::CsvOptions::default();
    if let Ok(docs) = zhen::export::csv::read_tokens_str(&text, "fuzz.csv", &opts) {
        docs.iter().for_each(zhen_fuzz::check_read);
    }
});
