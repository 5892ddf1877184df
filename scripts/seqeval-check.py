#!/usr/bin/env python3
"""Recomputes with seqeval (default, non-strict conlleval mode) the scores that
crates/ner/tests/score.rs expects for crates/ner/tests/fixtures/score.bio
(columns: TOKEN GOLD PRED). Run: python3 scripts/seqeval-check.py
Prints the numbers as JSON; the test's constants must equal them."""
import json, os, sys
from seqeval.metrics import classification_report

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), '..', 'crates', 'ner', 'tests', 'fixtures', 'score.bio')
gold, pred, g, p = [], [], [], []
for line in open(path, encoding='utf-8'):
    line = line.rstrip('\n')
    if not line.strip():
        if g:
            gold.append(g); pred.append(p); g, p = [], []
        continue
    _, a, b = line.split('\t')
    g.append(a); p.append(b)
if g:
    gold.append(g); pred.append(p)
rep = classification_report(gold, pred, output_dict=True, zero_division=0)
out = {k: {m: round(float(v[m]), 6) for m in ('precision', 'recall', 'f1-score', 'support')}
       for k, v in rep.items() if k not in ('macro avg', 'weighted avg')}
print(json.dumps(out, indent=1, sort_keys=True))
