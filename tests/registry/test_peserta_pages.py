from datetime import date

import pytest
from django.urls import reverse

from lindung.audit.models import Event
from lindung.registry.models import Pekerjaan, Peserta
from lindung.rules.nik import make_nik
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE, make_peserta


def form_data(**overrides):
    born = date(1988, 3, 9)
    data = {
        "nik": make_nik("17.04.05", born, "P", 7), "no_kk": "", "nama": "Rina Wati", "jenis_kelamin": "P",
        "tempat_lahir": "Bintuhan", "tanggal_lahir": "1988-03-09", "desa": BANDAR_BINTUHAN, "alamat": "Dusun II",
        "telepon": "081234567890", "pekerjaan_1": Pekerjaan.objects.get(code="pedagang-kecil").pk, "pekerjaan_2": "",
        "desil": "1", "miskin_ekstrem": "on",
    }
    return data | overrides


def post_create(client, **overrides):
    return client.post(reverse("registry:create"), form_data(**overrides))


@pytest.mark.parametrize(
    "nik, words",
    [
        ("170405490388000", ["16 digit", "15"]),  # one digit short
        ("17040549038800071", ["16 digit", "17"]),
        ("1704053203880007", ["tanggal"]),  # day 32: neither a man's day nor a woman's day+40
        ("17040549O3880007", ["hanya boleh berisi angka", "posisi ke-9"]),  # a letter O for a zero
        ("1.70405E+15", ["angka", "Excel"]),
    ],
)
def test_a_bad_nik_is_refused_with_an_indonesian_reason(client, users, nik, words):
    client.force_login(users["operator"])
    response = post_create(client, nik=nik)
    assert response.status_code == 200
    errors = response.context["form"].errors["nik"]
    text = " ".join(errors)
    for word in words:
        assert word.lower() in text.lower(), text
    assert not Peserta.objects.exists()


def test_a_nik_that_contradicts_sex_or_birth_date_is_refused(client, users):
    client.force_login(users["operator"])
    man_nik = make_nik("17.04.05", date(1988, 3, 9), "L", 7)
    response = post_create(client, nik=man_nik)  # the form says perempuan
    assert "Jenis kelamin" in " ".join(response.context["form"].errors["nik"])
    response = post_create(client, tanggal_lahir="1988-03-10")
    assert "lahir" in " ".join(response.context["form"].errors["nik"]).lower()
    assert not Peserta.objects.exists()


def test_a_good_worker_is_saved_with_history_and_an_event(client, users):
    client.force_login(users["operator"])
    response = post_create(client)
    peserta = Peserta.objects.get()
    assert response.url == reverse("registry:detail", kwargs={"pk": peserta.pk})
    assert peserta.history.count() == 1 and peserta.history.first().history_user == users["operator"]
    event = Event.objects.get(action="registry.peserta_created")
    assert event.actor == users["operator"] and event.target_id == str(peserta.pk)

    client.post(reverse("registry:edit", kwargs={"pk": peserta.pk}), form_data(telepon="085200001111"))
    page = client.get(reverse("registry:detail", kwargs={"pk": peserta.pk})).content.decode()
    assert "081234567890" in page and "085200001111" in page  # the change, old → new, in the history
    assert peserta.history.count() == 2


def test_two_occupations_at_most_and_different(client, users):
    client.force_login(users["operator"])
    petani = Pekerjaan.objects.get(code="petani").pk
    response = post_create(client, pekerjaan_1=petani, pekerjaan_2=petani)
    assert "pekerjaan_2" in response.context["form"].errors


def test_a_village_operator_adds_only_in_his_village_and_a_camat_not_at_all(client, users):
    client.force_login(users["desa"])
    response = post_create(client, desa=KINAL_VILLAGE)
    assert "desa" in response.context["form"].errors  # not among his choices
    assert post_create(client).status_code == 302
    client.force_login(users["camat"])
    assert client.get(reverse("registry:create")).status_code == 403


def test_a_village_operator_cannot_edit_someone_outside(client, users, three_workers):
    client.force_login(users["desa"])
    outside = three_workers["kecamatan"]
    assert client.get(reverse("registry:edit", kwargs={"pk": outside.pk})).status_code == 404


def test_the_form_says_a_nik_is_registered_only_inside_the_users_area(client, users, three_workers):
    """No NIK oracle: a village operator typing the NIK of someone in another village learns nothing of him (the
    refusal is the one for any NIK that cannot be registered here), and the try is on the audit record."""
    client.force_login(users["desa"])
    elsewhere, own = three_workers["kecamatan"], three_workers["village"]
    refused = post_create(client, nik=elsewhere.nik, tanggal_lahir=str(elsewhere.tanggal_lahir), jenis_kelamin="L")
    assert refused.status_code == 200
    error = " ".join(refused.context["form"].errors["nik"])
    assert "tidak dapat didaftarkan di sini" in error and "hubungi Dinas" in error
    assert "sudah" not in error.lower() and elsewhere.nama not in refused.content.decode()
    event = Event.objects.get(action="registry.nik_refused")
    assert (event.actor, event.target_id) == (users["desa"], str(elsewhere.pk))
    assert elsewhere.nik not in event.summary and elsewhere.nama not in event.summary
    # Inside his village the form says plainly that the worker is already there, and nothing is audited.
    taken = post_create(client, nik=own.nik, tanggal_lahir=str(own.tanggal_lahir), jenis_kelamin="P")
    assert "sudah ada" in " ".join(taken.context["form"].errors["nik"])
    assert Event.objects.filter(action="registry.nik_refused").count() == 1
    assert Peserta.objects.count() == 3
    # The office sees the whole regency: it is told the NIK is taken.
    client.force_login(users["operator"])
    office = post_create(client, nik=elsewhere.nik, tanggal_lahir=str(elsewhere.tanggal_lahir), jenis_kelamin="L")
    assert "sudah ada" in " ".join(office.context["form"].errors["nik"])


def test_the_list_is_search_first_and_capped(client, users, kaur):
    for serial in range(1, 53):
        make_peserta(BANDAR_BINTUHAN, f"Ahmad Sulaiman {serial}", serial=serial)
    client.force_login(users["admin"])
    page = client.get(reverse("registry:list"))
    assert page.context["rows"] == [] and page.context["total"] == 52
    found = client.get(reverse("registry:list"), {"q": "ahmad sulai"})
    assert len(found.context["rows"]) == 50 and found.context["more"] is True
    by_nik = client.get(reverse("registry:list"), {"q": Peserta.objects.first().nik})
    assert len(by_nik.context["rows"]) == 1
    too_short = client.get(reverse("registry:list"), {"q": "ah"})
    assert too_short.context["rows"] == []


def test_htmx_search_returns_only_the_results_fragment(client, users, three_workers):
    client.force_login(users["admin"])
    response = client.get(reverse("registry:list"), {"q": "Siti"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Siti Dalamdesa" in body and "<html" not in body
