"""Django glue around the pure NIK rules."""

from django.core.exceptions import ValidationError

from lindung.rules.nik import check_against, parse_nik


def validate_nik(value: str) -> None:
    info = parse_nik(value)
    if not info.valid:
        raise ValidationError([f.message for f in info.errors], code=info.errors[0].code)


def nik_consistency_errors(nik: str, jenis_kelamin: str | None, tanggal_lahir) -> list[str]:
    """Messages for a NIK whose sex or birth date disagrees with the other fields."""
    info = parse_nik(nik)
    return [f.message for f in check_against(info, sex=jenis_kelamin, birth_date=tanggal_lahir)]
