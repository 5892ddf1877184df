"""Thread safety: one Pipeline shared by Python threads gives what one
thread gives, and the interpreter is released while Rust annotates."""

from __future__ import annotations

import threading
import time


def test_two_threads_sharing_one_pipeline_equal_one_thread(nlp, paragraphs):
    expected = [nlp(t, id=i).to_json() for i, t in paragraphs]
    results = {}
    errors = []

    def work(name, order):
        try:
            out = {}
            for k in order:
                i, t = paragraphs[k]
                out[k] = nlp(t, id=i).to_json()
            # and pipe from the same pipeline at the same time
            piped = [d.to_json() for d in nlp.pipe(paragraphs, n_threads=2, batch_size=5)]
            results[name] = (out, piped)
        except BaseException as e:  # report in the main thread
            errors.append(e)

    n = len(paragraphs)
    threads = [
        threading.Thread(target=work, args=("fwd", range(n))),
        threading.Thread(target=work, args=("rev", range(n - 1, -1, -1))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for name in ("fwd", "rev"):
        out, piped = results[name]
        assert [out[k] for k in range(n)] == expected, name
        assert piped == expected, name


def test_the_interpreter_runs_other_threads_while_rust_annotates(nlp, corpus):
    # Enough text for about half a second of work on this machine, whatever
    # its speed: double it until one call takes that long.
    base = "\n\n".join(t for _, t in corpus)
    reps = 6
    while True:
        t0 = time.perf_counter()
        nlp(base * reps)
        if time.perf_counter() - t0 >= 0.5 or reps >= 6 * 256:
            break
        reps *= 2
    text = base * reps
    done = threading.Event()

    def annotate():
        nlp(text)
        done.set()

    # Pure Python in this thread runs only when the worker has released the
    # interpreter: if it held it through the Rust call, the longest pause
    # between two iterations of this loop would be the whole call.
    worker = threading.Thread(target=annotate)
    start = last = time.perf_counter()
    worker.start()
    longest = 0.0
    while not done.is_set():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    total = time.perf_counter() - start
    worker.join()
    assert total > 0.2, "the text annotated too fast to tell"
    assert longest < total / 3, (longest, total)
