//! Annotate a text from a file or stdin and print its entities and a JSONL line.
//!
//! `cargo run --release -p zhen --example annotate -- corpus/001_6935bd13527f7fd9.txt`

use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s
        }
    };
    let pipeline = zhen::Pipeline::builder().build()?;
    let doc = pipeline.annotate("example", &text)?.document;
    let idx = zhen::CharIndex::new(&doc.text);
    println!(
        "{} paragraphs, {} sentences, {} tokens, {} entities",
        doc.paragraphs.len(),
        doc.sentences.len(),
        doc.tokens.len(),
        doc.entities.len()
    );
    for e in doc.entities.iter().take(20) {
        let (start, end) = idx.char_span(e.span);
        println!("{start}\t{end}\t{}\t{}\t{}", e.label, e.text, e.norm);
    }
    Ok(())
}
