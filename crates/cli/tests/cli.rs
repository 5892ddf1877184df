//! The `zhen` command as users and their scripts see it: output formats,
//! offsets into the original, exit codes, failure isolation, determinism.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn zhen() -> Command {
    Command::cargo_bin("zhen").unwrap()
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Slices `text` by char offsets.
/// `zhen annotate --format jsonl -o OUT INPUT`, which must succeed; the path
/// of the JSONL file written for `INPUT`.
fn annotate_jsonl(out: &Path, input: &Path) -> PathBuf {
    zhen()
        .args(["annotate", "--quiet", "--format", "jsonl", "-o"])
        .arg(out)
        .arg(input)
        .assert()
        .success();
    out.join(input.file_stem().unwrap()).with_extension("jsonl")
}

fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

#[test]
fn convert_is_opencc() {
    let out = stdout_of(
        zhen()
            .args(["convert", "-c", "t2s"])
            .write_stdin("頭髮乾燥的鄉村幹部\n"),
    );
    assert_eq!(out, "头发干燥的乡村干部\n");
    let out = stdout_of(
        zhen()
            .args(["convert", "-c", "s2twp"])
            .write_stdin("鼠标和软件\n"),
    );
    assert_eq!(out, "滑鼠和軟體\n");
}

#[test]
fn unknown_config_is_a_usage_error() {
    let out = zhen()
        .args(["convert", "-c", "x2y"])
        .write_stdin("a")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("x2y") && err.contains("s2twp"), "{err}");
}

#[test]
fn missing_file_fails_that_file_only() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.txt");
    fs::write(&good, "頭髮").unwrap();
    let out = zhen()
        .args(["convert", "-c", "t2s"])
        .arg(dir.path().join("missing.txt"))
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "头发");
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.txt"));
}

#[test]
fn clean_report_lists_removed_lines_in_original_offsets() {
    let path = corpus().join("001_6935bd13527f7fd9.txt");
    let text = fs::read_to_string(&path).unwrap();
    let out = stdout_of(zhen().arg("clean").arg("--report").arg(&path));
    let mut removed = 0;
    for line in out.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 6, "{line}");
        let (s, e): (usize, usize) = (f[0].parse().unwrap(), f[1].parse().unwrap());
        let before = f[3]
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\r", "\r");
        assert_eq!(chars(&text, s, e), before.replace("\\\\", "\\"));
        if f[2] == "removed-line" {
            removed += 1;
        }
    }
    assert!(removed >= 3, "{out}");
    assert!(out.contains("當前位置"));
}

#[test]
fn detect_labels_traditional_paragraphs() {
    let out = stdout_of(
        zhen()
            .arg("detect")
            .arg(corpus().join("001_6935bd13527f7fd9.txt")),
    );
    assert!(
        out.lines()
            .filter(|l| l.contains("\tHant\tzh-Hant\t"))
            .count()
            > 10,
        "{out}"
    );
    let out = stdout_of(
        zhen()
            .arg("detect")
            .arg(corpus().join("000_22ba5b47bbfdc2bd.txt")),
    );
    assert!(
        out.lines().filter(|l| l.contains("\tzh-Hans\t")).count() > 10,
        "{out}"
    );
}

#[test]
fn tokenize_prints_original_char_offsets() {
    let path = corpus().join("001_6935bd13527f7fd9.txt");
    let text = fs::read_to_string(&path).unwrap();
    let out = stdout_of(zhen().arg("tokenize").arg(&path));
    assert!(out.contains("# lang=zh-Hant script=Hant"));
    let mut n = 0;
    let mut last_end = 0;
    for line in out.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 4, "{line}");
        let (s, e): (usize, usize) = (f[0].parse().unwrap(), f[1].parse().unwrap());
        assert!(s >= last_end, "overlap at {line}");
        last_end = e;
        assert_eq!(chars(&text, s, e).replace(['\n', '\t'], " "), f[2]);
        n += 1;
    }
    assert!(n > 1000);
}

#[test]
fn tag_reports_traditional_entities_in_the_original() {
    let path = corpus().join("001_6935bd13527f7fd9.txt");
    let text = fs::read_to_string(&path).unwrap();
    let out = stdout_of(zhen().arg("tag").arg(&path));
    let mut labels = std::collections::BTreeSet::new();
    for line in out.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let (s, e): (usize, usize) = (f[0].parse().unwrap(), f[1].parse().unwrap());
        assert_eq!(chars(&text, s, e).replace(['\n', '\t'], " "), f[3]);
        labels.insert(f[2].to_string());
    }
    assert!(out.contains("\tLOC\t廣州市"), "{out}");
    assert!(
        labels.contains("PER") && labels.contains("ORG"),
        "{labels:?}"
    );
}

#[test]
fn user_dict_takes_effect() {
    let dir = tempfile::tempdir().unwrap();
    let dict = dir.path().join("dict.txt");
    fs::write(&dict, "\u{feff}驻镇帮镇扶村 100 n\n").unwrap();
    let text = "广州派驻清远驻镇帮镇扶村指挥部。";
    let plain = stdout_of(zhen().arg("tokenize").write_stdin(text));
    assert!(!plain.contains("\t驻镇帮镇扶村\t"));
    let with = stdout_of(
        zhen()
            .arg("tokenize")
            .arg("--user-dict")
            .arg(&dict)
            .write_stdin(text),
    );
    assert!(with.contains("\t驻镇帮镇扶村\tn"), "{with}");
}

fn read_dir_sorted(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.push((rel, fs::read(&p).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn annotate_is_byte_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    // --no-fsync changes when files reach the disk, never their bytes
    for (name, j, fsync) in [
        ("0", "0", true),
        ("1", "1", true),
        ("2", "2", true),
        ("3", "3", true),
        ("2n", "2", false),
    ] {
        let mut cmd = zhen();
        cmd.args([
            "annotate",
            "--quiet",
            "--format",
            "conll,conllu,csv,jsonl,brat,doccano",
            "-j",
            j,
            "-o",
        ])
        .arg(dir.path().join(name))
        .arg(corpus());
        if !fsync {
            cmd.arg("--no-fsync");
        }
        cmd.assert().success();
    }
    let one = read_dir_sorted(&dir.path().join("1"));
    assert!(one.len() >= 5 * 7 + 4, "{} files", one.len());
    for other in ["0", "2", "3", "2n"] {
        assert!(
            one == read_dir_sorted(&dir.path().join(other)),
            "-j1 and {other} wrote different files"
        );
    }
}

#[test]
fn annotate_isolates_bad_inputs_and_reports_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(input.join("sub")).unwrap();
    fs::write(input.join("a.txt"), "崔现忠前往罗定市新民村。").unwrap();
    fs::write(input.join("empty.txt"), "").unwrap();
    fs::write(input.join("binary.txt"), b"\x89PNG\r\n\x1a\n\x00\x00\x00").unwrap();
    let (gbk, _, _) =
        encoding_rs::GBK.encode("东莞市选派了375名干部到韶关、揭阳两市开展扶贫工作。");
    fs::write(input.join("sub/gbk.txt"), &gbk).unwrap();
    let mut bad = "第一行\n".as_bytes().to_vec();
    bad.extend_from_slice(b"\xff\xfe\xfd bad");
    fs::write(input.join("sub/bad.txt"), &bad).unwrap();
    let out_dir = dir.path().join("out");
    let out = zhen()
        .args(["annotate", "--quiet", "--encoding", "utf-8", "-o"])
        .arg(&out_dir)
        .arg(&input)
        .output()
        .unwrap();
    // with utf-8 forced, the GBK file and the bad file fail; the others complete
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.txt: line 2, byte offset 10: invalid UTF-8"),
        "{err}"
    );
    assert!(err.contains("binary.txt: byte offset 8: NUL byte"), "{err}");
    assert!(out_dir.join("a.jsonl").exists());
    assert!(out_dir.join("empty.jsonl").exists());
    let errors = fs::read_to_string(out_dir.join("errors.csv")).unwrap();
    assert_eq!(errors.lines().count(), 4, "{errors}");
    assert!(errors.contains(",2,10,"), "{errors}");
    // detection instead of forcing: GBK decodes, and the manifest records it
    let out_dir2 = dir.path().join("out2");
    zhen()
        .args(["annotate", "--quiet", "-o"])
        .arg(&out_dir2)
        .arg(&input)
        .assert()
        .code(1);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out_dir2.join("manifest.json")).unwrap()).unwrap();
    let docs = manifest["documents"].as_array().unwrap();
    let gbk_doc = docs.iter().find(|d| d["id"] == "sub/gbk.txt").unwrap();
    assert_eq!(gbk_doc["status"], "ok");
    assert_eq!(gbk_doc["encoding"], "GBK");
    assert_eq!(gbk_doc["sha256"].as_str().unwrap().len(), 64);
    assert!(out_dir2.join("sub/gbk.conllu").exists());
    // --lossy replaces and counts instead of failing
    let out_dir3 = dir.path().join("out3");
    zhen()
        .args([
            "annotate",
            "--quiet",
            "--lossy",
            "--encoding",
            "utf-8",
            "-o",
        ])
        .arg(&out_dir3)
        .arg(input.join("sub/bad.txt"))
        .assert()
        .success();
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(out_dir3.join("manifest.json")).unwrap()).unwrap();
    // three undecodable bytes, three replacements (WHATWG decoding)
    assert_eq!(m["documents"][0]["counts"]["replaced_bytes"], 3);
}

/// Issue 12 case 1: one stray byte in UTF-8 text used to make every
/// command read the file as windows-1252 (mojibake, no entities, exit 0).
#[test]
fn almost_utf8_fails_naming_line_and_offset_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("x.txt");
    let mut bytes = "王小明在北京工作。".as_bytes().to_vec();
    bytes.push(0xFF);
    bytes.extend_from_slice("李四在上海工作。\n".as_bytes());
    fs::write(&x, &bytes).unwrap();
    let msg = "line 1, byte offset 27: invalid UTF-8 byte sequence FF; pass --lossy to replace undecodable bytes with U+FFFD, or --encoding if the input is not UTF-8";
    for args in [
        &["tag"][..],
        &["convert", "-c", "t2s"],
        &["clean"],
        &["tokenize"],
    ] {
        let out = zhen().args(args).arg(&x).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("zhen: error: {}: {msg}\n", x.display()),
            "{args:?}"
        );
        let out = zhen()
            .args(args)
            .write_stdin(bytes.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("zhen: error: <stdin>: {msg}\n"),
            "{args:?}"
        );
    }
    let out_dir = dir.path().join("out");
    let out = zhen()
        .args(["annotate", "--quiet", "-o"])
        .arg(&out_dir)
        .arg(&x)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let errors = fs::read_to_string(out_dir.join("errors.csv")).unwrap();
    assert!(errors.contains(",1,27,"), "{errors}");
    // --lossy: a U+FFFD, counted, and the entities on both sides of it
    let tags = stdout_of(zhen().args(["tag", "--lossy"]).arg(&x));
    assert_eq!(
        tags,
        "0\t3\tPER\t王小明\n4\t6\tLOC\t北京\n10\t12\tPER\t李四\n13\t15\tLOC\t上海\n"
    );
    let out_dir = dir.path().join("lossy");
    zhen()
        .args(["annotate", "--quiet", "--lossy", "-o"])
        .arg(&out_dir)
        .arg(&x)
        .assert()
        .success();
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["documents"][0]["encoding"], "UTF-8");
    assert_eq!(m["documents"][0]["counts"]["replaced_bytes"], 1);
    assert_eq!(m["documents"][0]["counts"]["entities"], 4);
}

/// Issue 12 case 7: UTF-16 without BOM was "binary"; GB18030 was "GBK".
#[test]
fn annotate_records_utf16_without_bom_and_gb18030() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    let text = "王小明在北京工作。\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    fs::write(input.join("le.txt"), le).unwrap();
    let (gb, _, _) = encoding_rs::GB18030.encode("王小明在北京工作，他姓𠮷。\n");
    fs::write(input.join("gb.txt"), gb).unwrap();
    let out_dir = dir.path().join("out");
    zhen()
        .args(["annotate", "--quiet", "-o"])
        .arg(&out_dir)
        .arg(&input)
        .assert()
        .success();
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    let enc = |id: &str| {
        m["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap()["encoding"]
            .clone()
    };
    assert_eq!(enc("le.txt"), "UTF-16LE");
    assert_eq!(enc("gb.txt"), "gb18030");
}

#[test]
fn annotate_handles_a_long_single_line() {
    let dir = tempfile::tempdir().unwrap();
    // 10 MB on one line, no sentence-final punctuation: sentences are capped
    // so every stage stays linear; one name per repetition keeps the tables small
    let para = "今年以来村里的产业发展得很好群众的收入稳步提高大家都很满意这一切离不开驻村干部的辛勤付出和各方的大力支持";
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 10_000_000 {
        text.push_str(para);
        if i % 50 == 0 {
            text.push_str("傅伟斌说");
        }
        i += 1;
    }
    fs::write(dir.path().join("long.txt"), &text).unwrap();
    let out = annotate_jsonl(&dir.path().join("out"), &dir.path().join("long.txt"));
    let back = fs::read_to_string(out).unwrap();
    let v: serde_json::Value = serde_json::from_str(back.trim_end()).unwrap();
    assert_eq!(v["text"].as_str().unwrap(), text);
    let ents = v["entities"].as_array().unwrap();
    assert!(
        ents.iter().filter(|e| e["text"] == "傅伟斌").count() > 1000,
        "{}",
        ents.len()
    );
}

#[test]
fn resume_skips_unchanged_documents() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::write(input.join("a.txt"), "崔现忠前往罗定市新民村。").unwrap();
    fs::write(input.join("b.txt"), "傅伟斌带领驻村扶贫工作队。").unwrap();
    let out = dir.path().join("out");
    let run = || {
        zhen()
            .args(["annotate", "--resume", "--quiet", "-o"])
            .arg(&out)
            .arg(&input)
            .assert()
            .success();
    };
    run();
    let first = read_dir_sorted(&out);
    let mtime = |f: &str| fs::metadata(out.join(f)).unwrap().modified().unwrap();
    let (a0, b0) = (mtime("a.conllu"), mtime("b.conllu"));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    fs::write(input.join("b.txt"), "傅伟斌带领驻村扶贫工作队走遍了全村。").unwrap();
    run();
    assert_eq!(mtime("a.conllu"), a0, "unchanged document was redone");
    assert_ne!(mtime("b.conllu"), b0, "changed document was skipped");
    // entities.csv still covers both documents
    let ents = fs::read_to_string(out.join("entities.csv")).unwrap();
    assert!(ents.contains("a.txt") && ents.contains("b.txt"), "{ents}");
    assert_ne!(first, read_dir_sorted(&out));
}

#[test]
fn jsonl_streaming_keeps_order_and_reports_bad_lines() {
    let input = "{\"id\":\"1\",\"text\":\"崔现忠前往罗定市。\"}\nnot json\n{\"id\":2,\"text\":\"Mr. Smith went to Washington.\"}\n";
    let out = zhen()
        .args(["annotate", "--jsonl", "--quiet"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "1");
    assert!(lines[1]["error"].as_str().unwrap().contains("line 2"));
    assert_eq!(lines[2]["id"], "2");
    let ents = lines[2]["entities"].as_array().unwrap();
    assert!(
        ents.iter()
            .any(|e| e["text"] == "Washington" && e["label"] == "LOC"),
        "{ents:?}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin> line 2"));
}

#[test]
fn eval_prints_json_scores() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.bio");
    let mut bio = String::new();
    for (c, t) in "崔现忠前往罗定市新民村。".chars().zip([
        "B-PER", "I-PER", "I-PER", "O", "O", "B-LOC", "I-LOC", "I-LOC", "B-LOC", "I-LOC", "I-LOC",
        "O",
    ]) {
        bio.push_str(&format!("{c}\t{t}\n"));
    }
    fs::write(&gold, bio).unwrap();
    let out = stdout_of(zhen().args(["eval", "--json", "--gold"]).arg(&gold));
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["sentences"], 1);
    let f1 = v["micro"]["f1"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&f1));
    assert!(v["per_label"]["PER"]["f1"].as_f64().unwrap() > 0.99, "{v}");
    let table = stdout_of(zhen().args(["eval", "--gold"]).arg(&gold));
    assert!(table.contains("PER") && table.contains("micro"), "{table}");
}

#[test]
fn convert_format_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = annotate_jsonl(
        &dir.path().join("a"),
        &corpus().join("004_3e3c862e4ff4ca39.txt"),
    );
    let conllu = dir.path().join("x.conllu");
    zhen()
        .args(["convert-format", "--to", "conllu", "-o"])
        .arg(&conllu)
        .arg(&jsonl)
        .assert()
        .success();
    let brat = dir.path().join("brat");
    zhen()
        .args(["convert-format", "--to", "brat", "-o"])
        .arg(&brat)
        .arg(&jsonl)
        .assert()
        .success();
    let back = dir.path().join("back.jsonl");
    zhen()
        .args(["convert-format", "--to", "jsonl", "-o"])
        .arg(&back)
        .arg(brat.join("004_3e3c862e4ff4ca39.ann"))
        .assert()
        .success();
    let ents = |p: &Path| -> Vec<serde_json::Value> {
        let v: serde_json::Value =
            serde_json::from_str(fs::read_to_string(p).unwrap().trim()).unwrap();
        v["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| serde_json::json!([e["start"], e["end"], e["label"], e["text"]]))
            .collect()
    };
    assert_eq!(ents(&jsonl), ents(&back));
    assert!(fs::read_to_string(&conllu).unwrap().contains("# newdoc id"));
}

/// Every file under `dir`, relative, with its bytes, sorted.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = fs::read(&p).unwrap();
                out.push((p.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn annotate_html_is_the_same_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for j in ["1", "2"] {
        let out = dir.path().join(format!("j{j}"));
        zhen()
            .args([
                "annotate",
                "--quiet",
                "--format",
                "html,jsonl",
                "-j",
                j,
                "-o",
            ])
            .arg(&out)
            .arg(corpus())
            .assert()
            .success();
        trees.push(tree(&out));
    }
    assert!(trees[0] == trees[1], "-j1 and -j2 wrote different files");
    let names: Vec<String> = trees[0]
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(names.contains(&"index.html".to_string()), "{names:?}");
    let view =
        String::from_utf8(fs::read(dir.path().join("j1/003_d1a0647ae68af948.html")).unwrap())
            .unwrap();
    // the view links to its JSONL beside it and to the report
    assert!(view.contains(r#"<a href="./003_d1a0647ae68af948.jsonl">jsonl</a>"#));
    assert!(view.contains(r#"<a href="./index.html">"#));
    let jsonl: serde_json::Value = serde_json::from_str(
        fs::read_to_string(dir.path().join("j1/003_d1a0647ae68af948.jsonl"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    let entities = jsonl["entities"].as_array().unwrap().len();
    assert_eq!(view.matches(" tabindex=\"0\" data-e=").count(), entities);
    let index = fs::read_to_string(dir.path().join("j1/index.html")).unwrap();
    for (name, _) in &trees[0] {
        let name = name.display().to_string();
        if let Some(stem) = name.strip_suffix(".jsonl") {
            assert!(
                index.contains(&format!("[\"{stem}.txt\",0,")),
                "{stem} in the report"
            );
        }
    }
}

#[test]
fn convert_format_to_html_writes_views_and_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = annotate_jsonl(
        &dir.path().join("a"),
        &corpus().join("001_6935bd13527f7fd9.txt"),
    );
    let view = dir.path().join("view");
    zhen()
        .args(["convert-format", "--to", "html", "-o"])
        .arg(&view)
        .arg(&jsonl)
        .assert()
        .success();
    let page = fs::read_to_string(view.join("001_6935bd13527f7fd9.html")).unwrap();
    assert!(page.contains("<title>001_6935bd13527f7fd9.txt · zhen</title>"));
    assert!(page.contains("data-l=\"LOC\""));
    let index = fs::read_to_string(view.join("index.html")).unwrap();
    assert!(index.contains("001_6935bd13527f7fd9.txt"));
    // HTML is written, never read
    zhen()
        .args(["convert-format", "--to", "jsonl", "-o"])
        .arg(dir.path().join("x.jsonl"))
        .arg(view.join("index.html"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("HTML is written, not read"));
}

#[test]
fn train_ner_with_clusters_writes_a_model_eval_can_use() {
    let dir = tempfile::tempdir().unwrap();
    let bio = dir.path().join("en.bio");
    let mut text = String::new();
    for _ in 0..3 {
        text.push_str("Smith\tB-PER\nvisited\tO\nParis\tB-LOC\n.\tO\n\n");
        text.push_str("Jones\tB-PER\nleft\tO\nLondon\tB-LOC\n.\tO\n\n");
    }
    fs::write(&bio, text).unwrap();
    let clusters = dir.path().join("clusters.tsv");
    fs::write(&clusters, "smith\t1\t10\njones\t1\t11\nparis\t2\t20\n").unwrap();
    let model = dir.path().join("m.zner");
    let train = |extra: &[&str]| {
        zhen()
            .args(["train-ner", "--lang", "en", "--train"])
            .arg(&bio)
            .arg("--clusters")
            .arg(&clusters)
            .args(extra)
            .arg("-o")
            .arg(&model)
            .output()
            .unwrap()
    };
    let st = train(&["--epochs", "3", "--flags", "63"]);
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let out = stdout_of(
        zhen()
            .args(["eval", "--json", "--gold"])
            .arg(&bio)
            .arg("--model")
            .arg(&model),
    );
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["micro"]["f1"].as_f64(), Some(1.0), "{v}");
    fs::write(&clusters, "smith\tone\n").unwrap();
    let bad = train(&[]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("clusters.tsv:1:"), "{err}");
}

/// Issue 12 case 7: a space-separated CoNLL file that `eval` scores is one
/// `train-ner` trains on (it used to reject it), and a bad line is named.
#[test]
fn train_ner_reads_what_eval_reads() {
    let dir = tempfile::tempdir().unwrap();
    let bio = dir.path().join("en.conll");
    let mut text = String::from("-DOCSTART- -X- -X- O\n\n");
    for _ in 0..3 {
        text.push_str(
            "Smith NNP B-NP B-PER\nvisited VBD B-VP O\nParis NNP B-NP S-LOC\n. . O O\n\n",
        );
        text.push_str("Jones NNP B-NP B-PER\nleft VBD B-VP O\nLondon NNP B-NP S-LOC\n. . O O\n\n");
    }
    fs::write(&bio, &text).unwrap();
    let model = dir.path().join("m.zner");
    let train = || {
        zhen()
            .args(["train-ner", "--lang", "en", "--epochs", "3", "--train"])
            .arg(&bio)
            .arg("-o")
            .arg(&model)
            .output()
            .unwrap()
    };
    let st = train();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let out = stdout_of(
        zhen()
            .args(["eval", "--json", "--gold"])
            .arg(&bio)
            .arg("--model")
            .arg(&model),
    );
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["micro"]["f1"].as_f64(), Some(1.0), "{v}");
    text.push_str("Paris B-LOC\n");
    fs::write(&bio, &text).unwrap();
    let bad = train();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("en.conll:33: 2 space-separated columns, but line 3 has 4; every token line must have the same columns (a token containing a space? use TABs between columns)"),
        "{err}"
    );
}

/// Issue 12 case 2: a bad byte on stdin fails its line only; one output
/// line per input line, exit 1.
#[test]
fn jsonl_streaming_decodes_line_by_line() {
    let mut input = Vec::new();
    for i in 1..=2000 {
        if i == 1001 {
            input.extend_from_slice(b"{\"id\":\"bad\",\"text\":\"\xff\"}\n");
        } else {
            input.extend_from_slice(
                format!("{{\"id\":{i},\"text\":\"王小明在北京。\"}}\n").as_bytes(),
            );
        }
    }
    let out = zhen()
        .args(["annotate", "--jsonl", "--quiet", "-j", "2"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2000);
    assert_eq!(lines[1000]["line"], 1001);
    assert_eq!(lines[1000]["id"], "bad");
    assert!(lines[1000]["error"]
        .as_str()
        .unwrap()
        .starts_with("<stdin>: line 1001, byte offset "));
    assert_eq!(lines[1001]["id"], "1002");
    assert_eq!(lines[1999]["id"], "2000");
}

/// Issue 12 case 5: colliding outputs are a usage error before anything is
/// written; case 7: an os error is printed once.
#[test]
fn collisions_and_os_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    fs::write(input.join("y.txt"), "甲").unwrap();
    fs::write(input.join("y"), "乙").unwrap();
    let out = dir.path().join("out");
    let run = zhen()
        .args(["annotate", "--quiet", "--glob", "*", "-o"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("output collision: "), "{err}");
    assert!(!out.exists());

    let run = zhen()
        .args(["eval", "--gold"])
        .arg(dir.path().join("missing.bio"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");

    let run = zhen()
        .args(["annotate", "--quiet", "--glob", "*.md", "-o"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("matches the glob \"*.md\""), "{err}");
    assert!(!out.exists());
}

/// Issue 12 case 7: SIGTERM removes the temporary files; the documents
/// finished before it are in the journal, and --resume does not redo them.
#[cfg(unix)]
#[test]
fn sigterm_removes_temporary_files_and_resume_skips_finished_documents() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    let text = "王小明在北京工作，李华去了上海。".repeat(40);
    let n = 1500;
    for i in 0..n {
        fs::write(input.join(format!("{i:04}.txt")), &text).unwrap();
    }
    let out = dir.path().join("out");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("zhen"))
        .args(["annotate", "--quiet", "--format", "jsonl", "-j", "1", "-o"])
        .arg(&out)
        .arg(&input)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let done = |out: &Path| {
        fs::read_dir(out).map_or(0, |d| {
            d.filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".jsonl")
            })
            .count()
        })
    };
    // wait for the journal, not the files: the sync threads put a
    // document's file in place before the run journals it, and the signal
    // ends the process at once, so a file in place may be missing from the
    // journal (it is then redone by --resume; the test waited for three
    // files and failed now and then under load)
    let journaled = |out: &Path| {
        fs::read_to_string(out.join(".manifest.journal"))
            .map_or(0, |j| j.lines().count().saturating_sub(1))
    };
    while journaled(&out) < 3 {
        assert!(start.elapsed() < Duration::from_secs(120), "no output");
        std::thread::sleep(Duration::from_millis(2));
    }
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&status.stderr);
    assert_eq!(status.status.code(), Some(143), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    let names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    let written = done(&out);
    assert!(written < n, "the run ended before the signal");
    let journal = fs::read_to_string(out.join(".manifest.journal")).unwrap();
    assert!(journaled(&out) >= 3, "{journal}");
    let first = out.join("0000.jsonl");
    let before = fs::metadata(&first).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let run = zhen()
        .args(["annotate", "--quiet", "--format", "jsonl", "--resume", "-o"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        fs::metadata(&first).unwrap().modified().unwrap(),
        before,
        "redone"
    );
    assert_eq!(done(&out), n);
    assert!(!out.join(".manifest.journal").exists());
}

/// Issue 12 case 4: zhen's own exports without sentences (brat, doccano,
/// JSONL without `sentences`) are scored and converted with sentences from
/// zhen's splitter; a file that yields nothing is an error, not F1 0.
#[test]
fn exports_without_sentences_are_scored_and_converted() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    fs::write(
        input.join("a.txt"),
        "王小明在北京工作。李华去了上海。\n\n崔现忠前往罗定市新民村。\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    stdout_of(
        zhen()
            .args([
                "annotate",
                "--quiet",
                "--format",
                "jsonl,brat,doccano",
                "-o",
            ])
            .arg(&out)
            .arg(&input),
    );
    // a JSONL line without sentences and tokens
    let line: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("a.jsonl")).unwrap()).unwrap();
    let bare = serde_json::json!({"id": "a", "text": line["text"], "entities": line["entities"]});
    fs::write(out.join("bare.jsonl"), format!("{bare}\n")).unwrap();
    let reference = stdout_of(
        zhen()
            .args(["eval", "--json", "--gold"])
            .arg(out.join("a.jsonl")),
    );
    let reference: serde_json::Value = serde_json::from_str(&reference).unwrap();
    assert!(reference["sentences"].as_u64().unwrap() >= 3);
    for (gold, extra) in [
        ("a.ann", None),
        ("a.doccano.jsonl", Some("doccano")),
        ("bare.jsonl", None),
    ] {
        let mut cmd = zhen();
        cmd.args(["eval", "--json", "--gold"]).arg(out.join(gold));
        if let Some(f) = extra {
            cmd.args(["--gold-format", f]);
        }
        let scores: serde_json::Value = serde_json::from_str(&stdout_of(&mut cmd)).unwrap();
        assert_eq!(
            scores["sentences"], reference["sentences"],
            "{gold}: {scores}"
        );
        assert_eq!(
            scores["micro"]["gold"], reference["micro"]["gold"],
            "{gold}"
        );
        assert!(
            scores["micro"]["f1"].as_f64().unwrap() > 0.5,
            "{gold}: {scores}"
        );
        for to in ["conllu", "conll", "csv"] {
            let target = dir.path().join(format!("{gold}.{to}"));
            let mut cmd = zhen();
            cmd.args(["convert-format", "--to", to, "-o"])
                .arg(&target)
                .arg(out.join(gold));
            if let Some(f) = extra {
                cmd.args(["--from", f]);
            }
            stdout_of(&mut cmd);
            let text = fs::read_to_string(&target).unwrap();
            assert!(text.contains("北京"), "{gold} -> {to}: {text}");
        }
    }
    // a file that yields nothing
    fs::write(dir.path().join("empty.ann"), "").unwrap();
    fs::write(dir.path().join("empty.txt"), "").unwrap();
    for args in [
        vec!["eval", "--gold"],
        vec!["convert-format", "--to", "conllu", "-o", "x.conllu"],
    ] {
        let run = zhen()
            .current_dir(dir.path())
            .args(&args)
            .arg(dir.path().join("empty.ann"))
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains("no sentences read"), "{err}");
    }
}
