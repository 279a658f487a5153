"""Database helpers shared by the services' bulk writes."""

from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connection, transaction

# Below this many rows the statistics PostgreSQL already has plan a statement well enough.
BULK_ROWS = 1000


def refresh_statistics(rows: int, *models) -> None:
    """After a bulk write of ``rows`` rows: PostgreSQL refreshes a table's planner statistics when autovacuum runs
    after the commit, so until then statements (the rest of this transaction, the first requests after it) plan
    from the old ones. A table last analysed nearly empty made the demo's joins of 7,130 members take minutes."""
    if rows >= BULK_ROWS and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models))


def save_numbered(row, prefix: str, attempts: int = 5) -> None:
    """Saves ``row`` numbered PREFIX + NNNN (e.g. BA-2025-0001) in the order recorded, for rows that are never
    deleted and whose ``number`` is unique. Two rows saved at the same moment count the same total, and the
    unique number refuses the second one's insert once the first commits: it then counts again (in its
    savepoint) and takes the next number."""
    model = type(row)
    for attempt in range(attempts):
        row.number = f"{prefix}{model.objects.filter(number__startswith=prefix).count() + 1:04d}"
        try:
            with transaction.atomic():
                row.save()
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise


def insert_from(model, constants: dict, rows, columns: dict, *, replacing: str = "") -> int:
    """One INSERT … SELECT into ``model``: ``constants`` (column -> value) on every row, the other ``columns``
    (column -> expression) from the queryset ``rows``. Any number of rows in one statement. With ``replacing``
    (a unique column), a row already there under that column takes the new values (an upsert)."""
    try:
        select, params = (rows.order_by().values(**{f"c{i}": e for i, e in enumerate(columns.values())})
                          .query.sql_with_params())
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to insert
        return 0
    q = connection.ops.quote_name
    values = [connection.ops.adapt_datefield_value(v) if isinstance(v, date) else v for v in constants.values()]
    selected = ["%s"] * len(values) + ["r." + q(f"c{i}") for i in range(len(columns))]
    sql = (f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(c) for c in [*constants, *columns])}) "
           f"SELECT {', '.join(selected)} FROM ({select}) r")
    if replacing:
        # WHERE true: SQLite would read ON CONFLICT as a join's constraint without it.
        sql += (f" WHERE true ON CONFLICT ({q(replacing)}) DO UPDATE SET "
                + ", ".join(f"{q(c)} = excluded.{q(c)}" for c in [*constants, *columns] if c != replacing))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        return cursor.rowcount
