"""The hand-over to self-pay notice was stored as purpose "handover", the name of the card hand-over too: it is
"selfpay", like the app that writes it."""

from django.db import migrations


def rename(apps, old: str, new: str):
    apps.get_model("notify", "Message").objects.filter(purpose=old).update(purpose=new)


class Migration(migrations.Migration):
    dependencies = [("notify", "0003_review_facts")]

    operations = [
        migrations.RunPython(lambda apps, schema_editor: rename(apps, "handover", "selfpay"),
                             lambda apps, schema_editor: rename(apps, "selfpay", "handover")),
    ]
