"""The monthly double-cover report (issue 20 part 2): a person we bill and another payer pays for the same month is
found, with the payer's name, in the user's area; the xlsx is on the audit record."""

import io

import openpyxl
from django.urls import reverse

from lindung.audit.models import Event
from lindung.life import services as life
from lindung.payments import selectors, services
from tests.conftest import KINAL_VILLAGE, plan_programme
from tests.factories import run


def test_a_person_paid_by_both_is_found_in_his_area_and_downloaded(users, client):
    programme = run(plan_programme(users))
    bill = services.generate_bill(users["operator"], programme, "2025-01").bill
    kinal = bill.lines.filter(peserta__desa_id=KINAL_VILLAGE).select_related("peserta").first().peserta
    selatan = bill.lines.exclude(peserta__desa_id=KINAL_VILLAGE).select_related("peserta").first().peserta
    # learned after the bill was drawn: the province paid one of them for January, a village fund the other from March
    life.record_other_cover(users["admin"], kinal, payer="provinsi", payer_name="Pemprov Bengkulu", first="2024-10",
                            last="2025-01", source="bpjs_status", evidence="berkas status BPJS")
    life.record_other_cover(users["admin"], selatan, payer="dana_desa", payer_name="Desa Bandar Bintuhan",
                            first="2025-03", evidence="APBDes 2025")
    found = selectors.double_cover(users["admin"], programme)
    assert [(r.nik, str(r.month)) for r in found] == [(kinal.nik, "2025-01-01")]
    assert found[0].payers == "Pemprov Bengkulu (Provinsi)" and found[0].total == 16_800
    assert selectors.double_cover(users["camat"], programme) == []  # Kinal is not his kecamatan

    client.force_login(users["admin"])
    page = client.get(reverse("payments:double_cover", kwargs={"code": programme.code}))
    assert page.status_code == 200 and kinal.nik in page.content.decode() and "Pemprov Bengkulu" in page.content.decode()
    xlsx = client.get(reverse("payments:double_cover_xlsx", kwargs={"code": programme.code}))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Bulan iuran", "NIK") and rows[1][:3] == ("2025-01", kinal.nik, kinal.nama)
    assert "Pemprov Bengkulu" in rows[1][8]
    assert Event.objects.filter(action="payments.double_cover_downloaded", actor=users["admin"]).exists()
