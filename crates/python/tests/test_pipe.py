"""`Pipeline.pipe`: the same documents as one-by-one calls, in order, for
any thread count and batch size; failures stay at their position."""

from __future__ import annotations

import pytest

import zhen


@pytest.fixture(scope="module")
def one_by_one(nlp, paragraphs):
    return [nlp(text, id=i) for i, text in paragraphs]


@pytest.mark.parametrize("n_threads", [0, 1, 2, 3])
@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_pipe_equals_one_by_one(nlp, paragraphs, one_by_one, n_threads, batch_size):
    docs = list(nlp.pipe(paragraphs, n_threads=n_threads, batch_size=batch_size))
    assert len(docs) == len(one_by_one)
    assert [d.id for d in docs] == [i for i, _ in paragraphs]
    assert docs == one_by_one
    assert [d.to_json() for d in docs] == [d.to_json() for d in one_by_one]


def test_whole_documents_any_thread_count(nlp, corpus):
    expected = [nlp(text, id=name).to_conllu() for name, text in corpus]
    for n in (1, 2, 4):
        assert [d.to_conllu() for d in nlp.pipe(corpus, n_threads=n, batch_size=2)] == expected


def test_items_are_texts_or_id_text_pairs(nlp):
    texts = ["崔现忠前往罗定市新民村。", "Peter Blackburn works for the European Commission."]
    docs = list(nlp.pipe(iter(texts)))  # any iterable, ids by position
    assert [d.id for d in docs] == ["0", "1"]
    assert docs[0] == nlp(texts[0]) and docs[1] == nlp(texts[1], id=1)
    pairs = list(nlp.pipe([(7, texts[0]), ("b", texts[1].encode())]))
    assert [d.id for d in pairs] == ["7", "b"]
    assert pairs[1].text == texts[1]
    assert list(nlp.pipe([])) == []


def test_a_bad_item_raises_at_its_position_and_the_rest_follows(nlp):
    it = nlp.pipe(["第一篇。", 42, "第三篇。", ("id", "x", "y"), "第五篇。"], batch_size=64)
    assert next(it).text == "第一篇。"
    with pytest.raises(TypeError, match="item 1: expected str or bytes, not int"):
        next(it)
    assert next(it).text == "第三篇。"
    with pytest.raises(TypeError, match=r"item 3: expected a text or an \(id, text\) pair"):
        next(it)
    assert next(it).id == "4"
    with pytest.raises(StopIteration):
        next(it)


def test_an_error_of_the_source_comes_after_the_items_before_it(nlp):
    def source():
        yield "第一篇。"
        yield "第二篇。"
        raise RuntimeError("the source broke")

    it = nlp.pipe(source())
    assert [next(it).text, next(it).text] == ["第一篇。", "第二篇。"]
    with pytest.raises(RuntimeError, match="the source broke"):
        next(it)
    with pytest.raises(StopIteration):
        next(it)


def test_undecodable_bytes_in_pipe_name_the_item(nlp):
    it = nlp.pipe([("a", "好。"), ("b", b"PK\x03\x04\x00\x00"), "好。"])
    assert next(it).id == "a"
    with pytest.raises(zhen.DecodeError, match=r'item 1 \("b"\): byte offset 4: NUL byte'):
        next(it)
    assert next(it).id == "2"


def test_batch_size_must_be_positive(nlp):
    with pytest.raises(ValueError, match="batch_size"):
        nlp.pipe(["x"], batch_size=0)


@pytest.mark.parametrize("n_threads", [1, 2])
def test_pipe_reads_at_most_batch_size_items_ahead(nlp, n_threads):
    read = []

    def source():
        for i in range(50):
            read.append(i)
            yield f"第{i}篇。"

    it = nlp.pipe(source(), n_threads=n_threads, batch_size=4)
    for k in range(10):
        assert next(it).id == str(k)
        # memory is bounded by the batch: the source is read 4 items ahead at most
        assert len(read) <= k + 1 + 4
    assert [d.id for d in it] == [str(k) for k in range(10, 50)]


def test_a_pipe_dropped_with_documents_in_flight_leaves_the_pipeline_usable(nlp):
    texts = [f"崔现忠第{i}次前往罗定市新民村。" for i in range(40)]
    for _ in range(3):
        it = nlp.pipe(texts, n_threads=2, batch_size=16)
        next(it)
        del it
    assert [d.text for d in nlp.pipe(texts, n_threads=2)] == texts
