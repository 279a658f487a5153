"""The public status check by NIK (/cek-status/): NIK and date of birth give the masked name, protected today or
not, and what to do; nobody unknown is told apart from anybody else; every lookup is limited and audited."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.audit.models import Event
from lindung.core.masking import masked_name
from lindung.life.models import OtherCover
from lindung.life.services import record_other_cover
from lindung.payments import public_views
from lindung.registry.models import Peserta
from tests.conftest import BANDAR_BINTUHAN, make_peserta

URL = "/cek-status/"


def ask(client, nik: str, born: date | None, **extra):
    data = {"nik": nik}
    if born:
        data |= {"day": born.day, "month": born.month, "year": born.year}
    return client.post(URL, data, **extra)


def without_csrf(response) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)


def test_a_protected_worker_sees_his_masked_name_and_what_to_do(client, members, today):
    peserta = members[0].peserta
    response = ask(client, peserta.nik, peserta.tanggal_lahir)
    body = response.content.decode()
    assert response.status_code == 200
    assert masked_name(peserta.nama) in body and "Terlindungi hari ini (10 Maret 2025)" in body
    assert "Iuran dibayar s.d." in body and "Februari 2025" in body and "Dibayar program s.d." in body
    # Self-paid after the programme's December: the full rate, PP 50/2025's half for April to December 2026, then
    # the full rate again (a worker must not read the discount as for ever).
    assert "Januari 2026 s.d. Maret 2026: <strong>Rp16.800 per bulan</strong>" in body
    assert "April 2026 s.d. Desember 2026: <strong>Rp8.400 per bulan</strong>" in body
    assert "mulai Januari 2027 dan seterusnya: <strong>Rp16.800 per bulan</strong>" in body
    # The programme pays until December: no lapse date in June to frighten him.
    assert "Nonaktif mulai" not in body and "1 Juni 2025" not in body
    assert "tanggal 15" in body
    # How to claim, with the papers of rules.claims (DOMAIN.md section 4).
    assert "Surat keterangan dokter" in body and "Laporan polisi" in body and "Surat keterangan ahli waris" in body
    assert "2×24 jam" in body


def test_the_answer_reveals_nothing_else(client, members, today):
    membership = members[0]
    peserta = membership.peserta
    body = ask(client, peserta.nik, peserta.tanggal_lahir).content.decode()
    assert peserta.nik not in body and membership.kpj not in body and peserta.desa.name not in body
    assert peserta.nama not in body and not any(w in body for w in peserta.nama.split() if len(w) > 2)
    assert str(peserta.tanggal_lahir.year) not in body  # the date asked is not shown back
    assert "<script" not in body.lower()


def test_a_lapsed_worker_is_told_he_is_not_protected_since_when(client, members, today):
    today.value = date(2025, 6, 10)  # March to May unpaid: lapsed on 1 June
    peserta = members[0].peserta
    body = ask(client, peserta.nik, peserta.tanggal_lahir).content.decode()
    assert "TIDAK terlindungi hari ini (10 Juni 2025)" in body and "Nonaktif sejak 1 Juni 2025" in body
    assert "iuran mandiri" not in body and "Surat keterangan dokter" not in body  # no rights: nothing to claim


def test_arrears_the_programme_owes_are_not_the_workers_to_pay(client, members, today):
    today.value = date(2025, 4, 20)  # March and April due, unpaid by the regency
    peserta = members[0].peserta
    body = ask(client, peserta.nik, peserta.tanggal_lahir).content.decode()
    assert "Terlindungi hari ini" in body and "Iuran 2 bulan belum dibayar" in body
    assert "ditanggung program" in body


def test_once_the_programme_stopped_paying_he_is_told_when_he_loses_protection(client, members, today):
    type(members[0]).objects.filter(pk=members[0].pk).update(last=date(2025, 2, 1))  # funded January-February only
    peserta = members[0].peserta
    body = ask(client, peserta.nik, peserta.tanggal_lahir).content.decode()
    assert "Nonaktif mulai (jika tidak dibayar)" in body and "1 Juni 2025" in body
    assert "Maret 2025 s.d." in body or "mulai Maret 2025" in body  # he pays himself from March


def test_heirs_of_a_worker_who_died_protected_are_told_to_claim(client, members, today):
    membership = members[0]
    type(membership).objects.filter(pk=membership.pk).update(ended_on=date(2025, 3, 5), end_kind="meninggal")
    body = ask(client, membership.peserta.nik, membership.peserta.tanggal_lahir).content.decode()
    assert "Tercatat meninggal dunia pada 5 Maret 2025" in body and "ahli waris dapat mengajukan klaim" in body
    assert "Akta/surat keterangan kematian" in body and "iuran mandiri" not in body


def test_unknown_nik_wrong_birth_date_and_never_enrolled_answer_identically(client, members, today):
    peserta = members[0].peserta
    never = make_peserta(BANDAR_BINTUHAN, "Tini Belumdaftar", sex="P", serial=90)
    assert not never.memberships.exists()
    tries = [(peserta.nik, date(1981, 5, 17)),  # wrong date of birth
             ("1704059999990001", peserta.tanggal_lahir),  # nobody's NIK
             (never.nik, never.tanggal_lahir)]  # in the register, never enrolled
    pages, queries = [], []
    for i, (nik, born) in enumerate(tries):
        with CaptureQueriesContext(connection) as seen:  # each the first lookup of its address and its NIK
            response = ask(client, nik, born, REMOTE_ADDR=f"10.5.0.{i}")
        assert response.status_code == 200
        pages.append(without_csrf(response))
        # The same statements (the rate limit's cache keys and the parameters aside).
        queries.append([re.sub(r"'[^']*'|\d+", "?", q["sql"]) for q in seen.captured_queries])
    assert pages[0] == pages[1] == pages[2]
    assert queries[0] == queries[1] == queries[2]
    assert "Data tidak ditemukan" not in pages[0].decode() and "Tidak ditemukan" in pages[0].decode()
    assert masked_name(never.nama) not in pages[0].decode() and never.nik not in pages[0].decode()


@pytest.mark.parametrize("data, error", [
    ({"nik": "1704051705800011"}, "Isi tanggal lahir."),
    ({"day": "17", "month": "5", "year": "1980"}, "Isi NIK."),
    ({"nik": "17040517058000", "day": "17", "month": "5", "year": "1980"}, "NIK terdiri dari 16 angka"),
    ({"nik": "1704051705800011", "day": "31", "month": "2", "year": "1980"}, "Tanggal itu tidak ada"),
])
def test_both_fields_are_required_and_checked_before_anyone_is_looked_up(client, members, today, data, error):
    with CaptureQueriesContext(connection) as seen:
        response = client.post(URL, data)
    assert response.status_code == 200 and error in response.content.decode()
    tables = " ".join(q["sql"] for q in seen.captured_queries)
    assert "registry_peserta" not in tables and "enrolment_membership" not in tables
    assert not Event.objects.filter(action="payments.status_checked").exists()


def test_a_nik_as_copied_with_spaces_is_read(client, members, today):
    peserta = members[0].peserta
    spaced = " ".join(peserta.nik[i:i + 4] for i in range(0, 16, 4))
    assert "Terlindungi hari ini" in ask(client, spaced, peserta.tanggal_lahir).content.decode()


def test_every_lookup_is_audited_without_the_nik(client, members, today):
    membership = members[0]
    ask(client, membership.peserta.nik, membership.peserta.tanggal_lahir)
    ask(client, "1704059999990001", date(1980, 1, 1))
    events = list(Event.objects.filter(action="payments.status_checked").order_by("seq"))
    assert [(e.target_type, e.target_id) for e in events] == [("membership", str(membership.pk)), ("", "")]
    assert events[0].actor is None and "ditemukan" in events[0].summary and "tidak ditemukan" in events[1].summary
    assert not any(membership.peserta.nik in e.summary or membership.peserta.nama in e.summary for e in events)


def test_lookups_are_limited_per_address(client, members, today):
    for i in range(public_views.LIMIT):  # a different NIK each time: the NIK's own limit is not reached
        assert ask(client, f"17040599999900{i:02d}", date(1980, 1, 1)).status_code == 200
    limited = ask(client, members[0].peserta.nik, members[0].peserta.tanggal_lahir)
    assert limited.status_code == 429 and limited["Retry-After"] == str(public_views.WINDOW)
    assert "Terlalu banyak pemeriksaan" in limited.content.decode()
    assert masked_name(members[0].peserta.nama) not in limited.content.decode()
    other = ask(client, members[0].peserta.nik, members[0].peserta.tanggal_lahir, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200  # another address has its own limit


def test_lookups_are_limited_per_nik_from_any_address(client, members, today):
    peserta = members[0].peserta
    for i in range(public_views.NIK_LIMIT):  # guessing the date of birth from ever new addresses
        assert ask(client, peserta.nik, date(1970 + i, 1, 1), REMOTE_ADDR=f"10.0.0.{i}").status_code == 200
    limited = ask(client, peserta.nik, peserta.tanggal_lahir, REMOTE_ADDR="10.9.9.9")
    assert limited.status_code == 429 and masked_name(peserta.nama) not in limited.content.decode()
    with connection.cursor() as cursor:  # the NIK is counted under its HMAC, never in clear
        cursor.execute("SELECT cache_key FROM lindung_cache")
        assert not any(peserta.nik in key for (key,) in cursor.fetchall())


def test_the_form_page_and_the_login_page_link(client, kaur):
    page = client.get(URL)
    body = page.content.decode()
    assert page.status_code == 200 and 'name="nik"' in body and 'name="day"' in body and "<script" not in body
    assert "Alamat: tanyakan ke kantor desa/kelurahan Anda." in body  # no address set: no made-up one
    login = client.get("/akun/masuk/").content.decode()
    assert 'href="/cek-status/"' in login and "Cek status kepesertaan" in login


def test_the_office_address_and_hours_are_shown_when_set(client, kaur, settings):
    settings.LINDUNG_OFFICE_ADDRESS, settings.LINDUNG_OFFICE_HOURS = "Jl. Merdeka 1, Bintuhan", "Senin-Jumat 08.00-15.00"
    body = client.get(URL).content.decode()
    assert "Jl. Merdeka 1, Bintuhan" in body and "Buka: Senin-Jumat 08.00-15.00" in body


def test_nobody_in_the_register_is_needed_to_answer(client, kaur, today):
    assert not Peserta.objects.exists()
    assert "Tidak ditemukan" in ask(client, "1704051705800011", date(1980, 5, 17)).content.decode()


def test_a_worker_another_payer_pays_for_after_the_programme_is_not_told_to_pay_himself(client, members, today, users):
    peserta = members[0].peserta
    record_other_cover(users["admin"], peserta, payer="dana_desa", payer_name="Desa Padang Baru", first="2026-01",
                       source=OtherCover.Source.TYPED, evidence="APBDes 2026, daftar penerima")
    body = ask(client, peserta.nik, peserta.tanggal_lahir).content.decode()
    assert "Setelah itu iuran Anda dibayar Desa Padang Baru" in body
    assert "Rp16.800 per bulan" not in body and "Rp8.400 per bulan" not in body
    # Someone else in the programme, with no other payer, is still told what to pay himself.
    other = members[1].peserta
    assert "Rp8.400 per bulan" in ask(client, other.nik, other.tanggal_lahir).content.decode()
