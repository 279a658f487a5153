"""The register's xlsx: the filtered workers of the user's area, NIK as text, every download audited."""

import io
from urllib.parse import urlencode

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.audit.services import record_event
from lindung.core.xlsx import write_table

from . import selectors


def _status_labels() -> dict[str, str]:
    return dict(selectors.register_statuses())


def register_workbook(user, filters: dict[str, str]) -> bytes:
    """The workbook of ``selectors.register_rows`` under ``filters``; records the download (filters in the summary)."""
    labels = _status_labels()
    sexes = {"L": _("Male"), "P": _("Female")}
    headers = ["NIK", _("Name"), _("Sex"), _("Date of birth"), _("Village"), _("Kecamatan"), _("Address"),
               _("Occupation"), _("Second occupation"), _("Welfare decile"), _("Extreme poverty"),
               _("Membership status (latest programme)")]
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "border": 1, "text_wrap": True, "valign": "top"})
    text = workbook.add_format({"num_format": "@"})
    dates = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet = workbook.add_worksheet(_("Workers"))
    count = 0

    def rows():
        nonlocal count
        for nik, nama, sex, born, desa, kec, alamat, job1, job2, desil, ekstrem, status in selectors.register_rows(
                user, **filters):
            count += 1
            yield [str(nik), nama, sexes.get(sex, sex), born, desa, kec, alamat, job1 or "", job2 or "", desil,
                   _("Yes") if ekstrem else _("No"), labels.get(status or selectors.NOT_A_MEMBER, status)]

    write_table(sheet, bold, headers, rows(), widths=[20, 28, 12, 13, 22, 18, 28, 20, 20, 10, 10, 26])
    sheet.set_column(0, 0, 20, text)
    sheet.set_column(3, 3, 13, dates)
    workbook.close()
    chosen = {k: v for k, v in filters.items() if v}
    record_event(user, "registry.register_downloaded", target="register:xlsx",
                 summary=f"Daftar peserta diunduh ({count} baris, {timezone.localdate():%Y-%m-%d}); "
                         f"saringan: {urlencode(chosen) or 'semua'}.")
    return out.getvalue()
