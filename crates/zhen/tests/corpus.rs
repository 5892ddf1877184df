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
    let s = annotate_jsonl(&pipeline, &input[..], &mut out, UTF8, 2, &mut log).unwrap();
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
        msg.starts_with(&format!(
            "<stdin>: line 1001, byte offset {offset}: invalid UTF-8"
        )),
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
    let s = annotate_jsonl(&pipeline, input.as_bytes(), &mut out, UTF8, 2, &mut log).unwrap();
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
    assert_eq!(lines[1]["line"], 2);
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

const UTF8: DecodeOptions = DecodeOptions {
    encoding: None,
    lossy: false,
};

/// Issue 12 case 2: one bad byte on stdin fails its line only; every other
/// line is annotated, one output line per input line.
#[test]
fn a_bad_byte_in_a_stream_fails_its_line_only() {
    let pipeline = Pipeline::builder().build().unwrap();
    let mut input = Vec::new();
    for i in 1..=300 {
        if i == 151 {
            input.extend_from_slice(b"{\"id\":\"x151\",\"text\":\"\xe7\x8e\x8b\xff\"}\n");
        } else if i == 152 {
            // bad bytes where no id can be read
            input.extend_from_slice(b"\xff\xfe\n");
        } else {
            input.extend_from_slice(
                format!("{{\"id\":{i},\"text\":\"王小明在北京工作。\"}}\n").as_bytes(),
            );
        }
    }
    for jobs in [1, 2] {
        let mut out = Vec::new();
        let mut log = Log::default();
        let s = annotate_jsonl(&pipeline, &input[..], &mut out, UTF8, jobs, &mut log).unwrap();
        assert_eq!((s.lines, s.failures), (300, 2));
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 300);
        for (i, line) in lines.iter().enumerate() {
            let n = i + 1;
            match n {
                151 => {
                    assert_eq!(line["id"], "x151");
                    assert_eq!(line["line"], 151);
                    let msg = line["error"].as_str().unwrap();
                    assert!(msg.starts_with("<stdin>: line 151, byte offset "), "{msg}");
                    assert!(msg.contains("invalid UTF-8 byte sequence FF"), "{msg}");
                }
                152 => {
                    assert_eq!(line["line"], 152);
                    assert!(line.get("id").is_none());
                }
                _ => {
                    assert_eq!(line["id"], n.to_string());
                    assert!(line["entities"].as_array().unwrap().len() >= 2);
                }
            }
        }
        assert!(log.0[0].starts_with("fail \"<stdin>\" Some(151) Some("));
    }
    // --lossy: the bad byte becomes U+FFFD and the line is annotated
    let lossy = DecodeOptions {
        lossy: true,
        ..UTF8
    };
    let mut out = Vec::new();
    let s = annotate_jsonl(&pipeline, &input[..], &mut out, lossy, 1, &mut ()).unwrap();
    assert_eq!((s.lines, s.failures), (300, 1));
}

#[test]
fn stream_messages_do_not_leak_internals() {
    let pipeline = Pipeline::builder().build().unwrap();
    let input = "[1,2]
{\"id\":3}
{\"id\":4,\"text\":5}
";
    let mut out = Vec::new();
    annotate_jsonl(&pipeline, input.as_bytes(), &mut out, UTF8, 1, &mut ()).unwrap();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(!out.contains("struct"), "{out}");
    assert!(lines[0]["error"]
        .as_str()
        .unwrap()
        .contains("a JSON object is needed"));
    assert!(lines[1]["error"].as_str().unwrap().contains("no \"text\""));
    assert_eq!(lines[1]["id"], 3);
    assert!(lines[2]["error"]
        .as_str()
        .unwrap()
        .contains("\"text\" must be a string"));
}

/// Cancels after `after` documents (or stream lines).
struct StopAfter {
    after: usize,
    seen: usize,
}

impl Progress for StopAfter {
    fn document(&mut self, _record: &DocRecord) {
        self.seen += 1;
    }
    fn cancelled(&mut self) -> bool {
        self.seen >= self.after
    }
}

#[test]
fn a_cancelled_run_stops_between_documents_and_keeps_what_it_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir(&input).unwrap();
    for (name, text) in [
        ("a", "王小明在北京工作。"),
        ("b", "李华去了上海。"),
        ("c", "Hello Paris."),
    ] {
        fs::write(input.join(format!("{name}.txt")), text).unwrap();
    }
    let pipeline = Pipeline::builder().build().unwrap();
    let out = tmp.path().join("out");
    let mut config = CorpusConfig::new(vec![input.clone()], out.clone());
    config.jobs = 1;
    let mut stop = StopAfter { after: 2, seen: 0 };
    let err = annotate_corpus_with(&pipeline, &config, &mut stop).unwrap_err();
    assert!(
        matches!(err, zhen::Error::Cancelled { documents: 2 }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "interrupted after 2 documents");
    // the documents done are written whole; the run's manifest and tables are not
    assert!(out.join("a.jsonl").is_file() && out.join("b.conllu").is_file());
    assert!(!out.join("c.jsonl").exists());
    assert!(!out.join("manifest.json").exists());
    assert!(!out.join("entities.csv").exists());
    // nor any temporary file (entities.csv streams into one)
    assert_no_temporary_file(&out, "a cancelled run");

    // issue 12 case 7: the journal lists the documents done, so --resume
    // after the interruption (or a kill: the journal is the same) skips them
    let journal = fs::read_to_string(out.join(zhen::corpus::JOURNAL)).unwrap();
    assert_eq!(
        journal.lines().count(),
        3,
        "a header and two documents: {journal}"
    );
    // a kill in the middle of a record leaves half a line: ignored
    fs::write(
        out.join(zhen::corpus::JOURNAL),
        format!("{journal}{{\"id\":\"c.tx"),
    )
    .unwrap();
    config.resume = true;
    let summary = annotate_corpus_with(&pipeline, &config, &mut ()).unwrap();
    assert_eq!((summary.documents, summary.resumed), (3, 2));
    assert!(out.join("manifest.json").is_file());
    assert!(
        !out.join(zhen::corpus::JOURNAL).exists(),
        "removed at the end"
    );
    // the same files as a run that was never interrupted
    let fresh = tmp.path().join("fresh");
    let mut once = CorpusConfig::new(vec![input.clone()], fresh.clone());
    once.jobs = 1;
    annotate_corpus_with(&pipeline, &once, &mut ()).unwrap();
    assert_eq!(files(&out), files(&fresh));

    let lines = "{\"id\":1,\"text\":\"a\"}\n{\"id\":2,\"text\":\"b\"}\n{\"id\":3,\"text\":\"c\"}\n";
    let mut buf = Vec::new();
    // a stream reports no documents, so it stops after the first line
    let mut stop = StopAfter { after: 0, seen: 0 };
    let err =
        annotate_jsonl(&pipeline, lines.as_bytes(), &mut buf, UTF8, 1, &mut stop).unwrap_err();
    assert!(matches!(err, zhen::Error::Cancelled { documents: 1 }));
    assert_eq!(String::from_utf8(buf).unwrap().lines().count(), 1);
}

/// The names in a folder (not sorted).
fn names_in(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Fails (with `what` and the names) if a temporary file is left in `dir`.
fn assert_no_temporary_file(dir: &Path, what: &str) {
    let names = names_in(dir);
    assert!(
        names.iter().all(|n| !n.ends_with(".tmp")),
        "{what}: {names:?}"
    );
}

fn write_inputs(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

/// Issue 12 case 5: outputs that would collide are an error before anything
/// is written.
#[test]
fn output_collisions_fail_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write_inputs(
        &input,
        &[
            ("y.txt", "王小明在北京。"),
            ("y", "李华在上海。"),
            ("a/x.txt", "甲"),
            ("b/x.txt", "乙"),
        ],
    );
    let pipeline = Pipeline::builder().build().unwrap();
    let out = tmp.path().join("out");
    let mut config = CorpusConfig::new(vec![input.clone()], out.clone());
    config.glob = "*".into();
    let err = annotate_corpus_with(&pipeline, &config, &mut ()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("output collision: "), "{msg}");
    assert!(msg.contains("in/y and ") && msg.contains("y.txt"), "{msg}");
    assert!(!out.exists(), "nothing written, not even the folder");

    // the same file name in two folders given as files
    let config = CorpusConfig::new(
        vec![input.join("a/x.txt"), input.join("b/x.txt")],
        out.clone(),
    );
    let msg = annotate_corpus_with(&pipeline, &config, &mut ())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("a/x.txt") && msg.contains("b/x.txt"), "{msg}");
    assert!(!out.exists());

    // in folders, documents keep their relative paths: no collision
    let config = CorpusConfig::new(vec![input.clone()], out.clone());
    let s = annotate_corpus_with(&pipeline, &config, &mut ()).unwrap();
    assert_eq!(s.documents, 3);
    assert!(out.join("a/x.jsonl").is_file() && out.join("b/x.jsonl").is_file());
}

/// Issue 12 case 5: an output folder inside the input folder is not read
/// back; an input given twice is read once.
#[test]
fn the_output_folder_is_never_input_and_duplicates_are_read_once() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write_inputs(
        &input,
        &[("a.txt", "王小明在北京工作。"), ("b.txt", "李华去了上海。")],
    );
    let pipeline = Pipeline::builder().build().unwrap();
    let out = input.join("out");
    let mut config = CorpusConfig::new(vec![input.clone()], out.clone());
    // brat writes .txt files into the output folder
    config.formats = vec![zhen::export::Format::Jsonl, zhen::export::Format::Brat];
    for _ in 0..2 {
        let s = annotate_corpus_with(&pipeline, &config, &mut ()).unwrap();
        assert_eq!(s.documents, 2, "the second run must not read out/*.txt");
        assert!(out.join("a.txt").is_file());
    }
    let entities = |dir: &Path| fs::read_to_string(dir.join("entities.csv")).unwrap();
    let once = entities(&out);
    fs::remove_dir_all(&out).unwrap();

    let out2 = tmp.path().join("out2");
    let config = CorpusConfig::new(
        vec![input.join("a.txt"), input.clone(), input.join("./a.txt")],
        out2.clone(),
    );
    let mut log = Log::default();
    let s = annotate_corpus_with(&pipeline, &config, &mut log).unwrap();
    assert_eq!(s.documents, 2, "{:?}", log.0);
    let warnings: Vec<_> = log.0.iter().filter(|l| l.starts_with("warn ")).collect();
    assert_eq!(warnings.len(), 2, "{:?}", log.0);
    assert!(warnings[0].contains("read once"), "{warnings:?}");
    assert_eq!(entities(&out2).lines().count(), once.lines().count());
}

/// Issue 12 case 7: a glob that matches nothing is an error naming it.
#[test]
fn an_empty_glob_match_names_the_glob() {
    let tmp = tempfile::tempdir().unwrap();
    write_inputs(tmp.path(), &[("a.md", "x")]);
    let config = CorpusConfig::new(vec![tmp.path().to_path_buf()], tmp.path().join("out"));
    let msg = zhen::corpus::annotate_corpus(&config, &mut ())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("matches the glob \"*.txt\""), "{msg}");
    assert!(msg.contains(&tmp.path().display().to_string()), "{msg}");
}

/// Issue 12 case 7: a failed write leaves no temporary file.
#[test]
fn a_failed_write_leaves_no_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    // the target is a folder: the rename into place fails
    let target = tmp.path().join("taken");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("keep"), "x").unwrap();
    assert!(zhen::corpus::write_atomic(&target, b"bytes").is_err());
    assert_eq!(names_in(tmp.path()), ["taken"]);
}

/// Issue 12 case 7: a run killed outright (SIGKILL) leaves its `.NAME.PID.tmp`
/// files; the next run into the folder removes those of dead processes,
/// says so, and leaves everything else.
#[test]
fn temporary_files_of_a_killed_run_are_removed_by_the_next() {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write_inputs(&input, &[("a.txt", "王小明在北京工作。")]);
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = out.join(format!(".a.conllu.{dead}.tmp"));
    let live = out.join(format!(".b.conllu.{}.tmp", std::process::id()));
    let other = out.join("notes.tmp");
    for f in [&stale, &live, &other] {
        fs::write(f, "half").unwrap();
    }
    let pipeline = Pipeline::builder().build().unwrap();
    let config = CorpusConfig::new(vec![input], out.clone());
    let mut log = Log::default();
    annotate_corpus_with(&pipeline, &config, &mut log).unwrap();
    assert!(!stale.exists());
    assert!(live.exists() && other.exists());
    assert!(
        log.0
            .iter()
            .any(|l| l.starts_with("warn removed 1 temporary file(s)")),
        "{:?}",
        log.0
    );
}

/// Checks, each time a document is reported, that every document the
/// journal lists has all its files in place (and no temporary file of
/// them is left): the journal is what `--resume` trusts after a crash.
struct JournalWatch {
    out: PathBuf,
    checks: usize,
    listed: usize,
}

impl JournalWatch {
    fn check(&mut self) {
        let Ok(journal) = fs::read_to_string(self.out.join(zhen::corpus::JOURNAL)) else {
            return;
        };
        let mut listed = 0;
        // the header, then one complete line per document; the journal's
        // thread may be in the middle of appending a line (a reader can see
        // part of it), which `--resume` reads as not journaled, so only
        // lines with their newline count
        let complete = &journal[..journal.rfind('\n').map_or(0, |i| i + 1)];
        for line in complete.lines().skip(1) {
            let record: DocRecord = serde_json::from_str(line).unwrap();
            for output in &record.outputs {
                let path = self.out.join(output);
                assert!(
                    path.is_file(),
                    "{} is journaled before {output} is in place",
                    record.id
                );
            }
            listed += 1;
        }
        assert!(listed >= self.listed, "the journal shrank");
        self.listed = listed;
        self.checks += 1;
    }
}

impl Progress for JournalWatch {
    fn document(&mut self, _record: &DocRecord) {
        self.check();
    }
    fn cancelled(&mut self) -> bool {
        self.check();
        false
    }
}

/// Issue 14: the documents' files are written by the threads that annotate
/// them and synced many at a time; the bytes are the same for any thread
/// count, synced or not, and a document is journaled only once its files are
/// in place.
#[test]
fn files_written_beside_the_annotating_are_the_same_for_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let texts = [
        "王小明在北京工作。",
        "李华去了上海，见到了张伟。",
        "Hello Paris. Alice met Bob in London.",
        "臺北市政府發布新聞稿。",
    ];
    let names: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("d{i:02}.txt"),
                texts[i % texts.len()].repeat(1 + i % 5),
            )
        })
        .collect();
    let named: Vec<(&str, &str)> = names
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    write_inputs(&input, &named);
    let pipeline = Pipeline::builder().build().unwrap();
    let mut trees = Vec::new();
    for (jobs, fsync) in [(1, true), (0, true), (2, true), (3, true), (2, false)] {
        let out = tmp.path().join(format!("out{jobs}{fsync}"));
        let mut config = CorpusConfig::new(vec![input.clone()], out.clone());
        config.jobs = jobs;
        config.fsync = fsync;
        config.formats = vec![
            zhen::export::Format::Jsonl,
            zhen::export::Format::Conllu,
            zhen::export::Format::Csv,
            zhen::export::Format::Brat,
        ];
        let mut watch = JournalWatch {
            out: out.clone(),
            checks: 0,
            listed: 0,
        };
        let summary = annotate_corpus_with(&pipeline, &config, &mut watch).unwrap();
        assert_eq!(summary.documents, 40);
        assert!(watch.checks >= 80, "{} checks", watch.checks);
        let tree = files(&out);
        assert!(
            tree.iter()
                .all(|(p, _)| !p.to_string_lossy().ends_with(".tmp")),
            "a temporary file is left"
        );
        trees.push(((jobs, fsync), tree));
    }
    let (first, one) = &trees[0];
    assert_eq!(one.len(), 40 * 5 + 4, "{first:?}: {} files", one.len());
    for (which, tree) in &trees[1..] {
        assert!(tree == one, "{which:?} differs from {first:?}");
    }
}

/// A document's file that cannot be put in place (its name is taken by a
/// folder) stops the run with an error naming it, and leaves no temporary
/// file, synced or not.
#[test]
fn a_file_that_cannot_be_renamed_into_place_stops_the_run_cleanly() {
    for fsync in [true, false] {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("in");
        write_inputs(
            &input,
            &[("a.txt", "王小明在北京工作。"), ("b.txt", "李华去了上海。")],
        );
        let out = tmp.path().join("out");
        fs::create_dir_all(out.join("b.conllu")).unwrap();
        let pipeline = Pipeline::builder().build().unwrap();
        let mut config = CorpusConfig::new(vec![input], out.clone());
        config.jobs = 2;
        config.fsync = fsync;
        let err = annotate_corpus_with(&pipeline, &config, &mut ()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("b.conllu"), "{msg}");
        assert_no_temporary_file(&out, &format!("fsync {fsync}"));
        // the journal never lists b
        let journal = fs::read_to_string(out.join(zhen::corpus::JOURNAL)).unwrap();
        assert!(!journal.contains("\"b.txt\""), "{journal}");
    }
}

/// The end of a run keeps the guarantees of its middle: a corpus table that
/// cannot be put in place (its name is taken by a folder) stops the run
/// with an error naming it, and `manifest.json` is not written; the
/// journal lists every document, as after a kill, so `--resume` skips them
/// all and ends with the files of a run never stopped; synced or not.
#[test]
fn a_corpus_table_that_cannot_be_put_in_place_leaves_the_journal_and_no_manifest() {
    for fsync in [true, false] {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("in");
        write_inputs(
            &input,
            &[
                ("a.txt", "王小明在北京工作。"),
                ("b.txt", "李华去了上海。"),
                ("c.txt", "Alice met Bob in London."),
            ],
        );
        let out = tmp.path().join("out");
        fs::create_dir_all(out.join("errors.csv/keep")).unwrap();
        let pipeline = Pipeline::builder().build().unwrap();
        let mut config = CorpusConfig::new(vec![input.clone()], out.clone());
        config.jobs = 2;
        config.fsync = fsync;
        let msg = annotate_corpus_with(&pipeline, &config, &mut ())
            .unwrap_err()
            .to_string();
        assert!(msg.contains("errors.csv"), "fsync {fsync}: {msg}");
        assert!(!out.join("manifest.json").exists(), "fsync {fsync}");
        assert_no_temporary_file(&out, &format!("fsync {fsync}"));
        let journal = fs::read_to_string(out.join(zhen::corpus::JOURNAL)).unwrap();
        assert_eq!(journal.lines().count(), 4, "fsync {fsync}: {journal}");

        fs::remove_dir_all(out.join("errors.csv")).unwrap();
        config.resume = true;
        let summary = annotate_corpus_with(&pipeline, &config, &mut ()).unwrap();
        assert_eq!(
            (summary.documents, summary.resumed),
            (3, 3),
            "fsync {fsync}"
        );
        assert!(!out.join(zhen::corpus::JOURNAL).exists());
        let fresh = tmp.path().join("fresh");
        let mut once = CorpusConfig::new(vec![input], fresh.clone());
        once.fsync = fsync;
        annotate_corpus_with(&pipeline, &once, &mut ()).unwrap();
        assert_eq!(files(&out), files(&fresh), "fsync {fsync}");
    }
}
