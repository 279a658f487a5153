"""The next one meets data it cannot convert."""

from django.db import migrations


def convert(apps, schema_editor):
    raise ValueError("a row this migration cannot convert")


class Migration(migrations.Migration):
    dependencies = [("regulation", "0003_applies")]
    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
