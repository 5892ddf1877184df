//! Reading inputs as scraped: finding files in folders, and decoding UTF-8
//! (with or without BOM), UTF-16 with BOM, and GBK/GB18030/Big5 detected by
//! `chardetng`, with errors that name the byte offset and line.

use std::fs;
use std::path::{Path, PathBuf};

use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// Errors of reading and decoding inputs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Bytes that are not valid in the detected (or given) encoding.
    #[error("{path}: line {line}, byte offset {offset}: invalid {encoding} byte sequence {bytes}; pass --encoding to choose the encoding, or --lossy to replace undecodable bytes")]
    Undecodable {
        /// The file.
        path: PathBuf,
        /// The encoding tried.
        encoding: &'static str,
        /// Byte offset of the first bad byte in the file.
        offset: usize,
        /// 1-based line of that byte (counting `\n` bytes before it).
        line: usize,
        /// The offending bytes, in hex.
        bytes: String,
    },
    /// A file with NUL bytes that is not UTF-16.
    #[error(
        "{path}: byte offset {offset}: NUL byte: this looks like a binary file, not text; skipped"
    )]
    Binary {
        /// The file.
        path: PathBuf,
        /// Offset of the first NUL byte.
        offset: usize,
    },
    /// An encoding name that encoding_rs does not know.
    #[error(
        "unknown encoding {0:?}: use a WHATWG label such as utf-8, gbk, gb18030, big5, utf-16le"
    )]
    UnknownEncoding(String),
}

/// A decoded input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without BOM.
    pub text: String,
    /// The encoding's name (`UTF-8`, `GBK`, `gb18030`, `Big5`, `UTF-16LE`, …).
    pub encoding: &'static str,
    /// Whether a byte order mark was present (and removed).
    pub bom: bool,
    /// How many undecodable sequences were replaced by U+FFFD (only with `lossy`).
    pub replaced: usize,
}

/// How to decode.
#[derive(Clone, Copy, Debug, Default)]
pub struct DecodeOptions {
    /// Force this encoding instead of detecting one.
    pub encoding: Option<&'static Encoding>,
    /// Replace undecodable bytes with U+FFFD (and count them) instead of failing.
    pub lossy: bool,
}

impl DecodeOptions {
    /// Resolves an encoding label (`gbk`, `big5`, `utf-8`, …).
    pub fn encoding_for_label(label: &str) -> Result<&'static Encoding, InputError> {
        Encoding::for_label(label.trim().as_bytes())
            .ok_or_else(|| InputError::UnknownEncoding(label.to_string()))
    }
}

/// Decodes the bytes of `path` (used in error messages only).
///
/// Order: a BOM decides (UTF-8, UTF-16LE/BE); else a forced encoding; else
/// valid UTF-8 is UTF-8; else chardetng guesses (GBK, GB18030, Big5, …).
///
/// ```
/// use zhen::input::{decode, DecodeOptions};
/// let (gbk, _, _) = encoding_rs::GBK.encode("东莞市选派了干部");
/// let d = decode("x.txt".as_ref(), &gbk, DecodeOptions::default()).unwrap();
/// assert_eq!(d.text, "东莞市选派了干部");
/// assert_eq!(d.encoding, "GBK");
/// ```
pub fn decode(path: &Path, bytes: &[u8], opts: DecodeOptions) -> Result<Decoded, InputError> {
    let (bom_enc, bom_len) = match Encoding::for_bom(bytes) {
        Some((e, n)) => (Some(e), n),
        None => (None, 0),
    };
    let body = &bytes[bom_len..];
    let encoding = match (bom_enc, opts.encoding) {
        (Some(e), _) => e,
        (None, Some(e)) => e,
        (None, None) => {
            if let Some(off) = memchr_nul(body) {
                return Err(InputError::Binary {
                    path: path.to_path_buf(),
                    offset: off,
                });
            }
            if std::str::from_utf8(body).is_ok() {
                UTF_8
            } else {
                let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                det.feed(body, true);
                det.guess(None, chardetng::Utf8Detection::Allow)
            }
        }
    };
    if encoding != UTF_16LE && encoding != UTF_16BE {
        if let Some(off) = memchr_nul(body) {
            return Err(InputError::Binary {
                path: path.to_path_buf(),
                offset: bom_len + off,
            });
        }
    }
    let (text, replaced) = decode_with(path, body, bom_len, encoding, opts.lossy)?;
    Ok(Decoded {
        text,
        encoding: encoding.name(),
        bom: bom_len > 0,
        replaced,
    })
}

fn memchr_nul(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == 0)
}

// Decodes without replacement, stopping at (or, lossy, counting) every
// malformed sequence, so errors can name the exact offset.
fn decode_with(
    path: &Path,
    body: &[u8],
    base: usize,
    encoding: &'static Encoding,
    lossy: bool,
) -> Result<(String, usize), InputError> {
    if encoding == UTF_8 {
        if let Ok(s) = std::str::from_utf8(body) {
            return Ok((s.to_string(), 0));
        }
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len() * 3 + 16);
    let mut out = String::with_capacity(cap);
    let mut pos = 0;
    let mut replaced = 0;
    loop {
        let (res, read) =
            decoder.decode_to_string_without_replacement(&body[pos..], &mut out, true);
        pos += read;
        match res {
            DecoderResult::InputEmpty => return Ok((out, replaced)),
            DecoderResult::OutputFull => {
                out.reserve(body.len() - pos + 16);
            }
            DecoderResult::Malformed(bad, extra) => {
                if lossy {
                    out.push('\u{FFFD}');
                    replaced += 1;
                    continue;
                }
                let end = pos - extra as usize;
                let start = end.saturating_sub(bad as usize);
                let line = body[..start].iter().filter(|&&b| b == b'\n').count() + 1;
                let bytes = body[start..end]
                    .iter()
                    .map(|b| format!("{b:02X}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                return Err(InputError::Undecodable {
                    path: path.to_path_buf(),
                    encoding: encoding.name(),
                    offset: base + start,
                    line,
                    bytes,
                });
            }
        }
    }
}

/// Reads and decodes one file.
pub fn read_file(path: &Path, opts: DecodeOptions) -> Result<(Decoded, Vec<u8>), InputError> {
    let bytes = fs::read(path).map_err(|source| InputError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let d = decode(path, &bytes, opts)?;
    Ok((d, bytes))
}

/// One input found by [`discover`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    /// The path to read.
    pub path: PathBuf,
    /// The path relative to the folder it was found in (the file name for a
    /// file given directly), with `/` separators: the document id.
    pub relative: String,
}

/// Expands files and folders into a sorted list of files. Folders are walked
/// recursively; inside folders only names matching `glob` are kept (`*` and
/// `?` wildcards, matched against the file name; hidden files and folders
/// are skipped). Files named directly are always kept — even when they do
/// not exist, so that reading them fails for that file alone.
pub fn discover(inputs: &[PathBuf], glob: &str) -> Result<Vec<InputFile>, InputError> {
    let mut out = Vec::new();
    for input in inputs {
        if fs::metadata(input).is_ok_and(|m| m.is_dir()) {
            let mut found = Vec::new();
            walk(input, input, glob, &mut found)?;
            found.sort();
            out.extend(found);
        } else {
            let name = input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| input.to_string_lossy().into_owned());
            out.push(InputFile {
                path: input.clone(),
                relative: name,
            });
        }
    }
    Ok(out)
}

fn walk(root: &Path, dir: &Path, glob: &str, out: &mut Vec<InputFile>) -> Result<(), InputError> {
    let rd = fs::read_dir(dir).map_err(|source| InputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in rd {
        let entry = entry.map_err(|source| InputError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let ft = entry.file_type().map_err(|source| InputError::Io {
            path: path.clone(),
            source,
        })?;
        if ft.is_dir() {
            walk(root, &path, glob, out)?;
        } else if glob_match(glob, &name) {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push(InputFile {
                path,
                relative: rel,
            });
        }
    }
    Ok(())
}

/// Matches a file name against a pattern with `*` (any run) and `?` (any one char).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // iterative wildcard matching with backtracking to the last star
    let (mut pi, mut ni) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Result<Decoded, InputError> {
        decode(Path::new("in.txt"), bytes, DecodeOptions::default())
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = dec("東莞".as_bytes()).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.bom),
            ("東莞", "UTF-8", false)
        );
        let d = dec(b"\xEF\xBB\xBFabc").unwrap();
        assert_eq!((d.text.as_str(), d.bom), ("abc", true));
    }

    #[test]
    fn utf16_with_bom() {
        let mut b = vec![0xFF, 0xFE];
        for u in "扶贫 ok".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let d = dec(&b).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("扶贫 ok", "UTF-16LE"));
    }

    #[test]
    fn gbk_and_big5_are_detected() {
        let text = "广州市派驻清远市驻镇帮镇扶村工作队开展组团式结对帮扶，巩固拓展脱贫攻坚成果。";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let d = dec(&gbk).unwrap();
        assert_eq!(d.text, text);
        assert!(
            d.encoding == "GBK" || d.encoding == "gb18030",
            "{}",
            d.encoding
        );
        let trad = "廣州市派駐清遠市駐鎮幫鎮扶村工作隊開展組團式結對幫扶，鞏固拓展脫貧攻堅成果。";
        let (big5, _, _) = encoding_rs::BIG5.encode(trad);
        let d = dec(&big5).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (trad, "Big5"));
    }

    #[test]
    fn undecodable_bytes_name_offset_and_line() {
        let mut b = "第一行\n第二".as_bytes().to_vec();
        b.push(0xFF);
        let opts = DecodeOptions {
            encoding: Some(UTF_8),
            lossy: false,
        };
        let e = decode(Path::new("a/b.txt"), &b, opts).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a/b.txt: line 2, byte offset 16: invalid UTF-8 byte sequence FF; pass --encoding to choose the encoding, or --lossy to replace undecodable bytes"
        );
        let d = decode(
            Path::new("a/b.txt"),
            &b,
            DecodeOptions {
                encoding: Some(UTF_8),
                lossy: true,
            },
        )
        .unwrap();
        assert_eq!((d.text.as_str(), d.replaced), ("第一行\n第二\u{FFFD}", 1));
    }

    #[test]
    fn binary_files_are_refused() {
        let e = dec(b"PK\x03\x04\x00\x00").unwrap_err();
        assert_eq!(
            e.to_string(),
            "in.txt: byte offset 4: NUL byte: this looks like a binary file, not text; skipped"
        );
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.txt", "a.txt"));
        assert!(!glob_match("*.txt", "a.txt.bak"));
        assert!(glob_match("0??_*.txt", "001_x.txt"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn discover_walks_sorted_and_skips_hidden() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("b/c")).unwrap();
        fs::create_dir_all(dir.path().join(".git")).unwrap();
        for f in ["z.txt", "b/c/a.txt", "b/x.md", ".git/h.txt"] {
            fs::write(dir.path().join(f), "x").unwrap();
        }
        let found = discover(&[dir.path().to_path_buf()], "*.txt").unwrap();
        let rel: Vec<_> = found.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(rel, ["b/c/a.txt", "z.txt"]);
    }
}
