"""`lindung benefit`: the real command, through call_command and once through the console script. The settings of
the regulation come from the database (lindung.regulation), so the commands run on the test database."""

import json
import os
import subprocess
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lindung.regulation.models import SettingChange
from lindung.rules.regulation import DEFAULT, VERSION

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("benefit", *args, stdout=out)
    return out.getvalue()


def as_json(*args: str) -> dict:
    return json.loads(run(*args, "--json"))


def test_jkm_active_with_two_children_at_40_months():
    answer = as_json("jkm", "--income", "1000000", "--contribution-months", "40", "--arrears-months", "0",
                     "--children-ages", "7,15", "--event-date", "2025-04-20")
    assert answer["components"] == {"Santunan sekaligus": 20_000_000, "Santunan berkala (24 bulan)": 12_000_000,
                                    "Biaya pemakaman": 10_000_000, "Beasiswa anak 1 (SD)": 1_500_000,
                                    "Beasiswa anak 2 (SMA)": 3_000_000}
    assert answer["total"] == answer["payable_now"] == 46_500_000
    assert answer["payable_after_arrears"] == 0 and answer["status"] == "aktif"
    assert answer["rule_version"] == "JKM PP 82/2019 sejak 2019-12-02"
    assert answer["notes"][0] == "Peserta aktif pada tanggal peristiwa: semua manfaat dibayar."


def test_jkm_in_arrears_shows_the_arrears_to_pay_first():
    answer = as_json("jkm", "--contribution-months", "12", "--arrears-months", "2", "--event-date", "2025-04-20")
    assert (answer["total"], answer["payable_now"], answer["payable_after_arrears"]) == (42_000_000, 10_000_000,
                                                                                      32_000_000)
    assert (answer["arrears_months"], answer["arrears_amount"]) == (2, 33_600)  # 2 × Rp16,800 (APBD rate)
    text = run("jkm", "--contribution-months", "12", "--arrears-months", "2", "--event-date", "2025-04-20")
    assert "Menunggak 2 bulan" in text
    assert [line.split() for line in text.splitlines() if line.startswith("  Biaya pemakaman")] == [
        ["Biaya", "pemakaman", "Rp10.000.000"]]
    assert "Tunggakan iuran yang dilunasi dulu      Rp33.600" in text


def test_jkm_lapsed_says_so_with_the_date():
    answer = as_json("jkm", "--contribution-months", "40", "--arrears-months", "4", "--event-date", "2025-04-20")
    assert answer["components"] == {} and answer["total"] == answer["payable_now"] == 0
    assert answer["lapsed_on"] == "2025-04-01" and answer["notes"][0].startswith("Nonaktif sejak 1 April 2025")


def test_jkk_death_human_table_lines_up():
    text = run("jkk-death", "--income", "1000000", "--arrears-months", "0", "--event-date", "2025-04-20")
    rows = [line for line in text.splitlines() if line.startswith("  ")]
    assert [r.split("Rp")[-1] for r in rows] == ["48.000.000", "12.000.000", "10.000.000", "70.000.000", "70.000.000"]
    assert len({len(r) for r in rows}) == 1  # amounts right-aligned in one column
    assert "Santunan kematian (48 × penghasilan)" in rows[0]


def test_other_jkk_benefits():
    assert as_json("jkk-stmb", "--days", "390", "--event-date", "2025-04-20")["total"] == 12_500_000
    assert as_json("jkk-transport", "--mode", "udara", "--cost", "12.000.000")["components"] == {
        "Biaya transportasi udara": 10_000_000}
    assert as_json("jkk-disability", "--percent", "10")["total"] == 8_000_000
    assert as_json("jkk-disability", "--total")["total"] == 68_000_000  # 56 M + the periodic benefit
    assert as_json("jkk-home-care", "--cost", "30000000")["total"] == 20_000_000


def test_transport_by_river_shares_the_land_cap_and_waits_for_the_arrears():
    answer = as_json("jkk-transport", "--mode", "sungai", "--cost", "6000000", "--arrears-months", "1",
                     "--event-date", "2025-04-20")
    assert answer["components"] == {"Biaya transportasi sungai": 5_000_000}
    assert (answer["payable_now"], answer["payable_after_arrears"]) == (0, 5_000_000)  # a cash benefit
    assert as_json("jkk-transport", "--mode", "danau", "--cost", "100000")["total"] == 100_000


def test_total_disability_with_the_childrens_ages_and_partial_loss_of_function():
    answer = as_json("jkk-disability", "--total", "--children-ages", "4,9", "--event-date", "2025-04-20")
    assert answer["components"] == {"Cacat total tetap (70% × 80 × penghasilan)": 56_000_000,
                                    "Santunan berkala (24 bulan)": 12_000_000,
                                    "Beasiswa anak 1 (TK)": 1_500_000, "Beasiswa anak 2 (SD)": 1_500_000}
    assert [s["level"] for s in answer["scholarships"]] == ["TK", "SD"]
    partial = as_json("jkk-disability", "--percent", "10", "--function-lost", "50", "--event-date", "2025-04-20")
    assert partial["total"] == 4_000_000  # 50 % × 10 % × 80 × Rp1,000,000
    with pytest.raises(CommandError, match="tidak ada di tabel cacat sebagian"):
        run("jkk-disability", "--part", "lengan-kanan", "--function-lost", "50")


def test_a_part_of_the_body_and_an_aid_are_read_from_the_settings_of_the_event_day(users):
    with pytest.raises(CommandError, match="belum ada baris"):
        run("jkk-disability", "--part", "telunjuk", "--event-date", "2026-03-02")
    SettingChange.objects.create(name="disability_parts", value=[["telunjuk", "Telunjuk kanan", "9"]],
                                 effective_from=date(2026, 3, 1), reason="PP 82/2019 Lampiran III",
                                 changed_by=users["admin"])
    SettingChange.objects.create(name="aid_caps", value=[["kacamata", "Kacamata", 1_000_000]],
                                 effective_from=date(2026, 3, 1), reason="PP 82/2019 Lampiran III",
                                 changed_by=users["admin"])
    with pytest.raises(CommandError, match="belum ada baris"):  # the event before the row was entered
        run("jkk-disability", "--part", "telunjuk", "--event-date", "2026-02-27")
    part = as_json("jkk-disability", "--part", "telunjuk", "--income", "1000000", "--event-date", "2026-03-02")
    assert part["total"] == 7_200_000 and part["settings"]["disability_parts"] == [["telunjuk", "Telunjuk kanan", "9"]]
    aid = as_json("jkk-aid", "--aid", "kacamata", "--cost", "1500000", "--event-date", "2026-03-02")
    assert aid["components"] == {"Kacamata": 1_000_000} and aid["payable_now"] == 1_000_000


def test_every_json_output_names_the_rule_version_and_the_settings_of_the_event_day(users):
    answer = as_json("jkm", "--contribution-months", "40", "--event-date", "2025-04-20")
    assert answer["regulation_version"] == VERSION and answer["settings"] == DEFAULT.as_dict()
    SettingChange.objects.create(name="total_disability_percent", value=60, effective_from=date(2025, 1, 1),
                                 reason="uji", changed_by=users["admin"])
    after = as_json("jkk-disability", "--total", "--event-date", "2025-04-20")
    assert after["settings"]["total_disability_percent"] == 60
    assert after["components"]["Cacat total tetap (60% × 80 × penghasilan)"] == 48_000_000
    before = as_json("jkk-disability", "--total", "--event-date", "2024-12-31")  # the day before the change
    assert before["settings"]["total_disability_percent"] == 70 and before["total"] == 68_000_000


def test_jkk_death_at_an_unconfigured_income_needs_the_contribution_only_in_arrears():
    assert as_json("jkk-death", "--income", "5000000", "--event-date", "2025-04-20")["total"] == 262_000_000
    with pytest.raises(CommandError, match="belum ada di tabel tingkat penghasilan.*--monthly-contribution"):
        run("jkk-death", "--income", "5000000", "--arrears-months", "1", "--event-date", "2025-04-20")
    answer = as_json("jkk-death", "--income", "5000000", "--arrears-months", "1", "--event-date", "2025-04-20",
                     "--monthly-contribution", "56800")
    assert answer["arrears_amount"] == 56_800 and answer["payable_now"] == 0


@pytest.mark.parametrize("args, message", [
    (["jkm", "--income", "-1000000", "--contribution-months", "40"], "Penghasilan harus bilangan bulat"),
    (["jkm", "--income", "abc", "--contribution-months", "40"], "bukan 'abc'"),
    (["jkm", "--income", "0", "--contribution-months", "40"], "Penghasilan harus lebih dari 0"),
    (["jkm", "--contribution-months", "x"], "Masa iuran"),
    (["jkm", "--contribution-months", "40", "--children-ages", "7,150"], "Umur anak harus 0 sampai 100"),
    (["jkm", "--contribution-months", "40", "--children-ages", "7,,9"], "Umur anak"),
    (["jkm", "--contribution-months", "40", "--event-date", "20-04-2025"], "TTTT-BB-HH"),
    (["jkk-death", "--arrears-months", "-2"], "tunggakan"),
    (["jkk-transport", "--mode", "kapal", "--cost", "100"], "Moda transportasi tidak dikenal: 'kapal'"),
    (["jkk-disability"], "--percent.*--total"),
    (["jkk-disability", "--percent", "10", "--total"], "--percent.*--total"),
    (["jkk-disability", "--percent", "150"], "paling banyak 100"),
    (["jkk-disability", "--percent", "10", "--function-lost", "0"], "lebih dari 0"),
    (["jkk-disability", "--total", "--function-lost", "50"], "hanya untuk cacat sebagian"),
    (["jkk-disability", "--percent", "10", "--children-ages", "4"], "hanya untuk cacat total"),
])
def test_bad_arguments_are_refused_in_indonesian(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_console_script_dispatches_the_command(tmp_path):
    # A database of its own with the settings' table (only the regulation app's migrations: the rest is not read).
    env = {**os.environ, "LINDUNG_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    subprocess.run(["uv", "run", "lindung", "migrate", "regulation", "-v0"], cwd=ROOT, env=env, check=True)
    done = subprocess.run(["uv", "run", "lindung", "benefit", "jkk-death", "--income", "1000000", "--arrears-months",
                           "0", "--event-date", "2025-04-20", "--json"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer) >= {"components", "total", "payable_now", "notes", "regulation_version", "settings"}
    assert answer["total"] == answer["payable_now"] == 70_000_000
    bad = subprocess.run(["uv", "run", "lindung", "benefit", "jkm", "--income", "abc", "--contribution-months", "4"],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert bad.returncode != 0 and "Penghasilan harus bilangan bulat" in bad.stderr
