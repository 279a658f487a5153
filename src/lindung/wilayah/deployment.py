"""The one place that knows what this deployment serves (settings.LINDUNG_REGENCY): one regency ("17.04"), a
province ("17": all its regencies) or a list of one province's regencies ("17.04,17.05"). Its root is the regency
of a one-regency deployment, else the province, whose office may then run programmes for all of them."""

from django.conf import settings
from lokal import wilayah as lokal_wilayah

from .models import Level, Wilayah


def _codes() -> list[str]:
    return [c.strip() for c in settings.LINDUNG_REGENCY.split(",") if c.strip()]


def root() -> str:
    """The deployment's widest area: its one regency, or the province."""
    codes = _codes()
    return codes[0] if len(codes) == 1 else codes[0].split(".")[0]


def regencies() -> list[str]:
    """The codes of the regencies served, in code order (a province's from the Kemendagri list)."""
    found = []
    for code in _codes():
        if "." in code:
            found.append(code)
        else:
            found.extend(r.code for r in lokal_wilayah.list_wilayah(code) if r.level == Level.KABUPATEN)
    return sorted(set(found))


def name() -> str:
    """The deployment's root as its documents name it ("Kabupaten Kaur", "Provinsi Bengkulu"); "" before its
    regions are loaded."""
    found = Wilayah.objects.filter(code=root()).values_list("name", "level").first()
    if found is None:
        return ""
    return f"Provinsi {found[0]}" if found[1] == Level.PROVINSI else found[0]
