"""A bill for the finance office as Excel: a summary sheet (the bill, its approval and payments) and a sheet
of the lines the user may see. NIK and KPJ are text (a number cell destroys a NIK, DOMAIN.md §5), money is
numbers. Written in xlsxwriter's constant-memory mode from a streamed query: a bill of a hundred thousand
members never sits in memory as cells."""

import tempfile

import xlsxwriter
from django.utils import timezone

from lindung.accounts.scoping import area_code
from lindung.core.xlsx import safe_cell, write_table
from lindung.rules.contributions import Month, bulan, tanggal
from lindung.wilayah.models import Wilayah

from . import selectors
from .models import Bill

# (header, width, kind) for selectors.LINE_COLUMNS, in that order.
LINE_HEADERS = [("NIK", 20, "text"), ("Nama", 28, "text"), ("Kecamatan", 18, "text"), ("Desa/Kelurahan", 20, "text"),
                ("No. KPJ", 14, "text"), ("JKK (Rp)", 12, "money"), ("JKM (Rp)", 12, "money"), ("JHT (Rp)", 12, "money"),
                ("Diskon (Rp)", 12, "money"), ("Jumlah (Rp)", 14, "money"), ("Dibayar tanggal", 14, "date")]
PAYMENT_HEADERS = ["No. SP2D", "Tanggal SP2D", "Jumlah (Rp)", "Terlambat", "Dicatat oleh"]


def bill_workbook(user, bill: Bill) -> bytes:
    """The workbook's bytes (a few MB for the biggest bill; the cells never are in memory at once)."""
    with tempfile.TemporaryFile() as out:
        _write_workbook(out, user, bill)
        out.seek(0)
        return out.read()


def _write_workbook(out, user, bill: Bill) -> None:
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    bold = workbook.add_format({"bold": True, "border": 1, "text_wrap": True, "valign": "top"})
    formats = {"text": workbook.add_format({"num_format": "@"}), "money": workbook.add_format({"num_format": "#,##0"}),
               "date": workbook.add_format({"num_format": "dd-mm-yyyy"})}
    _summary(workbook.add_worksheet("Ringkasan"), bold, formats, user, bill)
    _lines(workbook.add_worksheet("Peserta"), bold, formats, user, bill)
    workbook.close()


def _summary(sheet, bold, formats, user, bill: Bill) -> None:
    programme, approver = bill.programme, bill.approved_by
    areas = selectors.bill_by_kecamatan(user, bill)
    area = Wilayah.objects.filter(code=area_code(user)).values_list("name", flat=True).first() or ""
    facts = [
        ("Program", programme.name), ("Kode program", programme.code), ("Bulan iuran", bill.month.strftime("%Y-%m")),
        ("Jatuh tempo", bill.due_date), ("Peserta", bill.members), ("Jumlah tagihan (Rp)", bill.total),
        ("Status", str(bill.get_status_display())),
        ("Disetujui oleh", (approver.get_full_name() or approver.username) if approver else ""),
        ("Disetujui pada", timezone.localtime(bill.approved_at).strftime("%d-%m-%Y %H:%M") if bill.approved_at else ""),
        # A camat's file holds his kecamatan's lines only: say so beside the bill's totals.
        ("Wilayah lembar Peserta", area), ("Peserta di lembar Peserta", sum(a["members"] for a in areas)),
        ("Jumlah di lembar Peserta (Rp)", sum(a["total"] for a in areas)),
        ("Dibuat", tanggal(timezone.localdate())),
    ]
    for col, width in enumerate([30, 40, 16, 12, 16]):
        sheet.set_column(col, col, width)
    for row, (label, value) in enumerate(facts):
        sheet.write_string(row, 0, label, bold)
        kind = "date" if hasattr(value, "year") else "money" if isinstance(value, int) else "text"
        _write(sheet, row, 1, value, formats[kind])
    row = len(facts) + 1
    sheet.write_string(row, 0, "Pembayaran (SP2D)", bold)
    for col, header in enumerate(PAYMENT_HEADERS):
        sheet.write_string(row + 1, col, header, bold)
    kinds = ["text", "date", "money", "text", "text"]
    payments = bill.payments.values_list("sp2d_number", "paid_on", "amount", "late", "recorded_by__username")
    for row, payment in enumerate(payments, start=row + 2):
        for col, (value, kind) in enumerate(zip(payment, kinds)):
            _write(sheet, row, col, ("Ya" if value else "Tidak") if isinstance(value, bool) else value, formats[kind])


def _lines(sheet, bold, formats, user, bill: Bill) -> None:
    # Column formats first: in constant-memory mode a row is written out as soon as the next one starts.
    write_table(sheet, bold, [h for h, _, _ in LINE_HEADERS], [], widths=[w for _, w, _ in LINE_HEADERS])
    for col, (_, width, kind) in enumerate(LINE_HEADERS):
        sheet.set_column(col, col, width, formats[kind])
    text, number = sheet.write_string, sheet.write_number  # the inner loop of a big bill: one call per cell
    for row, (nik, nama, kecamatan, desa, kpj, *money, paid_on) in enumerate(selectors.bill_line_rows(user, bill), 1):
        text(row, 0, nik)  # digits, validated: a string cell keeps all 16
        text(row, 1, safe_cell(nama))
        text(row, 2, safe_cell(kecamatan))
        text(row, 3, safe_cell(desa))
        if kpj:
            text(row, 4, kpj)
        for col, amount in enumerate(money, 5):
            number(row, col, amount)
        if paid_on:
            sheet.write_datetime(row, 10, paid_on)


CHECK_HEADERS = ["NIK", "Nama", "Kecamatan", "Desa/Kelurahan", "No. KPJ", "Temuan", "Bukti", "Keputusan", "Catatan",
                 "Diputuskan oleh", "Diputuskan pada"]


def check_workbook(user, bill: Bill) -> bytes:
    """The check before approval for the auditor: per rule what was found and decided (Ringkasan), and each finding
    of the user's area with its evidence and decision (Temuan). Findings are few: written in memory."""
    with tempfile.TemporaryFile() as out:
        workbook = xlsxwriter.Workbook(out)
        bold = workbook.add_format({"bold": True, "border": 1, "text_wrap": True, "valign": "top"})
        summary = workbook.add_worksheet("Ringkasan")
        checker = bill.checked_by
        facts = [("Program", bill.programme.name), ("Bulan iuran", bulan(Month.of(bill.month))),
                 ("Status tagihan", str(bill.get_status_display())), ("Peserta ditagih", bill.members),
                 ("Diperiksa oleh", (checker.get_full_name() or checker.username) if checker else "belum diperiksa"),
                 ("Diperiksa pada", timezone.localtime(bill.checked_at).strftime("%d-%m-%Y %H:%M")
                  if bill.checked_at else ""), ("Catatan persetujuan", bill.approval_note)]
        end = write_table(summary, bold, ["Keterangan", "Isi"], facts, widths=[24, 60])
        write_table(summary, bold, ["Aturan", "Alasan", "Terbuka", "Dikeluarkan", "Tetap dibayar"],
                    [(r.title, r.why, r.open, r.excluded, r.kept) for r in selectors.check_summary(user, bill)],
                    start_row=end + 1, widths=[40, 60, 10, 12, 14])
        rows = ((f.peserta.nik, f.peserta.nama, f.peserta.desa.parent.name, f.peserta.desa.name, f.membership.kpj,  # type: ignore[union-attr]  # a desa has its kecamatan
                 f.get_rule_display(), f.evidence, f.get_outcome_display(), f.note,
                 (f.decided_by.get_full_name() or f.decided_by.username) if f.decided_by else "",
                 timezone.localtime(f.decided_at).strftime("%d-%m-%Y %H:%M") if f.decided_at else "")
                for f in selectors.findings_for(user, bill))
        write_table(workbook.add_worksheet("Temuan"), bold, CHECK_HEADERS, rows,
                    widths=[20, 28, 18, 20, 14, 36, 60, 18, 40, 18, 16])
        workbook.close()
        out.seek(0)
        return out.read()


DOUBLE_HEADERS = ["Bulan iuran", "NIK", "Nama", "Kecamatan", "Desa/Kelurahan", "Status tagihan", "Jumlah (Rp)",
                  "Dibayar tanggal", "Dibayar juga oleh"]


def double_cover_workbook(rows: list[selectors.DoubleCover]) -> bytes:
    """The monthly double-cover report: the months we bill that another payer pays as well. Few rows: in memory."""
    with tempfile.TemporaryFile() as out:
        workbook = xlsxwriter.Workbook(out)
        bold = workbook.add_format({"bold": True, "border": 1, "text_wrap": True, "valign": "top"})
        write_table(workbook.add_worksheet("Dibayar ganda"), bold, DOUBLE_HEADERS,
                    ((str(Month.of(r.month)), r.nik, r.nama, r.kecamatan, r.desa, r.bill_status, r.total,
                      tanggal(r.paid_on) if r.paid_on else "", r.payers) for r in rows),
                    widths=[12, 20, 28, 18, 20, 16, 14, 16, 50])
        workbook.close()
        out.seek(0)
        return out.read()


def _write(sheet, row: int, col: int, value, cell_format) -> None:
    """A cell by its type: text never turns into a formula or a number, dates are dates, money a number."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        sheet.write_string(row, col, safe_cell(value), cell_format)
    elif hasattr(value, "year"):
        sheet.write_datetime(row, col, value, cell_format)
    else:
        sheet.write_number(row, col, value, cell_format)
