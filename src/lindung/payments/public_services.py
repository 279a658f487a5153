"""The public status check's one write: its audit event."""

from lindung.audit.services import record_event


def record_status_check(membership_id: int | None) -> None:
    """An audit event for every answered lookup: whose membership was shown (its internal key, never the NIK), or
    that nobody was found. Written either way, so a found and a missed lookup take the same work."""
    found = membership_id is not None
    record_event(None, "payments.status_checked", target=f"membership:{membership_id}" if found else "",
                 summary="Status kepesertaan dicek di halaman publik: " + ("ditemukan" if found else "tidak ditemukan"))
