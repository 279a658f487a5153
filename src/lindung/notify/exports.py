"""The outbox as xlsx, with the page's filters; audited."""

from urllib.parse import urlencode

from django.utils import timezone

from lindung.audit.services import record_event
from lindung.core.table_xlsx import table_workbook

from .models import PURPOSES, Message

OUTBOX_HEADERS = ["NIK", "Nama", "Desa", "Kecamatan", "No. HP", "Saluran", "Jenis", "Tentang", "Status", "Dibuat",
                  "Terkirim", "Keterangan", "Teks"]


def outbox_workbook(user, messages, filters: dict[str, str]) -> bytes:
    """``messages``: the outbox selector's queryset (already scoped and filtered); ``filters`` go in the audit."""
    statuses = {s.value: str(s.label) for s in Message.Status}
    found = messages.select_related("peserta__desa__parent").order_by("pk")
    rows = [[m.peserta.nik, m.peserta.nama, m.peserta.desa.name, m.peserta.desa.parent.name, m.phone,
             m.get_channel_display(), PURPOSES.get(m.purpose, m.purpose).capitalize(), m.about, statuses.get(m.status, m.status),
             timezone.localtime(m.created).strftime("%d-%m-%Y %H:%M"),
             timezone.localtime(m.sent_at).strftime("%d-%m-%Y %H:%M") if m.sent_at else "", m.error, m.text]
            for m in found.iterator(chunk_size=2000)]
    content = table_workbook("Kotak keluar", OUTBOX_HEADERS, rows,
                             title=f"Kotak keluar · diunduh {timezone.localdate():%d-%m-%Y}",
                             widths=[20, 26, 18, 16, 16, 10, 18, 14, 14, 16, 16, 30, 80])
    chosen = {k: v for k, v in filters.items() if v}
    record_event(user, "notify.outbox_downloaded", target="outbox:xlsx",
                 summary=f"Kotak keluar diunduh ({len(rows)} pesan); saringan: {urlencode(chosen) or 'semua'}.")
    return content
