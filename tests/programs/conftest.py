"""The programme tests' workers (seven of Kaur, in two kecamatan, each eligible or not for one reason) and what
their pages show."""

import re
from datetime import date

import pytest

from lindung.programs.demo import ensure_demo_programme
from lindung.programs.models import Programme
from lindung.registry.models import Peserta
from tests.conftest import BANDAR_BINTUHAN, KAUR, KINAL_VILLAGE, OTHER_VILLAGE_KAUR_SELATAN, make_peserta


def worker(desa, nama, serial, *, desil=1, extreme=True, job="petani", born=None, sex="L") -> Peserta:
    p = make_peserta(desa, nama, sex=sex, born=born, serial=serial, job=job)
    Peserta.objects.filter(pk=p.pk).update(desil=desil, miskin_ekstrem=extreme)
    p.refresh_from_db()
    return p


@pytest.fixture
def programme(kaur):
    return ensure_demo_programme(KAUR)


@pytest.fixture
def workers(kaur):
    """Born 17 May 1980 unless said: 44 on 1 January 2025. Priority with the default weights in brackets."""
    return {
        # Kaur Selatan
        "nelayan": worker(BANDAR_BINTUHAN, "Ahmad Nelayan", 21, job="nelayan"),  # eligible (100+20+15 = 135)
        "petani": worker(OTHER_VILLAGE_KAUR_SELATAN, "Bambang Petani", 22, extreme=False),  # eligible (100)
        "desil2": worker(BANDAR_BINTUHAN, "Citra Desildua", 23, desil=2, sex="P"),  # desil 2 > 1 (90+20 = 110)
        "young": worker(BANDAR_BINTUHAN, "Dedi Muda", 24, born=date(2010, 3, 2)),  # 14 years old
        "old": worker(OTHER_VILLAGE_KAUR_SELATAN, "Eko Tua", 25, born=date(1958, 6, 1)),  # 66 years old
        # Kinal, another kecamatan
        "kinal": worker(KINAL_VILLAGE, "Fajar Kinal", 26),  # eligible (120)
        "kinal_trader": worker(KINAL_VILLAGE, "Gita Dagang", 27, desil=3, job="pedagang-kecil", sex="P"),  # desil 3
    }


def eligible_count(response) -> int:
    match = re.search(r'data-testid="eligible">([\d.]+)<', response.content.decode())
    assert match, "the eligible count is missing"
    return int(match.group(1).replace(".", ""))


def ranking_names(response) -> list[str]:
    table = response.content.decode().split('data-testid="ranking"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/peserta/\d+/">([^<]+)</a>', table)


def rules_data(programme: Programme, **overrides) -> dict:
    data = {
        "min_age": programme.min_age, "max_age": programme.max_age, "desil_max": programme.desil_max or "",
        "weight_desil": programme.weight_desil, "weight_extreme_poverty": programme.weight_extreme_poverty,
        "weight_high_risk": programme.weight_high_risk, "weight_head_of_household": programme.weight_head_of_household,
        "weight_per_dependant": programme.weight_per_dependant, "max_dependants": programme.max_dependants,
        "occupations": [p.pk for p in programme.occupations.all()],
    }
    if programme.require_extreme_poverty:
        data["require_extreme_poverty"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
