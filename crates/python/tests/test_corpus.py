"""zhen.annotate_corpus and zhen.evaluate: the library code behind
``zhen annotate`` and ``zhen eval``, so the same files and the same scores."""

from __future__ import annotations

import _thread
import json
import threading
import time
from pathlib import Path

import pytest

import zhen

from conftest import CORPUS, REPO, run_cli

GOLD = REPO / "crates" / "ner" / "tests" / "fixtures" / "score.bio"


def tree(root: Path) -> dict:
    """Every file under root (relative path -> bytes)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_annotate_corpus_writes_the_cli_files_byte_for_byte(tmp_path):
    cli, py = tmp_path / "cli", tmp_path / "py"
    run_cli("annotate", str(CORPUS), "-o", str(cli), "--format", "jsonl,conllu,conll,csv", "--quiet")
    summary = zhen.annotate_corpus(str(CORPUS), py, formats=["jsonl", "conllu", "conll", "csv"], jobs=0)
    ours, theirs = tree(py), tree(cli)
    assert sorted(ours) == sorted(theirs)
    for name in theirs:
        assert ours[name] == theirs[name], name
    n = len(list(CORPUS.glob("*.txt")))
    assert summary["documents"] == summary["ok"] == n
    assert summary["failed"] == 0 and summary["failures"] == [] and summary["resumed"] == 0
    manifest = json.loads((py / "manifest.json").read_text(encoding="utf-8"))
    assert summary["tokens"] == sum(d["counts"]["tokens"] for d in manifest["documents"])
    assert sum(summary["entities"].values()) == sum(d["counts"]["entities"] for d in manifest["documents"])


def test_options_equal_the_cli_flags(tmp_path):
    cli, py = tmp_path / "cli", tmp_path / "py"
    run_cli(
        "annotate", str(CORPUS), "-o", str(cli), "--format", "conll,csv", "--scheme", "bioes",
        "--char-level", "--excel", "--convert", "s2t", "--no-clean", "-j", "1", "--quiet",
    )
    nlp = zhen.Pipeline(convert="s2t", clean=False)
    zhen.annotate_corpus(
        [CORPUS], str(py), formats=["conll", "csv"], jobs=1, pipeline=nlp,
        scheme="bioes", char_level=True, excel=True,
    )
    assert tree(py) == tree(cli)


def test_fsync_false_is_no_fsync_and_writes_the_same_files(tmp_path):
    cli, py, synced = tmp_path / "cli", tmp_path / "py", tmp_path / "synced"
    run_cli("annotate", str(CORPUS), "-o", str(cli), "--format", "jsonl,csv", "--no-fsync", "-j", "2", "--quiet")
    zhen.annotate_corpus(CORPUS, py, formats=["jsonl", "csv"], jobs=2, fsync=False)
    zhen.annotate_corpus(CORPUS, synced, formats=["jsonl", "csv"], jobs=1)
    assert tree(py) == tree(cli)
    assert tree(py) == tree(synced)
    assert not [p for p in py.rglob("*.tmp")]


def test_failures_are_reported_and_the_rest_completes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("王小明在北京工作。", encoding="utf-8")
    bad = "第一行\n第二".encode() + b"\xff" + "行。".encode()
    (src / "bad.txt").write_bytes(bad)
    summary = zhen.annotate_corpus(src, tmp_path / "py")
    assert summary["documents"] == 2 and summary["ok"] == 1 and summary["failed"] == 1
    (failure,) = summary["failures"]
    assert failure["input"] == str(src / "bad.txt")
    assert failure["line"] == 2 and failure["byte_offset"] == bad.index(b"\xff")
    proc = run_cli("annotate", str(src), "-o", str(tmp_path / "cli"), "--quiet", check=False)
    assert proc.returncode == 1
    assert tree(tmp_path / "py") == tree(tmp_path / "cli")
    assert failure["message"] in (tmp_path / "cli" / "errors.csv").read_text(encoding="utf-8")


def test_resume_skips_unchanged_documents(tmp_path):
    out = tmp_path / "out"
    first = zhen.annotate_corpus(CORPUS, out, formats=["jsonl"])
    before = tree(out)
    again = zhen.annotate_corpus(CORPUS, out, formats=["jsonl"], resume=True)
    assert again["resumed"] == again["documents"] == first["documents"]
    assert again["entities"] == first["entities"]
    assert tree(out) == before


def test_bad_arguments_raise_the_cli_messages(tmp_path):
    with pytest.raises(zhen.UsageError) as e:
        zhen.annotate_corpus(CORPUS, tmp_path, formats=["jsonl", "xml"])
    assert "xml" in str(e.value)
    with pytest.raises(zhen.UsageError):
        zhen.annotate_corpus(CORPUS, tmp_path, formats=[])
    with pytest.raises(zhen.UsageError):
        zhen.annotate_corpus(CORPUS, tmp_path, pipeline=zhen.Pipeline(entities=False))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(zhen.FileError) as e:
        zhen.annotate_corpus(CORPUS, blocker / "out")
    proc = run_cli("annotate", str(CORPUS), "-o", str(blocker / "out"), check=False)
    assert proc.returncode == 2
    assert str(e.value) in proc.stderr.decode()


def test_ctrl_c_stops_a_run_between_documents(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    text = "王小明在北京工作，李华去了上海。" * 40
    n = 600
    for i in range(n):
        (src / f"{i:04}.txt").write_text(text, encoding="utf-8")

    def interrupt_when_writing():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if out.is_dir() and sum(1 for _ in out.glob("*.jsonl")) >= 2:
                _thread.interrupt_main()
                return
            time.sleep(0.001)

    watcher = threading.Thread(target=interrupt_when_writing)
    watcher.start()
    with pytest.raises(KeyboardInterrupt):
        zhen.annotate_corpus(src, out, formats=["jsonl"], jobs=1)
    watcher.join()
    written = sorted(p.name for p in out.glob("*.jsonl"))
    assert 2 <= len(written) < n, "the run was not interrupted"
    assert not list(out.glob(".*.tmp")), "temporary files left behind"
    for name in written:  # every file written is whole
        json.loads((out / name).read_text(encoding="utf-8"))
    # the documents done are in the manifest's journal: resume skips them
    summary = zhen.annotate_corpus(src, out, formats=["jsonl"], jobs=1, resume=True)
    assert summary["documents"] == n and summary["resumed"] >= len(written) - 1 >= 1


def test_evaluate_equals_zhen_eval_json():
    cli = json.loads(run_cli("eval", "--gold", str(GOLD), "--json").stdout)
    ours = zhen.evaluate(str(GOLD))
    assert ours == cli
    assert set(ours) >= {"micro", "per_label"} and "f1" in ours["micro"]
    assert zhen.evaluate([GOLD, GOLD])["micro"]["gold"] == 2 * ours["micro"]["gold"]
    nlp = zhen.Pipeline(doc_consistency=False)
    cli = json.loads(
        run_cli("eval", "--gold", str(GOLD), "--json", "--no-doc-consistency").stdout
    )
    assert zhen.evaluate(GOLD, pipeline=nlp) == cli


def test_evaluate_errors_are_the_cli_messages(tmp_path):
    missing = tmp_path / "gold.bio"
    with pytest.raises(zhen.FileError) as e:
        zhen.evaluate(missing)
    proc = run_cli("eval", "--gold", str(missing), check=False)
    assert proc.returncode == 2 and str(e.value) in proc.stderr.decode()
    bad = tmp_path / "bad.bio"
    bad.write_text("张\tB-PER\n三\tX-PER\n", encoding="utf-8")
    with pytest.raises(zhen.FormatError) as e:
        zhen.evaluate(bad)
    assert e.value.line == 2 and e.value.path == str(bad)
    proc = run_cli("eval", "--gold", str(bad), check=False)
    assert str(e.value) in proc.stderr.decode()
    with pytest.raises(zhen.UsageError):
        zhen.evaluate(GOLD, gold_format="xml")


def test_collisions_and_duplicates_as_the_cli(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "y.txt").write_text("王小明在北京。", encoding="utf-8")
    (src / "y").write_text("李华在上海。", encoding="utf-8")
    with pytest.raises(zhen.UsageError) as e:
        zhen.annotate_corpus(src, tmp_path / "out", glob="*")
    assert str(e.value).startswith("output collision: ")
    assert not (tmp_path / "out").exists()
    proc = run_cli("annotate", str(src), "-o", str(tmp_path / "out"), "--glob", "*", check=False)
    assert proc.returncode == 2 and str(e.value) in proc.stderr.decode()
    summary = zhen.annotate_corpus([src / "y.txt", src], tmp_path / "out")
    assert summary["documents"] == 1
    assert len(summary["warnings"]) == 1 and "read once" in summary["warnings"][0]
