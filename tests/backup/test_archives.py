"""Where `lindung backup` writes and what the nightly unit keeps: LINDUNG_BACKUP_DIR/lindung-YYYYmmdd-HHMMSS.tar.gz by
default, that name inside a directory OUT, the file OUT; --keep N leaves the newest N archives, readable by their owner
only, and never a half-written one."""

import re
import shlex
import stat
import tarfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.backup.conftest import ROOT, check

NAME = re.compile(r"lindung-(\d{8}-\d{6})\.tar\.gz")


def unit_command() -> tuple[list[str], int]:
    """The nightly unit's command line after `lindung`, with its own LINDUNG_BACKUP_KEEP."""
    unit = (ROOT / "deploy" / "lindung-backup.service").read_text()
    keep = re.search(r"^Environment=LINDUNG_BACKUP_KEEP=(\d+)$", unit, re.M).group(1)
    command = re.search(r"^ExecStart=\S+/lindung (.*)$", unit, re.M).group(1)
    return shlex.split(command.replace("${LINDUNG_BACKUP_KEEP}", keep)), int(keep)


def test_the_nightly_backup_keeps_the_newest(site):
    backups = site.data_dir / "backups"
    backups.mkdir()
    old = [backups / f"lindung-{datetime(2025, 1, 1) + timedelta(days=day):%Y%m%d}-013000.tar.gz" for day in range(20)]
    for path in old:
        path.write_bytes(b"an old archive")
    (backups / "catatan.txt").write_text("not an archive")
    command, keep = unit_command()
    assert command == ["backup", "--keep", str(keep)] and keep > 1

    started = datetime.now(ZoneInfo("Asia/Jakarta")).replace(tzinfo=None)
    done = check(site.lindung(*command))

    names = sorted(p.name for p in backups.iterdir())
    new = [n for n in names if NAME.fullmatch(n) and n not in {p.name for p in old}]
    assert len(new) == 1 and f"Cadangan ditulis: {backups / new[0]}" in done.stdout
    assert names == sorted([*(p.name for p in old[-(keep - 1):]), new[0], "catatan.txt"])
    assert done.stdout.count("Cadangan lama dihapus") == len(old) - (keep - 1)
    # Named in the server's local time (LINDUNG_TIME_ZONE, Asia/Jakarta by default), not UTC.
    written = datetime.strptime(NAME.fullmatch(new[0]).group(1), "%Y%m%d-%H%M%S")
    assert timedelta(0) <= written - started.replace(microsecond=0) < timedelta(minutes=5)
    assert stat.S_IMODE((backups / new[0]).stat().st_mode) == 0o600


def test_out_a_directory_or_a_file(site, tmp_path):
    directory = tmp_path / "usb"
    directory.mkdir()
    check(site.lindung("backup", f"{directory}/"))
    check(site.lindung("backup", str(tmp_path / "salinan-kaur.tar.gz")))

    assert [NAME.fullmatch(p.name) is not None for p in directory.iterdir()] == [True]
    assert (tmp_path / "salinan-kaur.tar.gz").stat().st_size > 100_000
    leftovers = [p for p in [*directory.iterdir(), *tmp_path.iterdir()] if p.name.startswith(".")]
    assert leftovers == [], "a temporary file or the database's copy was left behind"
    assert not Path(site.data_dir / "backups").exists()  # OUT given: nothing in LINDUNG_BACKUP_DIR


def test_the_kept_assessments_and_figures_are_not_backed_up(site, tmp_path):
    """Worked out again from the database on the next view: 12 MB a programme at a million workers, for nothing."""
    for folder, name in (("assessments", "1-17.04-abc.parquet"), ("kept", "0123abcd.djcache")):
        (site.data_dir / folder).mkdir(exist_ok=True)
        (site.data_dir / folder / name).write_bytes(b"kept")
    check(site.lindung("backup", str(tmp_path / "salinan.tar.gz")))
    with tarfile.open(tmp_path / "salinan.tar.gz") as archive:
        names = archive.getnames()
    assert not [n for n in names if "assessments" in n or "kept" in n]
    assert any(n.endswith("manifest.json") for n in names)
