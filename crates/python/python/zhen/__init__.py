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

The native part is Rust (the same library as the ``zhen`` command, whose
output files ``Doc.to_json``/``to_conllu``/``to_conll``/``to_csv`` reproduce
byte for byte); Rust work runs with the interpreter released.
"""

from __future__ import annotations

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
    convert,
    read_text,
)
from ._bridges import to_pandas

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
    "to_pandas",
    "ZhenError",
    "UsageError",
    "DecodeError",
    "FormatError",
    "ModelError",
    "FileError",
    "__version__",
]
