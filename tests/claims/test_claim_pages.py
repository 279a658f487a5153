"""The claims pages on the real database: a village operator reports a death from the phone form (members of his
village only), the office is alerted and marks the report seen, heirs and documents are added through the claim
page (refusals shown on it), the office completes and submits (the benefit frozen and shown), BPJS approves and
the payment is recorded as typed; nobody outside the area reaches a claim or its documents."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.roles import CAMAT
from lindung.accounts.services import save_user
from lindung.claims.models import Claim, ClaimDocument
from tests.factories import DEATH_DOCUMENTS, JPEG, PDF, pay_bill, report
from tests.conftest import KINAL_VILLAGE, PASSWORD

S = Claim.Status
FORM = {"kind": "jkm", "event_date": "2025-04-20", "event_place": "Rumah, Bandar Bintuhan", "cause": "Sakit jantung",
        "reporter_name": "Siti Aminah", "reporter_phone": "081234567890", "reporter_relationship": "Istri"}
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def text(response) -> str:
    return response.content.decode()


def found(response) -> str:
    """The members a search on the report form found."""
    return text(response).split('data-testid="members"')[1].split("</ul>")[0]


def paid_through_april(users, running):
    for month in ("2025-01", "2025-02", "2025-03", "2025-04"):
        pay_bill(users, running, month, date.fromisoformat(f"{month}-10"))


def detail(claim) -> str:
    return reverse("claims:detail", kwargs={"number": claim.number})


def act(claim, name: str, **extra) -> str:
    return reverse(f"claims:{name}", kwargs={"number": claim.number, **extra})


def test_the_village_operator_reports_a_death_of_his_village_from_the_form(client, users, running, ahmad):
    paid_through_april(users, running)
    client.force_login(users["desa"])
    new = reverse("claims:report_new")
    budi = running.memberships.select_related("peserta").get(peserta__nama="Budi Petani")  # same kecamatan, other village
    joko = running.memberships.select_related("peserta").get(peserta__nama="Joko Nelayan")  # another kecamatan
    page = client.get(new, {"q": "ahmad nel"})
    assert page.status_code == 200 and "Ahmad Nelayan" in text(page) and ahmad.kpj in text(page)
    assert f"?member={ahmad.pk}" in text(page) and ahmad.peserta.nik not in text(page)
    assert "plotly" not in text(page)  # a slow link: no chart library on the phone form
    assert "Ahmad Nelayan" in found(client.get(new, {"q": ahmad.peserta.nik}))
    assert "Ahmad Nelayan" in found(client.get(new, {"q": ahmad.kpj}))
    for other in (budi, joko):
        for q in (other.peserta.nama, other.peserta.nik, other.kpj):
            assert other.peserta.nama not in found(client.get(new, {"q": q})), q
        # Nor by the member's number typed into the address, nor posted.
        assert client.get(new, {"member": other.pk}).status_code == 404
        assert client.post(new, {**FORM, "member": other.pk}).status_code == 404
    assert not Claim.objects.exists()

    form = client.get(new, {"member": ahmad.pk})
    assert form.status_code == 200 and f'value="{timezone.localdate().isoformat()}"' in text(form)  # today by default
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = client.post(new, {**FORM, "member": ahmad.pk, "event_date": tomorrow})
    assert refused.status_code == 400 and not Claim.objects.exists()
    done = client.post(new, {**FORM, "member": ahmad.pk}, follow=True)
    claim = Claim.objects.get()
    assert done.redirect_chain == [(detail(claim), 302)]
    assert (claim.kind, claim.event_date, claim.reported_by, claim.seen_by_office_at) == (
        "jkm", date(2025, 4, 20), users["desa"], None)
    assert (claim.reporter_name, claim.reporter_relationship, claim.traffic_accident) == ("Siti Aminah", "Istri", False)
    body = text(done)
    assert claim.number in body and 'data-testid="family"' in body
    # What the family may be owed (active on the day: everything, at once) and the papers to bring.
    family = body.split('data-testid="family"')[1].split("</section>")[0]
    assert family.count("Rp42.000.000") == 2
    assert "Akta/surat keterangan kematian" in family and "Buku tabungan/rekening bank penerima" in family
    assert "Laporan polisi" not in family
    # A second death report of the same member is refused on the form, with the service's reason.
    again = client.post(new, {**FORM, "member": ahmad.pk, "kind": "jkk_death"})
    assert again.status_code == 400 and f"Sudah ada klaim kematian {claim.number}" in text(again)


def test_an_injury_report_says_the_office_computes_the_amount_or_that_there_is_no_right(client, users, running, ahmad):
    paid_through_april(users, running)
    client.force_login(users["camat"])
    done = client.post(reverse("claims:report_new"), {**FORM, "member": ahmad.pk, "kind": "jkk_injury",
                                                      "traffic_accident": "on"}, follow=True)
    claim = Claim.objects.get()
    assert (claim.kind, claim.traffic_accident, claim.stage_one_due) == ("jkk_injury", True, date(2025, 4, 22))
    family = text(done).split('data-testid="family"')[1].split("</section>")[0]
    # Active on the day: the amounts wait for the doctor's statement and the receipts; the papers say so.
    assert "Rp" not in family and "Tidak ada hak" not in family
    assert "Laporan polisi (kecelakaan lalu lintas)" in family and "Surat keterangan dokter" in family
    # Nothing paid for Budi after April: by yesterday his membership had long lapsed, and the family is told.
    budi = running.memberships.get(peserta__nama="Budi Petani")
    yesterday = timezone.localdate() - timedelta(days=1)
    lapsed = client.post(reverse("claims:report_new"), {**FORM, "member": budi.pk, "kind": "jkk_injury",
                                                        "event_date": yesterday.isoformat()}, follow=True)
    family = text(lapsed).split('data-testid="family"')[1].split("</section>")[0]
    assert "Tidak ada hak atas manfaat JKK maupun JKM" in family and "Rp" not in family


def test_the_office_sees_the_village_report_on_its_home_page_and_marks_it_seen(client, users, running, ahmad):
    client.force_login(users["desa"])
    assert reverse("claims:report_new") in text(client.get("/"))  # the village reports from its home page
    claim = report(users["desa"], ahmad)
    own = report(users["operator"], running.memberships.get(peserta__nama="Budi Petani"))
    client.force_login(users["admin"])
    home = text(client.get("/"))
    assert 'data-testid="home-claim-alerts"' in home and reverse("claims:list") in home
    assert ": 1 →" in home.split('data-testid="home-claim-alerts"')[1]
    listing = text(client.get(reverse("claims:list")))
    alerts = listing.split('data-testid="claim-alerts"')[1].split("</section>")[0]
    assert claim.number in alerts and own.number not in alerts and "Ahmad Nelayan" in alerts
    assert own.number in listing and reverse("claims:report_new") in listing
    # The village operator may not mark it seen; the office does.
    client.force_login(users["desa"])
    assert client.post(act(claim, "seen")).status_code == 403
    client.force_login(users["operator"])
    assert client.post(act(claim, "seen")).url == reverse("claims:list")
    claim.refresh_from_db()
    assert claim.seen_by_office_at is not None
    assert 'data-testid="home-claim-alerts"' not in text(client.get("/"))
    assert 'data-testid="claim-alerts"' not in text(client.get(reverse("claims:list")))


def test_a_death_claim_from_heirs_to_payment_through_the_claim_page(client, users, running, ahmad, media):
    paid_through_april(users, running)
    claim = report(users["desa"], ahmad)
    client.force_login(users["desa"])
    page = text(client.get(detail(claim)))
    assert 'data-testid="heir-form"' in page and 'data-testid="claim-actions"' not in page  # no office step for him
    assert "Rp42.000.000" in page.split('data-testid="benefit"')[1]  # the preview before submission

    assert client.post(act(claim, "heir_add"), {"name": "Siti Aminah", "relationship": "janda",
                                                "bank_account": "BRI 1234"}).status_code == 302
    sibling = client.post(act(claim, "heir_add"), {"name": "Rahmat", "relationship": "saudara_kandung"})
    assert sibling.status_code == 400
    heirs = text(sibling).split('data-testid="heir-form"')[1]
    assert "Saudara kandung tidak dapat menjadi ahli waris selama ada janda" in heirs
    assert list(claim.heirs.values_list("name", flat=True)) == ["Siti Aminah"]

    exe = client.post(act(claim, "document_upload"), {"kind": "surat_kematian", "file": SimpleUploadedFile("akta.pdf", EXE)})
    assert exe.status_code == 400 and "Akta/surat keterangan kematian harus foto (JPEG, PNG, WebP) atau PDF" in text(exe)
    assert not ClaimDocument.objects.exists()
    for kind in DEATH_DOCUMENTS:
        assert client.post(act(claim, "document_upload"), {"kind": kind, "file": SimpleUploadedFile("scan.pdf", PDF)}).status_code == 302
    assert client.post(act(claim, "complete")).status_code == 403  # the office declares the file complete

    client.force_login(users["operator"])
    assert client.post(act(claim, "complete")).status_code == 302
    assert client.post(act(claim, "approve")).status_code == 403  # BPJS's decision is not the operator's
    early = client.post(act(claim, "pay"), {"amount": "Rp42.000.000", "paid_on": timezone.localdate().isoformat()})
    assert early.status_code == 403
    assert client.post(act(claim, "submit")).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.benefit_total, claim.payable_now) == (S.SUBMITTED, 42_000_000, 42_000_000)
    page = text(client.get(detail(claim)))
    benefit = page.split('data-testid="benefit"')[1].split("</section>")[0]
    assert 'data-testid="benefit-total">Rp42.000.000<' in benefit and 'data-testid="payable-now">Rp42.000.000<' in benefit
    assert "Biaya pemakaman" in benefit and "JKM PP 82/2019 sejak 2 Desember 2019" in benefit
    assert claim.coverage_status.split(".")[0] in benefit
    assert claim.submitted_on.strftime("%Y") in page.split('data-testid="claim-steps"')[1]

    client.force_login(users["bpjs"])
    assert client.post(act(claim, "approve")).status_code == 302
    again = client.post(act(claim, "approve"))  # a second click: the service's refusal on the page
    assert again.status_code == 400 and "tidak bisa langsung menjadi disetujui" in text(again)
    mangled = client.post(act(claim, "pay"), {"amount": "42,5 juta", "paid_on": timezone.localdate().isoformat()})
    assert mangled.status_code == 400
    future = client.post(act(claim, "pay"), {"amount": "Rp42.000.000",
                                             "paid_on": (timezone.localdate() + timedelta(days=1)).isoformat()})
    assert future.status_code == 400 and "tidak boleh di masa depan" in text(future)
    assert client.post(act(claim, "pay"), {"amount": "Rp42.000.000",
                                           "paid_on": timezone.localdate().isoformat()}).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.paid_amount, claim.paid_on) == (S.PAID, 42_000_000, timezone.localdate())
    assert 'data-testid="claim-actions"' not in text(client.get(detail(claim)))


@pytest.mark.parametrize("typed", ["42.000.000", "42000000", "Rp 42.000.000"])
def test_the_amount_paid_is_read_as_the_bill_payments_read_it(client, users, running, ahmad, typed):
    claim = report(users["operator"], ahmad)
    Claim.objects.filter(pk=claim.pk).update(status=S.APPROVED, submitted_on=timezone.localdate())
    client.force_login(users["admin"])
    assert client.post(act(claim, "pay"), {"amount": typed, "paid_on": timezone.localdate().isoformat()}).status_code == 302
    claim.refresh_from_db()
    assert claim.paid_amount == 42_000_000


def test_a_step_refused_by_the_service_is_shown_on_the_page(client, users, running, ahmad):
    claim = report(users["desa"], ahmad)
    client.force_login(users["operator"])
    refused = client.post(act(claim, "complete"))
    assert refused.status_code == 400
    assert f"Berkas klaim {claim.number} belum lengkap: Akta/surat keterangan kematian" in text(refused)
    claim.refresh_from_db()
    assert claim.status == S.REPORTED


def test_documents_download_as_attachments_and_nobody_outside_the_area_reaches_them(client, users, running, ahmad):
    claim = report(users["desa"], ahmad)
    client.force_login(users["desa"])
    client.post(act(claim, "document_upload"), {"kind": "kartu_peserta", "file": SimpleUploadedFile("kartu.jpg", JPEG)})
    document = ClaimDocument.objects.get()
    page = text(client.get(detail(claim)))
    url = act(claim, "document", pk=document.pk)
    assert url in page.split('data-testid="doc-kartu_peserta"')[1].split("</li>")[0]
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == JPEG
    assert download["Content-Disposition"] == f'attachment; filename="{claim.number}-kartu_peserta.jpg"'

    kinal = save_user("camat_kinal", role=CAMAT.name, area_code=KINAL_VILLAGE[:8], password=PASSWORD)
    client.force_login(kinal)
    assert client.get(detail(claim)).status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(act(claim, "heir_add"), {"name": "X", "relationship": "janda"}).status_code == 404
    assert client.post(act(claim, "document_upload"), {"kind": "kk", "file": SimpleUploadedFile("kk.pdf", PDF)}).status_code == 404
    assert claim.number not in text(client.get(reverse("claims:list")))
    assert "Ahmad" not in found(client.get(reverse("claims:report_new"), {"q": ahmad.peserta.nik}))
    assert claim.heirs.count() == 0 and ClaimDocument.objects.count() == 1


def test_roles_that_do_not_report_get_no_report_form(client, users):
    for name in ("bpjs", "pimpinan"):
        client.force_login(users[name])
        assert client.get(reverse("claims:report_new")).status_code == 403
        assert client.get(reverse("claims:list")).status_code == 200


def test_the_list_shows_the_claims_and_the_new_reports_a_page_at_a_time_the_overdue_first(client, users, running,
                                                                                          ahmad, monkeypatch):
    """A regency of a million people has thousands of claims: a page of them at a time, the overdue ones first across
    the pages and then the newest report first; the office's new reports a page at a time too, the oldest first."""
    from lindung.claims import views

    monkeypatch.setattr(views, "PAGE", 2)
    today = timezone.localdate()
    late = report(users["desa"], ahmad, kind="jkk_injury", event_date=today - timedelta(days=5))
    Claim.objects.filter(pk=late.pk).update(event_date=date(2020, 1, 6))  # its claim deadline long passed: overdue
    budi = running.memberships.get(peserta__nama="Budi Petani")  # the camat's, in another village
    on_time = [report(users["desa"], ahmad, kind="jkk_injury", event_date=today - timedelta(days=1)),
               report(users["camat"], budi, kind="jkk_injury", event_date=today - timedelta(days=1))]
    client.force_login(users["operator"])

    def order(page: str, section: str) -> list[str]:
        part = page.split(f'data-testid="{section}"')[1].split("</ul>")[0]
        return sorted((c.number for c in [late, *on_time] if c.number in part), key=part.index)

    first, second = (text(client.get(reverse("claims:list"), {"page": n})) for n in (1, 2))
    assert order(first, "claims") == [late.number, on_time[1].number] and 'class="late"' in first
    assert order(second, "claims") == [on_time[0].number]
    assert 'data-testid="claim-pages"' in first and "1 / 2" in first
    # The new reports: three in all, two a page.
    assert ": 3</h2>" in first
    assert order(first, "claim-alerts") == [late.number, on_time[0].number]
    later = text(client.get(reverse("claims:list"), {"page": 2, "baru": 2}))
    assert order(later, "claim-alerts") == [on_time[1].number] and order(later, "claims") == [on_time[0].number]
