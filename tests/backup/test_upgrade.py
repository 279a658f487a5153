"""`lindung upgrade` from this release's schema with its demo data (tests/fixtures/upgrade/release.json.gz): a backup,
then the migrations, and the app still works on the data; a migration that fails names the one command that brings
the state before the upgrade back, and that command does."""

import re
from collections import Counter

from tests.backup.conftest import check, release

WORKS = """
import sys
import django
django.setup()
from django.conf import settings
from django.test import Client
# Pages name the static files; the manifest storage would need collectstatic first.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from lindung.accounts.models import User
client = Client()
client.force_login(User.objects.get(username="admin"))
for url in ("/", "/peserta/", "/program/"):
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
print(client.get("/peserta/", {"q": sys.argv[1]}).content.decode())
"""


def test_upgrade_from_the_release(site):
    counts = Counter(row["model"] for row in release()["data"])
    before = site.state()

    done = check(site.lindung("upgrade"))

    assert "Pembaruan selesai" in done.stdout
    archive = re.search(r"Cadangan ditulis: (\S+lindung-\d{8}-\d{6}\.tar\.gz)", done.stdout).group(1)
    assert archive.startswith(str(site.data_dir / "backups"))
    after = site.state()
    assert after["head"] == before["head"] and after["files"] == before["files"]
    for table, model in [("registry_peserta", "registry.peserta"), ("enrolment_membership", "enrolment.membership"),
                         ("payments_paidmonth", "payments.paidmonth"), ("audit_event", "audit.event")]:
        assert after["tables"][table] == counts[model] > 0, table
    check(site.lindung("audit", "verify"))
    assert "Rp" in check(site.lindung("dashboard", "--user", "pimpinan")).stdout
    worker = next(row["fields"]["nama"] for row in release()["data"] if row["model"] == "registry.peserta")
    assert worker in check(site.python(WORKS, worker)).stdout


def test_a_failed_migration_names_the_restore_that_undoes_it(site):
    before = site.state()

    failed = site.lindung("upgrade", settings="tests.backup.broken_settings")

    assert failed.returncode != 0
    assert "Pembaruan gagal saat migrasi" in failed.stderr and "cannot convert" in failed.stderr
    command = re.search(r"lindung (restore \S+ --force)", failed.stderr).group(1).split()
    # The release broke half-way: its first migration is applied.
    assert site.query("SELECT note FROM upgrade_probe") == [("half-way",)]
    assert ("regulation", "0003_applies") in site.query("SELECT app, name FROM django_migrations")

    restored = check(site.lindung(*command))

    assert "Terbukti sama dengan manifes" in restored.stdout
    assert site.state() == before
    assert "upgrade_probe" not in site.tables()
    assert ("regulation", "0003_applies") not in site.query("SELECT app, name FROM django_migrations")
