"""Kaur's 2025 programme as the demo's: P3KE desil 1, ages 18–64 on 1 January 2025."""

from datetime import date

from .models import Programme


def ensure_demo_programme(regency: str) -> Programme:
    programme, _ = Programme.objects.get_or_create(
        code="kaur-2025" if regency == "17.04" else f"program-{regency.replace('.', '')}-2025",
        defaults={"name": "Perlindungan Pekerja Rentan 2025", "year": 2025, "start": date(2025, 1, 1)},
    )
    return programme
