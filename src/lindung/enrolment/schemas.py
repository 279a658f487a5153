from datetime import date

from ninja import Schema


class KecamatanStatusOut(Schema):
    code: str
    name: str
    counts: dict[str, int]  # by workflow status
    total: int
    protection: dict[str, int]  # registered members by their protection today (aktif, menunggak, nonaktif, berakhir)


class MemberOut(Schema):
    nik: str
    nama: str
    desa: str
    status: str  # the workflow: candidate, submitted, registered, active (running), rejected, …
    kpj: str
    rejection_reason: str
    first: date
    last: date
    # What the coverage engine says today, for a registered member (KPJ); null before registration.
    protection: str | None  # aktif, menunggak, nonaktif, berakhir
    protection_label: str | None  # e.g. "Menunggak 2 bulan", "Nonaktif sejak 1 Juni 2025", "Meninggal 10 Februari 2025"
    arrears_months: int
    lapse: date | None  # the day it lapsed, or lapses if nobody pays; null when it ended first
    ended_on: date | None
