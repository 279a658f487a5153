"""`lindung match --engine spark`: the exact join and splink's probable pairs on a Spark cluster (or `local[N]`).

PySpark is the optional extra `spark` (`uv sync --extra spark`) and needs Java 17; matching.engine imports this
module only when Spark is asked for. The SQL is matching's and linkage's, written for DuckDB, translated here by
sqlglot: one definition of the model for both engines. Spark's Python workers (a cluster's executors too) need
pyarrow and rapidfuzz, for the names' Jaro-Winkler similarity.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl
import pyarrow as pa
import sqlglot
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.functions import arrow_udf
from rapidfuzz.distance import JaroWinkler
from splink.backends.spark import SparkAPI, similarity_jar_location
from sqlglot import exp

from lindung.pipeline.matching import EXACT_SQL, predict

# DuckDB's hamming() has no Spark function: the positions where the two strings differ, counted (the levels use it
# only between strings of equal length).
_HAMMING = sqlglot.parse_one("size(filter(sequence(1, length(:a)), i -> substr(:a, i, 1) <> substr(:b, i, 1)))",
                             read="spark")
# DuckDB's jaro_winkler_similarity is rapidfuzz's (the same score, two empty names aside, which linkage_input makes
# null). Splink's Spark jar (jaro_winkler) counts an odd number of letters out of order as half a transposition where
# those round it down, so it scores many a name with a typo otherwise ("rina wati" and "rina wiati": 0.947, not
# 0.958), some in another level. Spark scores names with rapidfuzz too, under a name sqlglot does not know (splink
# transpiles the SQL again and would rename one it knows).
_JARO_WINKLER = "lindung_jaro_winkler"


def _spark_function(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.JarowinklerSimilarity):
        return exp.func(_JARO_WINKLER, node.this, node.expression)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "hamming":
        a, b = node.expressions
        return exp.replace_placeholders(_HAMMING.copy(), a=a, b=b)
    return node


def spark_sql(sql: str) -> str:
    """`sql`, written for DuckDB, as Spark SQL. Splink's jar gives Spark damerau_levenshtein under DuckDB's name."""
    return sqlglot.parse_one(sql, read="duckdb").transform(_spark_function).sql(dialect="spark")


def _jaro_winkler() -> Any:
    # Defined here, not at the module's top level: Spark pickles it whole to its Python workers, which then need
    # rapidfuzz and pyarrow, not Lindung.
    def jaro_winkler(a: pa.Array, b: pa.Array) -> pa.Array:
        return pa.array([None if x is None or y is None else JaroWinkler.similarity(x, y)
                         for x, y in zip(a.to_pylist(), b.to_pylist())], pa.float64())

    # Scalar, as its pa.Array hints say; PySpark's stubs know it only by an explicit type, which it warns against.
    return arrow_udf(jaro_winkler, "double")  # type: ignore[call-overload, unused-ignore]


@contextmanager
def session(master: str, **conf: str) -> Iterator[SparkSession]:
    """A Spark session on `master` (local[2], spark://host:7077 …) with splink's similarity jar (for its
    damerau_levenshtein), stopped at the end. A session already running in this process (a notebook's, a test's) is
    used as it is and left running. Spark's own settings (spark.driver.memory …) come from `conf`, SPARK_CONF_DIR or
    PYSPARK_SUBMIT_ARGS."""
    running = SparkSession.getActiveSession()
    if running is not None:
        yield running
        return
    builder = SparkSession.builder.master(master).appName("lindung match").config("spark.jars",
                                                                                 similarity_jar_location())
    if master.startswith("local"):
        # Local workers run this Python, whose environment has rapidfuzz and pyarrow, unless told otherwise; PySpark
        # would run PATH's python3.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in conf.items():
        builder = builder.config(key, value)
    started = builder.getOrCreate()
    try:
        yield started
    finally:
        started.stop()


class Spark:
    """matching.Engine on a Spark session."""

    def __init__(self, spark: SparkSession):
        self.spark = spark

    # Each step in a session of its own (Spark's context shared): its views (reg, mem, splink's) are apart from
    # another match's and from a notebook's.

    def exact(self, register: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
        step = self.spark.newSession()
        step.createDataFrame(register.to_arrow()).createOrReplaceTempView("reg")
        step.createDataFrame(members.to_arrow()).createOrReplaceTempView("mem")
        return _polars(step.sql(spark_sql(EXACT_SQL)))

    def pairs(self, sides: dict[str, pl.DataFrame], threshold: float) -> pl.DataFrame:
        step = self.spark.newSession()
        # Splink's tables persisted, not written to a checkpoint directory (its default), which a local run has not.
        api = SparkAPI(spark_session=step, break_lineage_method="persist")  # type: ignore[no-untyped-call]
        step.udf.register(_JARO_WINKLER, _jaro_winkler())
        inputs = []
        for name, frame in sides.items():
            step.createDataFrame(frame.to_arrow()).createOrReplaceTempView(f"match_{name}")
            inputs.append(api.register(f"match_{name}", dataset_display_name=name))
        try:
            return predict(inputs, threshold, spark_sql)
        finally:
            # A session kept running (a notebook's) lets go of what splink persisted under a view. Its blocked pairs
            # (ids), persisted under another plan than their view's, stay until the session stops.
            for view in step.catalog.listTables():
                if view.isTemporary:
                    step.table(view.name).unpersist()


def _polars(frame: DataFrame) -> pl.DataFrame:
    result = pl.from_arrow(frame.toArrow())
    assert isinstance(result, pl.DataFrame)
    return result

