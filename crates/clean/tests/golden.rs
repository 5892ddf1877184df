//! Golden files: the five corpus documents cleaned, their alignment and their
//! report, compared byte for byte. `ZHEN_BLESS=1 cargo test -p zhen-clean
//! --test golden` rewrites them; review the diff by hand before committing.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use zhen_clean::{ChangeKind, Cleaner};
use zhen_core::AlignedText;

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
}

fn check(golden: &Path, actual: &str, failures: &mut Vec<String>) {
    if std::env::var_os("ZHEN_BLESS").is_some() {
        fs::write(golden, actual).unwrap();
        return;
    }
    match fs::read_to_string(golden) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => {
            let line = expected
                .lines()
                .zip(actual.lines())
                .position(|(a, b)| a != b)
                .map_or(expected.lines().count().min(actual.lines().count()), |i| i);
            failures.push(format!(
                "{} differs from line {}:\n expected {:?}\n actual   {:?}",
                golden.display(),
                line + 1,
                expected.lines().nth(line),
                actual.lines().nth(line)
            ));
        }
        Err(e) => failures.push(format!("{}: {e} (run with ZHEN_BLESS=1)", golden.display())),
    }
}

#[test]
fn corpus_documents_match_their_golden_files() {
    let files = corpus();
    assert_eq!(files.len(), 5, "expected the five corpus documents");
    let gold = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut failures = Vec::new();
    for path in files {
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let original = fs::read_to_string(&path).unwrap();
        let mut text = AlignedText::new(original.clone());
        let report = Cleaner::default().clean(&mut text).unwrap();
        common::check_contract(&text, &report).unwrap_or_else(|e| panic!("{name}: {e}"));
        check(
            &gold.join(format!("{name}.clean.txt")),
            text.current(),
            &mut failures,
        );
        check(
            &gold.join(format!("{name}.align.tsv")),
            &common::align_tsv(&text),
            &mut failures,
        );
        check(
            &gold.join(format!("{name}.report.tsv")),
            &common::report_tsv(&original, &report),
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The defects each document is known for are fixed, whatever else changes.
#[test]
fn corpus_defects_are_fixed() {
    let clean = |prefix: &str| {
        let path = corpus()
            .into_iter()
            .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
            .unwrap();
        let original = fs::read_to_string(path).unwrap();
        let mut text = AlignedText::new(original);
        let report = Cleaner::default().clean(&mut text).unwrap();
        (text.current().to_string(), report)
    };
    let (t, r) = clean("000");
    assert!(t.contains("梳理出制约新民村实现脱贫的各类问题"));
    assert!(t.contains("\n党建引领\n"));
    assert!(t.contains("\n加强党建 打造优秀党员干部队伍\n"));
    assert_eq!(r.count(ChangeKind::RemovedLine), 0);
    let (t, r) = clean("001");
    assert!(!t.contains("影院"));
    assert!(!t.contains("當前位置"));
    assert!(!t.contains("掃一掃"));
    assert!(t.contains("7月的清遠，晴空萬里，艷陽高照。"));
    assert!(r.count(ChangeKind::RemovedLine) >= 8);
    let (t, _) = clean("002");
    assert!(t.contains("还围围着村子"));
    assert!(t.contains("脱贫致富的“铁杆庄稼”"));
    let (t, r) = clean("003");
    assert!(t.contains("东莞市选派了375名干部到韶关、揭阳两市开展扶贫工作"));
    assert!(t.contains("\n东莞走出“产业扶贫”之路\n"));
    assert!(t.contains("\n数说扶贫\n"));
    assert!(r.count(ChangeKind::DoubledChars) >= 5);
    let (t, _) = clean("004");
    assert!(!t.contains("4.jpg"));
    assert!(!t.contains("浏览"));
    assert!(t.contains("面上“织布”，点上“绣花”，"));
    assert!(!t.contains("10:51"));
    assert!(t.trim_end().ends_with("（陈晓杰 黄熙伟）"));
}
