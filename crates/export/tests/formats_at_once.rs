//! A document's files in every format at once (`write_document_formats`,
//! where CoNLL-U and CSV go straight into the output buffer) are byte for
//! byte the files each format's own writer writes (`write_document`,
//! through the writers' buffers written out every 64 KiB), for the fixtures
//! and a document long enough to fill those buffers many times.

mod common;

use common::fixtures;
use zhen_core::{Document, Entity, Label, Paragraph, Script, Sentence, Span, Token};
use zhen_export::{
    write_document, write_document_formats, ConlluOptions, CsvOptions, Format, Scheme, WriteOptions,
};

/// `n` sentences of "张三在北京。", a token a char, 张三 a PER each time.
fn long(n: usize) -> Document {
    let mut d = Document::new("=long,\"doc\"", "张三在北京。".repeat(n));
    d.paragraphs.push(Paragraph {
        span: Span::new(0, d.text.len()),
        lang: "zh".into(),
        script: Script::Hans,
    });
    for (i, (b, c)) in d.text.clone().char_indices().enumerate() {
        let si = i / 6;
        if i % 6 == 0 {
            d.sentences.push(Sentence {
                span: Span::new(b, b + 18),
                paragraph: 0,
            });
            d.entities.push(Entity {
                span: Span::new(b, b + 6),
                label: Label::new("PER"),
                text: "张三".into(),
                norm: "张三".into(),
            });
        }
        d.tokens.push(Token {
            span: Span::new(b, b + c.len_utf8()),
            text: c.to_string(),
            norm: c.to_string(),
            pos: if c == '，' { "x".into() } else { "n".into() },
            upos: "NOUN".into(),
            sentence: si,
        });
    }
    d
}

#[test]
fn formats_at_once_are_written_as_one_by_one() {
    let formats = Format::ALL;
    let mut docs = fixtures::all();
    docs.push(long(5000));
    let bioes = WriteOptions {
        conllu: ConlluOptions {
            scheme: Scheme::Bioes,
        },
        csv: CsvOptions {
            excel: true,
            crlf: true,
            raw_cells: true,
            scheme: Scheme::Iob1,
        },
        ..WriteOptions::default()
    };
    for o in [WriteOptions::default(), bioes] {
        for d in &docs {
            let all = write_document_formats(&formats, d, &o).unwrap();
            let one_by_one: Vec<_> = formats
                .iter()
                .flat_map(|f| write_document(*f, d, &o).unwrap())
                .collect();
            assert_eq!(all.len(), one_by_one.len());
            for (a, b) in all.iter().zip(&one_by_one) {
                assert_eq!(a.extension, b.extension);
                assert!(a.bytes == b.bytes, "{} of {}", a.extension, d.id);
            }
        }
    }
    // the long document's tables are longer than the writers' buffers
    let csv = write_document(Format::Csv, &long(5000), &WriteOptions::default()).unwrap();
    assert!(csv[0].bytes.len() > 4 << 16);
}
