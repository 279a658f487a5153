"""Every "paid by another payer" life event becomes the person's other cover from the event's month on, open-ended,
its payer read from the evidence where it names one. A live event is marked reversed, saying where it went: the
memberships it ended stay ended (that was done, and audited, when it was recorded)."""

from django.db import migrations
from django.utils import timezone

from lindung.rules.other_cover import OtherPayer, payer_named_in

NAMES = {OtherPayer.DANA_DESA: "Dana Desa", OtherPayer.CSR: "CSR", OtherPayer.PROVINSI: "Pemerintah provinsi",
         OtherPayer.KABUPATEN: "Kabupaten/kota lain", OtherPayer.MANDIRI: "Peserta sendiri",
         OtherPayer.LAIN: "Pemberi iuran lain"}
REASON = "Diganti catatan pemberi iuran lain per bulan (OtherCover #{pk})."


def forward(apps, schema_editor):
    LifeEvent = apps.get_model("life", "LifeEvent")
    OtherCover = apps.get_model("life", "OtherCover")
    now = timezone.now()
    for event in LifeEvent.objects.filter(kind="other_payer").order_by("pk"):
        payer = payer_named_in(event.evidence)
        withdrawn = event.status == "reversed"
        cover = OtherCover.objects.create(
            peserta_id=event.peserta_id, payer=payer, payer_name=NAMES[payer],
            first=event.happened_on.replace(day=1), last=None,
            source="bpjs_status" if event.source == "bpjs_status" else "typed",
            evidence=((f"{event.evidence}; " if event.evidence else "") + f"peristiwa #{event.pk}")[:300],
            recorded_by_id=event.recorded_by_id,
            withdrawn_by_id=event.reversed_by_id if withdrawn else None,
            withdrawn_at=event.reversed_at if withdrawn else None,
            withdrawal_reason=event.reversal_reason if withdrawn else "")
        OtherCover.objects.filter(pk=cover.pk).update(recorded_at=event.recorded_at)  # not the migration's day
        if not withdrawn:
            LifeEvent.objects.filter(pk=event.pk).update(
                status="reversed", reversed_by_id=event.recorded_by_id, reversed_at=now,
                reversal_reason=REASON.format(pk=cover.pk))


class Migration(migrations.Migration):

    dependencies = [("life", "0002_other_cover")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
