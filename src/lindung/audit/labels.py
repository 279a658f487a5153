"""The audit trail in words for the auditor: an action's code ("claims.document_uploaded") as a label in the page
language, an object ("scenario:2") as the pages name it ("Skenario #1 program kaur-2026", a claim by its number),
and the months of a summary as a person reads them. The stored events keep their codes (filters, exports)."""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from lindung.core.templatetags.lindung import iso_in_words

ACTIONS = {
    "accounts.password_changed": _("Password changed"),
    "accounts.token_issued": _("API token issued"),
    "accounts.token_revoked": _("API token revoked"),
    "accounts.user_created": _("User created"),
    "accounts.user_updated": _("User changed"),
    "auth.login": _("Logged in"),
    "auth.login_failed": _("Failed login"),
    "auth.logout": _("Logged out"),
    "cards.batch_downloaded": _("Print run downloaded"),
    "cards.evidence_downloaded": _("Hand-over evidence downloaded"),
    "core.job_failed": _("Background job failed: its worker stopped"),
    "core.job_retried": _("Background job run again: its worker stopped"),
    "cards.handed_over": _("Cards handed over"),
    "cards.minutes_downloaded": _("Hand-over minutes downloaded"),
    "cards.printed": _("Cards printed"),
    "cards.replaced": _("Card replaced"),
    "claims.decided": _("Claim decided"),
    "claims.disability_recorded": _("Disability recorded on a claim"),
    "claims.document_downloaded": _("Claim document downloaded"),
    "claims.document_uploaded": _("Claim document uploaded"),
    "claims.documents_complete": _("Claim documents complete"),
    "claims.heir_added": _("Heir added"),
    "claims.heir_removed": _("Heir removed"),
    "claims.paid": _("Claim paid"),
    "claims.reported": _("Claim reported"),
    "claims.seen": _("Claim report seen by the office"),
    "claims.submitted": _("Claim submitted to BPJS"),
    "claims.suspected": _("Claim marked a suspected work accident"),
    "enrolment.answer_imported": _("BPJS answer imported"),
    "enrolment.members_downloaded": _("Members list downloaded"),
    "enrolment.fixed": _("Registration corrected"),
    "enrolment.registration_downloaded": _("Registration file downloaded"),
    "enrolment.registration_zip_downloaded": _("All registration files downloaded"),
    "enrolment.submitted": _("Registration file sent to BPJS"),
    "life.corrected": _("Life event corrected"),
    "life.death_list_imported": _("Civil registry death list imported"),
    "life.enrolments_pushed": _("Enrolments pushed by another payer recorded"),
    "life.other_cover_recorded": _("Other payer recorded"),
    "life.other_cover_withdrawn": _("Other payer withdrawn"),
    "life.other_registries_asked": _("Other registries asked"),
    "life.recorded": _("Life event recorded"),
    "life.reversed": _("Life event reversed"),
    "life.verified": _("Life event verified"),
    "notify.held": _("Message held"),
    "notify.outbox_downloaded": _("Outbox downloaded"),
    "notify.prepared": _("Messages prepared"),
    "notify.reviewed": _("Message reviewed"),
    "notify.rewritten": _("Messages rewritten at sending"),
    "notify.sent": _("Message sent"),
    "notify.withdrawn": _("Messages withdrawn at sending"),
    "payments.double_cover_downloaded": _("Double-cover report downloaded"),
    "payments.bill_approved": _("Bill approved"),
    "payments.bill_checked": _("Bill checked"),
    "payments.bill_downloaded": _("Bill list downloaded"),
    "payments.bill_generated": _("Bill made"),
    "payments.bill_generated_unchanged": _("Bill made again: nobody was missing"),
    "payments.check_downloaded": _("Bill check downloaded"),
    "payments.bill_members_excluded": _("Members taken off a bill"),
    "payments.difference_resolved": _("Reconciliation difference resolved"),
    "payments.payment_recorded": _("Payment recorded"),
    "payments.reconciled": _("Bill reconciled with BPJS"),
    "payments.status_imported": _("BPJS membership status imported"),
    "payments.status_checked": _("Coverage status looked up on the public page"),
    "programs.changed": _("Programme changed"),
    "programs.continuation_downloaded": _("Continuing members list downloaded"),
    "programs.continued": _("Programme continued"),
    "programs.plan_downloaded": _("Plan list downloaded"),
    "programs.created": _("Programme created"),
    "programs.exclusions_added": _("People excluded from a programme"),
    "programs.plan_approved": _("Plan approved"),
    "programs.revision_approved": _("Plan revision approved"),
    "programs.revision_downloaded": _("Plan revision changes downloaded"),
    "programs.revision_proposed": _("Plan revision proposed"),
    "programs.rules_changed": _("Programme rules changed"),
    "programs.scenario_saved": _("Scenario saved"),
    "programs.status_changed": _("Programme status changed"),
    "regulation.holidays_added": _("Holidays added to the calendar"),
    "regulation.setting_changed": _("Regulation setting changed"),
    "registry.demo_seeded": _("Demo data loaded"),
    "registry.duplicate_dismissed": _("Duplicate pair dismissed"),
    "registry.duplicate_merged": _("Duplicates merged"),
    "registry.findings_downloaded": _("Import findings downloaded"),
    "registry.import_committed": _("Import approved"),
    "registry.import_failed": _("Import check failed"),
    "registry.import_needs_mapping": _("Import columns to map"),
    "registry.import_rejected": _("Import rejected"),
    "registry.import_remapped": _("Import columns mapped again"),
    "registry.import_rechecked": _("Import checked again: the register changed since its check"),
    "registry.import_staged": _("Import checked, waiting for approval"),
    "registry.import_uploaded": _("Import uploaded"),
    "registry.mapping_saved": _("Column mapping saved"),
    "registry.nik_refused": _("NIK of a worker outside the area refused"),
    "registry.peserta_created": _("Worker added"),
    "registry.peserta_updated": _("Worker changed"),
    "registry.register_downloaded": _("Register downloaded"),
    "selfpay.list_downloaded": _("Self-pay hand-over list downloaded"),
    "spdci.searched": _("SPDCI search answered"),
    "wilayah.load": _("Regions loaded"),
}

# The actions that change no data: someone logged in or out, downloaded a file, looked a status up.
READS = frozenset(a for a in ACTIONS if a.startswith("auth.") or a.endswith("_downloaded")
                  or a == "payments.status_checked")

TARGET_TYPES = {
    "apitoken": _("API token"),
    "bill": _("Bill"),
    "card": _("Card"),
    "claim": _("Claim"),
    "death_list": _("Death list"),
    "difference": _("Reconciliation difference"),
    "duplicatepair": _("Duplicate pair"),
    "handover": _("Hand-over"),
    "importbatch": _("Import"),
    "life_event": _("Life event"),
    "membership": _("Membership"),
    "outbox": _("Messages"),
    "payment": _("Payment"),
    "peserta": _("Worker"),
    "printbatch": _("Print run"),
    "programme": _("Programme"),
    "reconciliation": _("Reconciliation"),
    "register": _("Register"),
    "registration_batch": _("Registration file"),
    "savedmapping": _("Column mapping"),
    "scenario": _("Scenario"),
    "setting": _("Regulation setting"),
    "spdci": _("SPDCI search"),
    "user": _("User"),
    "wilayah": _("Region"),
}

def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def target_type_label(code: str) -> str:
    return str(TARGET_TYPES.get(code, code.replace("_", " ")))


def summary_in_words(summary: str) -> str:
    """A stored summary as a person reads it: its ISO months and days in words ("2025-01" → "Januari 2025"), the
    scenario kinds services wrote as codes by their labels."""
    from lindung.programs.models import Scenario

    text = iso_in_words(summary)
    for kind in Scenario.Kind:
        text = text.replace(f"({kind.value})", f"({kind.label})")
    return text


def targets_in_words(events) -> dict[tuple[str, str], str]:
    """(type, key) -> how the pages name that object, for a page of events: a few queries, one per kind of object."""
    from django.contrib.auth import get_user_model

    from lindung.cards.models import Handover, PrintBatch
    from lindung.claims.models import Claim
    from lindung.enrolment.models import RegistrationBatch
    from lindung.payments.models import Bill
    from lindung.programs.models import Programme, Scenario
    from lindung.registry.models import DuplicatePair, ImportBatch

    keys: dict[str, set[int]] = {}
    for e in events:
        if e.target_id.isdigit():
            keys.setdefault(e.target_type, set()).add(int(e.target_id))
    names: dict[tuple[str, str], str] = {}

    def name(kind, rows, say):
        for row in rows:
            names[(kind, str(row.pk))] = say(row)

    if "scenario" in keys:
        name("scenario", Scenario.objects.filter(pk__in=keys["scenario"]).select_related("programme"),
             lambda s: _("Scenario #%(n)s, programme %(code)s") % {"n": s.number, "code": s.programme.code})
    if "programme" in keys:
        name("programme", Programme.objects.filter(pk__in=keys["programme"]), lambda p: f"{p.name} ({p.code})")
    if "claim" in keys:
        name("claim", Claim.objects.filter(pk__in=keys["claim"]), lambda c: c.number)
    if "handover" in keys:
        name("handover", Handover.objects.filter(pk__in=keys["handover"]), lambda h: h.number)
    if "bill" in keys:
        name("bill", Bill.objects.filter(pk__in=keys["bill"]).select_related("programme"),
             lambda b: _("Bill %(month)s, programme %(code)s") % {"month": date_format(b.month, "F Y"),
                                                                  "code": b.programme.code})
    if "printbatch" in keys:
        name("printbatch", PrintBatch.objects.filter(pk__in=keys["printbatch"]).select_related("programme"),
             lambda b: _("Print run #%(n)s, programme %(code)s") % {"n": b.number, "code": b.programme.code})
    if "registration_batch" in keys:
        name("registration_batch", RegistrationBatch.objects.filter(pk__in=keys["registration_batch"])
             .select_related("programme"),
             lambda b: _("Registration file #%(n)s, programme %(code)s") % {"n": b.number, "code": b.programme.code})
    for kind, model in (("importbatch", ImportBatch), ("duplicatepair", DuplicatePair)):  # by their numbers
        if kind in keys:
            name(kind, model.objects.filter(pk__in=keys[kind]), lambda r, kind=kind: f"{target_type_label(kind)} #{r.number}")
    if "user" in keys:
        name("user", get_user_model().objects.filter(pk__in=keys["user"]), lambda u: u.username)
    return names


def target_in_words(event, names: dict[tuple[str, str], str]) -> str:
    if not event.target_type:
        return ""
    known = names.get((event.target_type, event.target_id))
    if known:
        return known
    label = target_type_label(event.target_type)
    return f"{label} #{event.target_id}" if event.target_id else label
