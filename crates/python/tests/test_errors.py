"""Bad input gives a zhen exception with the CLI's message (file, line,
offset), of the built-in kind that fits; never a Rust panic."""

from __future__ import annotations

import errno
import pickle

import pytest

import zhen

from conftest import REPO, run_cli


def cli_error(*args: str) -> str:
    """The message the CLI prints for a failure, without the `zhen: error: ` prefix."""
    proc = run_cli(*args, check=False)
    assert proc.returncode in (1, 2), proc
    lines = [l for l in proc.stderr.decode().splitlines() if l.startswith("zhen: error: ")]
    assert lines, proc.stderr
    return lines[0][len("zhen: error: ") :]


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(zhen.FileError) as e:
        zhen.read_text(missing)
    assert isinstance(e.value, OSError) and isinstance(e.value, zhen.ZhenError)
    assert e.value.errno == errno.ENOENT
    assert e.value.path == str(missing) == e.value.filename
    assert str(e.value) == cli_error("tag", str(missing))
    assert "No such file or directory" in str(e.value)


SETTINGS = {"user_dict": "user dictionary", "model": "NER model", "entities_file": "entity list"}


def same_as_cli(ours: str, option: str, cli: str) -> None:
    """Our message is the CLI's, word for word: both name the setting
    (``user dictionary: …``) and print a cause once."""
    assert ours.startswith(SETTINGS[option] + ": "), ours
    assert ours == cli, (ours, cli)


def test_missing_user_dict_and_model_name_the_option(tmp_path):
    missing = tmp_path / "dict.txt"
    with pytest.raises(OSError) as e:
        zhen.Pipeline(user_dict=missing)
    assert e.value.errno == errno.ENOENT and e.value.path == str(missing)
    same_as_cli(str(e.value), "user_dict", cli_error("tag", "--user-dict", str(missing), "corpus/"))
    with pytest.raises(zhen.FileError) as e:
        zhen.Pipeline(model=str(missing))
    same_as_cli(str(e.value), "model", cli_error("tag", "--model", str(missing), "corpus/"))


def test_undecodable_bytes_name_line_and_offset(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes("第一行\n第二".encode() + b"\xff" + "行".encode())
    with pytest.raises(zhen.DecodeError) as e:
        zhen.read_text(path, encoding="utf-8")
    err = e.value
    assert isinstance(err, ValueError)
    assert (err.path, err.line, err.offset) == (str(path), 2, 16)
    assert str(err) == cli_error("tag", "--encoding", "utf-8", str(path))
    assert "line 2, byte offset 16" in str(err)
    # lossy, as --lossy
    assert zhen.read_text(path, encoding="utf-8", lossy=True) == "第一行\n第二\ufffd行"


def test_binary_input(nlp):
    with pytest.raises(zhen.DecodeError, match="byte offset 4: NUL byte") as e:
        nlp(b"PK\x03\x04\x00\x00")
    assert e.value.offset == 4


def test_lone_surrogate_in_a_str(nlp):
    with pytest.raises(zhen.DecodeError, match="char offset 3: a lone surrogate") as e:
        nlp("崔现忠\udc80前往")
    assert e.value.offset == 3
    with pytest.raises(zhen.DecodeError):
        zhen.convert("頭\ud800髮", "t2s")


def test_corrupt_model(tmp_path):
    good = (REPO / "models" / "zh-news.zner").read_bytes()
    cases = {
        "garbage.zner": b"this is not a model at all\n" * 10,
        "truncated.zner": good[: len(good) // 3],
        "empty.zner": b"",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(zhen.ModelError) as e:
            zhen.Pipeline(model=path)
        assert isinstance(e.value, ValueError)
        message = str(e.value)
        assert str(path) in message, message
        same_as_cli(message, "model", cli_error("tag", "--model", str(path), "corpus/"))


def test_bad_user_dict_and_entities_file(tmp_path):
    entities = tmp_path / "entities.csv"
    entities.write_text("崔现忠,PER\n罗定市\n", encoding="utf-8")
    with pytest.raises(zhen.FormatError) as e:
        zhen.Pipeline(entities_file=entities)
    assert e.value.line == 2 and e.value.path == str(entities)
    cli = cli_error("tag", "--entities", str(entities), "corpus/")
    assert str(e.value) == cli and cli.startswith("entity list: ")
    user_dict = tmp_path / "dict.txt"
    user_dict.write_text("驻镇帮镇扶村 100 n\n工作队 lots n\n", encoding="utf-8")
    with pytest.raises(zhen.FormatError) as e:
        zhen.Pipeline(user_dict=user_dict)
    assert (e.value.line, e.value.path) == (2, str(user_dict))
    # the CLI reports this one without the file name; the package adds it
    cli = cli_error("tag", "--user-dict", str(user_dict), "corpus/")
    assert str(e.value) == f"user dictionary: {user_dict}: {cli}"


def test_bad_option_values(nlp):
    with pytest.raises(zhen.UsageError, match='unknown conversion "t2x"'):
        zhen.Pipeline(convert="t2x")
    with pytest.raises(zhen.UsageError, match="unknown OpenCC config \"x2y\"; valid names: s2t, t2s"):
        zhen.convert("x", "x2y")
    with pytest.raises(zhen.UsageError, match="unknown OpenCC config"):
        zhen.Converter("nope")
    doc = nlp("崔现忠。")
    with pytest.raises(zhen.UsageError, match='unknown tag scheme "bilou"'):
        doc.to_conll(scheme="bilou")
    with pytest.raises(zhen.UsageError, match="unknown encoding"):
        zhen.read_text(REPO / "corpus" / "000_22ba5b47bbfdc2bd.txt", encoding="klingon")
    with pytest.raises(TypeError):
        nlp(42)
    with pytest.raises(TypeError, match="the id must be a str or an int"):
        nlp("x", id=1.5)
    with pytest.raises(zhen.FormatError, match="<json>:1:"):
        zhen.Doc.from_json("{not json")


def test_exceptions_pickle_with_their_attributes(tmp_path):
    with pytest.raises(zhen.FileError) as e:
        zhen.read_text(tmp_path / "missing.txt")
    back = pickle.loads(pickle.dumps(e.value))
    assert type(back) is zhen.FileError
    assert (str(back), back.path, back.errno) == (str(e.value), e.value.path, errno.ENOENT)
    err = zhen.DecodeError("m", path="p", line=3, offset=9)
    back = pickle.loads(pickle.dumps(err))
    assert (back.message, back.path, back.line, back.offset) == ("m", "p", 3, 9)
