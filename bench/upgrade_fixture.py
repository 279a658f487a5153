"""Regenerate tests/fixtures/upgrade/release.json.gz: this release's schema with a small demo in it, from which the
next release's migrations are tested forward (tests/backup/test_upgrade.py).

    uv run python bench/upgrade_fixture.py               # a 200-worker demo in a temporary data directory
    uv run python bench/upgrade_fixture.py --workers 300

Run it when a release is made, after its last migration: the file holds each app's latest migration name and a
`dumpdata` of the demo (users, regions, workers, programmes, bills, payments, cards, claims, the audit chain, …;
not the tables Django or the job queue rebuild). It prints the file's size, which must stay well under 2 MB.
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "upgrade" / "release.json.gz"
# Rebuilt by `migrate` (content types, permissions) or state of a moment (sessions, login attempts, queued jobs).
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes", "django_tasks_database"]
# Each app's latest applied migration, and each audit event's time to the microsecond: dumpdata writes times to the
# millisecond (DjangoJSONEncoder), and the chain's seals cover microseconds.
FACTS = """
import django, json
django.setup()
from django.db.migrations.recorder import MigrationRecorder
from lindung.audit.models import Event
latest = {}
for app, name in MigrationRecorder.Migration.objects.order_by("app", "id").values_list("app", "name"):
    latest[app] = name
times = {pk: at.isoformat() for pk, at in Event.objects.values_list("pk", "at")}
print(json.dumps({"migrations": latest, "event_times": times}))
"""


def lindung(env: dict, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "lindung.cli", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LINDUNG_", "DATABASE_URL"))}
        env.update(LINDUNG_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="lindung.settings")
        lindung(env, "demo", "--workers", str(args.workers), "--no-serve")
        data = json.loads(lindung(env, "dumpdata", "--natural-foreign", *(f"--exclude={e}" for e in EXCLUDE)))
        facts = json.loads(subprocess.run([sys.executable, "-c", FACTS], cwd=ROOT, env=env, check=True,
                                          capture_output=True, text=True).stdout)
    migrations = facts["migrations"]
    for row in data:
        if row["model"] == "audit.event":
            row["fields"]["at"] = facts["event_times"][str(row["pk"])]
    release = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                             text=True).stdout.strip()
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(FIXTURE, "wt", encoding="utf-8") as out:
        json.dump({"made": date.today().isoformat(), "release": release, "workers": args.workers,
                   "migrations": migrations, "data": data}, out, ensure_ascii=False, separators=(",", ":"))
    print(f"{FIXTURE.relative_to(ROOT)}: {len(data)} objects, {len(migrations)} apps, "
          f"{FIXTURE.stat().st_size / 2**20:.2f} MB")


if __name__ == "__main__":
    main()
