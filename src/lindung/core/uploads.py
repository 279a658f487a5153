"""An uploaded file on disk for the readers, which take a path."""

import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import polars as pl

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@contextmanager
def saved_upload(chunks: bytes | Iterable[bytes], prefix: str) -> Iterator[Path]:
    """The upload's bytes (or its .chunks()) in a temporary file, removed afterwards. Personal data: it goes
    to the data directory, not /tmp."""
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=settings.DATA_DIR, prefix=prefix) as copy:
        for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
            copy.write(chunk)
        copy.flush()
        yield Path(copy.name)


def max_upload_bytes() -> int:
    return settings.LINDUNG_MAX_UPLOAD_MB * 1024 * 1024


Read = TypeVar("Read")


def read_upload(chunks: bytes | Iterable[bytes], prefix: str, reader: Callable[..., Read]) -> Read:
    """An uploaded file read by one of pipeline's readers (BPJS's answer, its status file, a death list), within
    the upload size limit; ReadError for a file that cannot be read."""
    with saved_upload(chunks, prefix=prefix) as path:
        return reader(path, max_bytes=max_upload_bytes())


@dataclass
class FileOutcome:
    """What an all-or-nothing import of a file did: with any error among the findings, nothing was changed."""

    findings: pl.DataFrame | None = None  # schema.FINDINGS_SCHEMA: errors and warnings by row and column

    @property
    def errors(self) -> int:
        return 0 if self.findings is None else self.findings.filter(pl.col("severity") == "error").height


# A photo or a scanned page, told by its first bytes, not by the name or type the browser sends.
PHOTO_OR_PDF = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF", b"%PDF-")


def check_photo_or_pdf(upload, what: str, max_mb: int) -> None:
    """Refuse (ValidationError naming ``what``) an upload that is too large or not a JPEG, PNG, WebP or PDF."""
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationError(_("%(what)s is larger than %(mb)s MB.") % {"what": what, "mb": max_mb})
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    if not head.startswith(PHOTO_OR_PDF) or (head.startswith(b"RIFF") and head[8:12] != b"WEBP"):
        raise ValidationError(_("%(what)s must be a photo (JPEG, PNG, WebP) or a PDF.") % {"what": what})
