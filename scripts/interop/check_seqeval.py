#!/usr/bin/env python3
"""Scores a CoNLL-2003 file written by zhen (PRED) against a gold file
(GOLD) with seqeval and prints the scores as JSON:

    check_seqeval.py PRED GOLD [--scheme iob2|iob1|bioes]

Both files: token first, NER tag last, blank lines between sentences,
-DOCSTART- lines ignored. The tokens of the two files must agree line by
line. Default seqeval mode (conlleval-compatible, lenient); with
--scheme, strict mode with that scheme. Output: {"precision", "recall",
"f1", "accuracy", "support", "per_type": {TYPE: {precision, recall, f1,
support}}, "sentences", "tokens"}."""
import argparse
import json
import sys

from seqeval.metrics import accuracy_score, classification_report, f1_score, precision_score, recall_score


def read(path):
    sents, toks, cur_t, cur_g = [], [], [], []
    with open(path, encoding="utf-8-sig") as f:
        for ln, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                if cur_g:
                    sents.append(cur_g)
                    toks.append(cur_t)
                cur_t, cur_g = [], []
                continue
            cols = line.split("\t") if "\t" in line else line.split(" ")
            if cols[0] == "-DOCSTART-":
                continue
            cur_t.append((ln, cols[0]))
            cur_g.append(cols[-1])
    if cur_g:
        sents.append(cur_g)
        toks.append(cur_t)
    return sents, toks


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("pred")
    ap.add_argument("gold")
    ap.add_argument("--scheme", choices=["iob1", "iob2", "bioes"])
    a = ap.parse_args()
    p, pt = read(a.pred)
    g, gt = read(a.gold)
    if len(p) != len(g):
        print(f"FAIL: {a.pred} has {len(p)} sentences, {a.gold} has {len(g)}", file=sys.stderr)
        return 1
    for i, (x, y) in enumerate(zip(pt, gt)):
        if [t for _, t in x] != [t for _, t in y]:
            bad = next((u, v) for u, v in zip(x + [(0, None)], y + [(0, None)]) if u[1] != v[1])
            print(f"FAIL: sentence {i + 1}: token {bad[0][1]!r} ({a.pred}:{bad[0][0]}) vs {bad[1][1]!r} ({a.gold}:{bad[1][0]})", file=sys.stderr)
            return 1
    kw = {}
    if a.scheme:
        from seqeval.scheme import IOB1, IOB2, IOBES
        kw = {"mode": "strict", "scheme": {"iob1": IOB1, "iob2": IOB2, "bioes": IOBES}[a.scheme]}
    rep = classification_report(g, p, output_dict=True, zero_division=0, **kw)
    out = {
        "precision": precision_score(g, p, zero_division=0, **kw),
        "recall": recall_score(g, p, zero_division=0, **kw),
        "f1": f1_score(g, p, zero_division=0, **kw),
        "accuracy": accuracy_score(g, p),
        "support": int(rep["micro avg"]["support"]),
        "per_type": {
            k: {"precision": v["precision"], "recall": v["recall"], "f1": v["f1-score"], "support": int(v["support"])}
            for k, v in sorted(rep.items())
            if not k.endswith(" avg")
        },
        "sentences": len(g),
        "tokens": sum(map(len, g)),
    }
    print(json.dumps(out, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
