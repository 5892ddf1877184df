"""Shared fixtures of the zhen Python tests.

The tests run against the installed package (``pip install ./crates/python``)
and compare it with the ``zhen`` release binary (``ZHEN_BIN``, default
``target/release/zhen``). Optional pieces (the binary, pandas, spaCy,
PySpark) are skipped with a reason when missing — unless ``ZHEN_TEST_STRICT=1``
(set by CI), where a missing piece is a failure, so CI cannot pass by skipping.
"""

from __future__ import annotations

import importlib
import os
import subprocess
from pathlib import Path
from typing import List, Tuple

import pytest

import zhen

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / "corpus"
STRICT = os.environ.get("ZHEN_TEST_STRICT") == "1"


def missing(reason: str) -> None:
    """Skips the test with ``reason``, or fails it under ZHEN_TEST_STRICT=1."""
    if STRICT:
        pytest.fail(f"{reason} (ZHEN_TEST_STRICT=1: CI must run this test)")
    pytest.skip(reason)


def need(module: str):
    """Imports an optional module, or skips (fails when strict) with the reason."""
    try:
        return importlib.import_module(module)
    except ImportError:
        missing(f"{module} is not installed (pip install {module})")


def zhen_bin() -> Path:
    path = Path(os.environ.get("ZHEN_BIN", REPO / "target" / "release" / "zhen"))
    if not path.is_file():
        missing(
            f"the zhen binary {path} is missing: cargo build --release -p zhen-cli, or set ZHEN_BIN"
        )
    return path


def run_cli(*args: str, stdin: bytes = b"", check: bool = True) -> subprocess.CompletedProcess:
    """Runs the zhen binary; returns the completed process (bytes out/err)."""
    proc = subprocess.run(
        [str(zhen_bin()), *args], input=stdin, capture_output=True, cwd=REPO
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"zhen {' '.join(args)} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}"
        )
    return proc


def corpus_files() -> List[Path]:
    files = sorted(CORPUS.glob("*.txt"))
    assert len(files) >= 5, f"the corpus is missing: {CORPUS}"
    return files


@pytest.fixture(scope="session")
def nlp() -> zhen.Pipeline:
    return zhen.Pipeline()


@pytest.fixture(scope="session")
def corpus() -> List[Tuple[str, str]]:
    """(id, text) of every corpus document; the id is what `zhen annotate corpus/` uses."""
    return [(p.name, p.read_text(encoding="utf-8")) for p in corpus_files()]


@pytest.fixture(scope="session")
def paragraphs(corpus) -> List[Tuple[str, str]]:
    """Every paragraph of the corpus as a document of its own (a few hundred short texts)."""
    out = []
    for name, text in corpus:
        for i, para in enumerate(p for p in text.split("\n\n") if p.strip()):
            out.append((f"{name}#{i}", para))
    return out
