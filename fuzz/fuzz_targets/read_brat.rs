//! The brat standoff reader: the `.txt` and the `.ann`, split at the first
//! NUL byte of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (txt, ann) = text.split_once('\0').unwrap_or((&text, ""));
    if let Ok(doc) = zhen::export::brat::read_str("fuzz", txt, ann, "fuzz.ann") {
        zhen_fuzz::check_read(&doc);
    }
});
