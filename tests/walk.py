"""The walk's world and its way through the URLs, shared by the tests that walk every page and endpoint: the leak test
(tests/test_leaks.py), the downloads' audit (tests/test_downloads.py) and the words on the pages
(tests/core/test_words.py). A page with a parameter the world cannot fill fails them, so whoever adds the page
teaches the world about it."""

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from lindung.accounts.services import issue_token
from lindung.cards import services as card_services
from lindung.cards.models import Card
from lindung.cards.verification import token_for
from lindung.claims import services as claim_services
from lindung.enrolment import services
from lindung.enrolment.models import Membership
from lindung.payments import services as payments
from lindung.payments.protection import refresh
from lindung.programs import revision_services
from lindung.registry.models import DuplicatePair, ImportBatch, Peserta
from lindung.rules.contributions import Month
from lindung.selfpay import services as selfpay_services
from tests.cards.conftest import PARTIES
from tests.conftest import plan_programme
from tests.factories import run

# Pages that are the admin site (staff only: no role user is staff) or need no login and show no rows.
SKIP_NAMESPACES = {"admin"}


def url_patterns(resolver=None, namespace="", outer=()):
    """(namespace, pattern, parameters of the includes around it) for every URL pattern."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from url_patterns(p, ns, (*outer, *p.pattern.regex.groupindex))
        elif isinstance(p, URLPattern):
            yield namespace, p, outer


def params_of(pattern: URLPattern, outer=()) -> list[str]:
    return [*outer, *pattern.pattern.regex.groupindex]


def kwargs_for(name: str, params: list[str], values: dict[str, list]) -> list[dict]:
    """Every combination of known values for the pattern's parameters."""
    combos = [{}]
    for param in params:
        assert param in values, f"The leak test does not know how to fill <{param}> in {name}: add it to the world"
        combos = [{**c, param: v} for c in combos for v in values[param]]
    return combos


@pytest.fixture
def world(users, three_workers):
    workers = three_workers
    tokens = {name: issue_token(users[name]) for name in ("camat", "desa")}
    # A plan covering everyone (the outsider too), sent to BPJS: scenario, member and registration-file pages.
    programme = plan_programme(users, people=9)
    registration = services.submit_registration(users["operator"], programme)
    # An import and a review-queue pair holding the outsider: office-only pages.
    batch = ImportBatch.objects.create(uploaded_by=users["operator"], filename="p3ke.xlsx", sha256="0" * 64,
                                       status=ImportBatch.Status.STAGED, report={"rows": 1})
    pair = DuplicatePair.objects.create(a=workers["outside"], b=workers["kecamatan"], nik_a=workers["outside"].nik,
                                        nik_b=workers["kecamatan"].nik, probability=0.95, batch=batch)
    # January billed and partly paid, reconciled against a BPJS file naming everyone, messages queued for all:
    # bill, reconciliation, hand-over and outbox pages.
    for i, m in enumerate(programme.memberships.order_by("pk")):
        Membership.objects.filter(pk=m.pk).update(kpj=f"2401000000{i}")
    refresh(Membership.objects.all())
    Peserta.objects.update(telepon="081234567890")
    # The check before approval finds the planted duplicate pair: kept on the bill with a note, so that its
    # findings are on the bill's page and in its xlsx for every role to walk.
    bill = payments.approve_bill(users["admin"], payments.generate_bill(users["operator"], run(programme), "2025-01").bill,
                                 note="Pasangan duplikat ditinjau: dua orang berbeda")
    assert bill.findings.count() == 2
    payments.record_payment(users["admin"], bill, "SP2D-9", bill.due_date.replace(day=20), 16_800)
    invoice = "KPJ,Nama,Jumlah\n" + "".join(f"2401000000{i},{p.nama},17000\n" for i, p in enumerate(workers.values()))
    reconciliation = payments.reconcile(users["operator"], bill, "tagihan.csv", invoice.encode())
    selfpay_services.prepare_messages(users["operator"], programme)
    # A cut from February saved as version 2: who loses and who gains cover, on the version's page and in its xlsx.
    revision = revision_services.propose_revision(users["operator"], programme, Month(2025, 2), programme.budget // 2,
                                                  "full_year", "APBD-P 2025")
    assert revision.consequence["losing_cover"] > 0
    # Cards printed for both kecamatans and handed on, down to each village: card and hand-over (minutes) pages.
    # The first hand-over holds everyone's cards: only the office may see it.
    kecamatans = sorted({p.kecamatan_code for p in workers.values()})
    cards = [c for k in kecamatans for c in card_services.print_cards(users["operator"], programme, k).card_set.all()]
    handovers = [card_services.hand_over(users["operator"], cards, "at_dinas", **PARTIES, happened_on=date.today())]
    for k in kecamatans:
        handovers.append(card_services.hand_over(users["operator"], [c for c in cards if c.membership.peserta.desa_id
                                                                     .startswith(k + ".")], "at_camat", **PARTIES,
                                                 happened_on=date.today()))
    for desa in sorted({c.membership.peserta.desa_id for c in cards if c.membership.peserta.desa_id.startswith(
            workers["village"].kecamatan_code)}):
        handovers.append(card_services.hand_over(users["camat"], [c for c in cards if c.membership.peserta.desa_id == desa],
                                                 "at_village", **PARTIES, happened_on=date.today()))
    # A death reported for each worker: the claim pages (the outsider's only the office may see).
    claims = [claim_services.report_claim(users["operator"], p, kind="jkm", event_date=date(2025, 1, 20), event_place="Rumah",
                                          cause="Sakit", reporter_name="Kepala Desa", reporter_relationship="Kepala desa")
              for p in workers.values()]
    values = {
        "pk": [p.pk for p in workers.values()] + [batch.pk, pair.pk] + list(
            reconciliation.differences.values_list("pk", flat=True)),
        "month": ["2025-01"],
        "version": [programme.plan.version, revision.version],
        "number": sorted({batch.number, programme.plan.number, revision.number} | {b.number for b in registration}) + [h.number for h in handovers] + list(
            Card.objects.values_list("number", flat=True)) + [c.number for c in claims],
        "nik": [p.nik for p in workers.values()],
        "code": sorted({c for p in workers.values() for c in (p.desa_id, p.kecamatan_code)}) + ["17.04", "17", programme.code],
        "prefix": [t[4:10] for t in tokens.values()],
        # The public card page: the world's cards (it shows masked names only) and a well-signed number of no card.
        "token": [token_for(n) for n in [*Card.objects.values_list("number", flat=True), "24010000000-1"]],
        "name": ["lapse_day"],  # a regulation setting: the page shows no person, the walk checks it anyway
    }
    return users, workers, tokens, values
