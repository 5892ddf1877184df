//! The corpus runner as a library: a config in, files and a summary out,
//! progress through the trait, nothing printed.

use std::fs;
use std::path::{Path, PathBuf};

use zhen::corpus::{
    annotate_corpus_with, annotate_jsonl, CorpusConfig, DocRecord, Failure, Progress, Status,
};
use zhen::input::DecodeOptions;
use zhen::Pipeline;

/// What a run reported, in order.
#[derive(Default)]
struct Log(Vec<String>);

impl Progress for Log {
    fn start(&mut self, inputs: usize, _bytes: u64) {
        self.0.push(format!("start {inputs}"));
    }
    fn document(&mut self, record: &DocRecord) {
        self.0
            .push(format!("doc {} {:?}", record.id, record.status));
    }
    fn failure(&mut self, f: &Failure) {
        self.0.push(format!(
            "fail {:?} {:?} {:?}",
            f.input, f.line, f.byte_offset
        ));
    }
    fn warning(&mut self, message: &str) {
        self.0.push(format!("warn {message}"));
    }
    fn finish(&mut self) {
        self.0.push("finish".into());
    }
}

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = fs::read(&p).unwrap();
            (p.strip_prefix(dir).unwrap().to_path_buf(), bytes)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_corpus_run_reports_through_progress_and_isolates_bad_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir(&input).unwrap();
    fs::write(input.join("a.txt"), "王小明在北京工作。\n").unwrap();
    let mut bad = "第一行\n".as_bytes().to_vec();
    bad.extend_from_slice(b"\xff\xfe\xfd bad");
    fs::write(input.join("b.txt"), &bad).unwrap();
    fs::write(input.join("c.txt"), "Peter Blackburn works in Brussels.\n").unwrap();
    let pipeline = Pipeline::builder().build().unwrap();
    let mut outs = Vec::new();
    for jobs in [1, 2] {
        let mut config =
            CorpusConfig::new(vec![input.clone()], tmp.path().join(format!("out{jobs}")));
        config.jobs = jobs;
        config.decode.encoding = Some(DecodeOptions::encoding_for_label("utf-8").unwrap());
        let mut log = Log::default();
        let summary = annotate_corpus_with(&pipeline, &config, &mut log).unwrap();
        assert_eq!(summary.documents, 3);
        assert_eq!(summary.failures.len(), 1);
        assert_eq!(
            summary.failures[0].input,
            input.join("b.txt").display().to_string()
        );
        assert_eq!(
            (summary.failures[0].line, summary.failures[0].byte_offset),
            (Some(2), Some(10))
        );
        assert!(summary.totals.labels["PER"] >= 2, "{:?}", summary.totals);
        assert_eq!(log.0[0], "start 3");
        assert_eq!(log.0[1], "doc a.txt Ok");
        assert!(log.0[2].starts_with("fail "), "{:?}", log.0);
        assert_eq!(log.0[3], "doc b.txt Error");
        assert_eq!(log.0[4], "doc c.txt Ok");
        assert_eq!(log.0[5], "finish");
        let errors = fs::read_to_string(config.output.join("errors.csv")).unwrap();
        assert_eq!(errors.lines().count(), 2, "{errors}");
        outs.push(files(&config.output));
    }
    assert_eq!(outs[0], outs[1], "the same files for any thread count");

    // a second run with resume reads the unchanged documents back
    let mut config = CorpusConfig::new(vec![input.clone()], tmp.path().join("out1"));
    config.decode.encoding = Some(DecodeOptions::encoding_for_label("utf-8").unwrap());
    config.resume = true;
    let summary = annotate_corpus_with(&pipeline, &config, &mut ()).unwrap();
    assert_eq!((summary.documents, summary.resumed), (3, 2));
    assert_eq!(files(&config.output), outs[0]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(config.output.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["documents"][1]["status"], "error");
    assert_eq!(
        manifest["documents"][0]["status"],
        serde_json::json!(Status::Ok)
    );
}

#[test]
fn a_stream_answers_a_line_that_is_not_utf8_in_place() {
    // issue 12, case 2: one bad byte on line 1001 of 2000 used to end the
    // stream there
    let pipeline = Pipeline::builder().build().unwrap();
    let mut input = Vec::new();
    for i in 1..=2000 {
        if i == 1001 {
            input.extend_from_slice(b"{\"id\":\"x1001\",\"text\":\"\xff\"}\r\n");
        } else {
            input.extend_from_slice(format!("{{\"id\":\"x{i}\",\"text\":\"a\"}}\n").as_bytes());
        }
    }
    let offset = input.windows(1).position(|w| w[0] == 0xff).unwrap();
    let mut out = Vec::new();
    let mut log = Log::default();
    let s = annotate_jsonl(&pipeline, &input[..], &mut out, 2, &mut log).unwrap();
    assert_eq!((s.lines, s.failures), (2000, 1));
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2000);
    assert_eq!(lines[999]["id"], "x1000");
    assert_eq!(lines[1000]["id"], "x1001");
    assert_eq!(lines[1000]["line"], 1001);
    let msg = lines[1000]["error"].as_str().unwrap();
    assert!(
        msg.starts_with(&format!("<stdin> line 1001, byte {offset}: not UTF-8")),
        "{msg}"
    );
    assert_eq!(lines[1001]["id"], "x1002");
    assert_eq!(lines[1999]["id"], "x2000");
    assert_eq!(
        log.0,
        [format!("fail \"<stdin>\" Some(1001) Some({offset})")]
    );
}

#[test]
fn a_stream_keeps_order_and_answers_bad_lines_in_place() {
    let pipeline = Pipeline::builder().build().unwrap();
    let input = "{\"id\":\"a\",\"text\":\"王小明在北京。\"}\nnot json\n{\"id\":7,\"text\":\"Hello Paris.\"}\n";
    let mut out = Vec::new();
    let mut log = Log::default();
    let s = annotate_jsonl(&pipeline, input.as_bytes(), &mut out, 2, &mut log).unwrap();
    assert_eq!((s.lines, s.failures), (3, 1));
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["id"], "a");
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .starts_with("<stdin> line 2, column 2:"));
    assert_eq!(lines[2]["id"], "7");
    assert_eq!(log.0, ["fail \"<stdin>\" Some(2) None"]);
}

#[test]
fn an_html_run_writes_the_report_and_never_overwrites_corpus_files() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir_all(input.join("sub")).unwrap();
    fs::write(input.join("a.txt"), "王小明在北京工作。\n").unwrap();
    fs::write(input.join("sub/b.txt"), "张学友在香港。\n").unwrap();
    // these would be written where the report and a corpus table are
    fs::write(input.join("index.txt"), "李华在上海。\n").unwrap();
    fs::write(input.join("entities.txt"), "李华在上海。\n").unwrap();
    let pipeline = Pipeline::builder().build().unwrap();
    let mut config = CorpusConfig::new(vec![input.clone()], tmp.path().join("out"));
    config.formats = vec![
        zhen::export::Format::Html,
        zhen::export::Format::Jsonl,
        zhen::export::Format::Csv,
    ];
    let summary = annotate_corpus_with(&pipeline, &config, &mut ()).unwrap();
    assert_eq!(summary.documents, 4);
    let failed: Vec<&str> = summary
        .failures
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(
        failed[0].starts_with("entities.txt: its output"),
        "{failed:?}"
    );
    assert!(failed[0].ends_with("would overwrite the corpus file entities.csv; rename the input"));
    assert!(
        failed[1].contains("would overwrite the corpus file index.html"),
        "{failed:?}"
    );
    let out = &config.output;
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.starts_with("<!DOCTYPE html>") && index.contains("Corpus report"));
    // the report lists the failures, links the corpus files, and a view in a
    // subfolder links back up to it and to its other files (in Format::ALL order)
    assert!(index.contains("Inputs that failed (2)"));
    assert!(index.contains(r#"<a href="./manifest.json">manifest.json</a>"#));
    let b = fs::read_to_string(out.join("sub/b.html")).unwrap();
    assert!(b.contains(r#"<a href="../index.html">"#));
    assert!(b.contains(r#"<a href="./b.csv">csv</a><a href="./b.jsonl">jsonl</a>"#));
    assert!(!out.join("index.csv").exists());
}

#[test]
fn a_document_annotated_in_parts_fails_with_html_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::write(input.join("a.txt"), "王小明在北京工作。\n").unwrap();
    let big = "张学友在香港。\n".repeat(zhen::parts::PART_BYTES / 20 + 1);
    fs::write(input.join("big.txt"), big).unwrap();
    let pipeline = Pipeline::builder().build().unwrap();
    let mut config = CorpusConfig::new(vec![input], tmp.path().join("out"));
    config.formats = vec![zhen::export::Format::Html, zhen::export::Format::Jsonl];
    let summary = annotate_corpus_with(&pipeline, &config, &mut ()).unwrap();
    assert_eq!(summary.documents, 2);
    assert_eq!(summary.failures.len(), 1);
    assert!(summary.failures[0]
        .message
        .contains("the HTML view is written for documents annotated whole"));
    let out = &config.output;
    assert!(out.join("a.html").is_file() && !out.join("big.html").exists());
    assert!(
        !out.join("big.jsonl").exists(),
        "a failed document leaves no file"
    );
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("Inputs that failed (1)"));
}
