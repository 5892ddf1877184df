"""zhen: annotated corpora from raw Chinese (simplified and traditional) and
English text.

Cleaning of scraped and OCR'd text, OpenCC-exact script conversion,
sentences, words and part of speech, PER/LOC/ORG entities, and export to
CoNLL-2003, CoNLL-U, CSV and JSONL — every offset a Python ``str`` index
into the ORIGINAL text, so an entity found in traditional text is reported
in traditional text at its true position::

    import zhen

    nlp = zhen.Pipeline()                      # convert="t2s", clean=True, entities=True
    doc = nlp("2019年5月10日，崔現忠前往羅定市新民村。", id="news-1")
    for e in doc.entities:
        assert doc.text[e.start:e.end] == e.text
        print(e.label, e.text, e.norm)         # PER 崔現忠 崔现忠 …
    for doc in nlp.pipe(texts, n_threads=0):   # parallel, in order
        ...
    zhen.convert("頭髮乾燥", "t2s")             # '头发干燥'
    zhen.annotate_corpus("corpus/", "out/")     # = zhen annotate corpus/ -o out/
    zhen.evaluate("gold.bio")["micro"]["f1"]    # = zhen eval --gold gold.bio --json

The native part is Rust (the same library as the ``zhen`` command, whose
output files ``Doc.to_json``/``to_conllu``/``to_conll``/``to_csv`` reproduce
byte for byte); Rust work runs with the interpreter released.
"""

from __future__ import annotations

import json as _json
from typing import Any, Dict, Optional

from ._errors import (
    DecodeError,
    FileError,
    FormatError,
    ModelError,
    UsageError,
    ZhenError,
)
from ._zhen import (
    Converter,
    Doc,
    Entity,
    Paragraph,
    Pipe,
    Pipeline,
    Sentence,
    Token,
    __version__,
    _evaluate,
    annotate_corpus,
    convert,
    read_text,
)
from ._bridges import to_pandas


def evaluate(
    gold: Any, pipeline: Optional[Pipeline] = None, gold_format: Optional[str] = None
) -> Dict[str, Any]:
    """Scores a pipeline against gold annotations, exactly as
    ``zhen eval --gold GOLD... --json`` does (the same library code).

    Each gold sentence's text is annotated and its entities compared with
    the gold ones by exact span and label (conlleval semantics).

    Args:
        gold: a gold file, or a list of them: BIO/CoNLL columns (``.bio``,
            ``.conll``, ``.txt``), CoNLL-U (``.conllu``), JSONL (``.jsonl``)
            or brat (``.ann``).
        pipeline: the :class:`Pipeline` to score (default ``Pipeline()``,
            the command's defaults).
        gold_format: the files' format when their names do not say it
            (``"conll"``, ``"conllu"``, ``"jsonl"``, ``"doccano"``, ``"brat"``).

    Returns:
        ``{"micro": {...}, "per_label": {"PER": {...}, ...}, "sentences": N}``
        where each score is ``{"precision", "recall", "f1", "gold",
        "predicted", "correct"}`` (fractions and counts).

    Raises:
        FileError: a gold file cannot be read.
        FormatError: a gold file breaks its format (``path``, ``line``).
        UsageError: an unknown ``gold_format``.
    """
    return _json.loads(_evaluate(gold, pipeline, gold_format))


__all__ = [
    "Pipeline",
    "Pipe",
    "Doc",
    "Token",
    "Entity",
    "Sentence",
    "Paragraph",
    "Converter",
    "convert",
    "read_text",
    "annotate_corpus",
    "evaluate",
    "to_pandas",
    "ZhenError",
    "UsageError",
    "DecodeError",
    "FormatError",
    "ModelError",
    "FileError",
    "__version__",
]
