"""Workbooks are tried in a child process with memory and time limits before they are read.

A workbook is an untrusted archive: one cell at XFD1048576 in a 1.6 KB xlsx makes the parser ask for 512 GB
(it fills the rectangle from A1), a zip bomb or nested XML entities ask for as much. Read in the web or
background worker, such a file killed the worker. ``check`` has a child Python (it loads calamine alone: a
twentieth of a second) read every sheet as the readers do, under an address-space and CPU limit and a timeout.
A hostile file ends the child, and the clerk gets a message; a file the child read fits in the limits when
the readers read it again.

    python -m lindung.pipeline.sandbox WORKBOOK MEMORY_MB SECONDS MAX_CELLS   (the child)
"""

import io
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MEMORY_MB = int(os.environ.get("LINDUNG_PARSE_MEMORY_MB", "1024"))  # 200,000 rows x 19 columns need ~400 MB
SECONDS = int(os.environ.get("LINDUNG_PARSE_SECONDS", "120"))
# Cells of a sheet's rectangle, A1 to the last: turned into text columns, 20 million take the reader 1.3 GB.
MAX_CELLS = int(os.environ.get("LINDUNG_PARSE_MAX_CELLS", "10000000"))
UNREADABLE, TOO_MANY_CELLS = 3, 4  # the child's exit codes besides 0 (read) and a limit's
# An xlsx or ods is a zip: its directory says how large each part unpacks, before anything is unpacked. The
# 200,000-row register unpacks to ~450 MB at a ratio under 20; a zip bomb's part unpacks hundreds of times over.
MAX_UNPACKED_MB = int(os.environ.get("LINDUNG_PARSE_MAX_UNPACKED_MB", "2048"))
MAX_RATIO, RATIO_FROM_MB = 200, 10  # parts smaller than this may pack as well as they like


class TooBig(Exception):
    """The workbook needs more memory or time than the limits to be read."""


class Unreadable(Exception):
    """Not a workbook calamine can read: damaged, or protected by a password."""


def archive(data: bytes, *, max_unpacked_mb: int = MAX_UNPACKED_MB) -> None:
    """A zip-based workbook whose directory announces more than ``max_unpacked_mb`` in all, or a large part packed
    beyond MAX_RATIO, is TooBig before a byte is unpacked. Other files (xls, csv) pass: the child reads those."""
    if not data.startswith(b"PK\x03\x04"):
        return
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as e:
        raise Unreadable(str(e)) from e
    unpacked = sum(p.file_size for p in parts)
    if unpacked > max_unpacked_mb * 2**20:
        raise TooBig(f"unpacks to {unpacked // 2**20} MB")
    for part in parts:
        if part.file_size > RATIO_FROM_MB * 2**20 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise TooBig(f"{part.filename} unpacks {part.file_size // max(part.compress_size, 1)} times over")


def check(data: bytes, *, memory_mb: int = MEMORY_MB, seconds: int = SECONDS, max_cells: int = MAX_CELLS) -> None:
    """Returns when the archive's directory is sane (``archive``) and a child read every sheet of the workbook
    ``data`` within the limits, none with more than ``max_cells`` cells; raises TooBig or Unreadable otherwise."""
    archive(data)
    with tempfile.NamedTemporaryFile(prefix="lindung-workbook-") as workbook:
        workbook.write(data)
        workbook.flush()
        command = [sys.executable, "-m", "lindung.pipeline.sandbox", workbook.name, *map(str, (memory_mb, seconds,
                                                                                                 max_cells))]
        try:
            done = subprocess.run(command, capture_output=True, timeout=seconds + 5, check=False)
        except subprocess.TimeoutExpired as e:
            raise TooBig(f"still reading after {seconds + 5} s") from e
    if done.returncode == UNREADABLE:
        raise Unreadable(done.stderr.decode(errors="replace")[-300:])
    if done.returncode == TOO_MANY_CELLS:
        raise TooBig(done.stderr.decode(errors="replace")[-300:])
    if done.returncode != 0:  # killed by a limit (SIGKILL, SIGXCPU), or an allocation failed (abort)
        raise TooBig(f"the reader ended with {done.returncode}")


def _child(workbook: str, memory_mb: int, seconds: int, max_cells: int) -> int:
    import resource

    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    import fastexcel  # after the limits

    try:
        excel = fastexcel.read_excel(Path(workbook).read_bytes())
        for name in excel.sheet_names:  # as readers._excel_tables loads them: each sheet whole, as text
            sheet = excel.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            if sheet.width * sheet.height > max_cells:
                print(f"{name}: {sheet.width} x {sheet.height} cells", file=sys.stderr)
                return TOO_MANY_CELLS
    except fastexcel.FastExcelError as e:
        print(e, file=sys.stderr)
        return UNREADABLE
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], *map(int, sys.argv[2:])))
