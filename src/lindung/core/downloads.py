"""A file the user downloads (xlsx, PDF, zip): its type from the name's extension, saved under that name."""

import mimetypes

from django.http import HttpResponse


def attachment(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """``inline`` opens a PDF in the browser's viewer instead of saving it."""
    response = HttpResponse(content, content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response
