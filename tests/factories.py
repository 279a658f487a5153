"""Builders shared by test modules, so that no test module imports another: a programme run and paid, BPJS's
answers, claim files, a PDF's text. Fixtures live in the conftest files; these are plain functions and data."""

import io
import subprocess
from datetime import date

import openpyxl
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import CharField, Value
from django.db.models.functions import Cast, LPad
from django.urls import reverse

from lindung.accounts.roles import ADMIN_DINAS
from lindung.accounts.services import save_user
from lindung.claims import services as claims
from lindung.enrolment import selectors as enrolment_selectors
from lindung.enrolment import services as enrolment
from lindung.enrolment.models import Membership
from lindung.payments import services as payments
from lindung.payments.models import Bill
from lindung.programs import services as programs
from lindung.programs.demo import Year, ensure_programme
from lindung.programs.models import Programme
from lindung.programs.selectors import Settings
from lindung.pipeline.samples import p3ke_individu, write_xlsx
from lindung.registry.imports import services as imports
from lindung.registry.models import ImportBatch, Peserta
from lindung.rules.contributions import Month, month_range
from tests.conftest import KAUR, six_workers


def another_admin():
    """A second Admin Dinas of Kaur, for the four-eyes steps."""
    return save_user("admin2", role=ADMIN_DINAS.name, area_code=KAUR, password="uji-lindung-2024")


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def pdf_text(tmp_path, content: bytes) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())  # a long title or name may wrap


# Running and paying a programme.

def run(programme) -> Programme:
    """The PKS is signed and BPJS registered everyone with a KPJ (the member's key, 11 digits): members are active."""
    programme.memberships.update(status=Membership.Status.ACTIVE)
    programme.memberships.filter(kpj="").update(kpj=LPad(Cast("pk", CharField()), 11, Value("0")))
    programme.status = Programme.Status.RUNNING
    programme.save()
    return programme


def approved_bill(users, programme, month="2025-01") -> Bill:
    bill = payments.generate_bill(users["operator"], programme, month).bill
    return payments.approve_bill(users["admin"], bill)


def pay_bill(users, programme, month, paid_on) -> None:
    """One month's bill generated, approved and paid in full on ``paid_on``."""
    bill = approved_bill(users, programme, month)
    payments.record_payment(users["admin"], bill, f"SP2D-{month}", paid_on, bill.total)


def pay_months(users, programme, first: Month, last: Month) -> None:
    """Each month's bill generated, approved and paid on the 10th."""
    for month in month_range(first, last):
        bill = payments.approve_bill(users["admin"], payments.generate_bill(users["operator"], programme, month).bill,
                                     note="uji")
        payments.record_payment(users["admin"], bill, f"SP2D/{month}", date(month.year, month.month, 10), bill.total)


def with_phone(programme) -> int:
    return programme.memberships.exclude(peserta__telepon="").count()


def bill_url(name, programme, month=None):
    return reverse(f"payments:{name}", kwargs={"code": programme.code, **({"month": month} if month else {})})


def page_text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Kaur's 2026 programme, revised mid-year.

RATE = 16_800
JAN, JUN, JUL, DEC = Month(2026, 1), Month(2026, 6), Month(2026, 7), Month(2026, 12)


def programme_2026(users, budget: int, kind: str = "everyone"):
    """Kaur's 2026 programme (January-December) for six_workers(), its ``kind`` plan approved, running, everyone
    registered with a KPJ and a phone."""
    six_workers()
    Peserta.objects.update(telepon="081234567890")
    programme = ensure_programme(KAUR, Year(2026, date(2026, 1, 1), date(2026, 12, 1), budget, kind,
                                            ("PKS/560/2025", date(2025, 12, 20))))
    programs.approve_scenario(users["admin"], programs.save_scenario(users["operator"], programme,
                                                                     Settings.of(programme), kind))
    programme.refresh_from_db()
    return run(programme)


# BPJS's answers.

KPJ = {  # one KPJ per worker of plan_programme, by name
    "Ahmad Nelayan": "24010000001", "Siti Pedagang": "24010000002", "Budi Petani": "24010000003",
    "Rudi Buruh": "24010000004", "Joko Nelayan": "24010000005", "Wati Petani": "24010000006",
}


def answer_from(workbook_bytes: bytes, reasons: dict[str, str] = {}, kpj: dict[str, str] = KPJ) -> bytes:
    """BPJS's answer as it comes back: the registration file with No. KPJ or Alasan Penolakan filled in."""
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    for sheet in book.worksheets:
        header = next(r for r in sheet.iter_rows() if any(c.value == "NIK" for c in r))
        col = {c.value: c.column for c in header}
        for row in sheet.iter_rows(min_row=header[0].row + 1):
            name = row[col["Nama Lengkap"] - 1].value
            if name in reasons:
                sheet.cell(row[0].row, col["Alasan Penolakan"], reasons[name])
            elif name:
                sheet.cell(row[0].row, col["No. KPJ"], kpj[name])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def submit_all(users, programme) -> bytes:
    batches = enrolment.submit_registration(users["operator"], programme)
    return enrolment_selectors.registration_workbook(users["operator"], programme, batches)


def write_sheets(path, sheets, *, top=0):
    """An xlsx as BPJS sends it. sheets: {name: rows}, the first row being the header at 0-based row `top`; str
    cells are text cells, numbers are number cells, None is an empty cell."""
    workbook = xlsxwriter.Workbook(path)
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        if top:
            sheet.write_string(0, 0, "Hasil Pendaftaran Peserta BPU — BPJS Ketenagakerjaan Cabang Bengkulu")
        for r, row in enumerate(rows, start=top):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write_number(r, c, value)
    workbook.close()
    return path


# Claims.

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
DEATH_DOCUMENTS = ("surat_kematian", "surat_ahli_waris", "kartu_peserta", "ktp_peserta", "ktp_ahli_waris", "kk", "rekening")
REPORT = {"event_place": "Rumah, Desa Bandar Bintuhan", "cause": "Sakit jantung", "reporter_name": "Kepala Desa",
          "reporter_relationship": "Kepala desa", "reporter_phone": "081234567890"}


def report(user, membership, kind="jkm", event_date=date(2025, 4, 20), **extra):
    return claims.report_claim(user, membership.peserta, kind=kind, event_date=event_date, **{**REPORT, **extra})


def upload(user, claim, kind, data=PDF, name="scan.pdf", **extra):
    return claims.upload_document(user, claim, kind, SimpleUploadedFile(name, data), **extra)


def batch_of(user, people, tmp_path, *, stage=True) -> ImportBatch:
    """A batch made through the import services (not the pages), for tests about other pages."""
    batch = imports.create_batch(user, imports.file_chunks(write_xlsx(p3ke_individu(people), tmp_path / "a.xlsx")), "a.xlsx")
    return imports.stage(batch) if stage else batch
