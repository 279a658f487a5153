"""Batch data with Polars and DuckDB: read, map, validate, dedupe, score. No Django imports:
tables in, tables out, so the same code runs on one machine or on Spark."""
