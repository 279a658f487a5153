"""A file the user downloads (xlsx, PDF, zip): its type from the name's extension, saved under that name; a file of
people's data on the audit record."""

import mimetypes
from typing import TypeVar

from django.http import HttpResponse
from django.http.response import HttpResponseBase

from lindung.audit.services import record_event


def attachment(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """``inline`` opens a PDF in the browser's viewer instead of saving it."""
    response = HttpResponse(content, content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


Download = TypeVar("Download", bound=HttpResponseBase)


def on_record(user, response: Download, action: str, *, target: str, summary: str) -> Download:
    """``response``, a file of people's data (names, NIKs, a claim's document), handed to ``user``: on the audit
    record, ``summary`` saying what it held (never a NIK or a name)."""
    record_event(user, action, target=target, summary=summary)
    return response
