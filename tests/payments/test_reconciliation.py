"""Reconciling a bill with BPJS's invoice: matched lines counted, each difference named and resolved with a
note, a wrong file refused whole, and every user seeing only his area's differences."""

import io
import json

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from lindung.audit.models import Event
from lindung.enrolment.models import Membership
from lindung.payments import selectors, services
from lindung.payments.models import Difference, Reconciliation
from tests.conftest import KAUR_SELATAN, KINAL_VILLAGE
from tests.factories import run

UNKNOWN_KPJ = "24099999999"


@pytest.fixture
def bill(users, planned):
    """January's draft bill of the five members, each with a KPJ."""
    programme = run(planned)
    for i, m in enumerate(programme.memberships.order_by("peserta__nik")):
        Membership.objects.filter(pk=m.pk).update(kpj=f"2401000000{i}")
    return services.generate_bill(users["operator"], programme, "2025-01").bill


def people(bill) -> dict:
    """The bill's members by their part in BPJS's file: one in Kaur Selatan billed another amount, one in Kinal
    BPJS does not bill, one BPJS names by NIK alone, the rest matched by KPJ."""
    lines = list(bill.lines.select_related("peserta", "membership").order_by("peserta__nik"))
    differs = next(line for line in lines if line.peserta.desa_id.startswith(KAUR_SELATAN + "."))
    missing = next(line for line in lines if line.peserta.desa_id == KINAL_VILLAGE)
    by_nik, *matched = [line for line in lines if line not in (differs, missing)]
    return {"differs": differs, "missing": missing, "by_nik": by_nik, "matched": matched}


def invoice_rows(bill) -> list[list]:
    p = people(bill)
    rows = [[line.membership.kpj, line.peserta.nik, line.peserta.nama.upper(), "Rp16.800"] for line in p["matched"]]
    rows.append([p["differs"].membership.kpj, p["differs"].peserta.nik, p["differs"].peserta.nama, "36.800"])
    rows.append([None, p["by_nik"].peserta.nik, p["by_nik"].peserta.nama, 16800])
    rows.append([UNKNOWN_KPJ, None, "Orang Asing", "16800"])
    return rows


def invoice_xlsx(tmp_path, rows, name="tagihan-januari.xlsx") -> bytes:
    """BPJS's invoice: a title row, then No. KPJ, NIK, Nama, Jumlah, and a total line."""
    path = tmp_path / name
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Rincian Tagihan")
    sheet.write_string(0, 0, "Rincian Tagihan Iuran BPU Januari 2025 — Pemkab Kaur")
    for r, row in enumerate([["No. KPJ", "NIK", "Nama", "Jumlah"], *rows, [None, None, "Total", 104_000]], start=2):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write_number(r, c, value)
    workbook.close()
    return path.read_bytes()


def test_each_planted_difference_is_listed_with_name_and_kpj(users, bill, tmp_path):
    p = people(bill)
    done = services.reconcile(users["operator"], bill, "tagihan-januari.xlsx", invoice_xlsx(tmp_path, invoice_rows(bill)))
    assert (done.rows, done.matched, done.amount_differs, done.only_ours, done.only_theirs) == (5, 3, 1, 1, 1)
    assert (done.ours_total, done.theirs_total) == (84_000, 104_000)
    assert len(done.sha256) == 64 and done.imported_by == users["operator"]
    found = {d.kind: d for d in selectors.differences(users["admin"], done)}
    differs, missing = p["differs"], p["missing"]
    assert (found["amount_differs"].nama, found["amount_differs"].kpj, found["amount_differs"].nik,
            found["amount_differs"].desa_code, found["amount_differs"].ours, found["amount_differs"].theirs) == (
        differs.peserta.nama, differs.membership.kpj, differs.peserta.nik, differs.peserta.desa_id, 16_800, 36_800)
    assert (found["only_ours"].nama, found["only_ours"].kpj, found["only_ours"].ours, found["only_ours"].theirs) == (
        missing.peserta.nama, missing.membership.kpj, 16_800, None)
    assert (found["only_theirs"].nama, found["only_theirs"].kpj, found["only_theirs"].nik, found["only_theirs"].desa_code,
            found["only_theirs"].theirs) == ("Orang Asing", UNKNOWN_KPJ, "", "17.04", 16_800)
    event = Event.objects.get(action="payments.reconciled")
    assert "3 cocok" in event.summary and "1 jumlah berbeda" in event.summary
    assert not any(s in event.summary for s in (differs.peserta.nik, differs.peserta.nama, "Orang Asing"))


def test_a_difference_is_resolved_once_with_a_note(users, bill, tmp_path):
    done = services.reconcile(users["operator"], bill, "t.xlsx", invoice_xlsx(tmp_path, invoice_rows(bill)))
    difference = selectors.differences(users["admin"], done, kind="only_theirs").get()
    for note in ("", "   "):
        with pytest.raises(ValidationError, match="catatan penyelesaian"):
            services.resolve_difference(users["operator"], difference, note)
    with pytest.raises(PermissionDenied):
        services.resolve_difference(users["camat"], difference, "bukan urusan camat")
    resolved = services.resolve_difference(users["operator"], difference, "  Bukan peserta Pemkab:\nBPJS mengoreksi tagihan. ")
    assert (resolved.note, resolved.resolved_by, resolved.resolved_at is not None) == (
        "Bukan peserta Pemkab: BPJS mengoreksi tagihan.", users["operator"], True)
    assert resolved.history.first().history_user == users["operator"]
    with pytest.raises(ValidationError, match="sudah diselesaikan"):
        services.resolve_difference(users["admin"], difference, "lagi")
    assert list(selectors.differences(users["admin"], done, open_only=True).values_list("kind", flat=True)) == [
        "amount_differs", "only_ours"]
    event = Event.objects.get(action="payments.difference_resolved")
    assert "Orang Asing" not in event.summary and UNKNOWN_KPJ not in event.summary and "hanya di BPJS" in event.summary


def test_a_refused_file_changes_nothing_and_names_every_wrong_row(users, bill, tmp_path):
    rows = invoice_rows(bill)
    rows[0][1] = int(rows[0][1])  # a NIK Excel turned into a number
    rows[1][3] = "enam belas ribu"
    rows.append(list(rows[2]))  # the same member twice
    with pytest.raises(services.InvoiceRefused) as refused:
        services.reconcile(users["operator"], bill, "t.xlsx", invoice_xlsx(tmp_path, rows))
    assert [(f["row"], f["column"], f["code"]) for f in refused.value.findings] == [
        (4, "NIK", "nik_number_cell"), (5, "Jumlah", "total_invalid"), (9, "No. KPJ", "kpj_duplicate_in_file")]
    assert not Reconciliation.objects.exists() and not Difference.objects.exists()
    assert not Event.objects.filter(action="payments.reconciled").exists()
    with pytest.raises(PermissionDenied):
        services.reconcile(users["camat"], bill, "t.xlsx", invoice_xlsx(tmp_path, invoice_rows(bill)))


def test_a_camat_and_a_village_operator_see_only_their_areas_differences(users, bill, tmp_path):
    p = people(bill)
    done = services.reconcile(users["operator"], bill, "t.xlsx", invoice_xlsx(tmp_path, invoice_rows(bill)))
    assert selectors.differences(users["admin"], done).count() == 3
    # The camat of Kaur Selatan: his member billed another amount; not Kinal's, nor the stranger only the
    # regency sees.
    assert [d.nama for d in selectors.differences(users["camat"], done)] == [p["differs"].peserta.nama]
    village = list(selectors.differences(users["desa"], done))
    assert all(d.desa_code == p["differs"].peserta.desa_id for d in village)
    assert list(selectors.reconciliations_for(users["camat"], bill)) == [done]


def test_the_reconcile_command(users, bill, tmp_path):
    path = tmp_path / "tagihan.xlsx"
    path.write_bytes(invoice_xlsx(tmp_path, invoice_rows(bill)))
    out = io.StringIO()
    call_command("reconcile", str(path), "--month", "2025-01", "--json", "--user", "operator", stdout=out)
    result = json.loads(out.getvalue())
    assert {k: result[k] for k in ("matched", "amount_differs", "only_ours", "only_theirs")} == {
        "matched": 3, "amount_differs": 1, "only_ours": 1, "only_theirs": 1}
    assert {(d["kind"], d["kpj"], d["nama"]) for d in result["differences"]} >= {
        ("only_theirs", UNKNOWN_KPJ, "Orang Asing")}
    assert len(result["differences"]) == 3
    out = io.StringIO()
    call_command("reconcile", str(path), "--month", "2025-01", "--programme", bill.programme.code, "--user", "admin",
                 stdout=out)
    assert "3 cocok, 1 jumlah berbeda, 1 hanya di tagihan kita, 1 hanya di BPJS" in out.getvalue()
    assert Reconciliation.objects.count() == 2

    bad = tmp_path / "rusak.csv"
    bad.write_text(f"No. KPJ;Nama;Jumlah\n{UNKNOWN_KPJ};Orang Asing;1.68E+04\n2401000000;Nol Hilang;16800\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="ditolak"):
        call_command("reconcile", str(bad), "--month", "2025-01", "--user", "operator", stderr=err)
    assert "baris 2, kolom Jumlah" in err.getvalue() and "baris 3, kolom No. KPJ" in err.getvalue()
    with pytest.raises(CommandError, match="Tidak ada tagihan bulan 2025-02"):
        call_command("reconcile", str(path), "--month", "2025-02", "--user", "operator")
    assert Reconciliation.objects.count() == 2


def test_the_page_uploads_lists_and_resolves(client, users, bill, tmp_path):
    p = people(bill)
    url = reverse("payments:reconciliation", kwargs={"code": bill.programme.code, "month": "2025-01"})
    client.force_login(users["operator"])
    rows = invoice_rows(bill)
    rows[0][3] = "1,68E+04"
    page = client.post(url, {"file": SimpleUploadedFile("rusak.xlsx", invoice_xlsx(tmp_path, rows))})
    assert page.status_code == 200 and not Reconciliation.objects.exists()
    assert page.context["findings"][0]["code"] == "total_scientific"
    assert 'data-testid="reconcile-findings"' in page.content.decode()

    upload = SimpleUploadedFile("tagihan-januari.xlsx", invoice_xlsx(tmp_path, invoice_rows(bill)))
    assert client.post(url, {"file": upload}).status_code == 302
    body = client.get(url).content.decode()
    for name in (p["differs"].peserta.nama, p["missing"].peserta.nama, "Orang Asing", UNKNOWN_KPJ, "Rp36.800"):
        assert name in body
    stranger = Difference.objects.get(kind="only_theirs")
    resolve = reverse("payments:resolve_difference", kwargs={"code": bill.programme.code, "month": "2025-01",
                                                             "pk": stranger.pk})
    assert client.post(resolve, {"note": ""}).status_code == 302
    stranger.refresh_from_db()
    assert stranger.resolved_at is None
    client.post(resolve, {"note": "BPJS salah tagih, dikoreksi 3 Februari."})
    body = client.get(url).content.decode()
    assert "BPJS salah tagih, dikoreksi 3 Februari." in body and "operator" in body

    client.force_login(users["camat"])
    body = client.get(url).content.decode()
    assert p["differs"].peserta.nama in body
    assert p["missing"].peserta.nama not in body and "Orang Asing" not in body and 'data-testid="reconcile-form"' not in body
    assert client.post(resolve, {"note": "coba"}).status_code == 404
    other = Difference.objects.get(kind="only_ours")  # Kinal's: outside the camat's area
    assert client.post(reverse("payments:resolve_difference", kwargs={
        "code": bill.programme.code, "month": "2025-01", "pk": other.pk}), {"note": "coba"}).status_code == 404
