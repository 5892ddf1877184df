"""The pandas and spaCy bridges."""

from __future__ import annotations

import sys

import pytest

import zhen

from conftest import need


@pytest.fixture(scope="module")
def docs(nlp, corpus):
    return [nlp(text, id=name) for name, text in corpus]


def test_to_pandas_tables(docs):
    need("pandas")
    ents = zhen.to_pandas(docs, "entities")
    assert list(ents.columns) == ["doc", "start", "end", "label", "text", "norm"]
    assert len(ents) == sum(len(d.entities) for d in docs)
    by_id = {d.id: d for d in docs}
    for row in ents.itertuples(index=False):
        assert by_id[row.doc].text[row.start : row.end] == row.text
    assert set(ents["label"]) <= {"PER", "LOC", "ORG", "MISC"}
    assert str(ents["start"].dtype) == "int64"

    toks = zhen.to_pandas(docs, "tokens")
    assert list(toks.columns) == ["doc", "sentence", "start", "end", "text", "norm", "pos", "upos"]
    assert len(toks) == sum(len(d.tokens) for d in docs)
    first = docs[0].tokens[0]
    assert tuple(toks.iloc[0]) == (docs[0].id, first.sentence, first.start, first.end, first.text, first.norm, first.pos, first.upos)

    sents = zhen.to_pandas(docs, "sentences")
    assert list(sents.columns) == ["doc", "sentence", "paragraph", "start", "end", "text"]
    assert len(sents) == sum(len(d.sentences) for d in docs)
    paras = zhen.to_pandas(docs[0], "paragraphs")  # one Doc works too
    assert len(paras) == len(docs[0].paragraphs)
    # a pipe streams straight into a table
    assert len(zhen.to_pandas(zhen.Pipeline().pipe(["崔现忠前往罗定市新民村。"]))) == 3


def test_to_pandas_errors(docs, monkeypatch):
    need("pandas")
    with pytest.raises(zhen.UsageError, match="unknown table 'words'"):
        zhen.to_pandas(docs, "words")
    with pytest.raises(TypeError, match="expected zhen.Doc objects, got str"):
        zhen.to_pandas(["text"], "tokens")
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if not installed
    with pytest.raises(ImportError, match="zhen.to_pandas needs pandas, which is not installed: pip install pandas"):
        zhen.to_pandas(docs)


def test_to_spacy(docs):
    spacy = need("spacy")
    nlp_blank = spacy.blank("zh")
    for doc in docs:
        sdoc = doc.to_spacy(nlp_blank.vocab)
        assert sdoc.text == doc.text
        assert [(e.start_char, e.end_char, e.label_) for e in sdoc.ents] == [
            (e.start, e.end, e.label) for e in doc.entities
        ]
        for e in doc.entities:  # the offsets are spaCy's char offsets
            span = sdoc.char_span(e.start, e.end)
            assert span is not None and span.text == e.text
        assert len(sdoc) >= len(doc.tokens)
        assert len(list(sdoc.sents)) >= len(doc.sentences)
        tagged = {(t.idx, t.idx + len(t.text)): t for t in sdoc}
        whole = [t for t in doc.tokens if (t.start, t.end) in tagged]
        assert len(whole) > 0.9 * len(doc.tokens)
        for t in whole[:200]:
            st = tagged[(t.start, t.end)]
            assert (st.text, st.tag_, st.pos_, st.norm_) == (t.text, t.pos, t.upos, t.norm)
    # a Language works as well as its Vocab; English too
    en = zhen.Pipeline()("Peter Blackburn works for the European Commission in Brussels.")
    sdoc = en.to_spacy(spacy.blank("en"))
    assert sdoc.text == en.text
    assert [(e.text, e.label_) for e in sdoc.ents] == [(e.text, e.label) for e in en.entities]
    assert sdoc.user_data["zhen_id"] == "0"


def test_to_spacy_needs_a_vocab(docs):
    need("spacy")
    with pytest.raises(TypeError, match="expected a spaCy Vocab or Language"):
        docs[0].to_spacy("zh")
