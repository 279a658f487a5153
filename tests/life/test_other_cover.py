"""Every payer of a person (issue 20 part 2): other cover per person and month, recorded with its evidence and
withdrawn with a reason; the bill leaves those months to that payer; the old "other payer" events become cover."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.audit.models import Event
from lindung.life import selectors, services as life
from lindung.life.models import LifeEvent, OtherCover
from lindung.payments import services as bills
from lindung.rules.contributions import Month
from lindung.rules.other_cover import Cover, OtherPayer, left_to_others, months_within, payer_named_in, payers_by_month
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE, make_peserta, plan_programme
from tests.factories import run


@pytest.fixture
def worker(kaur):
    return make_peserta(BANDAR_BINTUHAN, "Siti Dalamdesa", sex="P", serial=11)


def test_months_of_a_cover_within_a_programme():
    province = Cover(OtherPayer.PROVINSI, "Pemprov Bengkulu", Month(2025, 3), Month(2025, 5))
    village = Cover(OtherPayer.DANA_DESA, "Desa Padang Baru", Month(2025, 11))
    year = Month(2025, 1), Month(2025, 12)
    assert months_within(province, *year) == [Month(2025, 3), Month(2025, 4), Month(2025, 5)]
    assert months_within(village, Month(2025, 1), Month(2025, 6)) == []
    assert left_to_others([province, village], *year) == {Month(2025, 3), Month(2025, 4), Month(2025, 5),
                                                          Month(2025, 11), Month(2025, 12)}
    by_month = payers_by_month([province, village], *year)
    assert by_month[Month(2025, 4)] == [province] and by_month[Month(2025, 1)] == [] and len(by_month) == 12
    assert payer_named_in("Berkas status BPJS: iuran dibayar Dana Desa") is OtherPayer.DANA_DESA
    assert payer_named_in("surat BPJS") is OtherPayer.LAIN
    with pytest.raises(ValueError):
        Cover(OtherPayer.CSR, "PT Sawit", Month(2025, 5), Month(2025, 4))


def test_typed_cover_needs_its_evidence_and_is_recorded_once_with_an_audit(users, worker):
    with pytest.raises(ValidationError, match="bukti"):
        life.record_other_cover(users["operator"], worker, payer="provinsi", payer_name="Pemprov Bengkulu",
                                first="2025-03", last="2025-05")
    with pytest.raises(ValidationError, match="sebelum"):
        life.record_other_cover(users["operator"], worker, payer="provinsi", payer_name="Pemprov Bengkulu",
                                first="2025-05", last="2025-03", evidence="surat")
    cover = life.record_other_cover(users["operator"], worker, payer="provinsi", payer_name="Pemprov Bengkulu",
                                    first="2025-03", last="2025-05", evidence="Surat Dinsos Prov. 560/12")
    again = life.record_other_cover(users["operator"], worker, payer="provinsi", payer_name="Pemprov Bengkulu",
                                    first=Month(2025, 3), last=Month(2025, 5), evidence="lagi")
    assert again.pk == cover.pk and OtherCover.objects.count() == 1
    assert (cover.first, cover.last, cover.recorded_by) == (date(2025, 3, 1), date(2025, 5, 1), users["operator"])
    event = Event.objects.get(action="life.other_cover_recorded")
    assert worker.nama not in event.summary and worker.nik not in event.summary
    assert cover.history.count() == 1


def test_withdrawn_with_a_reason_never_deleted_and_its_months_are_ours_again(users, worker):
    cover = life.record_other_cover(users["operator"], worker, payer="csr", payer_name="PT Sawit Kaur",
                                    first="2025-01", evidence="surat PT")
    assert selectors.months_paid_by_others([worker.pk], Month(2025, 1), Month(2025, 2)) == {
        worker.pk: {Month(2025, 1), Month(2025, 2)}}
    with pytest.raises(ValidationError):
        life.withdraw_other_cover(users["operator"], cover, " ")
    done = life.withdraw_other_cover(users["operator"], cover, "PT Sawit membayar pekerjanya sendiri, bukan dia")
    assert done.withdrawn_by == users["operator"] and OtherCover.objects.filter(pk=cover.pk).exists()
    assert selectors.months_paid_by_others([worker.pk], Month(2025, 1), Month(2025, 2)) == {}
    with pytest.raises(ValidationError):
        life.withdraw_other_cover(users["operator"], done, "lagi")
    assert Event.objects.filter(action="life.other_cover_withdrawn").count() == 1


def test_only_the_office_records_and_each_user_reads_his_area(users, worker):
    outside = make_peserta(KINAL_VILLAGE, "Joko Luarwilayah", serial=13)
    with pytest.raises(PermissionDenied):
        life.record_other_cover(users["camat"], worker, payer="dana_desa", payer_name="Desa Bandar Bintuhan",
                                first="2025-01", evidence="APBDes")
    life.record_other_cover(users["admin"], outside, payer="dana_desa", payer_name="Desa Gedung Wani",
                            first="2025-01", evidence="APBDes")
    assert selectors.covers_of(users["admin"], outside).count() == 1
    assert selectors.covers_of(users["camat"], outside).count() == 0


def test_by_nik_the_entry_point_of_imports_says_why_not(users, worker):
    done = life.record_other_cover_by_nik(users["operator"], worker.nik, "kabupaten", "Kab. Seluma", "2025-02",
                                          None, "registry", "IBR: terdaftar di Seluma")
    assert done.cover is not None and done.cover.source == "registry" and not done.refused
    assert "tidak ada di register" in life.record_other_cover_by_nik(
        users["operator"], "1704059999999999", "kabupaten", "Kab. Seluma", "2025-02", None, "registry").refused
    assert life.record_other_cover_by_nik(users["operator"], worker.nik, "bupati", "X", "2025-02", None,
                                          "registry").refused
    assert life.record_other_cover_by_nik(users["operator"], worker.nik, "csr", "PT", "Feb", None, "registry").refused


def test_another_payer_is_no_longer_a_life_event(users, worker):
    with pytest.raises(ValidationError, match="bukan sebagai peristiwa"):
        life.record(users["admin"], worker, kind="other_payer", happened_on=date(2025, 1, 1), source="typed")


def test_the_bill_leaves_the_months_another_payer_pays(users):
    programme = run(plan_programme(users))
    nik_of = dict(programme.memberships.values_list("peserta_id", "peserta__nik"))
    paid_by_province = programme.memberships.order_by("peserta__nik").first().peserta
    life.record_other_cover(users["admin"], paid_by_province, payer="provinsi", payer_name="Pemprov Bengkulu",
                            first="2025-02", last="2025-02", evidence="SK Gubernur 2025")
    january = bills.generate_bill(users["operator"], programme, "2025-01").bill
    february = bills.generate_bill(users["operator"], programme, "2025-02").bill
    assert january.lines.filter(peserta=paid_by_province).exists()
    assert not february.lines.filter(peserta=paid_by_province).exists()
    assert february.members == len(nik_of) - 1


def test_old_other_payer_events_become_cover_from_their_month(users, worker):
    event = LifeEvent.objects.create(peserta=worker, kind="other_payer", source="bpjs_status", status="verified",
                                     happened_on=date(2025, 4, 9), evidence="Berkas status BPJS: iuran dibayar Dana Desa",
                                     recorded_by=users["admin"])
    migration = importlib.import_module("lindung.life.migrations.0003_other_payer_events_to_cover")
    migration.forward(apps, None)
    cover = OtherCover.objects.get(peserta=worker)
    assert (cover.payer, cover.first, cover.last, cover.source) == (OtherPayer.DANA_DESA, date(2025, 4, 1), None,
                                                                    "bpjs_status")
    assert f"peristiwa #{event.pk}" in cover.evidence and cover.withdrawn_at is None
    event.refresh_from_db()
    assert event.status == "reversed" and f"#{cover.pk}" in event.reversal_reason


def test_the_worker_page_types_and_withdraws_another_payer(users, client):
    from django.urls import reverse

    programme = run(plan_programme(users))
    worker = programme.memberships.order_by("peserta__nik").first().peserta
    client.force_login(users["operator"])
    url = reverse("life:record_cover", kwargs={"pk": worker.pk})
    data = {"payer": "kabupaten", "payer_name": "Kab. Seluma", "first": "2025-03", "last": "2025-04"}
    client.post(url, data)
    assert not OtherCover.objects.exists()  # no evidence, nothing recorded
    client.post(url, {**data, "evidence": "Surat Disnaker Seluma 12/2025"})
    cover = OtherCover.objects.get(peserta=worker)
    page = client.get(reverse("registry:detail", kwargs={"pk": worker.pk})).content.decode()
    assert "Kab. Seluma" in page and "Surat Disnaker Seluma" in page and 'data-testid="payers-by-month"' in page
    client.post(reverse("life:withdraw_cover", kwargs={"pk": cover.pk}), {"reason": "salah orang"})
    cover.refresh_from_db()
    assert cover.withdrawal_reason == "salah orang" and cover.withdrawn_by == users["operator"]
    client.force_login(users["camat"])
    assert client.post(url, {**data, "evidence": "x"}).status_code in (302, 403, 404)
    assert OtherCover.objects.count() == 1
