"""Kaur's 2025 programme as the demo's: P3KE desil 1, ages 18–64 on 1 January 2025, the Rp300 million the
office proposed, JKK + JKM at the lowest income tier paid from the APBD for January to December.

`run_demo_programme` then carries it the way Kaur did: the whole group protected while the money lasts
(January–February 2025), registered with BPJS, both bills approved and paid on time — so the hand-over to
self-paid membership, with everyone lapsing on 1 June 2025 unless someone pays, is there to see, its notices
queued in the outbox."""

from datetime import date

from .models import Programme, Scenario

PKS = "PKS/560/DISNAKER-KAUR/2024"


def ensure_demo_programme(regency: str) -> Programme:
    programme, _ = Programme.objects.get_or_create(
        code="kaur-2025" if regency == "17.04" else f"program-{regency.replace('.', '')}-2025",
        defaults={"name": "Perlindungan Pekerja Rentan 2025", "year": 2025, "start": date(2025, 1, 1),
                  "end": date(2025, 12, 1), "budget": 300_000_000},
    )
    return programme


def run_demo_programme(regency: str, operator, admin) -> Programme:
    """Each step through its service, by the demo's operator (who makes) and admin (who approves); a step
    already done is skipped, so running the demo again changes nothing."""
    from lindung.enrolment.models import Membership
    from lindung.enrolment.services import import_answer, submit_registration
    from lindung.payments.handover_services import prepare_messages
    from lindung.payments.models import Bill
    from lindung.payments.services import approve_bill, generate_bill, record_payment

    from .selectors import Settings
    from .services import advance_status, approve_scenario, save_programme, save_scenario

    programme = ensure_demo_programme(regency)
    if programme.plan_id is None:
        approve_scenario(admin, save_scenario(operator, programme, Settings.of(programme), Scenario.Kind.EVERYONE))
    if programme.memberships.filter(status=Membership.Status.CANDIDATE).exists():
        submit_registration(operator, programme)
    waiting = programme.memberships.filter(status=Membership.Status.SUBMITTED).order_by("pk")
    if waiting.exists():  # BPJS's answer: a KPJ for everyone, numbered in the order sent
        rows = [f"{nik},{25_000_000_000 + pk}" for pk, nik in waiting.values_list("pk", "peserta__nik")]
        outcome = import_answer(operator, programme, ["NIK,No. KPJ\n".encode(), "\n".join(rows).encode()])
        if outcome.errors:
            raise RuntimeError(f"Demo KPJ answer refused: {outcome.findings}")
    programme.refresh_from_db()
    if programme.status == Programme.Status.APPROVED:
        programme.pks_number, programme.pks_date = PKS, date(2024, 12, 20)
        advance_status(admin, save_programme(admin, programme))
    for month, paid_on in (("2025-01", date(2025, 1, 13)), ("2025-02", date(2025, 2, 12))):
        bill = programme.bills.filter(month=f"{month}-01").first() or generate_bill(operator, programme, month).bill
        if bill.status == Bill.Status.DRAFT:
            bill = approve_bill(admin, bill)
        if bill.status == Bill.Status.APPROVED:
            record_payment(admin, bill, f"SP2D/{month}/BKAD-KAUR", paid_on, bill.total)
    prepare_messages(operator, programme)  # queued once: preparing again adds none
    return programme
