//! Documents annotated a part at a time (`zhen::parts`): one part is
//! exactly the whole-document annotation; many parts give a valid document
//! of the whole text in every format, with offsets into the whole text and
//! the counts of what was written.

use std::path::Path;
use std::sync::OnceLock;

use zhen::export::{read_path, write_document, DocWriter, Format, WriteOptions};
use zhen::{parts, Pipeline};

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::builder().build().expect("default pipeline"))
}

fn corpus() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut docs: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    docs.sort();
    docs
}

fn write_all(id: &str, text: &str, max: usize) -> zhen::export::Finished<Vec<u8>> {
    let mut w = DocWriter::new(id, &WriteOptions::default());
    // HTML views are written for whole documents only
    for f in Format::ALL.into_iter().filter(|f| *f != Format::Html) {
        w.add(f, vec![Vec::new(); f.extensions().len()]).unwrap();
    }
    parts::annotate_into(pipeline(), id, text, max, &mut w).unwrap();
    w.finish().unwrap()
}

#[test]
fn one_part_is_the_whole_document() {
    for (id, text) in corpus().into_iter().take(2) {
        let done = write_all(&id, &text, parts::PART_BYTES);
        let doc = pipeline().annotate(&id, &text).unwrap().document;
        for (format, outs) in &done.outputs {
            let whole = write_document(*format, &doc, &WriteOptions::default()).unwrap();
            for (out, want) in outs.iter().zip(&whole) {
                assert!(out == &want.bytes, "{format} of {id} differs");
            }
        }
        assert_eq!(done.stats, doc.stats());
    }
}

#[test]
fn many_parts_make_one_valid_document_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for (id, text) in corpus() {
        // a single line, as the long-document case comes
        let text = text.replace('\n', "");
        let done = write_all(&id, &text, 2000);
        assert!(done.stats.sentences > 10, "{id}");
        let stem = id.trim_end_matches(".txt");
        for (format, outs) in &done.outputs {
            for (ext, out) in format.extensions().iter().zip(outs) {
                std::fs::write(dir.path().join(format!("{stem}.{ext}")), out).unwrap();
            }
            if *format == Format::Brat {
                assert_eq!(outs[0], text.as_bytes(), "brat .txt is the whole text");
            }
            let path = dir
                .path()
                .join(format!("{stem}.{}", format.extensions().last().unwrap()));
            let docs = read_path(&path, Some(*format)).unwrap();
            let back = &docs[0];
            back.validate().unwrap();
            match format {
                Format::Jsonl => {
                    assert_eq!(back.text, text);
                    assert_eq!(back.paragraphs.len(), 1, "one line is one paragraph");
                    assert_eq!(back.sentences.len(), done.stats.sentences);
                    assert_eq!(back.tokens.len(), done.stats.tokens);
                    assert_eq!(back.entities.len(), done.stats.entities);
                    assert_eq!(back.stats().lang, done.stats.lang);
                    // every token and entity is where it says, in the whole text
                    for t in &back.tokens {
                        assert_eq!(&text[t.span.range()], t.text);
                    }
                }
                Format::Doccano | Format::Brat => {
                    assert_eq!(back.text, text);
                    assert_eq!(back.entities.len(), done.stats.entities);
                }
                Format::Conllu | Format::Csv => {
                    assert_eq!(back.tokens.len(), done.stats.tokens, "{format}");
                }
                Format::Conll | Format::Html => {}
            }
        }
    }
}
