"""Writes to programmes: checked, audited."""

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from lindung.accounts.roles import require
from lindung.audit.services import record_event
from lindung.rules.nik import parse_nik

from .models import ExcludedNik, Programme


def _check_admin(user) -> None:
    require(user, "approves", "Hanya Admin Dinas yang boleh mengubah aturan program.")


@transaction.atomic
def save_rules(user, programme: Programme, occupations) -> Programme:
    _check_admin(user)
    programme._history_user = user
    programme.save()
    programme.occupations.set(occupations)
    record_event(user, "programs.rules_changed", target=f"programme:{programme.pk}",
                 summary=f"Aturan kelayakan/prioritas program {programme.code} diubah.")
    return programme


@transaction.atomic
def add_exclusions(user, programme: Programme, text: str, reason: str) -> tuple[int, list[tuple[int, str]]]:
    """One NIK per line. Returns how many were added and (line, message) for each refused line;
    nothing is added when any line is refused."""
    _check_admin(user)
    niks, refused = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        info = parse_nik(line.strip())
        if info.valid:
            niks.append(info.nik)
        else:
            refused.append((number, info.errors[0].message))
    if refused:
        return 0, refused
    existing = set(programme.exclusions.filter(nik__in=niks).values_list("nik", flat=True))
    new = [ExcludedNik(programme=programme, nik=n, reason=reason[:120], added_by=user) for n in dict.fromkeys(niks) if n not in existing]
    # With history, like every other write: who excluded a NIK stays on record.
    bulk_create_with_history(new, ExcludedNik, default_user=user, default_change_reason=reason[:100])
    record_event(user, "programs.exclusions_added", target=f"programme:{programme.pk}",
                 summary=f"{len(new)} NIK ditambahkan ke daftar pengecualian ({reason[:60]}).")
    return len(new), []
