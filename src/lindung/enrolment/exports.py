"""Downloads of enrolment, each recorded in the audit log: the members list (with the page's filters) and every
registration file of a programme in one zip."""

import io
import re
import zipfile
from urllib.parse import urlencode

from django.utils import timezone

from lindung.audit.services import record_event
from lindung.core.table_xlsx import table_workbook
from lindung.rules.coverage import State

from . import selectors
from .models import Membership

MEMBER_HEADERS = ["NIK", "Nama", "Desa", "Kecamatan", "Pekerjaan", "Status pendaftaran", "No. KPJ", "Bulan pertama",
                  "Bulan terakhir", "Perlindungan hari ini", "Alasan penolakan", "Berakhir"]


def _protection_label(state: str | None) -> str:
    if not state:
        return ""
    try:
        state = State(state)
    except ValueError:
        return state
    if state == State.NOT_YET:
        return "Belum terlindungi"
    return str(selectors.PROTECTION_LABELS.get(state, state.value))


def members_workbook(user, programme, *, kecamatan: str = "", status: str = "", protection: str = "") -> bytes:
    """The programme's members of the user's area under the members page's filters; the download is audited."""
    statuses = {s.value: str(s.label) for s in Membership.Status}
    ends = {s.value: str(s.label) for s in Membership.End}
    found = (selectors.members(user, programme, kecamatan=kecamatan, status=status, protection=protection)
             .select_related("peserta__desa__parent").order_by("peserta__desa__parent__name", "peserta__desa__name",
                                                                "peserta__nama", "pk"))
    rows = [[m.peserta.nik, m.peserta.nama, m.peserta.desa.name, m.peserta.desa.parent.name,  # type: ignore[union-attr]  # a desa has its kecamatan
             m.peserta.pekerjaan_1.name if m.peserta.pekerjaan_1 else "", statuses.get(m.status, m.status), m.kpj,
             m.first.strftime("%Y-%m"), m.last.strftime("%Y-%m"),
             _protection_label(getattr(m, "protection_state", None)) if m.kpj else "", m.rejection_reason,
             f"{ends.get(m.end_kind, m.end_kind)} {m.ended_on:%d-%m-%Y}" if m.ended_on else ""]
            for m in found.iterator(chunk_size=2000)]
    content = table_workbook("Peserta", MEMBER_HEADERS, rows,
                             title=f"Peserta {programme.name} · diunduh {timezone.localdate():%d-%m-%Y}",
                             widths=[20, 28, 20, 18, 18, 20, 14, 12, 12, 20, 30, 18])
    chosen = {k: v for k, v in {"kecamatan": kecamatan, "status": status, "perlindungan": protection}.items() if v}
    record_event(user, "enrolment.members_downloaded", target=f"programme:{programme.pk}",
                 summary=f"Daftar peserta program {programme.code} diunduh ({len(rows)} baris); "
                         f"saringan: {urlencode(chosen) or 'semua'}.")
    return content


def _file_name(programme, batch) -> str:
    kecamatan = re.sub(r"[^A-Za-z0-9]+", "-", batch.kecamatan.name).strip("-") or batch.kecamatan_id
    return f"pendaftaran-{programme.code}-{batch.number}-{kecamatan}.xlsx"


def registration_zip(user, programme) -> tuple[bytes, int]:
    """Every registration file of the programme the user's area holds, one xlsx per file in one zip; audited."""
    batches = list(selectors.batches_for(user, programme).order_by("number"))
    if not batches:
        return b"", 0
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for batch in batches:
            archive.writestr(_file_name(programme, batch),
                             selectors.registration_workbook(user, programme, [batch]))
    record_event(user, "enrolment.registration_zip_downloaded", target=f"programme:{programme.pk}",
                 summary=f"Semua berkas pendaftaran program {programme.code} diunduh dalam satu zip "
                         f"({len(batches)} berkas: {', '.join(str(b.number) for b in batches)[:200]}).")
    return out.getvalue(), len(batches)


def record_batch_download(user, programme, batch) -> None:
    record_event(user, "enrolment.registration_downloaded", target=f"programme:{programme.pk}",
                 summary=f"Berkas pendaftaran #{batch.number} program {programme.code} diunduh "
                         f"({batch.members} peserta).")
