//! Writes every format for the test documents into a folder, for the
//! Python interop checks in `scripts/interop/`:
//!
//! ```text
//! cargo run -p zhen-export --example write_fixtures -- DIR
//! scripts/interop/run.sh DIR
//! ```
//!
//! Layout: `corpus.{conll,char.conll,conllu,jsonl,doccano.jsonl}` (all
//! documents), `pred.conll` (the corpus with some entities dropped or
//! relabelled, to score against `corpus.conll`), `tokens.csv`,
//! `entities.csv`, `entity_counts.csv`, `excel/*.csv` (BOM + CRLF), `raw/tokens.csv`
//! (`raw_cells`: formulas left in, the spreadsheet check's control),
//! `per_doc/<id>.{conllu,txt}`, `brat/<id>.{txt,ann}`.

#[path = "../tests/common/fixtures.rs"]
mod fixtures;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use zhen_core::Label;
use zhen_export::csv::{EntityTable, TokenTable};
use zhen_export::{
    brat, conll, conllu, jsonl, ConllOptions, ConlluOptions, CsvOptions, EntityCounter,
};

fn create(path: &Path) -> BufWriter<File> {
    BufWriter::new(File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: write_fixtures DIR")?);
    for sub in ["", "excel", "raw", "per_doc", "brat"] {
        fs::create_dir_all(dir.join(sub))?;
    }
    let docs = fixtures::all();

    let mut word = create(&dir.join("corpus.conll"));
    let mut chars = create(&dir.join("corpus.char.conll"));
    let mut u = create(&dir.join("corpus.conllu"));
    let mut j = create(&dir.join("corpus.jsonl"));
    let mut dc = create(&dir.join("corpus.doccano.jsonl"));
    let mut pred = create(&dir.join("pred.conll"));
    let lf = CsvOptions::default();
    let excel = CsvOptions {
        excel: true,
        crlf: true,
        ..Default::default()
    };
    let mut tokens = TokenTable::new(create(&dir.join("tokens.csv")), &lf)?;
    let mut entities = EntityTable::new(create(&dir.join("entities.csv")), &lf)?;
    let mut xtokens = TokenTable::new(create(&dir.join("excel/tokens.csv")), &excel)?;
    let mut xentities = EntityTable::new(create(&dir.join("excel/entities.csv")), &excel)?;
    // raw cells: only for the spreadsheet check's control (formulas must appear)
    let raw = CsvOptions {
        raw_cells: true,
        ..Default::default()
    };
    let mut rtokens = TokenTable::new(create(&dir.join("raw/tokens.csv")), &raw)?;
    let mut counter = EntityCounter::new();
    for (i, d) in docs.iter().enumerate() {
        conll::write(&mut word, d, &ConllOptions::default())?;
        let char_level = ConllOptions {
            char_level: true,
            ..Default::default()
        };
        conll::write(&mut chars, d, &char_level)?;
        conllu::write(&mut u, d, &ConlluOptions::default())?;
        jsonl::write(&mut j, d)?;
        jsonl::write_doccano(&mut dc, d)?;
        tokens.add(d)?;
        entities.add(d)?;
        xtokens.add(d)?;
        xentities.add(d)?;
        rtokens.add(d)?;
        counter.add(d);
        // a "system output": the first entity of every other document is
        // dropped, the last one of the others relabelled MISC
        let mut p = d.clone();
        if i % 2 == 0 {
            if !p.entities.is_empty() {
                p.entities.remove(0);
            }
        } else if let Some(e) = p.entities.last_mut() {
            e.label = Label::Misc;
        }
        conll::write(&mut pred, &p, &ConllOptions::default())?;

        let mut one = create(&dir.join("per_doc").join(format!("{}.conllu", d.id)));
        conllu::write(&mut one, d, &ConlluOptions::default())?;
        one.flush()?;
        fs::write(dir.join("per_doc").join(format!("{}.txt", d.id)), &d.text)?;
        brat::write_files(dir.join("brat"), d)?;
    }
    for mut w in [word, chars, u, j, dc, pred] {
        w.flush()?;
    }
    tokens.finish()?.flush()?;
    entities.finish()?.flush()?;
    xtokens.finish()?.flush()?;
    xentities.finish()?.flush()?;
    rtokens.finish()?.flush()?;
    counter
        .write(create(&dir.join("entity_counts.csv")), &lf)?
        .flush()?;
    counter
        .write(create(&dir.join("excel/entity_counts.csv")), &excel)?
        .flush()?;
    println!(
        "wrote {} documents in every format to {}",
        docs.len(),
        dir.display()
    );
    Ok(())
}
