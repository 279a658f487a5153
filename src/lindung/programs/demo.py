"""Kaur's 2025 programme as the demo's: P3KE desil 1, ages 18–64 on 1 January 2025, the Rp300 million the
office proposed, JKK + JKM at the lowest income tier paid from the APBD for January to December."""

from datetime import date

from .models import Programme


def ensure_demo_programme(regency: str) -> Programme:
    programme, _ = Programme.objects.get_or_create(
        code="kaur-2025" if regency == "17.04" else f"program-{regency.replace('.', '')}-2025",
        defaults={"name": "Perlindungan Pekerja Rentan 2025", "year": 2025, "start": date(2025, 1, 1),
                  "end": date(2025, 12, 1), "budget": 300_000_000},
    )
    return programme
