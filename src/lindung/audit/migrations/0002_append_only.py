"""The database itself refuses to change an audit event, whatever code runs.

UPDATE is refused on both databases, row DELETE on PostgreSQL. SQLite keeps DELETE because a test
database reset (flush) deletes rows there; PostgreSQL resets with TRUNCATE, which row triggers allow.
"""

from django.db import migrations

FORWARD = {
    "sqlite": [
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$;",
        "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();",
    ],
}
BACKWARD = {
    "sqlite": ["DROP TRIGGER audit_event_no_update;"],
    "postgresql": ["DROP TRIGGER audit_event_no_change ON audit_event;", "DROP FUNCTION audit_event_append_only();"],
}


def forward(apps, schema_editor):
    for sql in FORWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    for sql in BACKWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
