//! The whole pipeline on arbitrary text: every offset it returns points
//! into the text, and every writer takes the document.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zhen::Pipeline;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::builder().build().unwrap())
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let a = pipeline().annotate("fuzz", &text).expect("annotate failed");
    zhen_fuzz::check_read(&a.document);
});
