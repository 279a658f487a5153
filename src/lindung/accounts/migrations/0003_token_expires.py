from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone


def expire_in_90_days(apps, schema_editor):
    """Tokens issued before tokens expired work 90 more days from the upgrade, so no program stops at once."""
    later = timezone.now() + timedelta(days=90)
    for name in ("ApiToken", "HistoricalApiToken"):
        apps.get_model("accounts", name).objects.filter(expires__isnull=True).update(expires=later)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.AddField("apitoken", "expires", models.DateTimeField(null=True, verbose_name="expires")),
        migrations.AddField("historicalapitoken", "expires", models.DateTimeField(null=True, verbose_name="expires")),
        migrations.RunPython(expire_in_90_days, migrations.RunPython.noop),
        migrations.AlterField("apitoken", "expires", models.DateTimeField(verbose_name="expires")),
        migrations.AlterField("historicalapitoken", "expires", models.DateTimeField(verbose_name="expires")),
    ]
