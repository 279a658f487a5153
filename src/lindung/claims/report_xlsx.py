"""The claims report as Excel: the figures of the report page as sheets, and the claims of the user's area (steps,
places and money; no name, no NIK). Money and days are numbers, dates are dates. A regency has tens of claims a
year: the workbook is built in memory."""

import io

import xlsxwriter
from django.utils import timezone

from lindung.accounts.scoping import area_code
from lindung.core.xlsx import write_table
from lindung.rules import claims as rules
from lindung.rules.contributions import tanggal
from lindung.wilayah.models import Wilayah

from . import selectors

KINDS = {k.value: label for k, label in rules.KIND_LABELS.items()}
STATUSES = {s.value: label for s, label in rules.STATUS_LABELS.items()}


def report_workbook(user, year: int | None = None) -> bytes:
    report = selectors.report(user, year)
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "border": 1, "text_wrap": True, "valign": "top"})
    formats = {"money": workbook.add_format({"num_format": "#,##0"}), "date": workbook.add_format({"num_format": "dd-mm-yyyy"}),
               "month": workbook.add_format({"num_format": "mmm yyyy"}), "text": None, "number": None}

    def sheet(name: str, columns: list[tuple[str, int, str]], rows) -> None:
        """A table whose cells take their column's format: write_table writes them without one of their own."""
        found = workbook.add_worksheet(name)
        write_table(found, bold, [title for title, _, _ in columns], rows, widths=[width for _, width, _ in columns])
        for col, (_, width, kind) in enumerate(columns):
            found.set_column(col, col, width, formats[kind])

    area = Wilayah.objects.filter(code=area_code(user)).values_list("name", flat=True).first() or ""
    slowest = report.slowest
    sheet("Ringkasan", [("Angka", 44, "text"), ("Nilai", 22, "number")], [
        ("Wilayah", area), ("Tahun peristiwa", year or "semua"), ("Klaim dilaporkan", report.claims),
        ("Klaim dibayar", report.paid_claims), ("Dibayar kepada keluarga (Rp)", report.paid),
        ("Median hari dari peristiwa sampai dibayar", report.median_days),
        ("Rata-rata hari dari peristiwa sampai dibayar", report.average_days),
        ("Paling lama (hari)", slowest.days if slowest else None), ("Klaim paling lama", slowest.number if slowest else None),
        ("Dibayar lewat batas waktu BPJS", report.late), ("Dibuat", tanggal(timezone.localdate())),
    ])
    sheet("Per jenis", [("Jenis klaim", 50, "text"), ("Klaim", 10, "number"), ("Klaim dibayar", 14, "number"),
                        ("Dibayar (Rp)", 16, "money")],
          [(KINDS[r["key"]], r["claims"], r["paid_claims"], r["paid"]) for r in report.by_kind])
    sheet("Per status", [("Status", 24, "text"), ("Klaim", 10, "number")],
          [(STATUSES[r["key"]], r["claims"]) for r in report.by_status])
    sheet("Per kecamatan", [("Kode", 12, "text"), ("Kecamatan", 24, "text"), ("Klaim", 10, "number"),
                            ("Klaim dibayar", 14, "number"), ("Dibayar (Rp)", 16, "money")],
          [(r["key"], r["name"], r["claims"], r["paid_claims"], r["paid"]) for r in report.by_kecamatan])
    sheet("Per bulan", [("Bulan peristiwa", 16, "month"), ("Klaim", 10, "number"),
                        *[(f"Klaim {label}", 24, "number") for label in KINDS.values()],
                        ("Klaim dibayar", 14, "number"), ("Dibayar (Rp)", 16, "money")],
          [(r["key"].first_day, r["claims"], *(r["kinds"][k] for k in KINDS), r["paid_claims"], r["paid"]) for r in report.by_month])
    sheet("Lama pembayaran", [("Hari dari peristiwa sampai dibayar", 34, "text"), ("Klaim dibayar", 14, "number")],
          report.distribution)
    sheet("Klaim", [("Nomor", 16, "text"), ("Jenis", 44, "text"), ("Status", 18, "text"), ("Tanggal peristiwa", 14, "date"),
                    ("Kecamatan", 20, "text"), ("Desa/Kelurahan", 22, "text"), ("Dilaporkan", 12, "date"),
                    ("Diajukan ke BPJS", 14, "date"), ("Dibayar tanggal", 14, "date"), ("Dibayar (Rp)", 16, "money"),
                    ("Hari sampai dibayar", 12, "number"), ("Terlambat", 10, "text")],
          [(r["number"], KINDS[r["kind"]], STATUSES[r["status"]], r["event_date"], r["kecamatan"], r["desa"],
            r["reported_on"], r["submitted_on"], r["paid_on"], r["paid_amount"], r["days"],
            ("Ya" if r["late"] else "Tidak") if r["paid_on"] else None)
           for r in selectors.report_claims(user, year)])
    workbook.close()
    return out.getvalue()
