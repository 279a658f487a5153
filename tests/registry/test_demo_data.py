from collections import Counter
from datetime import date

import pytest

from lindung.audit.models import Event
from lindung.registry.demo import COASTAL_KECAMATAN, KAUR_WORKERS, generate_workers, seed_workers, villages_of
from lindung.registry.models import Peserta
from lindung.rules.nik import check_against, parse_nik


@pytest.fixture
def villages(kaur):
    return villages_of("17.04")


@pytest.fixture
def rows(villages):
    return generate_workers(villages, KAUR_WORKERS, 2024, other_kecamatan=["17.01.01", "17.71.01"])


def test_the_generator_is_deterministic(villages, rows):
    again = generate_workers(villages, KAUR_WORKERS, 2024, other_kecamatan=["17.01.01", "17.71.01"])
    assert again == rows
    other = generate_workers(villages, 100, 7, other_kecamatan=["17.01.01"])
    assert [r["nik"] for r in other] != [r["nik"] for r in rows[:100]]


def test_every_nik_is_valid_unique_and_agrees_with_sex_and_birth_date(rows):
    assert len({r["nik"] for r in rows}) == KAUR_WORKERS
    today = date(2025, 1, 1)
    for r in rows:
        info = parse_nik(r["nik"], today=today)
        assert info.valid, (r["nik"], info.errors)
        assert check_against(info, sex=r["jenis_kelamin"], birth_date=r["tanggal_lahir"]) == ()
        born = r["tanggal_lahir"]
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        assert 18 <= age <= 64
        # Kaur enrolled them all in December 2024: nobody was still 17 then.
        enrolled = date(2024, 12, 1)
        assert enrolled.year - born.year - ((enrolled.month, enrolled.day) < (born.month, born.day)) >= 18


def test_people_spread_over_all_kecamatan_and_villages_weighted_by_village_count(villages, rows):
    by_kecamatan = Counter(r["desa_id"][:8] for r in rows)
    assert len(by_kecamatan) == 15
    assert len({r["desa_id"] for r in rows}) == len(villages)
    villages_per_kecamatan = Counter(v.kecamatan_code for v in villages)
    for code, n in villages_per_kecamatan.items():
        expected = KAUR_WORKERS * n / len(villages)
        assert abs(by_kecamatan[code] - expected) < 0.25 * expected, (code, by_kecamatan[code], expected)


def test_a_few_percent_carry_another_bengkulu_prefix_and_most_their_own(rows):
    prefixes = Counter(
        "other" if not r["nik"].startswith("1704") else "home" if r["nik"][:6] == r["desa_id"][:8].replace(".", "") else "moved"
        for r in rows
    )
    assert 0.02 < prefixes["other"] / KAUR_WORKERS < 0.05
    assert prefixes["home"] / KAUR_WORKERS > 0.85


def test_occupations_phones_and_poverty_look_like_kaur(rows):
    jobs = Counter(r["pekerjaan_1"] for r in rows)
    assert jobs.most_common(1)[0][0] == "petani"
    coastal = [r for r in rows if r["desa_id"][:8] in COASTAL_KECAMATAN]
    inland = [r for r in rows if r["desa_id"][:8] not in COASTAL_KECAMATAN]
    assert sum(r["pekerjaan_1"] == "nelayan" for r in coastal) / len(coastal) > 0.10  # mostly the men
    assert not any(r["pekerjaan_1"] == "nelayan" for r in inland)
    with_phone = sum(bool(r["telepon"]) for r in rows) / KAUR_WORKERS
    assert 0.7 < with_phone < 0.9
    assert {r["desil"] for r in rows} == {1}
    assert Counter(r["jenis_kelamin"] for r in rows).keys() == {"L", "P"}
    assert all(r["pekerjaan_2"] != r["pekerjaan_1"] for r in rows)


def test_seeding_twice_adds_nothing(kaur):
    assert seed_workers("17.04", 500, 11) == 500
    assert seed_workers("17.04", 500, 11) == 0
    assert Peserta.objects.count() == 500
    assert Peserta.history.count() == 500  # history rows for bulk-created workers too
    assert Event.objects.filter(action="registry.demo_seeded").count() == 2
