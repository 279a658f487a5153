"""A claim's rules without a database: heirs in legal order, documents per kind, the steps, the deadlines."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.rules.claims import (
    HEIR_GROUPS,
    MOVES,
    OPEN,
    STATUS_LABELS,
    Facts,
    Kind,
    Relationship,
    Status,
    check_claim_deadline,
    check_heirs,
    check_move,
    checklist,
    deadlines,
    heir_group,
    missing_documents,
    warnings,
)
from lindung.rules.holidays import SHIPPED
from lindung.rules.regulation import DEFAULT

R, S = Relationship, Status


# --- heirs ---------------------------------------------------------------------------------------


def test_a_sibling_while_a_widow_exists_is_refused_with_the_reason():
    with pytest.raises(ValueError) as refused:
        check_heirs([R.WIDOW, R.SIBLING])
    text = str(refused.value)
    assert text.startswith("Saudara kandung tidak dapat menjadi ahli waris selama ada janda")
    assert "ke-1 didahulukan dari ke-3" in text and "Hapus saudara kandung" in text
    # The order does not matter: the widow named after the sibling is the same conflict.
    with pytest.raises(ValueError, match="Saudara kandung tidak dapat"):
        check_heirs([R.SIBLING, R.WIDOW])


def test_the_six_groups_in_legal_order():
    assert [heir_group(r) for r in (R.WIDOW, R.WIDOWER, R.CHILD)] == [1, 1, 1]
    assert [heir_group(r) for r in (R.PARENT, R.GRANDPARENT, R.GRANDCHILD)] == [2, 2, 2]
    assert [heir_group(r) for r in (R.SIBLING, R.PARENT_IN_LAW, R.WILL, R.FUNERAL)] == [3, 4, 5, 6]
    assert set().union(*HEIR_GROUPS) == set(R)  # every relationship has its place, once
    assert sum(len(g) for g in HEIR_GROUPS) == len(R)


def test_heirs_of_one_group_share_and_the_first_group_named_is_in_force():
    assert check_heirs([]) is None
    assert check_heirs([R.WIDOW, R.CHILD, R.CHILD]) == 1
    assert check_heirs([R.PARENT, R.GRANDCHILD]) == 2
    assert check_heirs(["saudara_kandung", "saudara_kandung"]) == 3
    assert check_heirs([R.FUNERAL]) == 6
    with pytest.raises(ValueError, match="Orang tua tidak dapat menjadi ahli waris selama ada anak"):
        check_heirs([R.CHILD, R.PARENT])
    with pytest.raises(ValueError, match="Mertua/pihak yang ditunjuk dalam wasiat tidak dapat .* selama ada saudara kandung"):
        check_heirs([R.SIBLING, R.PARENT_IN_LAW, R.WILL])
    with pytest.raises(ValueError, match="Pihak yang mengurus pemakaman tidak dapat .* selama ada pihak yang ditunjuk"):
        check_heirs([R.WILL, R.FUNERAL])


def test_the_spouse_left_fits_the_members_sex_and_unknown_relationships_are_refused():
    assert check_heirs([R.WIDOW], member_sex="L") == 1
    with pytest.raises(ValueError, match="Peserta laki-laki meninggalkan janda, bukan duda"):
        check_heirs([R.WIDOWER], member_sex="L")
    with pytest.raises(ValueError, match="Peserta perempuan meninggalkan duda, bukan janda"):
        check_heirs([R.WIDOW, R.CHILD], member_sex="P")
    with pytest.raises(ValueError, match="Hubungan ahli waris 'tetangga' tidak dikenal"):
        check_heirs(["tetangga"])


@given(st.lists(st.sampled_from(list(R)), min_size=1, max_size=8))
def test_a_list_is_accepted_exactly_when_all_are_of_one_group(named):
    groups = {heir_group(r) for r in named}
    if len(groups) == 1:
        assert check_heirs(named) == groups.pop()
    else:
        with pytest.raises(ValueError, match="tidak dapat menjadi ahli waris selama ada"):
            check_heirs(named)


# --- documents -----------------------------------------------------------------------------------


def codes(kind, traffic=False, required_only=False):
    return [d.code for d in checklist(kind, traffic) if d.required or not required_only]


def test_the_checklist_per_kind():
    death = ["surat_kematian", "surat_ahli_waris", "kartu_peserta", "ktp_peserta", "ktp_ahli_waris", "kk", "rekening"]
    assert codes(Kind.JKM) == death
    assert codes(Kind.JKM, traffic=True) == death  # a death outside work: no police report asked
    assert codes(Kind.JKK_DEATH) == death + ["surat_dokter", "kuitansi"]
    assert codes(Kind.JKK_DEATH, traffic=True) == death + ["surat_dokter", "kuitansi", "laporan_polisi"]
    assert codes(Kind.JKK_INJURY, required_only=True) == ["kartu_peserta", "ktp_peserta", "kk", "rekening", "surat_dokter"]
    assert "laporan_polisi" in codes(Kind.JKK_INJURY, traffic=True, required_only=True)
    assert "surat_kematian" not in codes(Kind.JKK_INJURY)
    labels = {d.code: d.label for d in checklist(Kind.JKK_INJURY, True)}
    assert labels["laporan_polisi"] == "Laporan polisi (kecelakaan lalu lintas)"
    assert labels["surat_dokter"] == "Surat keterangan dokter"


def test_missing_documents_ignore_the_optional_receipts():
    have = ["kartu_peserta", "ktp_peserta", "kk", "rekening"]
    assert [d.code for d in missing_documents(Kind.JKK_INJURY, False, have)] == ["surat_dokter"]
    assert missing_documents(Kind.JKK_INJURY, False, have + ["surat_dokter"]) == []
    assert [d.code for d in missing_documents(Kind.JKK_INJURY, True, have + ["surat_dokter"])] == ["laporan_polisi"]


# --- the steps -----------------------------------------------------------------------------------


def test_the_path_to_payment_and_the_rejection_with_a_reason():
    for current, to in [(S.REPORTED, S.DOCUMENTS_COMPLETE), (S.DOCUMENTS_COMPLETE, S.SUBMITTED),
                        (S.SUBMITTED, S.APPROVED), (S.APPROVED, S.PAID)]:
        check_move(current, to)
    check_move(S.SUBMITTED, S.REJECTED, "Peserta nonaktif pada tanggal peristiwa")
    with pytest.raises(ValueError, match="harus disertai alasan"):
        check_move(S.SUBMITTED, S.REJECTED, "  ")
    with pytest.raises(ValueError, match="Alasan hanya dicatat untuk klaim yang ditolak"):
        check_move(S.SUBMITTED, S.APPROVED, "bagus")


@pytest.mark.parametrize("current,to", [(S.REPORTED, S.SUBMITTED), (S.REPORTED, S.PAID), (S.SUBMITTED, S.PAID),
                                        (S.DOCUMENTS_COMPLETE, S.APPROVED), (S.REJECTED, S.PAID), (S.PAID, S.REPORTED)])
def test_an_illegal_move_is_refused_naming_both_steps(current, to):
    with pytest.raises(ValueError) as refused:
        check_move(current, to, "alasan" if to == S.REJECTED else "")
    assert STATUS_LABELS[current] in str(refused.value) and STATUS_LABELS[to] in str(refused.value)


def test_rejected_and_paid_are_final():
    for final in (S.REJECTED, S.PAID):
        for to in S:
            with pytest.raises(ValueError, match="sudah final"):
                check_move(final, to, "x")
    with pytest.raises(ValueError, match="tidak dikenal"):
        check_move("hilang", S.PAID)


PATH = [S.REPORTED, S.DOCUMENTS_COMPLETE, S.SUBMITTED]


@given(st.lists(st.tuples(st.sampled_from(list(S)), st.sampled_from(["", "Dokumen palsu"])), max_size=30))
@settings(max_examples=400)
def test_no_sequence_of_moves_reaches_an_illegal_state(sequence):
    state, seen, reasons = S.REPORTED, [S.REPORTED], {}
    for to, reason in sequence:
        legal = to in MOVES[state] and (bool(reason) == (to == S.REJECTED))
        try:
            check_move(state, to, reason)
        except ValueError:
            assert not legal
            continue
        assert legal
        state = to
        seen.append(state)
        reasons[state] = reason
    # Whatever was tried, the steps taken are a prefix of reported → complete → submitted → decided → paid.
    assert seen[:3] == PATH[:len(seen[:3])]
    assert len(seen) == len(set(seen))  # never back to an earlier step
    if S.PAID in seen:
        assert seen == [*PATH, S.APPROVED, S.PAID]
    if S.REJECTED in seen:
        assert seen == [*PATH, S.REJECTED] and reasons[S.REJECTED]
    assert (state in OPEN) == (state not in (S.REJECTED, S.PAID))


# --- deadlines -----------------------------------------------------------------------------------


def test_stage_one_is_two_days_after_the_accident_and_only_for_jkk():
    assert deadlines(Kind.JKK_INJURY, date(2025, 3, 28)).stage_one == date(2025, 3, 30)  # a Sunday: 2×24 hours
    assert deadlines(Kind.JKK_DEATH, date(2025, 3, 28)).stage_one == date(2025, 3, 30)
    assert deadlines(Kind.JKM, date(2025, 3, 28)).stage_one is None
    assert deadlines(Kind.JKK_INJURY, date(2025, 3, 28), doctor_statement_on=date(2025, 4, 2)).stage_two == date(2025, 4, 4)


def test_the_claim_deadline_is_five_years_after_the_event():
    assert deadlines(Kind.JKM, date(2025, 4, 20)).claim == date(2030, 4, 20)
    assert deadlines(Kind.JKK_INJURY, date(2024, 2, 29)).claim == date(2029, 2, 28)
    check_claim_deadline(Kind.JKM, date(2025, 4, 20), date(2030, 4, 20))
    with pytest.raises(ValueError, match="Hak klaim sudah gugur.*batas klaim 20 April 2030"):
        check_claim_deadline(Kind.JKM, date(2025, 4, 20), date(2030, 4, 21))
    with pytest.raises(ValueError, match="belum terjadi"):
        check_claim_deadline(Kind.JKM, date(2025, 4, 21), date(2025, 4, 20))


def test_golden_the_jkm_claim_deadline_is_a_setting_the_jkk_one_stays_five_years():
    """PP 44/2015 jo. PP 82/2019: 5 years for JKK (firm); the JKM deadline is open (DOMAIN.md section 8), the setting
    ``jkm_claim_years`` (5 by default)."""
    two = DEFAULT.with_values({"jkm_claim_years": 2})
    assert deadlines(Kind.JKM, date(2025, 4, 20), reg=two).claim == date(2027, 4, 20)
    assert deadlines(Kind.JKK_DEATH, date(2025, 4, 20), reg=two).claim == date(2030, 4, 20)
    assert deadlines(Kind.JKK_INJURY, date(2025, 4, 20), reg=two).claim == date(2030, 4, 20)
    with pytest.raises(ValueError, match="lebih dari 2 tahun lalu"):
        check_claim_deadline(Kind.JKM, date(2025, 4, 20), date(2027, 4, 21), reg=two)
    check_claim_deadline(Kind.JKK_DEATH, date(2025, 4, 20), date(2027, 4, 21), reg=two)
    old = Facts(kind=Kind.JKM, status=S.REPORTED, event_day=date(2025, 4, 20), reported_on=date(2025, 4, 21))
    assert [(w.code, w.overdue) for w in warnings(old, date(2027, 4, 21), two)] == [("claim_deadline", True)]
    assert warnings(old, date(2027, 4, 21)) == []  # 5 years by default: not near yet


def test_golden_a_suspected_work_accident_is_decided_within_30_days_of_its_first_report():
    """PP 49/2023 Ps 25A-25B: BPJS decides on a suspected work accident within 30 days of the first report; the
    decision is due while the claim waits for it, and overdue after."""
    suspected = facts(suspected=True)  # first reported on 14 March 2026
    assert suspected.deadlines().decision == date(2026, 4, 13)
    assert facts().deadlines().decision is None
    assert deadlines(Kind.JKM, date(2026, 3, 13), suspected_reported_on=date(2026, 3, 14)).decision is None
    waiting = warnings(suspected, date(2026, 4, 13))
    assert [(w.code, w.overdue, w.due) for w in waiting] == [("suspected_decision", False, date(2026, 4, 13))]
    assert "30 hari sejak laporan pertama 14 Maret 2026" in waiting[0].text
    assert [(w.code, w.overdue) for w in warnings(suspected, date(2026, 4, 14))] == [("suspected_decision", True)]
    submitted = facts(suspected=True, status=S.SUBMITTED, submitted_on=date(2026, 4, 1))
    assert [w.code for w in warnings(submitted, date(2026, 4, 14))] == ["suspected_decision", "payment"]
    decided = facts(suspected=True, status=S.APPROVED, submitted_on=date(2026, 4, 1))
    assert "suspected_decision" not in [w.code for w in warnings(decided, date(2026, 4, 14))]


def test_payment_is_due_in_working_days_over_weekends_and_holidays():
    # Submitted on Thursday 6 March 2025: JKM in 3 working days skips the weekend.
    assert deadlines(Kind.JKM, date(2025, 3, 1), submitted_on=date(2025, 3, 6)).payment == date(2025, 3, 11)
    # Submitted Tuesday 17 March 2026, the eve of Nyepi and Idul Fitri: 18–24 March are holidays or cuti bersama.
    assert deadlines(Kind.JKM, date(2026, 3, 1), submitted_on=date(2026, 3, 17)).payment == date(2026, 3, 27)
    # JKK: 7 working days from Friday 13 March 2026 — 16, 17, then 25, 26, 27, 30, 31 March.
    assert deadlines(Kind.JKK_DEATH, date(2026, 3, 1), submitted_on=date(2026, 3, 13)).payment == date(2026, 3, 31)
    assert SHIPPED.add_working_days(date(2026, 3, 13), 0) == date(2026, 3, 13)
    assert deadlines(Kind.JKM, date(2026, 3, 1)).payment is None


def facts(**given):
    return Facts(**{"kind": Kind.JKK_INJURY, "status": S.REPORTED, "event_day": date(2026, 3, 13),
                    "reported_on": date(2026, 3, 14), **given})


def test_warnings_late_stage_reports_and_a_near_or_past_claim_deadline():
    assert warnings(facts(), date(2026, 3, 14)) == []
    late = warnings(facts(reported_on=date(2026, 3, 16)), date(2026, 3, 16))
    assert [(w.code, w.overdue) for w in late] == [("stage_one_late", False)]
    assert "Laporan tahap I terlambat" in late[0].text and "15 Maret 2026" in late[0].text
    stage_two = facts(doctor_statement_on=date(2026, 3, 20))
    assert [(w.code, w.overdue) for w in warnings(stage_two, date(2026, 3, 22))] == [("stage_two", False)]
    assert [(w.code, w.overdue) for w in warnings(stage_two, date(2026, 3, 23))] == [("stage_two", True)]
    old = facts(event_day=date(2021, 3, 13), reported_on=date(2021, 3, 14))
    assert [(w.code, w.overdue) for w in warnings(old, date(2025, 12, 12))] == []  # 90 days before: none yet
    assert [(w.code, w.overdue) for w in warnings(old, date(2025, 12, 13))] == [("claim_deadline", False)]
    expired = warnings(old, date(2026, 3, 14))
    assert [(w.code, w.overdue) for w in expired] == [("claim_deadline", True)] and "hak klaim gugur" in expired[0].text


def test_a_payment_past_its_working_days_is_overdue_until_paid():
    submitted = facts(kind=Kind.JKM, status=S.SUBMITTED, submitted_on=date(2026, 3, 17))
    assert warnings(submitted, date(2026, 3, 27)) == []
    overdue = warnings(submitted, date(2026, 3, 30))
    assert [(w.code, w.overdue, w.due) for w in overdue] == [("payment", True, date(2026, 3, 27))]
    assert "3 hari kerja" in overdue[0].text
    assert warnings(facts(kind=Kind.JKM, status=S.APPROVED, submitted_on=date(2026, 3, 17)), date(2026, 3, 30))
    assert warnings(facts(kind=Kind.JKM, status=S.PAID, submitted_on=date(2026, 3, 17), paid_on=date(2026, 4, 9)),
                    date(2026, 4, 10)) == []
    assert warnings(facts(status=S.REJECTED, reported_on=date(2026, 3, 20)), date(2031, 1, 1)) == []
