#!/usr/bin/env python3
"""Every .ann under DIR: each text-bound annotation's fragments lie in its
.txt, contain no line break, and slice it to the annotation text
(fragments joined by a space, as brat does)."""
import sys
from pathlib import Path


def check(ann: Path) -> int:
    txt = ann.with_suffix(".txt")
    if not txt.exists():
        print(f"FAIL {ann}: no {txt.name} beside it")
        return 1
    with open(txt, encoding="utf-8", newline="") as f:
        text = f.read()
    with open(ann, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    failures = n = 0
    for ln, line in enumerate(lines, 1):
        if not line.startswith("T"):
            continue
        n += 1
        tid, middle, covered = line.split("\t", 2)
        label, offsets = middle.split(" ", 1)
        parts = []
        for frag in offsets.split(";"):
            a, b = map(int, frag.split(" "))
            if not (0 <= a <= b <= len(text)):
                print(f"FAIL {ann}:{ln}: {tid} fragment {a} {b} outside the text ({len(text)} chars)")
                failures += 1
                continue
            if len(offsets.split(";")) > 1 and ("\n" in text[a:b] or "\r" in text[a:b]):
                print(f"FAIL {ann}:{ln}: {tid} fragment {a} {b} crosses a line break")
                failures += 1
            parts.append(text[a:b])
        if " ".join(parts) != covered:
            print(f"FAIL {ann}:{ln}: {tid} {label} slices to {' '.join(parts)!r}, the annotation says {covered!r}")
            failures += 1
    print(f"{'ok  ' if not failures else 'FAIL'} {ann}: {n} text-bound annotations slice {txt.name} to their text")
    return failures


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: check_brat.py DIR", file=sys.stderr)
        return 2
    files = sorted(Path(sys.argv[1]).rglob("*.ann"))
    if not files:
        print(f"FAIL: no .ann under {sys.argv[1]}")
        return 1
    failures = sum(check(p) for p in files)
    print(f"check_brat: {len(files)} files, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
