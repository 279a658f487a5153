"""The occupations table kept in step with the maintained list (lindung.rules.occupations)."""

from lindung.rules.occupations import OCCUPATIONS


def ensure_occupations(Pekerjaan) -> int:
    """Insert missing occupations (the model is passed so migrations can use their frozen one)."""
    existing = set(Pekerjaan.objects.values_list("code", flat=True))
    new = [Pekerjaan(code=c, name=n, high_risk=r) for c, n, r in OCCUPATIONS if c not in existing]
    Pekerjaan.objects.bulk_create(new)
    return len(new)
