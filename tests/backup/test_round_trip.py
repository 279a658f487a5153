"""`lindung backup` then `lindung restore` into an empty installation give back every table's rows, every file's
checksum and the audit chain with its head; a truncated or altered archive is refused and changes nothing; a
non-empty target is refused unless --force. On the database of the run (SQLite, or PostgreSQL with DATABASE_URL)."""

import io
import re
import stat
import tarfile

import pytest

from lindung.core.health import HEARTBEAT_NAME
from tests.backup.conftest import POSTGRES, check


@pytest.fixture(scope="module")
def archive(release_site, tmp_path_factory):
    out = tmp_path_factory.mktemp("archive") / "salinan.tar.gz"
    done = check(release_site.lindung("backup", str(out)))
    assert f"Cadangan ditulis: {out}" in done.stdout
    return out


def test_round_trip(release_site, archive, empty_site):
    """The installation lost, only the archive left: restored into an empty one."""
    before = release_site.state()
    assert before["tables"]["registry_peserta"] == 200 and before["head"][0] > 100 and len(before["files"]) > 10

    done = check(empty_site.lindung("restore", str(archive)))

    assert "Terbukti sama dengan manifes" in done.stdout
    assert empty_site.state() == before
    assert not (empty_site.data_dir / HEARTBEAT_NAME).exists()
    verified = check(empty_site.lindung("audit", "verify", "--head", f"{before['head'][0]}:{before['head'][1]}"))
    assert "utuh" in verified.stdout
    # The audit table's append-only triggers came back with it.
    refused = empty_site.python("import django; django.setup()\n"
                                "from django.db import connection\n"
                                "connection.cursor().execute(\"UPDATE audit_event SET summary = 'x'\")")
    assert refused.returncode != 0 and "append-only" in refused.stderr
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in empty_site.data_dir.rglob("*") if path.is_file()}
    assert modes["secret_key"] == 0o600 and not any(mode & 0o007 for mode in modes.values())


def _repack(archive, into, change=lambda name, data: data, extra=()):
    """The archive written again (a valid gzip and tar) with ``change(name, data)``'s bytes for each member, then the
    ``extra`` (name, data) members."""
    with tarfile.open(archive) as old, tarfile.open(into, "w:gz") as new:
        members = [(m, old.extractfile(m).read()) for m in old.getmembers()]
        for member, data in [*members, *((tarfile.TarInfo(name), data) for name, data in extra)]:
            data = change(member.name, data)
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return into


def _flip(wanted):
    def change(name, data):
        if not re.match(wanted, name):
            return data
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1:]
    return change


@pytest.mark.parametrize("damage, said", [
    ("truncated", "tidak terbaca sampai akhir"),
    ("document altered", "tidak cocok dengan checksum"),
    ("database altered", "tidak cocok dengan checksum"),
    ("member slipped in", "tidak tercatat di manifes"),
])
def test_damaged_archive_refused(archive, empty_site, tmp_path, damage, said):
    damaged = tmp_path / "rusak.tar.gz"
    if damage == "truncated":
        damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size * 3 // 4])
    elif damage == "document altered":
        _repack(archive, damaged, _flip(r"files/media/klaim/"))
    elif damage == "database altered":
        _repack(archive, damaged, _flip(r"database/"))
    else:
        _repack(archive, damaged, extra=[("files/media/tambahan.pdf", b"%PDF-1.4")])

    done = check(empty_site.lindung("restore", str(damaged)), 2)

    assert "rusak, tidak dipulihkan" in done.stderr and said in done.stderr
    assert empty_site.files() == {"secret_key": empty_site.files()["secret_key"]}  # nothing placed
    tables = empty_site.tables()
    assert not any(tables.values()), "the target database was touched"


def test_non_empty_target_refused_unless_force(site, archive):
    before = site.state()
    (site.data_dir / "media" / "sisa.pdf").write_bytes(b"not in the archive")

    refused = check(site.lindung("restore", str(archive)), 2)
    assert "tidak kosong" in refused.stderr and "--force" in refused.stderr
    assert (site.data_dir / "media" / "sisa.pdf").exists()

    check(site.lindung("restore", str(archive), "--force"))
    assert site.state() == before  # the stray file gone: the directory is the archive's


def test_a_restore_refuses_an_archive_of_the_other_database(archive, empty_site, tmp_path):
    mine, other = ("postgresql", "sqlite") if POSTGRES else ("sqlite", "postgresql")
    other_kind = _repack(archive, tmp_path / "lain.tar.gz", lambda name, data: data.replace(
        f'"engine": "{mine}"'.encode(), f'"engine": "{other}"'.encode()) if name == "manifest.json" else data)

    done = check(empty_site.lindung("restore", str(other_kind)), 2)

    assert f"cadangan basis data {other}" in done.stderr and "jenis basis data yang sama" in done.stderr
    assert not any(empty_site.tables().values())
