"""What a claim is worth: the benefit rules (rules.benefits) applied to the member's real coverage on the event day,
the heirs named (or, for total disability, the children's ages) and the regulation settings in force on the event day.
A read: submission freezes it, the claim page shows it as an estimate before."""

from datetime import date

from django.core.exceptions import ValidationError

from lindung.enrolment.models import Membership
from lindung.payments.selectors import membership_coverage
from lindung.regulation.selectors import calendar, regulation_on
from lindung.rules import benefits
from lindung.rules import claims as rules
from lindung.rules.contributions import Month, UnknownTier, contribution
from lindung.rules.coverage import Status, claim_status
from lindung.rules.nik import parse_nik

from .models import Claim


def claim_benefit(claim: Claim) -> tuple[dict, Status]:
    """rules.benefits' result for the claim (as_dict) and the coverage status on the event day: frozen at
    submission, shown as an estimate before. Writes nothing."""
    membership = Membership.objects.select_related("programme", "peserta__pekerjaan_1").get(pk=claim.membership_id)
    engine = membership_coverage(membership)
    day, programme = claim.event_date, membership.programme
    status = claim_status(engine, day, reg=regulation_on(day), calendar=calendar())
    occupation = membership.peserta.pekerjaan_1.code if membership.peserta.pekerjaan_1 else ""
    try:
        # What one month in arrears costs the heirs: the programme's rate of the event month (JHT is not owed for it).
        monthly = (contribution(Month.of(day), programme.funding_source, occupation, programme.income_tier).total
                   if status.arrears else 0)
    except UnknownTier as exc:
        raise ValidationError(str(exc))
    children, notes = _children(claim)
    try:
        match rules.Kind(claim.kind):
            case rules.Kind.JKM:
                result = benefits.jkm(day, status, contribution_months=benefits.contribution_months(engine, day),
                                      monthly_contribution=monthly, children=children).as_dict()
            case rules.Kind.JKK_DEATH:
                result = benefits.jkk_death(day, status, income=programme.income_tier, monthly_contribution=monthly,
                                            children=children).as_dict()
            case _ if claim.total_disability:
                result = benefits.jkk_total_disability(
                    day, status, income=programme.income_tier, monthly_contribution=monthly,
                    children=[benefits.Child(age) for age in claim.children_ages], reg=regulation_on(day)).as_dict()
                if claim.children_ages:
                    notes.append("Beasiswa dihitung dari umur anak yang dicatat, dengan anggapan belum menikah dan "
                                 "belum bekerja.")
            case _:
                result = _injury(day, status, monthly)
    except ValueError as refusal:
        raise ValidationError(str(refusal)) from None
    result["notes"] += notes
    return result, status


def _children(claim: Claim) -> tuple[list[benefits.Child], list[str]]:
    """The children named as heirs, for the scholarship, in the order named; their age from the NIK's birth date."""
    children, notes = [], []
    for heir in claim.heirs.filter(relationship=rules.Relationship.CHILD).order_by("pk"):
        born = parse_nik(heir.nik).birth_date if heir.nik else None
        if born is None:
            notes.append("Ada anak tanpa NIK: beasiswanya belum dihitung, lengkapi NIK-nya.")
            continue
        day = claim.event_date
        children.append(benefits.Child(day.year - born.year - ((day.month, day.day) < (born.month, born.day))))
    if children:
        notes.append("Beasiswa dihitung dari umur anak menurut NIK, dengan anggapan belum menikah dan belum bekerja.")
    return children, notes


def _injury(day: date, status, monthly: int) -> dict:
    """A work accident the member survived: medical care has no ceiling and is paid by BPJS to the hospital;
    the cash benefits (STMB, disability, transport) follow from the doctor's statement and the receipts
    (``lindung benefit``). Frozen here: the coverage status and the rights it gives. The transport refund is a cash
    benefit (PP 44/2015 Ps 25(2)b angka 1): in arrears it waits for them with the others."""
    rights = status.rights
    return {
        "benefit": "JKK kecelakaan kerja", "event_date": day.isoformat(), "status": status.state.value,
        "components": {}, "total": 0, "payable_now": 0, "payable_after_arrears": 0,
        "arrears_months": len(status.arrears), "arrears_amount": len(status.arrears) * monthly,
        "rights": {"perawatan medis, perawatan di rumah": rights.jkk_medical.value,
                   "biaya transportasi": rights.jkk_transport.value,
                   "santunan uang (STMB, cacat)": rights.jkk_cash.value},
        "notes": [status.explanation, "Biaya pengobatan dibayar BPJS langsung ke fasilitas kesehatan; STMB, cacat dan "
                  "biaya transportasi dihitung dari surat dokter dan kuitansi."],
        "rule_version": benefits.jkk_table(day).version,
    }
