//! What the corpus runner's ordered thread does with each document for the
//! corpus tables (`entities.csv`, `entity_counts.csv`: `EntityTable::add`,
//! `EntityCounter::add`, then the counts written), over the documents of a
//! folder of `zhen annotate --format jsonl` output, each copied 85 times
//! under new ids and without tokens (as the runner hands them on), to count
//! the tables' CPU or instructions apart from the annotating (issue 14):
//!
//! ```text
//! zhen annotate corpus -o ann --format jsonl
//! valgrind --tool=callgrind corpus_tables ann 2   # minus the same with 0 rounds
//! corpus_tables ann 1 OUT                         # OUT/entities.csv, OUT/entity_counts.csv
//! ONLY_VALIDATE=1 corpus_tables ann 2             # Document::validate alone
//! ```
use std::io::Write;
use zhen_export::csv::{EntityCounter, EntityTable};
use zhen_export::CsvOptions;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = &args[1];
    let rounds: usize = args[2].parse().unwrap();
    let out_dir = args.get(3);
    let mut base = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    names.sort();
    for p in names {
        base.extend(zhen_export::jsonl::read_path(&p).unwrap());
    }
    let mut docs = Vec::new();
    for i in 0..85 {
        for d in &base {
            let mut d = d.clone();
            d.id = format!("{i:05}_{}", d.id);
            d.tokens.clear();
            docs.push(d);
        }
    }
    let opts = CsvOptions::default();
    let mut sum = 0usize;
    if std::env::var_os("ONLY_VALIDATE").is_some() {
        for _ in 0..rounds {
            for d in &docs {
                sum += d.validate().is_ok() as usize;
            }
        }
        println!("{sum}");
        return;
    }
    for r in 0..rounds {
        let mut t = EntityTable::new(Vec::with_capacity(1 << 20), &opts).unwrap();
        let mut c = EntityCounter::new();
        for d in &docs {
            t.add(d).unwrap();
            c.add(d);
        }
        let e = t.finish().unwrap();
        let k = c.write(Vec::new(), &opts).unwrap();
        sum += e.len() + k.len();
        if r == 0 {
            if let Some(o) = out_dir {
                std::fs::File::create(format!("{o}/entities.csv"))
                    .unwrap()
                    .write_all(&e)
                    .unwrap();
                std::fs::File::create(format!("{o}/entity_counts.csv"))
                    .unwrap()
                    .write_all(&k)
                    .unwrap();
            }
        }
    }
    println!("{} docs, {} bytes", docs.len(), sum);
}
