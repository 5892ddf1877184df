"""PySpark in local mode: annotating the corpus with mapPartitions, one
Pipeline per partition, equals the single-process result."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from conftest import missing, need


def test_spark_map_partitions_equals_single_process(nlp, paragraphs):
    need("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing("PySpark needs Java (openjdk 17 on the CI machine)")
    from pyspark import SparkConf, SparkContext

    def annotate_partition(items):  # nested: cloudpickle ships it by value
        import zhen  # in the Spark worker

        nlp = zhen.Pipeline()
        for doc in nlp.pipe(items, n_threads=1):
            yield doc.to_json()

    def docs_of_partition(items):
        import zhen

        return zhen.Pipeline().pipe(items, n_threads=1)

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # loopback only
    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers import the same zhen
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    items = (paragraphs * 3)[:600]
    items = [(f"{i}-{k}", t) for k, (i, t) in enumerate(items)]
    expected = [d.to_json() for d in nlp.pipe(items)]
    conf = (
        SparkConf()
        .setMaster("local[2]")
        .setAppName("zhen-python-test")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
    )
    sc = SparkContext(conf=conf)
    try:
        sc.setLogLevel("ERROR")
        rdd = sc.parallelize(items, numSlices=4)
        assert rdd.getNumPartitions() == 4
        got = rdd.mapPartitions(annotate_partition).collect()
        # Docs themselves travel too (pickled as their JSONL line)
        ents = (
            rdd.mapPartitions(docs_of_partition)
            .map(lambda d: (d.id, len(d.entities)))
            .collect()
        )
    finally:
        sc.stop()
    assert len(got) == len(expected)
    assert got == expected
    assert ents == [(i, len(nlp(t).entities)) for i, t in items]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
