//! The input decoder: detection on arbitrary bytes, forced encodings, lossy
//! replacement, and line-by-line decoding of a stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use zhen::input::{decode, DecodeOptions, InputError, LineDecoder};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let encoding = match mode % 6 {
        0 | 1 => None,
        2 => Some(encoding_rs::UTF_8),
        3 => Some(encoding_rs::GBK),
        4 => Some(encoding_rs::BIG5),
        _ => Some(encoding_rs::UTF_16LE),
    };
    let opts = DecodeOptions {
        encoding,
        lossy: mode & 0x80 != 0,
    };
    match decode(Path::new("fuzz.txt"), bytes, opts) {
        Ok(d) => {
            if opts.encoding.is_none() && !d.bom {
                if let Ok(s) = std::str::from_utf8(bytes) {
                    assert_eq!(d.text, s, "valid UTF-8 decoded as {}", d.encoding);
                }
            }
            if !opts.lossy {
                assert_eq!(d.replaced, 0);
            }
        }
        Err(InputError::Undecodable { offset, line, .. }) => {
            assert!(!opts.lossy, "lossy decoding failed");
            assert!(offset < bytes.len(), "offset {offset} outside {} bytes", bytes.len());
            assert!(line >= 1);
        }
        Err(InputError::Binary { offset, .. }) => {
            assert_eq!(bytes.get(offset), Some(&0), "no NUL at offset {offset}");
        }
        Err(e) => panic!("unexpected error {e}"),
    }
    if let Ok(mut lines) = LineDecoder::new("<stdin>", opts) {
        let mut pos = 0;
        for line in bytes.split_inclusive(|&b| b == b'\n') {
            match lines.decode(line) {
                Ok(d) => assert!(!d.text.contains('\n')),
                Err(InputError::Undecodable { offset, .. }) => {
                    assert!(offset >= pos && offset < pos + line.len(), "offset {offset} outside the line at {pos}");
                }
                Err(e) => panic!("unexpected line error {e}"),
            }
            pos += line.len();
        }
    }
});
