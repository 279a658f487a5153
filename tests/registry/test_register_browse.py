"""The register browsed by place, status and occupation, paged by key, scoped, and downloaded as audited xlsx."""

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from lindung.audit.models import Event
from lindung.registry import selectors
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE, OTHER_VILLAGE_KAUR_SELATAN, make_peserta


@pytest.fixture
def many(kaur):
    people = [make_peserta(BANDAR_BINTUHAN, f"Warga {i:03d}", serial=100 + i, born=date(1980, 1, 1 + i % 28))
              for i in range(7)]
    people += [make_peserta(OTHER_VILLAGE_KAUR_SELATAN, f"Tetangga {i}", serial=200 + i, job="nelayan")
               for i in range(3)]
    people.append(make_peserta(KINAL_VILLAGE, "Jauh Sekali", serial=300))
    return people


def test_pages_by_key_cover_everyone_once(users, many):
    seen, after = [], None
    while True:
        rows, after = selectors.register_page(users["admin"], after=after, size=3)
        seen += [p.pk for p in rows]
        if after is None:
            break
    assert len(seen) == len(set(seen)) == 11
    names = [p.nama for p in selectors.register_for(users["admin"])]
    assert names == sorted(names)


def test_filters_and_scope(client, users, many):
    client.force_login(users["camat"])  # Kaur Selatan
    response = client.get(reverse("registry:list"))
    assert "Jauh Sekali" not in response.content.decode()
    assert "Warga 000" in response.content.decode()
    response = client.get(reverse("registry:list"), {"desa": OTHER_VILLAGE_KAUR_SELATAN})
    page = response.content.decode()
    assert "Tetangga 0" in page and "Warga 000" not in page
    # A village outside the camat's area is not accepted as a filter: his own area is shown, never the other.
    page = client.get(reverse("registry:list"), {"desa": KINAL_VILLAGE}).content.decode()
    assert "Jauh Sekali" not in page
    page = client.get(reverse("registry:list"), {"pekerjaan": "nelayan"}).content.decode()
    assert "Tetangga 1" in page and "Warga 001" not in page
    page = client.get(reverse("registry:list"), {"status": "none"}).content.decode()
    assert "Warga 001" in page
    page = client.get(reverse("registry:list"), {"status": "registered"}).content.decode()
    assert "Warga 001" not in page


def test_next_page_link_carries_the_last_key(client, users, many, monkeypatch):
    monkeypatch.setattr(selectors, "REGISTER_PAGE", 4)
    client.force_login(users["admin"])
    response = client.get(reverse("registry:list"), {"kecamatan": "17.04.05"})
    first = response.context["browse"]
    assert len(first) == 4 and response.context["next_key"] == first[-1].pk
    response = client.get(reverse("registry:list"), {"kecamatan": "17.04.05", "after": first[-1].pk})
    assert [p.nama for p in response.context["browse"]][0] > first[-1].nama


def test_xlsx_holds_the_filtered_people_nik_as_text_and_is_audited(client, users, many):
    client.force_login(users["admin"])
    response = client.get(reverse("registry:xlsx"), {"desa": OTHER_VILLAGE_KAUR_SELATAN})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(p.nik for p in many if p.desa_id == OTHER_VILLAGE_KAUR_SELATAN)
    assert all(isinstance(r[0], str) for r in rows)
    event = Event.objects.get(action="registry.register_downloaded")
    assert OTHER_VILLAGE_KAUR_SELATAN in event.summary and "3 baris" in event.summary
    for p in many:
        assert p.nik not in event.summary and p.nama not in event.summary


def test_xlsx_is_scoped(client, users, many):
    client.force_login(users["desa"])
    response = client.get(reverse("registry:xlsx"), {"kecamatan": "17.04.01"})
    niks = {r[0] for r in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)}
    assert niks == {p.nik for p in many if p.desa_id == BANDAR_BINTUHAN}
