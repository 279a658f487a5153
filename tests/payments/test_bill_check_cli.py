"""`lindung bill check CODE YYYY-MM`: the check before approval on the command line, its JSON counts, members
taken off the bill with --exclude and --reason, and the refusals (no bill, no reason, a read-only user)."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from lindung.life import services as life
from lindung.payments import services
from lindung.payments.models import Bill, BillFinding
from lindung.rules.bill_check import RULES, Rule
from tests.conftest import plan_programme
from tests.factories import run


@pytest.fixture
def draft(users):
    """Five members of Kaur 2025, active with their KPJ, and January 2025's draft bill: nothing to find."""
    programme = run(plan_programme(users))
    return services.generate_bill(users["operator"], programme, "2025-01").bill


def member(bill, index):
    return bill.lines.order_by("peserta__nik").select_related("peserta")[index].peserta


def bill(*args, user="operator") -> str:
    out = io.StringIO()
    call_command("bill", *args, "--user", user, stdout=out)
    return out.getvalue()


def test_the_check_in_json_then_the_dead_taken_off_the_bill(users, draft):
    code = draft.programme.code
    assert json.loads(bill("check", code, "2025-01", "--json")) == {
        "bill": draft.pk, "month": "2025-01", "status": "draft", "members": 5, "findings": {}, "open": 0,
        "excluded": 0, "kept": 0}
    dead, moved = member(draft, 0), member(draft, 1)
    life.report_death(users["admin"], dead, died_on=date(2024, 12, 20))
    life.record(users["admin"], moved, kind="moved_out", happened_on=date(2024, 11, 1), source="typed")
    assert json.loads(bill("check", code, "2025-01", "--json")) == {
        "bill": draft.pk, "month": "2025-01", "status": "draft", "members": 5,
        "findings": {"died": 1, "moved_out": 1}, "open": 2, "excluded": 0, "kept": 0}

    done = json.loads(bill("check", code, "2025-01", "--json", "--exclude", "died", "--reason",
                           "Dilaporkan meninggal oleh desa"))
    assert done == {"bill": draft.pk, "month": "2025-01", "status": "draft", "members": 4,
                    "findings": {"died": 1, "moved_out": 1}, "open": 1, "excluded": 1, "kept": 0}
    draft.refresh_from_db()
    assert draft.members == 4 and draft.total == 4 * 16_800
    assert not draft.lines.filter(peserta=dead).exists()
    excluded = draft.findings.get(outcome=BillFinding.Outcome.EXCLUDED)
    assert (excluded.peserta, excluded.note, excluded.decided_by) == (dead, "Dilaporkan meninggal oleh desa",
                                                                     users["operator"])

    # the human summary: every rule's title with its counts, in Indonesian
    text = bill("check", code, "2025-01")
    assert f"#{draft.pk} {code} 2025-01" in text and "4 peserta ditagih" in text
    died_line = next(ln for ln in text.splitlines() if RULES[Rule.DIED].title in ln)
    assert "0 terbuka, 1 dikeluarkan, 0 tetap dibayar" in died_line
    moved_line = next(ln for ln in text.splitlines() if RULES[Rule.MOVED_OUT].title in ln)
    assert "1 terbuka, 0 dikeluarkan, 0 tetap dibayar" in moved_line
    assert all(RULES[r].title in text for r in Rule) and "1 temuan terbuka" in text
    assert "1 peserta dikeluarkan" in bill("check", code, "2025-01", "--exclude", "moved_out", "--reason", "Pindah")
    assert json.loads(bill("check", code, "2025-01", "--json"))["members"] == 3


def test_an_approved_bill_is_read_as_its_check_left_it_not_checked_again(users, draft):
    life.report_death(users["admin"], member(draft, 0), died_on=date(2024, 12, 20))
    bill("check", draft.programme.code, "2025-01")
    services.approve_bill(users["admin"], draft, note="Kematian belum diverifikasi")
    approved = Bill.objects.get(pk=draft.pk)
    assert approved.findings.get().outcome == BillFinding.Outcome.KEPT
    life.record(users["admin"], member(draft, 1), kind="moved_out", happened_on=date(2024, 11, 1), source="typed")
    read = json.loads(bill("check", draft.programme.code, "2025-01", "--json"))
    assert (read["findings"], read["kept"], read["open"]) == ({"died": 1}, 1, 0)  # the move came after: not found
    assert Bill.objects.get(pk=draft.pk).checked_at == approved.checked_at
    with pytest.raises(CommandError, match="sudah disetujui"):
        bill("check", draft.programme.code, "2025-01", "--exclude", "died", "--reason", "terlambat")


def test_what_the_check_refuses(users, draft):
    code = draft.programme.code
    with pytest.raises(CommandError, match="belum dibuat"):
        bill("check", code, "2025-02")
    with pytest.raises(CommandError, match="tidak ada"):
        bill("check", "tidak-ada", "2025-01")
    with pytest.raises(CommandError, match="TTTT-BB"):
        bill("check", code, "Januari")
    with pytest.raises(CommandError, match="bill check KODE TTTT-BB"):
        bill("check", code)
    with pytest.raises(CommandError, match="--reason"):
        bill("check", code, "2025-01", "--exclude", "died")
    with pytest.raises(CommandError, match="Aturan tidak dikenal: mati"):
        bill("check", code, "2025-01", "--exclude", "mati", "--reason", "x")
    with pytest.raises(CommandError, match="Tidak ada temuan terbuka"):
        bill("check", code, "2025-01", "--exclude", "died", "--reason", "x")
    for role in ("camat", "auditor", "pimpinan"):
        with pytest.raises(CommandError, match="Hanya Admin/Operator Dinas"):
            bill("check", code, "2025-01", user=role)
    # the plain form still needs its programme, and takes no check arguments
    with pytest.raises(CommandError, match="--programme"):
        bill("2025-01")
    with pytest.raises(CommandError, match="--exclude"):
        bill("2025-01", "--programme", code, "--exclude", "died", "--reason", "x")
    assert json.loads(bill("2025-01", "--programme", code, "--json"))["members"] == 5
    # options may stand anywhere, also between the check's code and month
    assert json.loads(bill("check", "--json", code, "2025-01"))["findings"] == {}
