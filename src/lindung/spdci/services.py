"""The one write of the SPDCI APIs: every search on the audit record (who asked, for how many, what was answered),
without a NIK or a name."""

from lindung.audit.services import record_event


def record_search(user, operation: str, sender_id: str, asked: int, records: int) -> None:
    record_event(user, "spdci.searched", target=f"spdci:{operation}",
                 summary=f"Pencarian SPDCI {operation} dari {sender_id[:60] or '-'}: {asked} permintaan, "
                         f"{records} catatan dijawab")
