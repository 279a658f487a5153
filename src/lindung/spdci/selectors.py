"""The reads behind the SPDCI searches, always through the caller's area (accounts.scoping): a camat's token finds
his kecamatan's people only, the BPJS officer's members only. Conditions come read by pipeline.spdci."""

from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lindung.accounts.scoping import people, under
from lindung.enrolment.models import Membership
from lindung.payments.models import PaidMonth
from lindung.payments.protection import with_protection
from lindung.pipeline import spdci
from lindung.pipeline.spdci import Condition, Unanswerable
from lindung.registry.models import Peserta
from lindung.registry.selectors import peserta_for
from lindung.selfpay.selectors import area_payer

# Words for "changed since" a moment, and for a person's region.
CHANGED = {"last_update", "last_updated", "updated", "updated_since", "enrolment_updated"}
REGION = {"sub_region_code", "region", "area", "location", "desa", "kecamatan"}
PROGRAMME = {"programme", "programme_identifier", "programme_identifier.program.programme_identifier"}
POVERTY = {"poverty_score", "desil"}
SEX = {"sex", "gender", "demographic_info.person.sex"}
LOOKUPS = {"eq": "exact", "in": "in", "lt": "lt", "le": "lte", "gt": "gt", "ge": "gte"}


def _moment(c: Condition) -> tuple[datetime, str]:
    moment = spdci.since(c)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment, LOOKUPS[c.operator]


def _by_nik(found: QuerySet, conditions: list[Condition], nik: str) -> QuerySet:
    niks = spdci.niks_of(conditions)
    return found if niks is None else found.filter(**{f"{nik}__in": niks})


def _others(conditions: list[Condition]) -> list[Condition]:
    """The conditions other than the NIKs asked (``_by_nik``)."""
    return [c for c in conditions if c.attribute not in spdci.IDENTIFIERS]


def enrolments(user, conditions: list[Condition], day: date) -> QuerySet[Membership]:
    """The memberships the conditions ask for (by NIK, programme, changed or paid since a moment), never a
    rejected one, each with the coverage engine's state on ``day``; by NIK, then programme. Raises Unanswerable."""
    found = _by_nik(Membership.objects.filter(people(user, "peserta__")).exclude(status=Membership.Status.REJECTED),
                    conditions, "peserta__nik")
    for c in _others(conditions):
        if c.attribute in CHANGED:
            moment, lookup = _moment(c)
            # A month paid is a change of the enrolment too, though payments are written without touching it.
            paid = PaidMonth.objects.filter(membership=OuterRef("pk"), paid_on__gte=timezone.localdate(moment))
            found = found.filter(Q(**{f"updated__{lookup}": moment}) | Q(Exists(paid)))
        elif c.attribute in PROGRAMME and c.operator == "eq":
            found = found.filter(programme__code=str(c.value))
        else:
            raise Unanswerable("rjct.search_criteria.invalid", f"Enrolments are not searched by {c.attribute}.")
    return (with_protection(found, day).select_related("programme", "peserta")
            .order_by("peserta__nik", "programme__start", "pk"))


def as_enrolments(memberships: list) -> list[spdci.Enrolment]:
    """The page's memberships as Enrolments, with their paid months (one query for the page)."""
    paid: dict[int, list[spdci.PaidMonth]] = {}
    for p in PaidMonth.objects.filter(membership__in=[m.pk for m in memberships]).order_by("month"):
        paid.setdefault(p.membership_id, []).append(spdci.PaidMonth(p.month, p.payer, p.paid_on))
    # Who pays is the programme's owner: this regency, or in a province deployment one of its regencies or the province.
    payers = {code: area_payer(code) for code in {m.programme.owner_code for m in memberships}}
    return [spdci.Enrolment(nik=m.peserta.nik, programme=m.programme.code, programme_name=m.programme.name,
                            status=m.status, protection=m.protection_state, payer=m.programme.funding_source,
                            payer_name=payers[m.programme.owner_code], first=m.first, last=m.last,
                            ended_on=m.ended_on, paid=tuple(paid.get(m.pk, ()))) for m in memberships]


def workers(user, conditions: list[Condition]) -> QuerySet[Peserta]:
    """The register's workers the conditions ask for (NIK, region, decile, sex, changed or registered since), by
    NIK. Raises Unanswerable."""
    found = _by_nik(peserta_for(user), conditions, "nik")
    for c in _others(conditions):
        if c.attribute in REGION and c.operator == "eq":
            found = found.filter(under(str(c.value), "desa__code"))
        elif c.attribute in POVERTY:
            found = found.filter(**{f"desil__{LOOKUPS[c.operator]}": c.value})
        elif c.attribute in SEX and c.operator == "eq":
            found = found.filter(jenis_kelamin={"male": "L", "m": "L", "l": "L", "female": "P", "f": "P",
                                                "p": "P"}.get(str(c.value).lower(), "?"))
        elif c.attribute in CHANGED or c.attribute == "registration_date":
            moment, lookup = _moment(c)
            found = found.filter(**{f"{'created' if c.attribute == 'registration_date' else 'updated'}__{lookup}":
                                    moment})
        else:
            raise Unanswerable("rjct.search_criteria.invalid", f"The register is not searched by {c.attribute}.")
    return found.select_related("pekerjaan_1").order_by("nik")


def as_workers(rows: list[Peserta]) -> list[spdci.Worker]:
    return [spdci.Worker(nik=p.nik, name=p.nama, sex=p.jenis_kelamin, birth_date=p.tanggal_lahir, desa=p.desa_id,
                         occupation=p.pekerjaan_1.name if p.pekerjaan_1 else "", desil=p.desil,
                         extreme_poverty=p.miskin_ekstrem, registered=p.created, updated=p.updated) for p in rows]
