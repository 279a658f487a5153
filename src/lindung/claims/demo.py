"""The demo's claims, the way they come to a regency:

- a fisher of Kaur Selatan died of a stroke at home on 10 February 2025 while covered: his widow was paid
  Rp42,000,000 eleven days later (BPJS's approval records his death: his memberships end that day);
- an ojek driver of Kinal was hurt on the road on 14 February 2025: the claim is with BPJS;
- yesterday the operator of Bandar Bintuhan reported the death of a member protected by this year's programme: the
  office has not looked at it yet, and he is "reported dead, to verify" — out of new plans and notices at once.

Each step through claims.services; the dates of the 2025 claims are then set to when they happened (the demo
replays history). A claim already there is skipped, so running the demo again changes nothing."""

from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from weasyprint import HTML

from lindung.accounts.demo import demo_areas
from lindung.regulation.selectors import calendar
from lindung.rules import claims as rules

from . import services
from .models import Claim

FISHER_DIED = date(2025, 2, 10)
DRIVER_HURT = date(2025, 2, 14)
REPORT: dict[str, Any] = {"reporter_name": "Kepala Desa", "reporter_relationship": "Kepala desa", "reporter_phone": "081234567890"}


@transaction.atomic
def run_demo_claims(programme, *, operator, admin, bpjs) -> None:
    """The two claims of February 2025, on members of the 2025 programme."""
    members = programme.memberships.exclude(kpj="").select_related("peserta").order_by("pk")
    if Claim.objects.filter(event_date__in=[FISHER_DIED, DRIVER_HURT]).exists():
        return
    kecamatan, village = demo_areas(operator.area_id)
    scan = HTML(string="<p>Salinan dokumen (contoh untuk demo Lindung)</p>").write_pdf()

    fisher = members.filter(peserta__desa__code__startswith=kecamatan + ".", peserta__jenis_kelamin="L") \
                    .exclude(peserta__desa_id=village).first()
    claim = services.report_claim(operator, fisher.peserta, kind=rules.Kind.JKM, event_date=FISHER_DIED,
                                  event_place=f"Rumah, {fisher.peserta.desa.name}", cause="Stroke", **REPORT)
    services.add_heir(operator, claim, name="Istri almarhum", relationship="janda", bank_account="BRI (demo)")
    _documents(operator, claim, scan)
    services.mark_documents_complete(operator, claim)
    services.submit(operator, claim)
    _dated(claim, reported_on=FISHER_DIED + timedelta(days=1), documents_complete_on=FISHER_DIED + timedelta(days=6),
           submitted_on=FISHER_DIED + timedelta(days=7))
    services.decide(bpjs, claim, approved=True)
    payable = Claim.objects.get(pk=claim.pk).payable_now
    assert payable is not None  # submitted: the benefit is frozen
    services.record_paid(admin, claim, amount=payable, paid_on=FISHER_DIED + timedelta(days=11))
    _dated(claim, decided_on=FISHER_DIED + timedelta(days=9))

    driver = members.exclude(peserta__desa__code__startswith=kecamatan + ".").first()
    claim = services.report_claim(operator, driver.peserta, kind=rules.Kind.JKK_INJURY, event_date=DRIVER_HURT,
                                  event_place="Jalan lintas Bintuhan", cause="Tertabrak saat mengantar penumpang",
                                  traffic_accident=True, **REPORT)
    _documents(operator, claim, scan)
    services.mark_documents_complete(operator, claim)
    services.submit(operator, claim)
    _dated(claim, reported_on=DRIVER_HURT + timedelta(days=1), documents_complete_on=DRIVER_HURT + timedelta(days=20),
           submitted_on=DRIVER_HURT + timedelta(days=21))



@transaction.atomic
def report_demo_death(programme, *, village_operator) -> Claim | None:
    """The village's report of yesterday: a member of ``programme`` (this year's) in the demo village, the last in
    membership order with no claim and no life event. Once: skipped when the village has reported a claim."""
    from lindung.life.models import LifeEvent

    if Claim.objects.filter(reported_by=village_operator).exists():
        return None
    neighbour = (programme.memberships.exclude(kpj="").filter(peserta__desa_id=village_operator.area_id)
                 .exclude(peserta__memberships__claims__isnull=False)
                 .exclude(peserta__in=LifeEvent.objects.values("peserta")).select_related("peserta__desa")
                 .order_by("pk").last())
    if neighbour is None:
        return None
    return services.report_claim(village_operator, neighbour.peserta, kind=rules.Kind.JKM,
                                 event_date=timezone.localdate() - timedelta(days=1),
                                 event_place=f"Rumah, {neighbour.peserta.desa.name}", cause="Sakit", **REPORT)


def _documents(user, claim, scan: bytes) -> None:
    for document in rules.checklist(claim.kind, claim.traffic_accident):
        if document.required:
            services.upload_document(user, claim, document.code, ContentFile(scan, name=f"{document.code}.pdf"))


def _dated(claim, **days) -> None:
    """The day each step happened, the payment deadline that follows from the submission, and a number of the
    year it was reported in."""
    if "reported_on" in days:
        prefix = f"KLM-{days['reported_on'].year}-"
        days["number"] = f"{prefix}{Claim.objects.filter(number__startswith=prefix).count() + 1:04d}"
    if "submitted_on" in days:
        days["payment_due"] = rules.deadlines(claim.kind, claim.event_date, submitted_on=days["submitted_on"],
                                              calendar=calendar()).payment
    Claim.objects.filter(pk=claim.pk).update(**days)
