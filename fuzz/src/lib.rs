//! The fuzz targets' bodies, one function per target in `fuzz_targets/`,
//! and the checks they share: what must hold of every value the library
//! hands back, whatever the input. `crates/cli/tests/fuzz_replay.rs` runs the
//! same functions on stable over the committed seeds and regression inputs.

use std::path::Path;
use std::sync::OnceLock;
use zhen::clean::{CleanOptions, Cleaner};
use zhen::core::Edit;
use zhen::export::conll::{read_str, Join, ReadOptions};
use zhen::export::{brat, conll, conllu, csv, jsonl};
use zhen::input::{DecodeOptions, InputError, LineDecoder};
use zhen::ner::{NerModel, TagOptions, Text};
use zhen::script::{Config, Converter};
use zhen::Pipeline;
use zhen::{AlignedText, Document};

/// Every current char maps to a span of the original on char boundaries,
/// and the alignment is monotone; mapping back lands on char boundaries.
pub fn check_aligned(at: &AlignedText) {
    let (orig, cur) = (at.original(), at.current());
    let mut prev: Option<zhen::Span> = None;
    for (i, c) in cur.char_indices() {
        let s = at.to_original(i..i + c.len_utf8());
        assert!(
            s.start <= s.end && s.end <= orig.len(),
            "{s:?} outside the original"
        );
        assert!(
            orig.is_char_boundary(s.start) && orig.is_char_boundary(s.end),
            "{s:?} not on char boundaries of the original"
        );
        if let Some(p) = prev {
            assert!(
                p.start <= s.start && p.end <= s.end,
                "alignment not monotone: {p:?} then {s:?}"
            );
        }
        prev = Some(s);
    }
    let whole = at.to_original(0..cur.len());
    assert!(whole.end <= orig.len());
    for (i, c) in orig.char_indices() {
        let r = at.to_current(zhen::Span::new(i, i + c.len_utf8()));
        assert!(
            r.start <= r.end && r.end <= cur.len(),
            "{r:?} outside the current text"
        );
        assert!(cur.is_char_boundary(r.start) && cur.is_char_boundary(r.end));
    }
}

/// A document a reader returns keeps the offset contract, and every writer
/// takes it.
pub fn check_read(doc: &Document) {
    doc.validate()
        .expect("a reader returned a document that breaks the offset contract");
    let mut out = Vec::new();
    conll::write(&mut out, doc, &Default::default()).expect("conll writer refused a read document");
    let char_level = conll::ConllOptions {
        char_level: true,
        ..Default::default()
    };
    conll::write(&mut out, doc, &char_level).expect("conll writer refused a read document");
    conllu::write(&mut out, doc, &Default::default())
        .expect("conllu writer refused a read document");
    csv::write_tokens(Vec::new(), doc, &Default::default())
        .expect("csv writer refused a read document");
    csv::write_entities(Vec::new(), doc, &Default::default())
        .expect("csv writer refused a read document");
    brat::write_ann(&mut out, doc).expect("brat writer refused a read document");
    jsonl::write_doccano(&mut out, doc).expect("doccano writer refused a read document");
    let mut line = Vec::new();
    jsonl::write(&mut line, doc).expect("jsonl writer refused a read document");
    // our own JSONL reads back as the same document
    let back = jsonl::read_str(std::str::from_utf8(&line).unwrap(), "fuzz.jsonl")
        .expect("zhen's JSONL of a read document does not read back");
    assert_eq!(back.len(), 1);
    assert_eq!(&back[0], doc, "JSONL round trip changed the document");
}

/// `AlignedText` edits: arbitrary edits are applied or refused, and an
/// applied edit keeps the alignment's invariants.
pub fn aligned_edits(data: &[u8]) {
    // text, then edits as (start, end, replacement) records after a NUL
    let (text, rest) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let text = String::from_utf8_lossy(text);
    let mut at = AlignedText::new(text.as_ref());
    let mut rounds = rest.split(|&b| b == 0xFF);
    for round in rounds.by_ref().take(4) {
        let mut edits = Vec::new();
        for rec in round.chunks(4) {
            if rec.len() < 3 {
                break;
            }
            let len = at.current().len().max(1);
            let start = rec[0] as usize * len / 256;
            let end = start + rec[1] as usize % 8;
            let replacement = ["", "x", "东", "頭髮", "\n", " ", "𠮷", "ab"][rec[2] as usize % 8];
            edits.push(Edit::new(
                start..end,
                replacement.repeat(rec.get(3).map_or(1, |n| *n as usize % 3)),
            ));
        }
        let before = at.clone();
        match at.apply(edits) {
            Ok(()) => check_aligned(&at),
            Err(_) => assert_eq!(at, before, "a refused edit changed the text"),
        }
    }
    let cur = at.current().len();
    let ranges: Vec<_> = (0..=cur)
        .filter(|&i| at.current().is_char_boundary(i))
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| w[0]..w[1])
        .collect();
    let projected = at.project(&ranges);
    for w in projected.windows(2) {
        assert!(
            w[0].original.end <= w[1].original.start,
            "projection overlaps"
        );
    }
}

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::builder().build().unwrap())
}

/// The whole pipeline on arbitrary text: every offset it returns points
/// into the text, and every writer takes the document.
pub fn annotate(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let a = pipeline().annotate("fuzz", &text).expect("annotate failed");
    check_read(&a.document);
}

/// The cleaners of scraped and OCR'd text, alone and together.
pub fn clean(data: &[u8]) {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let options = CleanOptions {
        ocr_spaces: mode & 1 != 0,
        join_lines: mode & 2 != 0,
        doubled_chars: mode & 4 != 0,
        punctuation: mode & 8 != 0,
        boilerplate: mode & 16 != 0,
    };
    let mut at = AlignedText::new(text.as_ref());
    let report = Cleaner::new(options)
        .clean(&mut at)
        .expect("cleaning failed");
    check_aligned(&at);
    for c in &report.changes {
        assert!(
            text.get(c.original.range()).is_some(),
            "change {:?} off the original",
            c.original
        );
    }
}

fn converters() -> &'static [Converter; 2] {
    static C: OnceLock<[Converter; 2]> = OnceLock::new();
    C.get_or_init(|| {
        [
            Converter::new(Config::T2s).unwrap(),
            Converter::new(Config::S2t).unwrap(),
        ]
    })
}

/// OpenCC conversion through the aligned text, of the whole text and of a
/// range of it.
pub fn convert(data: &[u8]) {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let conv = &converters()[mode as usize % 2];
    let mut at = AlignedText::new(text.as_ref());
    // a range on char boundaries
    let bounds: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    let a = bounds[(mode as usize / 2) % bounds.len()];
    let b = bounds[bounds.len() - 1 - (mode as usize / 8) % bounds.len()].max(a);
    let r = conv
        .convert_range(&mut at, a..b)
        .expect("conversion failed");
    assert!(r.end <= at.current().len());
    assert_eq!(
        &at.current()[r.clone()],
        conv.convert(&text[a..b]),
        "aligned conversion differs"
    );
    check_aligned(&at);
}

/// The input decoder: detection on arbitrary bytes, forced encodings, lossy
/// replacement, and line-by-line decoding of a stream.
pub fn decode(data: &[u8]) {
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
    match zhen::input::decode(Path::new("fuzz.txt"), bytes, opts) {
        Ok(d) => {
            if opts.encoding.is_none() && !d.bom {
                if let Ok(s) = std::str::from_utf8(bytes) {
                    // UTF-16 with ASCII in it is valid UTF-8 too: taken for
                    // UTF-16 only with UTF-16's NULs
                    match encoding_rs::Encoding::for_label(d.encoding.as_bytes()) {
                        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => {
                            assert!(
                                zhen::input::utf16_zero_high_bytes(bytes, e),
                                "valid UTF-8 without UTF-16's NULs decoded as {}",
                                d.encoding
                            )
                        }
                        _ => assert_eq!(d.text, s, "valid UTF-8 decoded as {}", d.encoding),
                    }
                }
            }
            if !opts.lossy {
                assert_eq!(d.replaced, 0);
            }
        }
        Err(InputError::Undecodable { offset, line, .. }) => {
            assert!(!opts.lossy, "lossy decoding failed");
            assert!(
                offset < bytes.len(),
                "offset {offset} outside {} bytes",
                bytes.len()
            );
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
                    assert!(
                        offset >= pos && offset < pos + line.len(),
                        "offset {offset} outside the line at {pos}"
                    );
                }
                Err(e) => panic!("unexpected line error {e}"),
            }
            pos += line.len();
        }
    }
}

fn jieba() -> &'static zhen::tokenize::Tokenizer {
    static T: OnceLock<zhen::tokenize::Tokenizer> = OnceLock::new();
    T.get_or_init(zhen::tokenize::Tokenizer::jieba_only)
}

/// Makes a version 3 model's header agree with its bytes: the length
/// (bytes 8..16) and the CRC-32 (bytes 16..20, computed with the field as
/// zero). A mutated file otherwise fails the checksum before any section
/// is read, and the fuzzer never gets past the header; the checksum and
/// length checks themselves are unit-tested in `zhen-ner`.
pub fn seal_model(data: &[u8]) -> Vec<u8> {
    let mut b = data.to_vec();
    if b.len() >= 20 && b.starts_with(b"ZHENNER\x03") {
        let len = b.len() as u64;
        b[8..16].copy_from_slice(&len.to_le_bytes());
        b[16..20].fill(0);
        let crc = crc32fast::hash(&b);
        b[16..20].copy_from_slice(&crc.to_le_bytes());
    }
    b
}

/// The NER model loader: a model file is hostile input. A model that loads
/// must tag text without panicking. The input's header is sealed first
/// ([`seal_model`]) unless its last byte is odd, so that most inputs reach
/// the sections and some still test the header checks.
pub fn ner_model(data: &[u8]) {
    let sealed;
    let data = if data.last().is_some_and(|b| b & 1 == 1) {
        data
    } else {
        sealed = seal_model(data);
        &sealed
    };
    if let Ok(model) = NerModel::read(data) {
        let options = TagOptions {
            segmenter: Some(jieba()),
            consistency: true,
        };
        let sentences = [
            Text::from("崔现忠前往罗定市新民村。"),
            Text::from("Peter Blackburn went to Brussels."),
        ];
        if let Ok(found) = model.tag_text(&sentences, &options) {
            for (s, ms) in sentences.iter().zip(found) {
                for m in ms {
                    assert!(
                        s.text.get(m.range.range()).is_some(),
                        "mention {:?} off char boundaries",
                        m.range
                    );
                }
            }
        }
        let _ = model.tag_tokens(&[&["Peter", "Blackburn"][..]], &options);
    }
}

/// The BIO reader of `train-ner`.
pub fn read_bio(data: &[u8]) {
    if let Ok(sents) = zhen::ner::read_bio_from(data, std::path::Path::new("fuzz.bio")) {
        for s in sents {
            assert_eq!(s.tokens.len(), s.tags.len());
            assert!(!s.tokens.is_empty());
            for (a, b, _) in s.spans() {
                assert!(a < b && b <= s.tokens.len());
            }
        }
    }
}

/// The brat standoff reader: the `.txt` and the `.ann`, split at the first
/// NUL byte of the input.
pub fn read_brat(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (txt, ann) = text.split_once('\0').unwrap_or((&text, ""));
    if let Ok(doc) = zhen::export::brat::read_str("fuzz", txt, ann, "fuzz.ann") {
        check_read(&doc);
    }
}

/// The CoNLL / BIO column reader.
pub fn read_conll(data: &[u8]) {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let join = [Join::Auto, Join::Space, Join::None][mode as usize % 3];
    if let Ok(docs) = read_str(&text, "fuzz.conll", &ReadOptions { join }) {
        docs.iter().for_each(check_read);
    }
}

/// The CoNLL-U reader.
pub fn read_conllu(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(docs) = zhen::export::conllu::read_str(&text, "fuzz.conllu") {
        docs.iter().for_each(check_read);
    }
}

/// The `tokens.csv` reader.
pub fn read_csv(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let opts = zhen::export::CsvOptions::default();
    if let Ok(docs) = zhen::export::csv::read_tokens_str(&text, "fuzz.csv", &opts) {
        docs.iter().for_each(check_read);
    }
}

/// The JSONL readers: zhen's documents and doccano's.
pub fn read_jsonl(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(docs) = jsonl::read_str(&text, "fuzz.jsonl") {
        docs.iter().for_each(check_read);
    }
    if let Ok(docs) = jsonl::read_doccano_str(&text, "fuzz.jsonl") {
        docs.iter().for_each(check_read);
    }
}
