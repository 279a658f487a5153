"""One demo login per role, in Kaur's areas (or the first ones of another regency)."""

from lindung.wilayah.models import Level, Wilayah

from .roles import ADMIN_DINAS, AUDITOR, CAMAT, OPERATOR_DESA, OPERATOR_DINAS, PETUGAS_BPJS, PIMPINAN
from .services import save_user

# Kaur Selatan, the kecamatan of Bintuhan, and its kelurahan Bandar Bintuhan.
DEMO_KECAMATAN = {"17.04": "17.04.05"}
DEMO_DESA = {"17.04": "17.04.05.1013"}


def demo_areas(regency: str) -> tuple[str, str]:
    kecamatan = DEMO_KECAMATAN.get(regency) or Wilayah.objects.filter(
        parent_id=regency, level=Level.KECAMATAN).values_list("code", flat=True).first()
    desa = DEMO_DESA.get(regency) or Wilayah.objects.filter(
        parent_id=kecamatan, level=Level.DESA).values_list("code", flat=True).first()
    assert kecamatan is not None and desa is not None, f"no kecamatan or desa of {regency} loaded"
    return kecamatan, desa


def ensure_demo_users(regency: str, password: str) -> list[tuple[str, str, str]]:
    """Create or reset the demo users; returns (username, role, area) for printing."""
    kecamatan, desa = demo_areas(regency)
    plan = [
        ("admin", ADMIN_DINAS, regency, "Admin", "Dinas"),
        ("operator", OPERATOR_DINAS, regency, "Operator", "Dinas"),
        ("camat", CAMAT, kecamatan, "Camat", Wilayah.objects.get(code=kecamatan).name),
        ("desa", OPERATOR_DESA, desa, "Operator", Wilayah.objects.get(code=desa).name),
        ("bpjs", PETUGAS_BPJS, regency, "Petugas", "BPJS"),
        ("pimpinan", PIMPINAN, regency, "Bupati", ""),
        ("auditor", AUDITOR, regency, "Auditor", ""),
    ]
    for username, role, area, first, last in plan:
        save_user(username, role=role.name, area_code=area, password=password, first_name=first, last_name=last)
    return [(u, r.name, a) for u, r, a, *_ in plan]
