"""Every download of people's data is on the audit record: the walk finds every view that hands out a file (an
``attachment(…)`` or a ``FileResponse``), fetches it as the Admin Dinas in the leak test's world and checks that an
audit event was recorded with it. A new download joins automatically; one without people's data is named below."""

import inspect

from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse

from lindung.audit.models import Event
from lindung.cards.models import Handover, PrintBatch
from lindung.claims import services as claim_services
from lindung.claims.models import Claim
from lindung.registry.demo import generate_workers, villages_of
from lindung.registry.models import ImportBatch
from tests.factories import batch_of
from tests.walk import kwargs_for, params_of, url_patterns

# Files that hold no person's data: figures, a blank template, a letter with totals.
WITHOUT_PEOPLE = {
    "registry:import_template",  # the blank import template
    "programs:proposal",  # the budget proposal: money per month
    "core:dashboard_pdf",  # the regent's page: counts
    "claims_report:xlsx",  # counts and money per kind, status, kecamatan, month (no name, no NIK)
    "payments:cover_letter",  # the letter to the finance office: totals (the names are in the bill's xlsx)
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def download_views() -> dict[str, tuple]:
    """name -> (pattern, parameters of its includes) for every URL whose view hands out a file."""
    found = {}
    for namespace, pattern, outer in url_patterns():
        if pattern.name is None or namespace.startswith(("admin:", "api:", "spdci_ibr:", "spdci_social:")):
            continue
        source = inspect.getsource(inspect.unwrap(pattern.callback))
        if "attachment(" in source or "FileResponse(" in source:
            found[namespace + pattern.name] = (pattern, outer)
    return found


def test_the_walk_finds_the_downloads():
    names = set(download_views())
    assert {"registry:xlsx", "claims:document", "cards:evidence", "cards:batch_pdf", "enrolment:batches_zip",
            "payments:bill_xlsx", "selfpay:village_pdf"} <= names
    assert WITHOUT_PEOPLE <= names, "a download named here is no download any more: take it off the list"


def test_every_download_of_peoples_data_is_audited(client, world, import_settings, tmp_path):
    users, workers, _tokens, values = world
    # The files the world lacks: an import's findings, a claim's scanned document, a hand-over's signed minutes, a
    # print run's PDF.
    ImportBatch.objects.all().delete()  # the world's import has no file behind it
    staged = batch_of(users["admin"], generate_workers(villages_of("17.04"), 5, 7, other_kecamatan=[]), tmp_path)
    claim = Claim.objects.filter(membership__peserta=workers["village"]).first()
    claim_services.upload_document(users["operator"], claim, "ktp_ahli_waris", ContentFile(PDF, "ktp.pdf"))
    handover = Handover.objects.order_by("pk").first()
    handover.evidence.save("bukti.pdf", ContentFile(PDF))
    batch = PrintBatch.objects.order_by("pk").first()
    batch.pdf.save("kartu.pdf", ContentFile(PDF), save=False)
    batch.pdf_status = PrintBatch.Pdf.READY
    batch.save()
    values = {**values, "pk": values["pk"] + [staged.pk, batch.pk, *claim.documents.values_list("pk", flat=True)]}
    client.force_login(users["admin"])
    queries = ["", f"?desa={workers['village'].desa_id}"]
    downloaded = set()
    for name, (pattern, outer) in sorted(download_views().items()):
        if name in WITHOUT_PEOPLE:
            continue
        for kwargs in kwargs_for(name, params_of(pattern, outer), values):
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            for query in queries:
                before = Event.objects.count()
                response = client.get(url + query)
                if "attachment" not in response.get("Content-Disposition", ""):
                    continue
                downloaded.add(name)
                assert Event.objects.count() > before, f"{url}{query} hands out a file and records no audit event"
                event = Event.objects.latest("pk")
                assert event.action.endswith("_downloaded"), (url, event.action)
                assert not any(p.nik in event.summary or p.nama in event.summary for p in workers.values())
    missed = set(download_views()) - WITHOUT_PEOPLE - downloaded
    assert not missed, f"the walk downloaded nothing from {sorted(missed)}: teach it the files they need"
