"""A next release's first migration: it applies, and changes the schema and the data."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("regulation", "0002_added_holiday")]
    operations = [
        migrations.RunSQL("CREATE TABLE upgrade_probe (note varchar(40))"),
        migrations.RunSQL("INSERT INTO upgrade_probe VALUES ('half-way')"),
        migrations.RunSQL("UPDATE registry_peserta SET nama = 'DIUBAH MIGRASI'"),
    ]
