"""An uploaded file on disk for the readers, which take a path."""

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


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
