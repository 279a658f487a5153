"""`lindung benefit`: the real command, through call_command and once through the console script."""

import json
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


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
    assert as_json("jkk-disability", "--total")["total"] == 56_000_000
    assert as_json("jkk-home-care", "--cost", "30000000")["total"] == 20_000_000


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
    (["jkk-disability", "--percent", "150"], "paling banyak 100"),
])
def test_bad_arguments_are_refused_in_indonesian(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_console_script_dispatches_the_command():
    done = subprocess.run(["uv", "run", "lindung", "benefit", "jkk-death", "--income", "1000000", "--arrears-months",
                           "0", "--event-date", "2025-04-20", "--json"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer) >= {"components", "total", "payable_now", "notes"}
    assert answer["total"] == answer["payable_now"] == 70_000_000
    bad = subprocess.run(["uv", "run", "lindung", "benefit", "jkm", "--income", "abc", "--contribution-months", "4"],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode != 0 and "Penghasilan harus bilangan bulat" in bad.stderr
