//! Reading inputs as scraped: finding files in folders, and decoding UTF-8
//! (with or without BOM), UTF-16 (with BOM, or recognised without one), and
//! GBK/GB18030/Big5 detected by `chardetng`, with errors that name the line
//! and byte offset.
//!
//! Text that is mostly valid UTF-8 is UTF-8: a stray byte, a last character
//! cut in half by `head -c` or a CESU-8 surrogate is an error naming where
//! it is (or a U+FFFD under `lossy`), never a reason to read the whole file
//! as windows-1252.

use std::fs;
use std::path::{Path, PathBuf};

use encoding_rs::{DecoderResult, Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};

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
    #[error(
        "{path}: line {line}, byte offset {offset}: {} {encoding} byte sequence {bytes}{}; {}",
        if *.at_end { "incomplete" } else { "invalid" },
        undecodable_context(*.at_end, *.count),
        if *.encoding == "UTF-8" && !*.forced {
            "pass --lossy to replace undecodable bytes with U+FFFD, or --encoding if the input is not UTF-8"
        } else {
            "pass --encoding to choose the encoding, or --lossy to replace undecodable bytes"
        }
    )]
    Undecodable {
        /// The file.
        path: PathBuf,
        /// The encoding tried.
        encoding: &'static str,
        /// Whether the encoding was given (`--encoding`) rather than detected.
        forced: bool,
        /// Byte offset of the first bad byte in the file (or stream).
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
        /// The offending bytes, in hex.
        bytes: String,
        /// Whether the bad sequence is cut short by the end of the input.
        at_end: bool,
        /// How many undecodable sequences the input has in all.
        count: usize,
    },
    /// A file with NUL bytes that is not UTF-16.
    #[error(
        "{path}: byte offset {offset}: NUL byte: this looks like a binary file, not text; skipped{}",
        match .utf16 {
            Some(e) => format!(" (if it is UTF-16 text without a byte order mark, pass --encoding {e})"),
            None => String::new(),
        }
    )]
    Binary {
        /// The file.
        path: PathBuf,
        /// Offset of the first NUL byte.
        offset: usize,
        /// `utf-16le` or `utf-16be` when the file reads at least half as
        /// text in that byte order.
        utf16: Option<&'static str>,
    },
    /// An encoding name that encoding_rs does not know.
    #[error(
        "unknown encoding {0:?}: use a WHATWG label such as utf-8, gbk, gb18030, big5, utf-16le"
    )]
    UnknownEncoding(String),
    /// An encoding that cannot be read line by line.
    #[error("{path}: {encoding} cannot be read line by line; convert it to UTF-8 first (e.g. iconv -f {encoding} -t UTF-8)")]
    NotLineBased {
        /// The stream.
        path: PathBuf,
        /// The encoding given.
        encoding: &'static str,
    },
}

fn undecodable_context(at_end: bool, count: usize) -> String {
    let mut s = String::new();
    if at_end {
        s.push_str(" at the end of the input (cut short?)");
    }
    if count > 1 {
        s.push_str(&format!(" (the first of {count})"));
    }
    s
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
/// valid UTF-8 is UTF-8; else UTF-16 without BOM when the text reads as
/// UTF-16; else text that is mostly valid UTF-8 is UTF-8 with errors; else
/// chardetng guesses (GBK — gb18030 when it uses GB18030's four-byte
/// sequences —, Big5, …).
///
/// ```
/// use zhen::input::{decode, DecodeOptions};
/// let (gbk, _, _) = encoding_rs::GBK.encode("东莞市选派了干部");
/// let d = decode("x.txt".as_ref(), &gbk, DecodeOptions::default()).unwrap();
/// assert_eq!(d.text, "东莞市选派了干部");
/// assert_eq!(d.encoding, "GBK");
///
/// // one stray byte in UTF-8 text is an error that says where it is…
/// let bad = b"\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\xff\xe5\x9c\xa8\xe5\x8c\x97\xe4\xba\xac";
/// let e = decode("x.txt".as_ref(), bad, DecodeOptions::default()).unwrap_err();
/// assert!(e.to_string().starts_with("x.txt: line 1, byte offset 9: invalid UTF-8 byte sequence FF;"));
/// // …or a U+FFFD with `lossy`
/// let d = decode("x.txt".as_ref(), bad, DecodeOptions { lossy: true, ..Default::default() }).unwrap();
/// assert_eq!((d.text.as_str(), d.replaced), ("王小明\u{FFFD}在北京", 1));
/// ```
pub fn decode(path: &Path, bytes: &[u8], opts: DecodeOptions) -> Result<Decoded, InputError> {
    let (bom_enc, bom_len) = match Encoding::for_bom(bytes) {
        Some((e, n)) => (Some(e), n),
        None => (None, 0),
    };
    let body = &bytes[bom_len..];
    let forced = bom_enc.is_none() && opts.encoding.is_some();
    let encoding = match (bom_enc, opts.encoding) {
        (Some(e), _) => e,
        (None, Some(e)) => e,
        (None, None) => detect(path, body)?,
    };
    if encoding != UTF_16LE && encoding != UTF_16BE {
        if let Some(off) = memchr_nul(body) {
            return Err(InputError::Binary {
                path: path.to_path_buf(),
                offset: bom_len + off,
                utf16: utf16_by_nuls(body),
            });
        }
    }
    let (text, replaced) = decode_with(
        path,
        body,
        Origin {
            offset: bom_len,
            line: 1,
            ends_input: true,
        },
        encoding,
        forced,
        opts.lossy,
    )?;
    // chardetng and encoding_rs read GB18030's four-byte sequences as "GBK"
    let encoding = if encoding == GBK && has_gb18030_four_byte(body) {
        GB18030
    } else {
        encoding
    };
    Ok(Decoded {
        text,
        encoding: encoding.name(),
        bom: bom_len > 0,
        replaced,
    })
}

/// [`decode`] of bytes it may keep: plain UTF-8 (no BOM, no NUL, valid)
/// becomes the text without a copy — a 20 MB file is then read once and
/// validated once. Anything else is decoded as [`decode`] does.
pub fn decode_owned(
    path: &Path,
    bytes: Vec<u8>,
    opts: DecodeOptions,
) -> Result<Decoded, InputError> {
    if opts.encoding.is_none_or(|e| e == UTF_8)
        && Encoding::for_bom(&bytes).is_none()
        && memchr_nul(&bytes).is_none()
        && simdutf8::basic::from_utf8(&bytes).is_ok()
    {
        // SAFETY: `bytes` was just validated as UTF-8.
        let text = unsafe { String::from_utf8_unchecked(bytes) };
        return Ok(Decoded {
            text,
            encoding: UTF_8.name(),
            bom: false,
            replaced: 0,
        });
    }
    decode(path, &bytes, opts)
}

/// Detects the encoding of a body without BOM (see [`decode`]).
fn detect(path: &Path, body: &[u8]) -> Result<&'static Encoding, InputError> {
    let nul = memchr_nul(body);
    let utf8 = simdutf8::basic::from_utf8(body).is_ok();
    if utf8 && nul.is_none() {
        return Ok(UTF_8);
    }
    let stats = Utf8Stats::of(body);
    // Multi-byte UTF-8 sequences turn up by chance in GBK or Big5 text, but
    // against several times as many invalid bytes; a stray byte in UTF-8
    // text is the other way round.
    if nul.is_none()
        && stats.valid > 0
        && (stats.valid >= 8 * stats.invalid || stats.cut_short_only)
    {
        return Ok(UTF_8);
    }
    if let Some(e) = sniff_utf16(body) {
        // valid UTF-8 (with NULs) is UTF-16 only with UTF-16's NULs:
        // read as UTF-16, pairs of ASCII letters are CJK ideographs ("tt"
        // is U+7474), so the score alone took English text with a stray
        // NUL for UTF-16 (found by fuzzing)
        if !utf8 || utf16_zero_high_bytes(body, e) {
            return Ok(e);
        }
    }
    if let Some(off) = nul {
        return Err(InputError::Binary {
            path: path.to_path_buf(),
            offset: off,
            utf16: utf16_by_nuls(body),
        });
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(body, true);
    let guess = det.guess(None, chardetng::Utf8Detection::Allow);
    let multibyte_cjk = [
        GBK,
        GB18030,
        BIG5,
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::EUC_KR,
    ];
    if multibyte_cjk.contains(&guess) && decodes_cleanly(guess, body) {
        return Ok(guess);
    }
    if stats.valid > 0 && stats.valid >= stats.invalid {
        return Ok(UTF_8);
    }
    Ok(guess)
}

/// Bytes in valid multi-byte UTF-8 sequences, and bytes in invalid ones.
struct Utf8Stats {
    valid: usize,
    invalid: usize,
    /// Whether the only invalid bytes are a sequence cut short at the end
    /// (`head -c`): everything before them is valid UTF-8.
    cut_short_only: bool,
}

impl Utf8Stats {
    fn of(mut rest: &[u8]) -> Utf8Stats {
        let non_ascii = |b: &[u8]| b.iter().filter(|&&c| c >= 0x80).count();
        let mut s = Utf8Stats {
            valid: 0,
            invalid: 0,
            cut_short_only: false,
        };
        loop {
            match std::str::from_utf8(rest) {
                Ok(_) => {
                    s.valid += non_ascii(rest);
                    return s;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    let bad = e.error_len().unwrap_or(rest.len() - good);
                    s.cut_short_only = s.invalid == 0 && e.error_len().is_none();
                    s.valid += non_ascii(&rest[..good]);
                    s.invalid += bad;
                    rest = &rest[good + bad..];
                }
            }
        }
    }
}

fn decodes_cleanly(encoding: &'static Encoding, body: &[u8]) -> bool {
    encoding
        .decode_without_bom_handling_and_without_replacement(body)
        .is_some()
}

/// Whether GBK-decodable bytes use GB18030's four-byte sequences (a lead
/// byte 0x81–0xFE followed by a digit byte), which GBK does not have.
fn has_gb18030_four_byte(body: &[u8]) -> bool {
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            0x81..=0xFE => {
                if body.get(i + 1).is_some_and(|b| b.is_ascii_digit()) {
                    return true;
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    false
}

/// UTF-16 without BOM: the byte order under which (a sample of) the text
/// reads as ordinary Chinese or English text — CJK ideographs and
/// punctuation, ASCII, Latin letters — while the other does not.
fn sniff_utf16(body: &[u8]) -> Option<&'static Encoding> {
    utf16_order(body, 90)
}

/// The UTF-16 byte order under which at least `percent` % of (a sample of)
/// `body` reads as plausible text, and more than under the other order.
fn utf16_order(body: &[u8], percent: usize) -> Option<&'static Encoding> {
    const SAMPLE: usize = 1 << 16;
    let sample = &body[..body.len().min(SAMPLE) & !1];
    let units = sample.len() / 2;
    if units < 2 {
        return None;
    }
    // four points per plausible code unit, three for a char U+xx00, so that
    // ASCII read in the wrong byte order (all U+xx00) loses to the right one
    // — while 开 U+5F00 and 最 U+6700 still count
    let score = |be: bool| -> usize {
        let it = sample.chunks_exact(2).map(|p| {
            if be {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                u16::from_le_bytes([p[0], p[1]])
            }
        });
        char::decode_utf16(it)
            .filter_map(|c| c.ok().filter(|&c| plausible_in_utf16(c)))
            .map(|c| {
                let u = c as u32;
                let weight = if u > 0xFF && u & 0xFF == 0 { 3 } else { 4 };
                weight * c.len_utf16()
            })
            .sum()
    };
    let (le, be) = (score(false), score(true));
    let (best, enc) = if le >= be {
        (le, UTF_16LE)
    } else {
        (be, UTF_16BE)
    };
    (best != le.min(be) && best * 100 >= units * 4 * percent).then_some(enc)
}

/// Whether at least a quarter of `body`'s code units in `encoding`'s byte
/// order (UTF-16LE or BE) have a zero high byte, as UTF-16 text with some
/// ASCII in it has.
pub fn utf16_zero_high_bytes(body: &[u8], encoding: &Encoding) -> bool {
    let high = usize::from(encoding == UTF_16LE);
    let units = body.len() / 2;
    let zeros = body.chunks_exact(2).filter(|u| u[high] == 0).count();
    units > 0 && zeros * 4 >= units
}

/// A char that Chinese or English text is made of.
fn plausible_in_utf16(c: char) -> bool {
    matches!(c as u32,
        0x09 | 0x0A | 0x0D
        | 0x20..=0x7E
        | 0xA0..=0x24F
        | 0x2000..=0x206F
        | 0x3000..=0x30FF
        | 0x4E00..=0x9FFF
        | 0xFF01..=0xFF60
        | 0xFFE0..=0xFFE6)
}

/// `utf-16le`/`utf-16be` for the error about NUL bytes when the file
/// reads at least half as text in that byte order.
fn utf16_by_nuls(body: &[u8]) -> Option<&'static str> {
    match utf16_order(body, 50) {
        Some(e) if e == UTF_16LE => Some("utf-16le"),
        Some(_) => Some("utf-16be"),
        None => None,
    }
}

fn memchr_nul(b: &[u8]) -> Option<usize> {
    memchr::memchr(0, b)
}

/// Where a body starts in its file or stream.
#[derive(Clone, Copy)]
struct Origin {
    /// Byte offset of the body's first byte.
    offset: usize,
    /// Line of the body's first byte (1-based).
    line: usize,
    /// Whether the body runs to the end of the input (a line of a stream
    /// does not: a sequence cut short there is cut by the line break).
    ends_input: bool,
}

/// Decodes without replacement, stopping at (or, lossy, counting) every
/// malformed sequence, so errors can name the exact line and offset and
/// say how many there are.
fn decode_with(
    path: &Path,
    body: &[u8],
    origin: Origin,
    encoding: &'static Encoding,
    forced: bool,
    lossy: bool,
) -> Result<(String, usize), InputError> {
    if encoding == UTF_8 {
        if let Ok(s) = simdutf8::basic::from_utf8(body) {
            return Ok((s.to_string(), 0));
        }
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len().saturating_mul(3).saturating_add(16));
    let mut out = String::with_capacity(cap);
    let mut pos = 0;
    let mut count = 0;
    // the first malformed sequence: (start, end, line)
    let mut first: Option<(usize, usize, usize)> = None;
    loop {
        let (res, read) =
            decoder.decode_to_string_without_replacement(&body[pos..], &mut out, true);
        pos += read;
        match res {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {
                out.reserve(body.len() - pos + 16);
            }
            DecoderResult::Malformed(bad, extra) => {
                count += 1;
                if first.is_none() {
                    let end = pos - extra as usize;
                    let start = end.saturating_sub(bad as usize);
                    let line = origin.line + out.bytes().filter(|&b| b == b'\n').count();
                    first = Some((start, end, line));
                }
                if lossy {
                    out.push('\u{FFFD}');
                }
            }
        }
    }
    match first {
        Some((start, end, line)) if !lossy => Err(InputError::Undecodable {
            path: path.to_path_buf(),
            encoding: encoding.name(),
            forced,
            offset: origin.offset + start,
            line,
            bytes: body[start..end]
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(" "),
            at_end: origin.ends_input
                && end == body.len()
                && at_end_incomplete(encoding, &body[start..]),
            count,
        }),
        _ => Ok((out, count)),
    }
}

/// Whether `tail` (the rest of the input from a malformed sequence) is the
/// start of a sequence cut short, rather than bytes that are wrong anywhere.
fn at_end_incomplete(encoding: &'static Encoding, tail: &[u8]) -> bool {
    let mut d = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(16);
    let (res, _) = d.decode_to_string_without_replacement(tail, &mut out, false);
    matches!(res, DecoderResult::InputEmpty)
}

/// Decodes a stream line by line — the streaming mode reads one JSON line
/// (or text line) at a time, and a bad byte must fail that line only. Each
/// call takes one line as read, terminator included, and keeps count of the
/// line number and stream offset, so errors name both. The encoding is
/// UTF-8 (what JSON Lines are) unless one is forced; no detection, since a
/// line is too short to detect reliably; UTF-16 is refused (its line breaks
/// are not `\n` bytes). A UTF-8 BOM at the start of the stream is removed.
///
/// ```
/// use zhen::input::{DecodeOptions, LineDecoder};
/// let mut lines = LineDecoder::new("<stdin>", DecodeOptions::default()).unwrap();
/// assert_eq!(lines.decode(b"{\"text\":\"ok\"}\n").unwrap().text, "{\"text\":\"ok\"}");
/// let e = lines.decode(b"{\"text\":\"\xff\"}\n").unwrap_err();
/// assert!(e.to_string().starts_with("<stdin>: line 2, byte offset 23: invalid UTF-8 byte sequence FF;"));
/// assert_eq!(lines.decode(b"next\r\n").unwrap().text, "next");
/// ```
#[derive(Clone, Debug)]
pub struct LineDecoder {
    path: PathBuf,
    opts: DecodeOptions,
    line: usize,
    offset: usize,
}

impl LineDecoder {
    /// A decoder for the stream named `path` (in errors), at line 1.
    pub fn new(path: impl Into<PathBuf>, opts: DecodeOptions) -> Result<Self, InputError> {
        let path = path.into();
        if let Some(e) = opts.encoding.filter(|&e| e == UTF_16LE || e == UTF_16BE) {
            return Err(InputError::NotLineBased {
                path,
                encoding: e.name(),
            });
        }
        Ok(LineDecoder {
            path,
            opts,
            line: 0,
            offset: 0,
        })
    }

    /// The number of the last line decoded (1-based; 0 before the first).
    pub fn line(&self) -> usize {
        self.line
    }

    /// Decodes the next line (as read, with its `\n` or `\r\n`, which are
    /// not part of the returned text).
    pub fn decode(&mut self, line: &[u8]) -> Result<Decoded, InputError> {
        let start = self.offset;
        self.line += 1;
        self.offset += line.len();
        let mut body = line.strip_suffix(b"\n").unwrap_or(line);
        body = body.strip_suffix(b"\r").unwrap_or(body);
        let mut base = start;
        let mut bom = false;
        if self.line == 1 {
            if let Some(rest) = body.strip_prefix(b"\xEF\xBB\xBF") {
                body = rest;
                base += 3;
                bom = true;
            }
        }
        let encoding = self.opts.encoding.unwrap_or(UTF_8);
        let (text, replaced) = decode_with(
            &self.path,
            body,
            Origin {
                offset: base,
                line: self.line,
                ends_input: false,
            },
            encoding,
            self.opts.encoding.is_some(),
            self.opts.lossy,
        )?;
        Ok(Decoded {
            text,
            encoding: encoding.name(),
            bom,
            replaced,
        })
    }
}

/// Reads and decodes one file, keeping its bytes as the text when it is
/// plain UTF-8 (see [`decode_owned`]).
pub fn read_file_text(path: &Path, opts: DecodeOptions) -> Result<Decoded, InputError> {
    decode_owned(path, file_bytes(path)?, opts)
}

/// Reads and decodes one file.
pub fn read_file(path: &Path, opts: DecodeOptions) -> Result<(Decoded, Vec<u8>), InputError> {
    let bytes = file_bytes(path)?;
    let d = decode(path, &bytes, opts)?;
    Ok((d, bytes))
}

/// The bytes of one file, or an I/O error naming it.
fn file_bytes(path: &Path) -> Result<Vec<u8>, InputError> {
    fs::read(path).map_err(|source| InputError::Io {
        path: path.to_path_buf(),
        source,
    })
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

    /// `decode_owned` keeps plain UTF-8 and otherwise is `decode`: same
    /// text, encoding, BOM flag, replacements, and the same errors.
    #[test]
    fn decode_owned_is_decode() {
        let (gbk, _, _) = encoding_rs::GBK.encode("东莞市选派了干部");
        let inputs: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            "頭髮 plain UTF-8".as_bytes().to_vec(),
            b"\xEF\xBB\xBFwith BOM".to_vec(),
            b"a\0NUL".to_vec(),
            b"bad \xFF byte".to_vec(),
            gbk.into_owned(),
        ];
        let forced = DecodeOptions {
            encoding: Some(UTF_8),
            ..Default::default()
        };
        let lossy = DecodeOptions {
            lossy: true,
            ..Default::default()
        };
        for b in &inputs {
            for opts in [DecodeOptions::default(), forced, lossy] {
                let p = Path::new("in.txt");
                let (d, o) = (decode(p, b, opts), decode_owned(p, b.clone(), opts));
                match (d, o) {
                    (Ok(d), Ok(o)) => {
                        assert_eq!(
                            (d.text, d.encoding, d.bom, d.replaced),
                            (o.text, o.encoding, o.bom, o.replaced)
                        );
                    }
                    (Err(d), Err(o)) => assert_eq!(d.to_string(), o.to_string()),
                    (d, o) => panic!("{b:?}: {d:?} vs {o:?}"),
                }
            }
        }
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
        assert_eq!(d.encoding, "GBK");
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

    const LOSSY: DecodeOptions = DecodeOptions {
        encoding: None,
        lossy: true,
    };

    /// Issue 12 case 1: one stray byte in UTF-8 text made chardetng pick
    /// windows-1252 and the document came out as mojibake with status ok.
    #[test]
    fn a_stray_byte_in_utf8_is_an_error_not_windows_1252() {
        let b = b"\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\xe5\x9c\xa8\xe5\x8c\x97\xe4\xba\xac\xe5\xb7\xa5\xe4\xbd\x9c\xe3\x80\x82\xff\xe6\x9d\x8e\xe5\x9b\x9b\xe5\x9c\xa8\xe4\xb8\x8a\xe6\xb5\xb7\xe5\xb7\xa5\xe4\xbd\x9c\xe3\x80\x82\n";
        assert_eq!(
            dec(b).unwrap_err().to_string(),
            "in.txt: line 1, byte offset 27: invalid UTF-8 byte sequence FF; pass --lossy to replace undecodable bytes with U+FFFD, or --encoding if the input is not UTF-8"
        );
        let d = decode(Path::new("in.txt"), b, LOSSY).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.replaced),
            ("王小明在北京工作。\u{FFFD}李四在上海工作。\n", "UTF-8", 1)
        );
    }

    #[test]
    fn a_last_char_cut_in_half_is_named_as_such() {
        // `head -c 33`: the last char 在 (E5 9C A8) loses its last byte
        let mut b = "王小明在北京工作。\n李四".as_bytes().to_vec();
        b.extend_from_slice(&"在".as_bytes()[..2]);
        assert_eq!(
            dec(&b).unwrap_err().to_string(),
            "in.txt: line 2, byte offset 34: incomplete UTF-8 byte sequence E5 9C at the end of the input (cut short?); pass --lossy to replace undecodable bytes with U+FFFD, or --encoding if the input is not UTF-8"
        );
        let d = decode(Path::new("in.txt"), &b, LOSSY).unwrap();
        assert_eq!(
            (d.text.as_str(), d.replaced),
            ("王小明在北京工作。\n李四\u{FFFD}", 1)
        );
    }

    #[test]
    fn cesu8_surrogates_are_utf8_errors_counted() {
        // U+1F600 as CESU-8 (two encoded surrogates) between Chinese text
        let mut b = "第一行\n表情".as_bytes().to_vec();
        b.extend_from_slice(b"\xed\xa0\xbd\xed\xb8\x80");
        b.extend_from_slice("结束了。".as_bytes());
        assert_eq!(
            dec(&b).unwrap_err().to_string(),
            "in.txt: line 2, byte offset 16: invalid UTF-8 byte sequence ED (the first of 6); pass --lossy to replace undecodable bytes with U+FFFD, or --encoding if the input is not UTF-8"
        );
        let d = decode(Path::new("in.txt"), &b, LOSSY).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.replaced, 6);
        assert_eq!(
            d.text,
            "第一行\n表情\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}结束了。"
        );
    }

    #[test]
    fn short_text_with_one_bad_byte_is_still_utf8() {
        let e = dec(b"\xe7\x8e\x8b\xff").unwrap_err();
        assert!(matches!(
            e,
            InputError::Undecodable {
                encoding: "UTF-8",
                offset: 3,
                line: 1,
                count: 1,
                ..
            }
        ));
    }

    #[test]
    fn latin1_text_is_still_a_single_byte_code_page() {
        let (b, _, _) = encoding_rs::WINDOWS_1252.encode("Café crème, brûlée à la française.");
        let d = dec(&b).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("Café crème, brûlée à la française.", "windows-1252")
        );
    }

    fn utf16(text: &str, be: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })
            .collect()
    }

    #[test]
    fn utf16_without_bom_is_detected() {
        let text = "王小明在北京工作。\nWang works in Beijing.\n";
        for (be, name) in [(false, "UTF-16LE"), (true, "UTF-16BE")] {
            let d = dec(&utf16(text, be)).unwrap();
            assert_eq!((d.text.as_str(), d.encoding, d.bom), (text, name, false));
        }
        // Chinese only: no NUL byte at all
        let text = "广州市派驻清远市驻镇帮镇扶村工作队开展组团式结对帮扶。";
        for (be, name) in [(false, "UTF-16LE"), (true, "UTF-16BE")] {
            let d = dec(&utf16(text, be)).unwrap();
            assert_eq!((d.text.as_str(), d.encoding), (text, name));
        }
        // English only
        let d = dec(&utf16("Peter Blackburn, Brussels.", false)).unwrap();
        assert_eq!(d.encoding, "UTF-16LE");
    }

    /// Fuzzing found English text with a few NULs (valid UTF-8) decoded as
    /// UTF-16LE ideographs: "tt" is U+7474 in either byte order.
    #[test]
    fn utf8_with_stray_nuls_is_not_utf16() {
        let mut body = b"\0\0".to_vec();
        body.extend(b"t".repeat(86));
        body.extend(b"\0\0\0\0\x08");
        let err = dec(&body).unwrap_err().to_string();
        assert!(err.contains("byte offset 0: NUL byte"), "{err}");
        let mut body = b"Peter works in Brussels.".to_vec();
        body.insert(6, 0);
        assert!(dec(&body).unwrap_err().to_string().contains("NUL byte"));
    }

    #[test]
    fn nuls_where_utf16_has_them_name_the_encoding() {
        // UTF-16 text with every third char a control char: too odd to
        // decode unasked, but the error says what it may be
        let text = "王小\u{1}明在\u{1}北京\u{1}工作\u{1}";
        assert_eq!(
            dec(&utf16(text, false)).unwrap_err().to_string(),
            "in.txt: byte offset 5: NUL byte: this looks like a binary file, not text; skipped (if it is UTF-16 text without a byte order mark, pass --encoding utf-16le)"
        );
        assert!(dec(&utf16(text, true))
            .unwrap_err()
            .to_string()
            .ends_with("pass --encoding utf-16be)"));
        // control chars only: no hint
        assert_eq!(
            dec(b"\x01\x00\x02\x00\x03\x00\x04\x00")
                .unwrap_err()
                .to_string(),
            "in.txt: byte offset 1: NUL byte: this looks like a binary file, not text; skipped"
        );
    }

    #[test]
    fn gb18030_four_byte_sequences_are_recorded_as_gb18030() {
        // 𠮷 (U+20BB7) and ㈠…: outside GBK, four bytes in GB18030
        let text = "王小明在北京工作，他姓𠮷。李四在上海工作，爱吃𩽾𩾌。";
        let (b, _, _) = encoding_rs::GB18030.encode(text);
        let d = dec(&b).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, "gb18030"));
        // forced gbk decodes them too (encoding_rs's GBK decoder is
        // GB18030's), and says what it read
        let forced = DecodeOptions {
            encoding: Some(encoding_rs::GBK),
            lossy: false,
        };
        let d = decode(Path::new("in.txt"), &b, forced).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, "gb18030"));
    }

    /// The real documents of `corpus/` in GBK and Big5 are still detected.
    #[test]
    fn corpus_documents_in_legacy_encodings_are_detected() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let mut n = 0;
        for entry in fs::read_dir(dir).unwrap() {
            let text = fs::read_to_string(entry.unwrap().path()).unwrap();
            for (enc, name) in [(encoding_rs::GBK, "GBK"), (encoding_rs::BIG5, "Big5")] {
                // unmappable chars become &#NNNN; — skip documents with many
                let (b, _, _) = enc.encode(&text);
                let (want, _) = enc.decode_without_bom_handling(&b);
                if want.matches("&#").count() * 100 > text.chars().count() {
                    continue;
                }
                let d = dec(&b).unwrap();
                assert_eq!((d.text.as_str(), d.encoding), (&*want, name));
                // and the first line on its own
                let line = text.lines().find(|l| l.chars().count() > 10).unwrap();
                let (b, _, _) = enc.encode(line);
                assert_eq!(dec(&b).unwrap().encoding, name, "{line}");
                n += 1;
            }
        }
        assert!(n >= 6, "{n} documents encodable");
    }

    #[test]
    fn lines_decode_one_by_one_naming_line_and_stream_offset() {
        let mut d = LineDecoder::new("<stdin>", DecodeOptions::default()).unwrap();
        let first = d.decode(b"\xEF\xBB\xBF{\"id\":1}\r\n").unwrap();
        assert_eq!((first.text.as_str(), first.bom), ("{\"id\":1}", true));
        assert_eq!(d.decode(b"ok\n").unwrap().text, "ok");
        assert_eq!(
            d.decode(b"ab\xe7\x8e\n").unwrap_err().to_string(),
            "<stdin>: line 3, byte offset 18: invalid UTF-8 byte sequence E7 8E; pass --lossy to replace undecodable bytes with U+FFFD, or --encoding if the input is not UTF-8"
        );
        // a bad line does not stop the next ones
        assert_eq!(d.decode(b"\xe7\x8e\x8b").unwrap().text, "王");
        assert_eq!(d.line(), 4);
        let mut lossy = LineDecoder::new("<stdin>", LOSSY).unwrap();
        let l = lossy.decode(b"a\xffb\xfe\n").unwrap();
        assert_eq!((l.text.as_str(), l.replaced), ("a\u{FFFD}b\u{FFFD}", 2));
        let gbk = DecodeOptions {
            encoding: Some(encoding_rs::GBK),
            lossy: false,
        };
        let (b, _, _) = encoding_rs::GBK.encode("东莞\n");
        let mut g = LineDecoder::new("<stdin>", gbk).unwrap();
        assert_eq!(g.decode(&b).unwrap().text, "东莞");
        let utf16 = DecodeOptions {
            encoding: Some(UTF_16LE),
            lossy: false,
        };
        assert_eq!(
            LineDecoder::new("<stdin>", utf16).unwrap_err().to_string(),
            "<stdin>: UTF-16LE cannot be read line by line; convert it to UTF-8 first (e.g. iconv -f UTF-16LE -t UTF-8)"
        );
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
