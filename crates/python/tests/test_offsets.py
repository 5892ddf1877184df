"""The offset contract from Python: every token, entity, sentence and
paragraph, sliced from ``doc.text`` with its (code point) offsets, is its
text — over the corpus and over random Unicode."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zhen


def check_contract(doc: zhen.Doc, text: str) -> None:
    assert doc.text == text
    n = len(text)
    at = 0
    for t in doc.tokens:
        assert 0 <= t.start < t.end <= n, t
        assert t.start >= at, f"tokens overlap or go backwards at {t}"
        assert text[t.start : t.end] == t.text, t
        assert 0 <= t.sentence < len(doc.sentences)
        s = doc.sentences[t.sentence]
        assert s.start <= t.start and t.end <= s.end, (t, s)
        at = t.end
    at = 0
    for e in doc.entities:
        assert 0 <= e.start < e.end <= n, e
        assert e.start >= at, f"entities overlap at {e}"
        assert text[e.start : e.end] == e.text, e
        assert e.label in ("PER", "LOC", "ORG", "MISC"), e
        assert e.text.strip(), e
        at = e.end
    for s in doc.sentences:
        assert text[s.start : s.end] == s.text
        p = doc.paragraphs[s.paragraph]
        assert p.start <= s.start and s.end <= p.end
    for p in doc.paragraphs:
        assert text[p.start : p.end] == p.text
        assert p.script in ("Hans", "Hant", "Mixed", "None")
    # the JSONL carries the same numbers
    d = json.loads(doc.to_json())
    assert [(t["start"], t["end"]) for t in d["tokens"]] == [(t.start, t.end) for t in doc.tokens]
    assert [(e["start"], e["end"], e["label"]) for e in d["entities"]] == [
        (e.start, e.end, e.label) for e in doc.entities
    ]
    assert (d["lang"], d["script"]) == (doc.lang, doc.script)


def test_corpus_offsets_slice_the_original(nlp, corpus):
    for name, text in corpus:
        doc = nlp(text, id=name)
        check_contract(doc, text)
        assert len(doc.tokens) > 500, name
        assert doc.entities, name


def test_traditional_text_is_reported_in_traditional(nlp):
    text = "2019年5月10日，崔現忠前往羅定市新民村。"
    doc = nlp(text, id="news-1")
    assert (doc.id, doc.lang, doc.script) == ("news-1", "zh-Hant", "Hant")
    ents = [(e.start, e.end, e.label, e.text, e.norm) for e in doc.entities]
    assert (11, 14, "PER", "崔現忠", "崔现忠") in ents
    assert (16, 19, "LOC", "羅定市", "罗定市") in ents
    check_contract(doc, text)


def test_offsets_count_code_points_not_utf16_units(nlp):
    # an emoji outside the BMP is one Python index (two UTF-16 units, four UTF-8 bytes)
    text = "😀😀 崔现忠前往罗定市新民村。"
    doc = nlp(text)
    check_contract(doc, text)
    per = [e for e in doc.entities if e.label == "PER"]
    assert per and per[0].start == text.index("崔现忠")


# Text the pipeline meets, and text it should survive: Chinese in both
# scripts, Latin, digits, punctuation of both kinds, whitespace of every kind,
# combining marks, emoji, control and private-use characters.
PIECES = st.sampled_from(
    [
        "崔現忠", "羅定市", "新民村", "广州市", "驻镇帮镇扶村", "工作队", "。", "，", "、",
        "「", "」", "（", "）", "Peter", "Blackburn", "European Commission", "Brussels", ".",
        ",", " ", "  ", "\n", "\n\n", "\r\n", "\t", "\u3000", "\u00a0", "2019年", "5月10日",
        "e\u0301", "😀", "\ufeff", "\u200b", "\x00", "\x07", "\ue000", "ｆｕｌｌ", "１２３",
    ]
)
RANDOM_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=60).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=RANDOM_TEXT)
def test_random_unicode_keeps_the_contract(nlp, text):
    check_contract(nlp(text), text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=RANDOM_TEXT)
def test_random_unicode_without_cleaning_or_conversion(text):
    nlp = _raw()
    check_contract(nlp(text), text)


_RAW = []


def _raw() -> zhen.Pipeline:
    if not _RAW:
        _RAW.append(zhen.Pipeline(convert="none", clean=False, doc_consistency=False))
    return _RAW[0]
