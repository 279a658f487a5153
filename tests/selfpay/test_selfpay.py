"""The hand-over to self-paid membership: on a programme funded January–February 2025 (bills generated, approved,
paid in time) every member lapses on 1 June 2025 unless he pays from March; the notices in the outbox; BPJS's
status file; the village lists; and who sees what."""

import io
import json
import subprocess
from datetime import date

import openpyxl
import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from lindung.audit.models import Event
from lindung.enrolment.models import Membership
from lindung.notify import services as notify
from lindung.notify.models import Message
from lindung.selfpay import selectors
from lindung.selfpay import services
from lindung.payments.models import PaidMonth
from lindung.payments.protection import refresh
from lindung.registry.models import Pekerjaan, Peserta
from lindung.rules.contributions import Month, Payer
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE, OTHER_VILLAGE_KAUR_SELATAN
from tests.factories import with_phone

def test_every_member_lapses_on_1_june_2025_and_would_pay_16800_from_march(users, funded):
    found = selectors.self_pay_list(users["admin"], funded, today=date(2025, 3, 20))
    assert len(found.members) == funded.memberships.count() >= 4
    assert {(m.funded_last, m.first_unfunded, m.lapse) for m in found.members} == {
        (Month(2025, 2), Month(2025, 3), date(2025, 6, 1))}
    assert found.by_lapse_date == [(date(2025, 6, 1), len(found.members))]
    assert {(m.self_pay, m.discount, m.arrears) for m in found.members} == {(16_800, 0, 3 * 16_800)}
    assert {m.state for m in found.members} == {"menunggak"}  # March unpaid after its due date
    summary = {v.code: v for v in found.villages}
    assert sum(v.members for v in summary.values()) == len(found.members)
    assert summary[OTHER_VILLAGE_KAUR_SELATAN].with_phone == 0


def test_self_pay_takes_the_pp_50_2025_discount_where_it_applies(users, funded):
    """Funded until March 2026 (planned, nothing paid yet): April–December 2026 is halved for a self-payer; an
    ojek driver funded until December 2025 gets the transport discount from January 2026."""
    PaidMonth.objects.all().delete()
    funded.memberships.update(last=date(2026, 3, 1))
    ojek = funded.memberships.order_by("pk").first()
    Membership.objects.filter(pk=ojek.pk).update(last=date(2025, 12, 1))
    Peserta.objects.filter(pk=ojek.peserta_id).update(pekerjaan_1=Pekerjaan.objects.get(code="pengemudi-ojek"))
    by_id = {m.membership_id: m for m in selectors.self_pay_list(users["admin"], funded).members}
    driver = by_id.pop(ojek.pk)
    assert (driver.first_unfunded, driver.self_pay, driver.discount) == (Month(2026, 1), 8_400, 8_400)
    assert {(m.first_unfunded, m.self_pay, m.discount) for m in by_id.values()} == {(Month(2026, 4), 8_400, 8_400)}


def test_the_members_page_shows_the_credit_of_a_discounted_month_paid_in_full(client, users, funded):
    """PP 50/2025 Ps 6(1): a discounted month paid at the full rate leaves a credit on the next month."""
    PaidMonth.objects.all().delete()
    funded.memberships.update(last=date(2026, 3, 1))
    member = selectors.self_pay_list(users["admin"], funded).members[0]
    assert (member.first_unfunded, member.self_pay, member.full_rate_credit) == (Month(2026, 4), 8_400, 8_400)
    client.force_login(users["admin"])
    with translation.override("id"):
        body = client.get(reverse("selfpay:members", args=[funded.code]), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "bila dibayar penuh Rp16.800, kelebihan Rp8.400 diperhitungkan untuk bulan berikutnya" in body


def test_the_outbox_holds_one_message_per_member_with_a_phone_and_the_file_sender_writes_them(
        users, funded, settings, tmp_path):
    settings.LINDUNG_OUTBOX_FILE = tmp_path / "outbox.jsonl"
    first = services.prepare_messages(users["operator"], funded)
    again = services.prepare_messages(users["operator"], funded)
    expected = with_phone(funded)
    assert (first, again) == (expected, 0) and Message.objects.count() == expected
    message = Message.objects.select_related("peserta").first()
    assert message.text == (f"Yth. {message.peserta.nama}, iuran BPJS TK Anda ditanggung Pemkab Kaur s.d. Feb 2025. "
                            "Bayar mandiri Rp16.800/bln mulai Mar 2025 agar tidak nonaktif 1 Jun 2025.")
    assert message.peserta.nik not in message.text and len(message.text) <= 160  # one SMS

    done = services.send_messages(users["operator"], funded, today=date(2025, 3, 20))  # before the lapse date
    assert (done.sent, done.failed) == (expected, 0)
    lines = [json.loads(line) for line in settings.LINDUNG_OUTBOX_FILE.read_text().splitlines()]
    assert sorted(line["id"] for line in lines) == sorted(Message.objects.values_list("pk", flat=True))
    assert {line["channel"] for line in lines} == {"sms"} and {line["phone"] for line in lines} == {"081234567890"}
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert services.send_messages(users["operator"], funded, today=date(2025, 3, 20)).sent == 0  # nothing twice
    assert len(settings.LINDUNG_OUTBOX_FILE.read_text().splitlines()) == expected
    for event in Event.objects.filter(action__startswith="notify."):
        assert not any(p.nama in event.summary or p.nik in event.summary for p in Peserta.objects.all())


def test_only_the_office_prepares_and_sends(users, funded):
    for name in ("camat", "desa", "pimpinan"):
        with pytest.raises(PermissionDenied):
            services.prepare_messages(users[name], funded)
    assert not Message.objects.exists()


def status_file(tmp_path, rows, name="status.xlsx"):
    """An xlsx like BPJS's list: a title row, then KPJ, NIK, name, status and the last month paid (str: a text
    cell, date: a date cell)."""
    path = tmp_path / name
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Status")
    dates = book.add_format({"num_format": "mmm yyyy"})
    sheet.write_string(0, 0, "Daftar Status Peserta BPU — BPJS Ketenagakerjaan Cabang Bengkulu")
    for c, h in enumerate(["No. KPJ", "NIK", "Nama", "Status", "Bulan Terakhir Dibayar"]):
        sheet.write_string(2, c, h)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dates)
            elif value is not None:
                sheet.write_string(r, c, value)
    book.close()
    return path.read_bytes()


def test_a_status_file_with_a_wrong_row_changes_nothing_and_a_good_one_shows_who_continued(users, funded, tmp_path):
    members = list(funded.memberships.order_by("pk").select_related("peserta"))
    stayed, rest = members[0], members[1:]
    rows = [[stayed.kpj, stayed.peserta.nik, stayed.peserta.nama, "Aktif", date(2025, 12, 1)]] + [
        [m.kpj, None, m.peserta.nama, "Non Aktif", "Feb 2025"] for m in rest]
    bad = [*rows[:-1], [rest[-1].kpj, None, "Salah", "Non Aktif", "Februari 20255"]]
    before = PaidMonth.objects.count()
    outcome = services.import_status(users["operator"], funded, "status.xlsx", status_file(tmp_path, bad))
    assert outcome.errors == 1 and PaidMonth.objects.count() == before
    assert outcome.findings.select("row", "column", "code").rows() == [(3 + len(bad), "Bulan Terakhir Dibayar",
                                                                       "month_invalid")]

    outcome = services.import_status(users["operator"], funded, "status.xlsx", status_file(tmp_path, rows))
    assert (outcome.errors, outcome.continuing, outcome.stopped, outcome.months_added) == (0, 1, len(rest), 10)
    self_paid = PaidMonth.objects.filter(payment__isnull=True)
    assert set(self_paid.values_list("membership", "payer")) == {(stayed.pk, "mandiri")}
    assert self_paid.get(month=date(2025, 3, 1)).paid_on == date(2025, 3, 17)  # 15 March 2025 is a Saturday
    again = services.import_status(users["operator"], funded, "status.xlsx", status_file(tmp_path, rows))
    assert again.months_added == 0 and PaidMonth.objects.count() == before + 10

    found = selectors.self_pay_list(users["admin"], funded)
    continuing = next(m for m in found.members if m.membership_id == stayed.pk)
    assert (continuing.first_unfunded, continuing.lapse, continuing.self_paid_months) == (Month(2025, 3), date(2026, 4, 1), 10)
    cohort = {row["month"]: row for row in selectors.cohort(found)}
    assert [cohort[Month(2025, 5)][s] for s in ("paying", "arrears", "lapsed")] == [1, len(rest), 0]
    assert [cohort[Month(2025, 6)][s] for s in ("paying", "arrears", "lapsed")] == [1, 0, len(rest)]
    assert [cohort[Month(2026, 2)][s] for s in ("paying", "arrears", "lapsed")] == [0, 1, len(rest)]
    for language, title, first, series in (("id", "Peserta setelah masa bayar program", "Maret 2025", "Menunggak"),
                                           ("en", "Members after the programme's paid months", "March 2025",
                                            "In arrears")):
        with translation.override(language):
            chart = json.loads(json.dumps(selectors.cohort_chart(selectors.cohort(found))))
        assert chart["title"] == title and chart["traces"][0]["x"][0] == first
        assert series in [trace["name"] for trace in chart["traces"]]


@pytest.mark.parametrize("today", [date(2025, 5, 20), date(2026, 1, 10)])
def test_the_page_counts_in_the_database_what_the_engine_says_of_each_member(users, funded, tmp_path, today):
    """The page reads its summary from payments.Protection and works out only the 50 members it shows: every figure
    equals the member-by-member list's, in each area, before and after the lapses."""
    members = list(funded.memberships.order_by("pk").select_related("peserta"))
    rows = [[members[0].kpj, members[0].peserta.nik, members[0].peserta.nama, "Aktif", date(2025, 12, 1)]] + [
        [m.kpj, None, m.peserta.nama, "Non Aktif", "Feb 2025"] for m in members[1:]]
    assert services.import_status(users["operator"], funded, "status.xlsx", status_file(tmp_path, rows)).errors == 0
    # Paid late, after a gap, or after the lapse: months the cohort's month ends see partly paid.
    for m, paid in ((members[1], {date(2025, 3, 1): date(2025, 5, 20), date(2025, 4, 1): date(2025, 7, 10)}),
                    (members[2], {date(2025, 3, 1): date(2025, 3, 10), date(2025, 5, 1): date(2025, 4, 28)})):
        PaidMonth.objects.bulk_create(PaidMonth(membership=m, peserta=m.peserta, month=month, paid_on=on,
                                                payer=Payer.MANDIRI) for month, on in paid.items())
    refresh(Membership.objects.filter(pk__in=[members[1].pk, members[2].pk]))
    for who in ("admin", "camat"):
        exact = selectors.self_pay_list(users[who], funded, today=today)
        counted = selectors.overview(users[who], funded, today=today)
        assert counted.villages == exact.villages and counted.by_lapse_date == exact.by_lapse_date
        assert counted.members == len(exact.members) > 0
        assert selectors.members_page(users[who], funded, 1, today=today).object_list == exact.members[:50]
        assert selectors.cohort_of(users[who], funded) == selectors.cohort(exact)
    lapsed = sum(v.lapsed for v in selectors.overview(users["admin"], funded, today=today).villages)
    assert lapsed == (0 if today.year == 2025 else len(members) - 1)  # all but the one who paid the year through


def test_someone_outside_the_programme_or_the_area_is_a_finding(users, funded, tmp_path):
    kinal = funded.memberships.filter(peserta__desa_id=KINAL_VILLAGE).first()
    data = status_file(tmp_path, [[kinal.kpj, None, "Di Kinal", "Aktif", "2025-05"],
                                  ["99999999999", None, "Orang lain", "Aktif", "05/2025"]])
    with pytest.raises(PermissionDenied):
        services.import_status(users["camat"], funded, "status.xlsx", data)
    outcome = services.import_status(users["operator"], funded, "status.xlsx", data)
    assert outcome.findings.select("row", "code").rows() == [(5, "not_member")]


def test_a_status_file_paying_beyond_the_prepayment_limit_is_refused(users, funded, tmp_path):
    # reg.prepay_max_months (12): a month further ahead than that cannot have been paid (DOMAIN.md sections 2, 8).
    member = funded.memberships.order_by("pk").select_related("peserta").first()
    too_far = Month.of(timezone.localdate()).shift(13)
    rows = [[member.kpj, member.peserta.nik, member.peserta.nama, "Aktif", too_far.first_day]]
    outcome = services.import_status(users["operator"], funded, "status.xlsx", status_file(tmp_path, rows))
    assert outcome.findings.select("code").to_series().to_list() == ["month_ahead"]
    assert "paling jauh 12 bulan di muka" in outcome.findings["message"][0]


def test_the_camat_and_the_village_operator_see_only_their_area(client, users, funded):
    kaur_selatan = selectors.self_pay_list(users["camat"], funded).members
    assert kaur_selatan and {m.desa_code[:8] for m in kaur_selatan} == {"17.04.05"}
    assert {m.desa_code for m in selectors.self_pay_list(users["desa"], funded).members} == {BANDAR_BINTUHAN}
    outsider = funded.memberships.filter(peserta__desa_id=KINAL_VILLAGE).select_related("peserta").first().peserta
    client.force_login(users["camat"])
    page = client.get(reverse("selfpay:members", args=[funded.code]))
    body = page.content.decode()
    assert page.status_code == 200 and outsider.nama not in body and "Kinal" not in body
    assert kaur_selatan[0].nama in body and "1 Juni 2025" in body
    for view in ("selfpay:village_xlsx", "selfpay:village_pdf"):
        assert client.get(reverse(view, args=[funded.code]), {"desa": KINAL_VILLAGE}).status_code == 404
    assert client.post(reverse("selfpay:prepare", args=[funded.code])).status_code == 403
    assert client.post(reverse("selfpay:send", args=[funded.code])).status_code == 403


def test_the_village_list_as_xlsx_keeps_the_nik_as_text(client, users, funded):
    client.force_login(users["desa"])
    response = client.get(reverse("selfpay:village_xlsx", args=[funded.code]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows())
    assert [c.value for c in header][:3] == ["NIK", "Nama", "No. KPJ"]
    expected = funded.memberships.filter(peserta__desa_id=BANDAR_BINTUHAN).select_related("peserta")
    assert sorted(r[0].value for r in rows) == sorted(m.peserta.nik for m in expected)
    assert {r[0].data_type for r in rows} == {"s"}
    assert {(r[5].value, r[6].value, r[7].value) for r in rows} == {("Maret 2025", 16_800, "1 Juni 2025")}


def test_the_village_head_gets_a_pdf(client, users, funded, tmp_path):
    client.force_login(users["operator"])
    response = client.get(reverse("selfpay:village_pdf", args=[funded.code]), {"desa": BANDAR_BINTUHAN})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (tmp_path / "list.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "list.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Bandar Bintuhan" in text and "Kaur Selatan" in text and "Cara melanjutkan kepesertaan" in text
    for m in funded.memberships.filter(peserta__desa_id=BANDAR_BINTUHAN).select_related("peserta"):
        assert m.peserta.nama in text and m.kpj in text
    assert "1 Juni 2025" in text and "Rp16.800" in text and "Kepala Desa" in text
    # Without a village the office gets no letter for the whole regency.
    assert client.get(reverse("selfpay:village_pdf", args=[funded.code])).status_code == 404


def test_the_page_prepares_and_sends_and_the_outbox_lists_them(client, users, funded, settings, tmp_path, monkeypatch):
    settings.LINDUNG_OUTBOX_FILE = tmp_path / "outbox.jsonl"
    monkeypatch.setattr(notify, "current_day", lambda: date(2025, 3, 20))  # sent before the lapse date
    client.force_login(users["operator"])
    page = client.get(reverse("selfpay:members", args=[funded.code])).content.decode()
    chart = reverse("selfpay:cohort", args=[funded.code])
    assert f'hx-get="{chart}"' in page and "data-confirm=" in page  # the chart comes after the page
    assert 'data-chart="chart-cohort"' in client.get(chart).content.decode()
    client.post(reverse("selfpay:prepare", args=[funded.code]))
    client.post(reverse("selfpay:send", args=[funded.code]))
    outbox = client.get(reverse("selfpay:outbox", args=[funded.code]), {"status": "sent"}, follow=True).content.decode()
    assert outbox.count("Yth. ") == with_phone(funded)


def test_the_cli_prints_the_lapse_dates_as_json(users, funded, settings, tmp_path):
    settings.LINDUNG_OUTBOX_FILE = tmp_path / "outbox.jsonl"
    out = io.StringIO()
    call_command("selfpay", "--programme", funded.code, "--json", "--prepare-messages", "--user", "operator", stdout=out)
    found = json.loads(out.getvalue())
    n = funded.memberships.count()
    assert found["members"] == n and found["by_lapse_date"] == {"2025-06-01": n}
    assert found["first_unfunded_month"] == {"2025-03": n} and found["monthly_self_pay"] == {"16800": n}
    assert found["messages_queued"] == with_phone(funded)
    assert {(m["first_unfunded"], m["lapse_date"], m["self_pay"]) for m in found["list"]} == {("2025-03", "2025-06-01", 16_800)}
