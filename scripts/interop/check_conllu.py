#!/usr/bin/env python3
"""Every .conllu under DIR parses with the `conllu` package; when a .txt
(one document) or .jsonl (documents by id) is beside it, every token's
start_char/end_char slices that text to its FORM (each run of whitespace in
FORM is written as one U+00A0, as UD's validator forbids repeated
whitespace) and the token counts match the .jsonl."""
import json
import re
import sys
from pathlib import Path

import conllu


def texts_beside(path: Path):
    """{doc id or None: (text, token count or None)}"""
    txt = path.with_suffix(".txt")
    if txt.exists():
        return {None: (txt.read_text(encoding="utf-8"), None)}
    candidates = [path.with_suffix(".jsonl")] + sorted(path.parent.glob("*.jsonl"))
    for j in candidates:
        if not j.exists() or j.name.endswith(".doccano.jsonl"):
            continue
        out = {}
        with open(j, encoding="utf-8", newline="") as f:
            for line in f.read().split("\n"):
                if line.strip():
                    d = json.loads(line)
                    out[d["id"]] = (d["text"], len(d.get("tokens", [])))
        return out
    return {}


def check(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as f:
        data = f.read()
    sentences = conllu.parse(data)
    texts = texts_beside(path)
    doc = None
    counts = {}
    failures = 0
    for s in sentences:
        if "newdoc id" in s.metadata:
            doc = s.metadata["newdoc id"]
        if "sent_id" not in s.metadata or "text" not in s.metadata:
            print(f"FAIL {path}: sentence without sent_id/text: {s.metadata}")
            failures += 1
        key = doc if doc in texts else None
        counts[doc] = counts.get(doc, 0) + len(s)
        if key not in texts:
            continue
        text = texts[key][0]
        for tok in s:
            misc = tok["misc"] or {}
            if "start_char" not in misc or "NER" not in misc:
                print(f"FAIL {path}: token {tok['id']} of {s.metadata.get('sent_id')} has no start_char/NER: {misc}")
                failures += 1
                continue
            a, b = int(misc["start_char"]), int(misc["end_char"])
            surface = re.sub(r"\s+", "\u00a0", text[a:b]) or "_"
            if surface != tok["form"]:
                print(f"FAIL {path}: {s.metadata.get('sent_id')} token {tok['id']}: text[{a}:{b}] = {surface!r} but FORM = {tok['form']!r}")
                failures += 1
            nxt = text[b:b + 1]
            space_after_no = misc.get("SpaceAfter") == "No"
            if space_after_no != (nxt != "" and not nxt.isspace()):
                print(f"FAIL {path}: {s.metadata.get('sent_id')} token {tok['id']}: SpaceAfter={misc.get('SpaceAfter')} but next char is {nxt!r}")
                failures += 1
    for d, n in counts.items():
        if d in texts and texts[d][1] is not None and texts[d][1] != n:
            print(f"FAIL {path}: document {d}: {n} tokens in CoNLL-U, {texts[d][1]} in the JSONL")
            failures += 1
    checked = "offsets checked against " + ("the .txt" if None in texts else f"{len(texts)} JSONL documents") if texts else "no text beside it"
    print(f"{'ok  ' if not failures else 'FAIL'} {path}: {len(sentences)} sentences, {sum(len(s) for s in sentences)} tokens parsed by conllu; {checked}")
    return failures


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: check_conllu.py DIR", file=sys.stderr)
        return 2
    files = sorted(Path(sys.argv[1]).rglob("*.conllu"))
    if not files:
        print(f"FAIL: no .conllu under {sys.argv[1]}")
        return 1
    failures = sum(check(p) for p in files)
    print(f"check_conllu: {len(files)} files, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
