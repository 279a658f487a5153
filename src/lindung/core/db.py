"""Database helpers shared by the services' bulk writes."""

from django.db import connection

# Below this many rows the statistics PostgreSQL already has plan a statement well enough.
BULK_ROWS = 1000


def refresh_statistics(rows: int, *models) -> None:
    """After a bulk write of ``rows`` rows: PostgreSQL refreshes a table's planner statistics when autovacuum runs
    after the commit, so until then statements (the rest of this transaction, the first requests after it) plan
    from the old ones. A table last analysed nearly empty made the demo's joins of 7,130 members take minutes."""
    if rows >= BULK_ROWS and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models))
