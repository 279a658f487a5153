"""No NIK in the logs: every handler masks 16-digit numbers and the digits of a search in a request line."""

import io
import logging

from django.conf import settings

from lindung.core.logmask import MaskNik, mask

NIK = "1704055709800011"


def test_every_configured_handler_masks_niks():
    assert settings.LOGGING["handlers"]
    for name, handler in settings.LOGGING["handlers"].items():
        assert "mask_nik" in handler.get("filters", []), f"the {name} log handler does not mask NIKs"


def test_mask_keeps_the_first_and_last_four_digits_and_nothing_else():
    assert mask(f"NIK {NIK} ditolak") == "NIK 1704********0011 ditolak"
    assert mask(f"{NIK},{NIK}") == "1704********0011,1704********0011"
    assert mask("17040557098000111") == "17040557098000111"  # 17 digits: not a NIK
    assert mask("Rp16.800, 2025-01, KPJ 24010000000") == "Rp16.800, 2025-01, KPJ 24010000000"
    assert mask('"GET /peserta/?q=17040557&after=3 HTTP/1.1" 200') == '"GET /peserta/?q=****&after=3 HTTP/1.1" 200'
    assert mask("/peserta/?q=Siti") == "/peserta/?q=Siti"


def _configured_handler() -> logging.Handler:
    return next(h for h in logging.getLogger("django").handlers if any(isinstance(f, MaskNik) for f in h.filters))


def test_a_nik_in_a_message_its_arguments_a_traceback_or_a_request_line_never_reaches_the_log():
    handler = _configured_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        logging.getLogger("lindung.registry").warning("Peserta %s tidak ditemukan", NIK)
        try:
            raise ValueError(f"Key (nik)=({NIK}) already exists.")
        except ValueError:
            logging.getLogger("lindung").exception("Gagal menyimpan")
        # runserver's request lines: its 404s (warnings) still reach the log; ours replace its 200s (core.logs)
        logging.getLogger("django.server").warning('"%s" %s %s', f"GET /peserta/?q={NIK} HTTP/1.1", "404", "1234")
        logging.getLogger("django.request").error("Internal Server Error: /api/workers/%s", NIK)
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]
    written = stream.getvalue()
    assert NIK not in written and "17040557" not in written
    assert "Peserta 1704********0011 tidak ditemukan" in written
    assert "Key (nik)=(1704********0011) already exists." in written  # the traceback too
    assert "GET /peserta/?q=**** HTTP/1.1" in written and "Error: /api/workers/1704********0011" in written
