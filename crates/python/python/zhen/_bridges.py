"""Bridges to pandas and spaCy (imported only when used)."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Dict, List, Union

from ._errors import UsageError

_TABLES = {
    "entities": ["doc", "start", "end", "label", "text", "norm"],
    "tokens": ["doc", "sentence", "start", "end", "text", "norm", "pos", "upos"],
    "sentences": ["doc", "sentence", "paragraph", "start", "end", "text"],
    "paragraphs": ["doc", "paragraph", "start", "end", "lang", "script", "text"],
}


def to_pandas(docs: Any, what: str = "entities") -> Any:
    """One row per entity, token, sentence or paragraph of ``docs`` as a
    pandas ``DataFrame``.

    Args:
        docs: a :class:`zhen.Doc` or an iterable of them (a list,
            ``nlp.pipe(...)``).
        what: ``"entities"`` (columns ``doc, start, end, label, text,
            norm``), ``"tokens"`` (``doc, sentence, start, end, text, norm,
            pos, upos``), ``"sentences"`` (``doc, sentence, paragraph, start,
            end, text``) or ``"paragraphs"`` (``doc, paragraph, start, end,
            lang, script, text``). ``doc`` is the document id; ``start`` and
            ``end`` are char offsets into that document's text.

    Raises:
        ImportError: pandas is not installed.
        UsageError: an unknown ``what``.
    """
    if what not in _TABLES:
        raise UsageError(
            f"unknown table {what!r}: expected one of {', '.join(_TABLES)}"
        )
    try:
        import pandas
    except ImportError as e:
        raise ImportError(
            "zhen.to_pandas needs pandas, which is not installed: pip install pandas"
        ) from e
    from ._zhen import Doc

    if isinstance(docs, Doc):
        docs = [docs]
    columns = _TABLES[what]
    data: Dict[str, List[Any]] = {c: [] for c in columns}
    for doc in docs:
        if not isinstance(doc, Doc):
            raise TypeError(
                f"zhen.to_pandas: expected zhen.Doc objects, got {type(doc).__name__}"
            )
        if what == "entities":
            for e in doc.entities:
                for c, v in zip(columns, (doc.id, e.start, e.end, e.label, e.text, e.norm)):
                    data[c].append(v)
        elif what == "tokens":
            for t in doc.tokens:
                row = (doc.id, t.sentence, t.start, t.end, t.text, t.norm, t.pos, t.upos)
                for c, v in zip(columns, row):
                    data[c].append(v)
        elif what == "sentences":
            for i, s in enumerate(doc.sentences):
                row = (doc.id, i, s.paragraph, s.start, s.end, s.text)
                for c, v in zip(columns, row):
                    data[c].append(v)
        else:
            for i, p in enumerate(doc.paragraphs):
                row = (doc.id, i, p.start, p.end, p.lang, p.script, p.text)
                for c, v in zip(columns, row):
                    data[c].append(v)
    frame = pandas.DataFrame(data, columns=columns)
    for c in ("start", "end", "sentence", "paragraph"):
        if c in frame:
            frame[c] = frame[c].astype("int64")
    return frame


def to_spacy(doc: Any, vocab: Any) -> Any:
    """See :meth:`zhen.Doc.to_spacy`."""
    try:
        from spacy.tokens import Doc as SpacyDoc
        from spacy.vocab import Vocab
    except ImportError as e:
        raise ImportError(
            "Doc.to_spacy needs spaCy, which is not installed: pip install spacy"
        ) from e
    if not isinstance(vocab, Vocab):
        vocab = getattr(vocab, "vocab", None)
        if not isinstance(vocab, Vocab):
            raise TypeError(
                "Doc.to_spacy: expected a spaCy Vocab or Language (e.g. spacy.blank('zh'))"
            )
    text = doc.text
    tokens = doc.tokens
    entities = doc.entities
    # Pieces of the text: tokens cut at every entity boundary, and the gaps
    # between tokens (whitespace, text cleaning dropped) as pieces of their own.
    ent_cuts = sorted({e.start for e in entities} | {e.end for e in entities})
    sent_starts_at = {s.start for s in doc.sentences}
    words: List[str] = []
    spaces: List[bool] = []
    tags: List[str] = []
    pos: List[str] = []
    norms: List[str] = []
    starts: List[Union[bool, None]] = []

    def piece(a: int, b: int, tok: Any) -> None:
        if (
            tok is None
            and text[a:b] == " "
            and words
            and not spaces[-1]
            and a not in ent_cuts_set
            and b not in ent_ends
        ):
            spaces[-1] = True  # one plain space after a piece: spaCy's trailing whitespace
            return
        words.append(text[a:b])
        spaces.append(False)
        if tok is None:
            blank = not text[a:b].strip()
            tags.append("_SP" if blank else "X")
            pos.append("SPACE" if blank else "X")
            norms.append(text[a:b])
        else:
            tags.append(tok.pos or "X")
            pos.append(tok.upos or "X")
            norms.append(tok.norm if (a, b) == (tok.start, tok.end) else text[a:b])
        starts.append(len(words) == 1 or (tok is not None and a in sent_starts_at and a == tok.start))

    ent_cuts_set = set(ent_cuts)
    ent_ends = {e.end for e in entities}
    at = 0
    for tok in tokens:
        if tok.start > at:
            _cut(at, tok.start, ent_cuts, lambda a, b: piece(a, b, None))
        _cut(tok.start, tok.end, ent_cuts, lambda a, b, t=tok: piece(a, b, t))
        at = tok.end
    if at < len(text):
        _cut(at, len(text), ent_cuts, lambda a, b: piece(a, b, None))
    if not words:
        return SpacyDoc(vocab, words=[], spaces=[])
    sdoc = SpacyDoc(
        vocab, words=words, spaces=spaces, tags=tags, pos=pos, sent_starts=starts
    )
    for token, norm in zip(sdoc, norms):
        token.norm_ = norm
    ents = []
    for e in entities:
        span = sdoc.char_span(e.start, e.end, label=e.label)
        if span is None:  # cannot happen: pieces are cut at every entity boundary
            raise AssertionError(f"entity {e!r} does not align with the spaCy tokens")
        ents.append(span)
    sdoc.ents = ents
    sdoc.user_data["zhen_id"] = doc.id
    return sdoc


def _cut(a: int, b: int, cuts: List[int], emit: Any) -> None:
    """Calls ``emit`` on the pieces of ``[a, b)`` cut at every cut inside it."""
    i = bisect_right(cuts, a)
    while i < len(cuts) and cuts[i] < b:
        emit(a, cuts[i])
        a = cuts[i]
        i += 1
    emit(a, b)


__all__ = ["to_pandas", "to_spacy"]
