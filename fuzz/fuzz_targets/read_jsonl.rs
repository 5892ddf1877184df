//! The JSONL readers: zhen's documents and doccano's.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhen::export::jsonl;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(docs) = jsonl::read_str(&text, "fuzz.jsonl") {
        docs.iter().for_each(zhen_fuzz::check_read);
    }
    if let Ok(docs) = jsonl::read_doccano_str(&text, "fuzz.jsonl") {
        docs.iter().for_each(zhen_fuzz::check_read);
    }
});
