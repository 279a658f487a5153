"""Imports and review-queue pairs get the number users and the API name them by (issue 13): existing imports keep
the number their pages showed ("Impor #12" was the row's id), existing pairs the one the API gave (also the id);
new ones take the next number."""

from django.db import migrations, models
from django.db.models import F


def number_existing(apps, schema_editor):
    for name in ("ImportBatch", "HistoricalImportBatch", "DuplicatePair", "HistoricalDuplicatePair"):
        apps.get_model("registry", name).objects.update(number=F("id"))


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0003_imports_household_review_queue"),
    ]

    operations = [
        *[migrations.AddField(model_name=model, name="number",
                              field=models.PositiveIntegerField(editable=False, null=True, verbose_name="number"))
          for model in ("importbatch", "historicalimportbatch", "duplicatepair", "historicalduplicatepair")],
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        *[migrations.AlterField(model_name=model, name="number",
                                field=models.PositiveIntegerField(editable=False, unique=True, verbose_name="number"))
          for model in ("importbatch", "duplicatepair")],
        *[migrations.AlterField(model_name=model, name="number",
                                field=models.PositiveIntegerField(db_index=True, editable=False, verbose_name="number"))
          for model in ("historicalimportbatch", "historicalduplicatepair")],
    ]
