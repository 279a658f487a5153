"""Issue 17 item 6: each audit event carries its number and a seal chained to its predecessor's (audit.chain).

The events already written are numbered and sealed here, in id order. The append-only triggers are dropped for
that and put back at the end (SQLite also rebuilds the table to add the columns, which would drop them anyway).
The event's time is now set by record_event before sealing, no longer when the row is saved.
"""

from importlib import import_module

from django.db import migrations, models

from lindung.audit.chain import GENESIS, Link, seal

append_only = import_module("lindung.audit.migrations.0002_append_only")
BATCH = 2000


def chain_existing(apps, schema_editor):
    Event = apps.get_model("audit", "Event")
    prev_hash, seq, last_id = GENESIS, 0, 0
    while batch := list(Event.objects.filter(pk__gt=last_id).order_by("pk")[:BATCH]):
        for event in batch:
            seq += 1
            event.seq, event.prev_hash = seq, prev_hash
            event.hash = prev_hash = seal(Link(*(getattr(event, name) for name in Link._fields)))
        Event.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
        last_id = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.RunPython(append_only.backward, append_only.forward),
        migrations.AlterField(
            model_name="event",
            name="at",
            field=models.DateTimeField(db_index=True, editable=False, verbose_name="time"),
        ),
        migrations.AddField(
            model_name="event",
            name="seq",
            field=models.PositiveBigIntegerField(default=0, editable=False, verbose_name="number"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="event",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="previous seal"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="event",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="seal"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="event",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name="number"),
        ),
        migrations.RunPython(append_only.forward, append_only.backward),
    ]
