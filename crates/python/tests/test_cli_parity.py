"""One library, two front ends: what the package returns is byte for byte
what the ``zhen`` command writes."""

from __future__ import annotations

import json

import pytest

import zhen

from conftest import REPO, run_cli


@pytest.fixture(scope="module")
def cli_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    run_cli("annotate", "corpus/", "-o", str(out), "--format", "jsonl,conllu,conll,csv", "--quiet")
    return out


def test_every_format_equals_the_cli_files(nlp, corpus, cli_out):
    for name, text in corpus:
        doc = nlp(text, id=name)
        stem = name[: -len(".txt")]
        assert doc.to_json().encode() == (cli_out / f"{stem}.jsonl").read_bytes(), name
        assert doc.to_json(encoding="utf-8") == (cli_out / f"{stem}.jsonl").read_bytes(), name
        assert doc.to_conllu().encode() == (cli_out / f"{stem}.conllu").read_bytes(), name
        assert doc.to_conll().encode() == (cli_out / f"{stem}.conll").read_bytes(), name
        assert doc.to_csv().encode() == (cli_out / f"{stem}.csv").read_bytes(), name
        assert doc.to_dict() == json.loads((cli_out / f"{stem}.jsonl").read_text(encoding="utf-8"))


def test_schemes_and_char_level_equal_the_cli(nlp, corpus, tmp_path):
    run_cli(
        "annotate", "corpus/", "-o", str(tmp_path), "--format", "conll,conllu,csv",
        "--scheme", "bioes", "--char-level", "--excel", "--quiet",
    )
    for name, text in corpus:
        doc = nlp(text, id=name)
        stem = name[: -len(".txt")]
        conll = doc.to_conll(scheme="bioes", char_level=True)
        assert conll.encode() == (tmp_path / f"{stem}.conll").read_bytes(), name
        assert doc.to_conllu(scheme="bioes").encode() == (tmp_path / f"{stem}.conllu").read_bytes()
        csv = doc.to_csv(scheme="bioes", excel=True)
        assert csv.encode() == (tmp_path / f"{stem}.csv").read_bytes(), name


def test_pipeline_options_equal_the_cli_flags(corpus, tmp_path):
    nlp = zhen.Pipeline(convert="s2t", clean=False, doc_consistency=False)
    run_cli(
        "annotate", "corpus/", "-o", str(tmp_path), "--format", "jsonl", "--quiet",
        "--convert", "s2t", "--no-clean", "--no-doc-consistency",
    )
    for name, text in corpus:
        expected = (tmp_path / name.replace(".txt", ".jsonl")).read_bytes()
        assert nlp(text, id=name).to_json().encode() == expected, name
    tokens_only = zhen.Pipeline(entities=False)
    doc = tokens_only(corpus[0][1])
    assert doc.tokens and not doc.entities


def test_pipe_equals_the_streaming_cli(nlp, paragraphs):
    lines = "".join(
        json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in paragraphs
    )
    out = run_cli("annotate", "--jsonl", "--quiet", "-j", "2", stdin=lines.encode()).stdout
    ours = "".join(d.to_json() for d in nlp.pipe(paragraphs, n_threads=2))
    assert ours.encode() == out
    # what scripts/bench-python measures: the bytes, at one worker thread too
    one = b"".join(d.to_json(encoding="utf-8") for d in nlp.pipe(paragraphs, n_threads=1))
    assert one == out


def test_to_json_bytes_are_the_str_encoded(nlp):
    doc = nlp("2019年5月10日，崔現忠前往羅定市新民村。Peter works in Brussels.", id="b")
    for name in ("utf-8", "UTF-8", "utf8", "utf_8"):
        data = doc.to_json(encoding=name)
        assert isinstance(data, bytes)
        assert data == doc.to_json().encode("utf-8")
    assert isinstance(doc.to_json(encoding=None), str)
    with pytest.raises(zhen.UsageError, match='encoding "gbk": the JSON line is UTF-8'):
        doc.to_json(encoding="gbk")


def test_convert_equals_the_cli(corpus):
    for config in ("t2s", "s2t", "s2twp", "tw2sp", "t2jp"):
        for name, text in corpus[:3]:
            cli = run_cli("convert", "-c", config, f"corpus/{name}").stdout
            assert zhen.convert(text, config).encode() == cli, (config, name)
            assert zhen.Converter(config).convert(text).encode() == cli


def test_converter_reads_an_opencc_config_file():
    path = REPO / "crates" / "script" / "data" / "config" / "s2twp.json"
    conv = zhen.Converter(str(path))
    assert conv.convert("鼠标和软件") == zhen.convert("鼠标和软件", "s2twp") == "滑鼠和軟體"
    assert zhen.convert("頭髮乾燥", "t2s") == "头发干燥"
    assert zhen.Converter("t2s.json").convert("頭髮") == "头发"


def test_bytes_and_read_text_decode_as_the_cli(nlp, tmp_path):
    text = "广州市派驻清远市驻镇帮镇扶村工作队开展组团式结对帮扶，巩固拓展脱贫攻坚成果。\n第二行。"
    src = tmp_path / "in"
    src.mkdir()
    (src / "gbk.txt").write_bytes(text.encode("gbk"))
    (src / "big5.txt").write_bytes("廣州市派駐清遠市駐鎮幫鎮扶村工作隊開展組團式結對幫扶。".encode("big5"))
    (src / "bom.txt").write_bytes("\ufeff東莞市選派".encode("utf-8"))
    out = tmp_path / "out"
    run_cli("annotate", str(src), "-o", str(out), "--format", "jsonl", "--quiet")
    for path in sorted(src.iterdir()):
        expected = (out / path.name.replace(".txt", ".jsonl")).read_bytes()
        assert nlp(path.read_bytes(), id=path.name).to_json().encode() == expected, path.name
        assert nlp(zhen.read_text(path), id=path.name).to_json().encode() == expected
    assert zhen.read_text(src / "gbk.txt") == text
    assert zhen.read_text(src / "bom.txt") == "東莞市選派"
