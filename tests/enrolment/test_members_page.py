"""The enrolment page's counts per kecamatan and its member list, read the fast way (one pass over the kept
protection; the list walked in the register's order), against their plain definitions: a count member by member
with the coverage engine, and the members sorted by village, name and person."""

from collections import Counter, defaultdict
from datetime import date

import pytest
from django.urls import reverse

from lindung.enrolment import selectors, services
from lindung.enrolment.models import Membership
from lindung.payments.protection import refresh
from lindung.payments.selectors import membership_coverage
from lindung.programs.services import advance_status, save_programme
from lindung.registry.models import Peserta
from lindung.registry.services import save_peserta
from lindung.rules.coverage import status_on
from tests.conftest import BANDAR_BINTUHAN, KAUR_SELATAN
from tests.factories import answer_from, approved_bill, submit_all
from lindung.payments import services as payments

DAYS = [date(2025, 1, 5), date(2025, 2, 20), date(2025, 4, 20), date(2025, 6, 10)]


@pytest.fixture
def enrolled(users, planned):
    """The plan's five members: one rejected by BPJS, the others active and paid for January and February 2025,
    one of whom died in March; Joko moved from Kinal to Kaur Selatan, and shares his new village and name with
    Ahmad."""
    sent = submit_all(users, planned)
    planned.pks_number, planned.pks_date = "B/1/PKS/2025", date(2025, 1, 2)
    save_programme(users["admin"], planned)
    advance_status(users["admin"], planned)
    planned.refresh_from_db()
    services.import_answer(users["operator"], planned, [answer_from(sent, {"Budi Petani": "NIK tidak padan"})])
    for month, paid_on in (("2025-01", date(2025, 1, 10)), ("2025-02", date(2025, 2, 10))):
        bill = approved_bill(users, planned, month)
        payments.record_payment(users["admin"], bill, f"SP2D-{month}", paid_on, bill.total)
    died = planned.memberships.filter(peserta__nama="Rudi Buruh")
    died.update(ended_on=date(2025, 3, 5), end_kind=Membership.End.DEATH)
    refresh(died)  # as life.services does
    joko = Peserta.objects.get(nama="Joko Nelayan")
    joko.desa_id, joko.nama = BANDAR_BINTUHAN, "Ahmad Nelayan"
    save_peserta(users["operator"], joko)
    return planned


def plain_counts(user, programme, day) -> list[dict]:
    """status_by_kecamatan member by member: the person's kecamatan, the engine's state of the registered."""
    counts, protected = defaultdict(Counter), defaultdict(Counter)
    for m in selectors.memberships_for(user, programme).select_related("peserta__desa", "programme"):
        kecamatan = m.peserta.desa.parent_id
        counts[kecamatan][m.status] += 1
        if m.status in ("registered", "active") or m.kpj:
            protected[kecamatan][status_on(membership_coverage(m), day).state] += 1
    return [{"code": k, "counts": [counts[k][s] for s in selectors.STATUSES], "total": sum(counts[k].values()),
             "protection": [protected[k][s] for s in selectors.PROTECTION]} for k in sorted(counts)]


@pytest.mark.parametrize("who", ["operator", "camat"])
def test_the_counts_per_kecamatan_are_the_engines_member_by_member(users, enrolled, who):
    seen = set()
    for day in DAYS:
        rows = selectors.status_by_kecamatan(users[who], enrolled, day)
        assert [{k: r[k] for k in ("code", "counts", "total", "protection")} for r in rows] == \
            plain_counts(users[who], enrolled, day), day
        seen |= {s for r in rows for s, n in zip(selectors.PROTECTION, r["protection"], strict=True) if n}
    assert len(seen) == len(selectors.PROTECTION)  # every state was counted on some day
    # The moved worker is counted in his new kecamatan, which the camat sees.
    assert sum(r["total"] for r in selectors.status_by_kecamatan(users["camat"], enrolled, DAYS[0])) == 4


@pytest.mark.parametrize("walk", [0, 10**9])  # sorted from the memberships, or walked from the people
@pytest.mark.parametrize("who", ["operator", "camat"])
def test_each_page_shows_the_members_in_order_whichever_way_it_is_read(users, enrolled, monkeypatch, who, walk):
    monkeypatch.setattr(selectors, "WALK", walk)
    monkeypatch.setattr(selectors, "PER_PAGE", 2)
    day = DAYS[2]
    rows = selectors.status_by_kecamatan(users[who], enrolled, day)
    for kecamatan in ["", KAUR_SELATAN, "17.04.01"]:
        for status in ["", "active", "rejected", "candidate"]:
            for protection in ["", *(s.value for s in selectors.PROTECTION)]:
                filters = {"kecamatan": kecamatan, "status": status, "protection": protection}
                expected = sorted(selectors.members(users[who], enrolled, today=day, **filters),
                                  key=lambda m: (m.peserta.desa_id, m.peserta.nama, m.peserta_id))
                for number in (1, 2, 3):
                    page = selectors.members_page(users[who], enrolled, number, rows, today=day, **filters)
                    assert page.paginator.count == len(expected), filters
                    start = (page.number - 1) * 2
                    got = [(m.pk, m.protection_state) for m in page.object_list]
                    assert got == [(m.pk, m.protection_state) for m in expected[start:start + 2]], (filters, number)


def test_the_page_lists_and_counts_the_filtered_members(client, users, enrolled):
    client.force_login(users["camat"])
    url = reverse("enrolment:members", args=[enrolled.code])
    page = client.get(url, {"perlindungan": "berakhir"}).context["page"]
    assert [m.peserta.nama for m in page.object_list] == ["Rudi Buruh"]
    page = client.get(url).context["page"]
    assert [m.peserta.nama for m in page.object_list] == ["Ahmad Nelayan", "Ahmad Nelayan", "Budi Petani", "Rudi Buruh"]
