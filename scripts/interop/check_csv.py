#!/usr/bin/env python3
"""Python's csv module reads every .csv under DIR (BOM handled by
utf-8-sig) with the header's column count on every row; known tables
(tokens, entities, entity_counts) have exactly zhen's headers, and their
offsets slice the document texts of a corpus.jsonl beside them."""
import csv
import json
import sys
from pathlib import Path

HEADERS = {
    "tokens.csv": ["doc", "paragraph", "sentence", "token_index", "start", "end", "token", "converted", "pos", "upos", "ner"],
    "entities.csv": ["doc", "start", "end", "label", "text", "simplified", "sentence_text"],
    "entity_counts.csv": ["label", "entity", "simplified", "mentions", "documents"],
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def uncell(s: str) -> str:
    return s[1:] if s.startswith("'") and s[1:].startswith(TRIGGERS) else s


def texts_near(path: Path):
    for d in [path.parent, path.parent.parent]:
        j = d / "corpus.jsonl"
        if j.exists():
            with open(j, encoding="utf-8", newline="") as f:
                return {x["id"]: x["text"] for x in map(json.loads, filter(str.strip, f.read().split("\n")))}
    return {}


def check(path: Path) -> int:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    failures = 0
    if not rows:
        print(f"FAIL {path}: empty")
        return 1
    header = rows[0]
    for i, r in enumerate(rows[1:], 2):
        if len(r) != len(header):
            print(f"FAIL {path}: record {i} has {len(r)} fields, the header {len(header)}")
            failures += 1
    want = HEADERS.get(path.name)
    if want and header != want:
        print(f"FAIL {path}: header {header} != {want}")
        failures += 1
    texts = texts_near(path)
    sliced = 0
    if want and texts and path.name in ("tokens.csv", "entities.csv"):
        h = {k: i for i, k in enumerate(header)}
        col = "token" if path.name == "tokens.csv" else "text"
        for i, r in enumerate(rows[1:], 2):
            doc = uncell(r[h["doc"]])
            if doc not in texts:
                continue
            a, b = int(r[h["start"]]), int(r[h["end"]])
            if texts[doc][a:b] != uncell(r[h[col]]):
                print(f"FAIL {path}: record {i}: text[{a}:{b}] = {texts[doc][a:b]!r} but {col} = {r[h[col]]!r}")
                failures += 1
            sliced += 1
    crlf = b"\r\n" in raw
    print(f"{'ok  ' if not failures else 'FAIL'} {path}: {len(rows) - 1} rows x {len(header)} columns, BOM={bom}, CRLF={crlf}, {sliced} offsets sliced")
    return failures


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: check_csv.py DIR", file=sys.stderr)
        return 2
    files = sorted(Path(sys.argv[1]).rglob("*.csv"))
    files = [f for f in files if "spreadsheet" not in f.parts]
    if not files:
        print(f"FAIL: no .csv under {sys.argv[1]}")
        return 1
    failures = sum(check(p) for p in files)
    print(f"check_csv: {len(files)} files, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
