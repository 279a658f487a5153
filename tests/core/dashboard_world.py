"""A small regency for the regent's page, on 10 March 2026 (the tests set the day): six people, two programmes
in 2026 and one in 2025, bills, cards at every place, claims. What each figure must be is written beside it."""

from datetime import date, datetime
from unittest import mock

from django.utils import timezone

from lindung.cards.models import Card, PrintBatch
from lindung.claims.models import Claim
from lindung.enrolment.models import Membership
from lindung.payments.models import Bill, PaidMonth, Payment
from lindung.payments.protection import refresh
from lindung.programs.models import Programme
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE, OTHER_VILLAGE_KAUR_SELATAN, make_peserta

DAY = date(2026, 3, 10)  # March's due date is the 16th: February is the latest month due
KAUR_SELATAN, KINAL = "17.04.05", "17.04.01"

# lindung dashboard --json for the admin (all of Kaur) and the camat (Kaur Selatan) on DAY.
ADMIN_FIGURES = {
    "protected_today": 2, "in_arrears": 2, "lapsed": 1, "ended": 1, "not_yet_covered": 0,
    "budget": {"ceiling": 120_000_000, "committed": 151_200, "paid": 84_000, "remaining": 119_848_800},
    "cards": {"office": 2, "camat": 1, "village": 1, "delivered": 1, "overdue": 1},
    "claims": {"reported": 3, "paid": 2, "paid_rupiah": 47_000_000, "median_days": 16.5},
    "lapse_next_30": 1, "lapse_next_60": 2, "lapse_next_90": 3,
}
CAMAT_FIGURES = {
    "protected_today": 2, "in_arrears": 1, "lapsed": 1, "ended": 0, "not_yet_covered": 0,
    "budget": ADMIN_FIGURES["budget"],  # the budget is the regency's
    "cards": {"office": 0, "camat": 1, "village": 1, "delivered": 1, "overdue": 1},
    "claims": {"reported": 1, "paid": 1, "paid_rupiah": 5_000_000, "median_days": 20},
    "lapse_next_30": 0, "lapse_next_60": 1, "lapse_next_90": 2,
}


def on_day(day: date = DAY):
    """Today is ``day`` for the code (timezone.localdate); the clock's time stays."""
    return mock.patch.object(timezone, "localdate", lambda *args, **kwargs: day)


def _aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def build(users) -> dict:
    admin = users["admin"]
    kaur_2025 = Programme.objects.create(code="kaur-2025", name="Perlindungan 2025", year=2025, start=date(2025, 1, 1),
                                         end=date(2025, 12, 1), budget=300_000_000)
    kaur_2026 = Programme.objects.create(code="kaur-2026", name="Perlindungan 2026", year=2026, start=date(2026, 1, 1),
                                         end=date(2026, 12, 1), budget=100_000_000)
    Programme.objects.create(code="csr-2026", name="CSR 2026", year=2026, start=date(2026, 1, 1), end=date(2026, 6, 1),
                             budget=20_000_000)
    people = {}
    kpj = 26_000_000_000

    def member(name, desa, programme, paid, *, serial, **extra):
        nonlocal kpj
        person = people.get(name) or make_peserta(desa, name, serial=serial)
        people[name] = person
        kpj += 1
        m = Membership.objects.create(programme=programme, peserta=person, status=Membership.Status.ACTIVE,
                                      kpj=str(kpj), first=programme.start, last=programme.end, **extra)
        PaidMonth.objects.bulk_create([PaidMonth(membership=m, peserta=person, month=date(y, mo, 1), payer="apbd",
                                                 paid_on=date(y, mo, 10)) for y, mo in paid])
        return m

    ahmad = member("Ahmad Lunas", BANDAR_BINTUHAN, kaur_2026, [(2026, m) for m in range(1, 7)], serial=61)  # aktif
    siti = member("Siti Lunas", BANDAR_BINTUHAN, kaur_2026, [(2026, 1), (2026, 2)], serial=62)  # aktif, lapses 1 Jun
    budi = member("Budi Nunggak", OTHER_VILLAGE_KAUR_SELATAN, kaur_2026, [(2026, 1)], serial=63)  # 1 month, 1 May
    rudi = member("Rudi Lama", OTHER_VILLAGE_KAUR_SELATAN, kaur_2025, [(2025, 1)], serial=64)  # lapsed 1 May 2025
    joko = member("Joko Wafat", KINAL_VILLAGE, kaur_2026, [(2026, 1), (2026, 2)], serial=65,
                  ended_on=date(2026, 2, 20), end_kind="meninggal")  # ended
    wati = member("Wati Tahunlalu", KINAL_VILLAGE, kaur_2025, [(2025, m) for m in range(1, 13)], serial=66)
    # Wati: 2025 paid in full, so on 10 March 2026 January and February are unpaid (lapses 1 April 2026).
    member("Ahmad Lunas", BANDAR_BINTUHAN, kaur_2025, [], serial=61)  # an older membership: not his current one
    Membership.objects.create(programme=kaur_2026, peserta=make_peserta(KINAL_VILLAGE, "Tono Calon", serial=67),
                              first=date(2026, 1, 1), last=date(2026, 12, 1))  # a candidate: not registered
    refresh(Membership.objects.all())  # the stored protection, as the services keep it

    # Budget 2026: January approved and paid, February approved, March a draft; 2025's bills are not this year's.
    def bill(programme, month, status, total, paid=0):
        b = Bill.objects.create(programme=programme, month=month, status=status, due_date=month.replace(day=15),
                                members=total // 16_800, total=total, created_by=admin)
        if paid:
            Payment.objects.create(bill=b, sp2d_number=f"SP2D-{month:%Y%m}", paid_on=month.replace(day=12), amount=paid,
                                   recorded_by=admin)

    bill(kaur_2026, date(2026, 1, 1), Bill.Status.PAID, 84_000, paid=84_000)
    bill(kaur_2026, date(2026, 2, 1), Bill.Status.APPROVED, 67_200)
    bill(kaur_2026, date(2026, 3, 1), Bill.Status.DRAFT, 50_400)
    bill(kaur_2025, date(2025, 1, 1), Bill.Status.PAID, 33_600, paid=33_600)

    # Cards: delivered, at the camat since January (overdue), at the village since yesterday, printed, returned.
    batches = {k: PrintBatch.objects.create(programme=kaur_2026, kecamatan_id=k, number=n, cards=3, created_by=admin)
               for n, k in enumerate((KAUR_SELATAN, KINAL), start=1)}
    recent = _aware(2026, 3, 9, 10)
    for m, status, since, kec in ((ahmad, Card.Status.DELIVERED, _aware(2026, 2, 1, 10), KAUR_SELATAN),
                                  (siti, Card.Status.AT_CAMAT, _aware(2026, 1, 5, 10), KAUR_SELATAN),
                                  (budi, Card.Status.AT_VILLAGE, recent, KAUR_SELATAN),
                                  (joko, Card.Status.PRINTED, recent, KINAL),
                                  (wati, Card.Status.RETURNED, recent, KINAL)):
        Card.objects.create(membership=m, batch=batches[kec], number=f"{m.kpj}-1", status=status, since=since)
    Card.objects.create(membership=rudi, batch=batches[KAUR_SELATAN], number=f"{rudi.kpj}-1", status=Card.Status.VOIDED,
                        since=recent, void_reason="lost")

    # Claims: Joko's death paid in 13 days, Ahmad's accident paid in 20, Wati's accident just reported.
    def claim(number, m, kind, event, status, paid_on=None, amount=None):
        Claim.objects.create(number=number, membership=m, kind=kind, event_date=event, event_place="Kebun", cause="-",
                             reporter_name="Keluarga", reporter_relationship="istri", reported_by=admin,
                             reported_on=event, claim_due=date(2028, 1, 1), status=status, paid_on=paid_on,
                             paid_amount=amount)

    claim("KLM-2026-0001", joko, Claim.Kind.JKM, date(2026, 2, 20), Claim.Status.PAID, date(2026, 3, 5), 42_000_000)
    claim("KLM-2026-0002", ahmad, Claim.Kind.JKK_INJURY, date(2026, 1, 10), Claim.Status.PAID, date(2026, 1, 30),
          5_000_000)
    claim("KLM-2026-0003", wati, Claim.Kind.JKK_INJURY, date(2026, 3, 1), Claim.Status.REPORTED)
    return {"people": people, "kaur_2026": kaur_2026, "members": {
        "ahmad": ahmad, "siti": siti, "budi": budi, "rudi": rudi, "joko": joko, "wati": wati}}
