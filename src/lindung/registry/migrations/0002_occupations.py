from django.db import migrations


def load(apps, schema_editor):
    from lindung.registry.occupations import ensure_occupations

    ensure_occupations(apps.get_model("registry", "Pekerjaan"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
