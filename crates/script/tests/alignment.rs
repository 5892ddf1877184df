//! Offsets through conversion: every converted char points back to the
//! original text it came from (the tokenizers-style contract test).
#![cfg(feature = "embed")]

use zhen_core::{AlignedText, Edit, Normalizer, Span};
use zhen_script::{Config, Converter};

/// The original text each char of the current text maps to.
fn char_origins(t: &AlignedText) -> Vec<(char, &str)> {
    t.current()
        .char_indices()
        .map(|(i, c)| {
            let span = t.to_original(i..i + c.len_utf8());
            (c, &t.original()[span.range()])
        })
        .collect()
}

#[test]
fn t2s_maps_each_char_to_its_original_char() {
    let conv = Converter::new(Config::T2s).unwrap();
    let mut t = AlignedText::new("我的頭髮乾燥");
    conv.convert_aligned(&mut t).unwrap();
    assert_eq!(t.current(), "我的头发干燥");
    assert_eq!(
        char_origins(&t),
        vec![
            ('我', "我"),
            ('的', "的"),
            ('头', "頭"),
            ('发', "髮"),
            ('干', "乾"),
            ('燥', "燥"),
        ]
    );
}

#[test]
fn a_length_changing_phrase_maps_to_the_whole_match() {
    // s2twp: segmentation, s2t, then Taiwan phrases: B超 → 超音波
    let conv = Converter::new(Config::S2twp).unwrap();
    let mut t = AlignedText::new("做B超检查");
    conv.convert_aligned(&mut t).unwrap();
    assert_eq!(t.current(), "做超音波檢查");
    assert_eq!(
        char_origins(&t),
        vec![
            ('做', "做"),
            ('超', "B超"),
            ('音', "B超"),
            ('波', "B超"),
            ('檢', "检"),
            ('查', "查"),
        ]
    );
    // a token found in the converted text, in the original
    let i = t.current().find("超音波").unwrap();
    let span = t.to_original(i..i + "超音波".len());
    assert_eq!(span, Span::new(3, 7));
    assert_eq!(t.to_current(Span::new(3, 7)), i..i + "超音波".len());
}

#[test]
fn convert_range_leaves_the_rest_alone() {
    let conv = Converter::new(Config::T2s).unwrap();
    let mut t = AlignedText::new("頭髮|頭髮|頭髮");
    let r = conv.convert_range(&mut t, 7..13).unwrap();
    assert_eq!(t.current(), "頭髮|头发|頭髮");
    assert_eq!(&t.current()[r.clone()], "头发");
    assert_eq!(t.to_original(r), Span::new(7, 13));
    let err = conv.convert_range(&mut t, 1..4).unwrap_err();
    assert!(err.to_string().starts_with("invalid edit 1..4"), "{err}");
}

#[test]
fn conversion_composes_with_earlier_edits() {
    let conv = Converter::new(Config::T2s).unwrap();
    let mut t = AlignedText::new("頭 髮");
    t.apply([Edit::delete(3..4)]).unwrap(); // an OCR space
    conv.normalize(&mut t).unwrap();
    assert_eq!(t.current(), "头发");
    assert_eq!(&t.original()[t.to_original(3..6).range()], "髮");
    assert_eq!(Normalizer::name(&conv), "t2s");
}

#[test]
fn compatibility_ideographs_are_normalized_first() {
    // U+F900 豈 (compatibility) → U+8C48 豈 → t2s 岂
    let conv = Converter::new(Config::T2s).unwrap();
    assert_eq!(conv.convert("\u{F900}"), "岂");
    let mut t = AlignedText::new("a\u{F900}b");
    conv.convert_aligned(&mut t).unwrap();
    assert_eq!(t.current(), "a岂b");
    assert_eq!(t.to_original(1..4), Span::new(1, 4));
}

#[test]
fn opencc_drops_a_segment_after_nul_and_offsets_survive() {
    // OpenCC passes segments as C strings in configs with segmentation.
    let conv = Converter::new(Config::S2twp).unwrap();
    assert_eq!(conv.convert("a\0b"), "a");
    let mut t = AlignedText::new("a\0b");
    conv.convert_aligned(&mut t).unwrap();
    assert_eq!(t.current(), "a");
    assert_eq!(t.to_original(0..1), Span::new(0, 1));
    // without segmentation the NUL is kept, as in OpenCC
    assert_eq!(
        Converter::new(Config::T2s).unwrap().convert("a\0發"),
        "a\0发"
    );
}

#[test]
fn configs_load_from_files_like_the_embedded_ones() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/config");
    for name in ["tw2sp", "jp2t"] {
        let from_file = Converter::from_config_file(&dir.join(format!("{name}.json"))).unwrap();
        let embedded = Converter::new(name.parse().unwrap()).unwrap();
        let text = "我們在幼稚園用滑鼠 旧字体歴史仮名遣 乾燥";
        assert_eq!(from_file.convert(text), embedded.convert(text));
        assert_eq!(from_file.name(), name);
    }
    let err = Converter::from_config_file(&dir.join("nope.json")).unwrap_err();
    assert!(err.to_string().contains("nope.json"), "{err}");
}

#[test]
fn a_bad_dictionary_line_is_reported_with_file_and_line() {
    let dir = std::env::temp_dir().join(format!("zhen-script-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("D.txt"), "甲\t乙\n# c\n丙 丁\n").unwrap();
    let cfg = r#"{"conversion_chain": [{"dict": {"type": "text", "file": "D.txt"}}]}"#;
    std::fs::write(dir.join("c.json"), cfg).unwrap();
    let err = Converter::from_config_file(&dir.join("c.json")).unwrap_err();
    let msg = err.to_string();
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        msg.ends_with("D.txt:3: no tab in \"丙 丁\"; expected `key<TAB>value[ value…]`"),
        "{msg}"
    );
}

/// Found by proptest: NUL bytes right after a segmentation hit (OpenCC cuts
/// each segment at a NUL, as a C string) used to underflow the segment shift.
#[test]
fn nul_bytes_after_a_segment_convert_in_a_range() {
    let conv = Converter::new(Config::S2twp).unwrap();
    let b = "卖光了\0\0a崑崙山一伙";
    let expected = conv.convert(b);
    let mut t = AlignedText::new(format!("前{b}后"));
    let r = conv.convert_range(&mut t, 3..3 + b.len()).unwrap();
    assert_eq!(&t.current()[r.clone()], expected);
    assert_eq!(&t.current()[..r.start], "前");
    assert_eq!(&t.current()[r.end..], "后");
    let mut whole = AlignedText::new(b);
    conv.convert_aligned(&mut whole).unwrap();
    assert_eq!(whole.current(), expected);
}
