//! Realistic test documents, built by hand so that every span is checked.
//! Shared by the tests and `examples/write_fixtures.rs` (through `#[path]`).

#![allow(dead_code)]

use zhen_core::{Document, Entity, Label, Paragraph, Script, Sentence, Span, Token};

/// `(surface, norm, pos, upos)` of a token.
pub type Tok<'a> = (&'a str, &'a str, &'a str, &'a str);

/// Builds a document: paragraphs are the blocks between blank lines, tokens
/// are found in order in the text, a sentence spans its tokens, an entity is
/// `(surface, occurrence, label, norm)`.
pub fn build(
    id: &str,
    text: &str,
    lang: &str,
    script: Script,
    sentences: &[&[Tok]],
    entities: &[(&str, usize, &str, &str)],
) -> Document {
    let mut doc = Document::new(id, text);
    let mut pos = 0;
    for block in text.split("\n\n") {
        let start = pos + (block.len() - block.trim_start().len());
        let end = pos + block.trim_end().len();
        if end > start {
            doc.paragraphs.push(Paragraph {
                span: Span::new(start, end),
                lang: lang.to_string(),
                script,
            });
        }
        pos += block.len() + 2;
    }
    let mut cursor = 0;
    for (si, toks) in sentences.iter().enumerate() {
        let first = doc.tokens.len();
        for (surface, norm, pos, upos) in toks.iter() {
            let s = cursor
                + text[cursor..]
                    .find(surface)
                    .unwrap_or_else(|| panic!("token {surface:?} not found"));
            cursor = s + surface.len();
            doc.tokens.push(Token {
                span: Span::new(s, cursor),
                text: surface.to_string(),
                norm: norm.to_string(),
                pos: pos.to_string(),
                upos: upos.to_string(),
                sentence: si,
            });
        }
        let span = Span::new(doc.tokens[first].span.start, cursor);
        let paragraph = doc
            .paragraphs
            .partition_point(|p| p.span.start <= span.start)
            - 1;
        doc.sentences.push(Sentence { span, paragraph });
    }
    for (surface, nth, label, norm) in entities {
        let (s, _) = text
            .match_indices(surface)
            .nth(*nth)
            .unwrap_or_else(|| panic!("entity {surface:?} not found"));
        doc.entities.push(Entity {
            span: Span::new(s, s + surface.len()),
            label: Label::new(label),
            text: surface.to_string(),
            norm: norm.to_string(),
        });
    }
    doc.entities.sort_by_key(|e| (e.span.start, e.span.end));
    doc.validate().unwrap();
    doc
}

/// Simplified Chinese, two paragraphs.
pub fn zh_hans() -> Document {
    build(
        "zh-hans",
        "王小明在北京大学见到了张学友。\n\n他说：“我爱上海！”",
        "zh-Hans",
        Script::Hans,
        &[
            &[
                ("王小明", "王小明", "nr", "PROPN"),
                ("在", "在", "p", "ADP"),
                ("北京大学", "北京大学", "nt", "PROPN"),
                ("见到", "见到", "v", "VERB"),
                ("了", "了", "ul", "PART"),
                ("张学友", "张学友", "nr", "PROPN"),
                ("。", "。", "x", "PUNCT"),
            ],
            &[
                ("他", "他", "r", "PRON"),
                ("说", "说", "v", "VERB"),
                ("：", "：", "x", "PUNCT"),
                ("“", "“", "x", "PUNCT"),
                ("我", "我", "r", "PRON"),
                ("爱", "爱", "v", "VERB"),
                ("上海", "上海", "ns", "PROPN"),
                ("！", "！", "x", "PUNCT"),
                ("”", "”", "x", "PUNCT"),
            ],
        ],
        &[
            ("王小明", 0, "PER", "王小明"),
            ("北京大学", 0, "ORG", "北京大学"),
            ("张学友", 0, "PER", "张学友"),
            ("上海", 0, "LOC", "上海"),
        ],
    )
}

/// Traditional Chinese: the tokens' and entities' norm are simplified.
pub fn zh_hant() -> Document {
    build(
        "zh-hant",
        "臺灣的張學友在香港開演唱會。",
        "zh-Hant",
        Script::Hant,
        &[&[
            ("臺灣", "台湾", "ns", "PROPN"),
            ("的", "的", "uj", "PART"),
            ("張學友", "张学友", "nr", "PROPN"),
            ("在", "在", "p", "ADP"),
            ("香港", "香港", "ns", "PROPN"),
            ("開", "开", "v", "VERB"),
            ("演唱會", "演唱会", "n", "NOUN"),
            ("。", "。", "x", "PUNCT"),
        ]],
        &[
            ("臺灣", 0, "LOC", "台湾"),
            ("張學友", 0, "PER", "张学友"),
            ("香港", 0, "LOC", "香港"),
        ],
    )
}

/// English with contractions, abbreviations, and cells a spreadsheet would
/// take for formulas.
pub fn en() -> Document {
    build(
        "en",
        "I don't think the U.S. Army will pay -3 dollars or =SUM(1).\n\nJohn Smith lives in New York.",
        "en",
        Script::None,
        &[
            &[
                ("I", "I", "PRP", "PRON"),
                ("do", "do", "VBP", "AUX"),
                ("n't", "n't", "RB", "PART"),
                ("think", "think", "VB", "VERB"),
                ("the", "the", "DT", "DET"),
                ("U.S.", "U.S.", "NNP", "PROPN"),
                ("Army", "Army", "NNP", "PROPN"),
                ("will", "will", "MD", "AUX"),
                ("pay", "pay", "VB", "VERB"),
                ("-3", "-3", "CD", "NUM"),
                ("dollars", "dollars", "NNS", "NOUN"),
                ("or", "or", "CC", "CCONJ"),
                ("=SUM(1)", "=SUM(1)", "NN", "X"),
                (".", ".", ".", "PUNCT"),
            ],
            &[
                ("John", "John", "NNP", "PROPN"),
                ("Smith", "Smith", "NNP", "PROPN"),
                ("lives", "lives", "VBZ", "VERB"),
                ("in", "in", "IN", "ADP"),
                ("New", "New", "NNP", "PROPN"),
                ("York", "York", "NNP", "PROPN"),
                (".", ".", ".", "PUNCT"),
            ],
        ],
        &[
            ("U.S. Army", 0, "ORG", "U.S. Army"),
            ("John Smith", 0, "PER", "John Smith"),
            ("New York", 0, "LOC", "New York"),
        ],
    )
}

/// Entities at the very start and end of the text.
pub fn edges() -> Document {
    build(
        "edges",
        "上海欢迎你来上海",
        "zh-Hans",
        Script::None,
        &[&[
            ("上海", "上海", "ns", "PROPN"),
            ("欢迎", "欢迎", "v", "VERB"),
            ("你", "你", "r", "PRON"),
            ("来", "来", "v", "VERB"),
            ("上海", "上海", "ns", "PROPN"),
        ]],
        &[("上海", 0, "LOC", "上海"), ("上海", 1, "LOC", "上海")],
    )
}

/// A line break inside an entity (an OCR'd line end), an entity boundary
/// inside a token (北京市 | 市长), and a token containing a space.
pub fn newline() -> Document {
    build(
        "newline",
        "他在北京\n大学工作，北京市长在 New York。",
        "zh-Hans",
        Script::Hans,
        &[&[
            ("他", "他", "r", "PRON"),
            ("在", "在", "p", "ADP"),
            ("北京", "北京", "ns", "PROPN"),
            ("大学", "大学", "n", "NOUN"),
            ("工作", "工作", "vn", "VERB"),
            ("，", "，", "x", "PUNCT"),
            ("北京", "北京", "ns", "PROPN"),
            ("市长", "市长", "n", "NOUN"),
            ("在", "在", "p", "ADP"),
            ("New York", "New York", "ns", "PROPN"),
            ("。", "。", "x", "PUNCT"),
        ]],
        &[
            ("北京\n大学", 0, "ORG", "北京大学"),
            ("北京市", 0, "LOC", "北京市"),
            ("New York", 0, "LOC", "New York"),
        ],
    )
}

/// An empty document.
pub fn empty() -> Document {
    build("empty", "", "und", Script::None, &[], &[])
}

/// All of them, in a fixed order.
pub fn all() -> Vec<Document> {
    vec![zh_hans(), zh_hant(), en(), edges(), newline(), empty()]
}
