import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.utils import translation

from lindung.registry.services import save_peserta
from tests.conftest import BANDAR_BINTUHAN, new_peserta

ROOT = Path(__file__).resolve().parents[2]


def clean_env() -> dict:
    # A subprocess starts from this machine's environment less the test run's own settings.
    skip = ("LINDUNG_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    return {k: v for k, v in os.environ.items() if not k.startswith(skip)}


def lindung(*args, **env):
    clean = clean_env()
    return subprocess.run(
        [sys.executable, "-m", "lindung.cli", *args], capture_output=True, text=True, cwd=ROOT,
        env={**clean, "LINDUNG_DATA_DIR": env.pop("data_dir"), **env}, timeout=120,
    )


def test_production_mode_refuses_to_start_without_a_real_secret(tmp_path):
    result = lindung("check", data_dir=str(tmp_path), LINDUNG_PRODUCTION="1", LINDUNG_ALLOWED_HOSTS="x.go.id")
    assert result.returncode != 0
    assert "LINDUNG_SECRET_KEY" in result.stderr
    weak = lindung("check", data_dir=str(tmp_path), LINDUNG_PRODUCTION="1", LINDUNG_ALLOWED_HOSTS="x.go.id",
                   LINDUNG_SECRET_KEY="django-insecure-" + "a" * 50)
    assert weak.returncode != 0


def test_production_mode_passes_check_deploy(tmp_path):
    result = lindung("check", "--deploy", "--fail-level", "WARNING", data_dir=str(tmp_path), LINDUNG_PRODUCTION="1",
                     LINDUNG_ALLOWED_HOSTS="lindung.kaurkab.go.id", LINDUNG_SECRET_KEY=os.urandom(40).hex())
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_demo_secret_is_generated_once_and_kept_private(tmp_path):
    assert lindung("check", data_dir=str(tmp_path)).returncode == 0
    secret = tmp_path / "secret_key"
    first = secret.read_text()
    assert len(first) >= 50 and oct(secret.stat().st_mode)[-3:] == "600"
    lindung("check", data_dir=str(tmp_path))
    assert secret.read_text() == first


@pytest.mark.django_db
def test_sqlite_runs_in_wal_with_immediate_transactions(settings):
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        return
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    # The test database is in memory (WAL does not apply there); a file database gets WAL from init_command.
    assert "journal_mode=WAL" in settings.DATABASES["default"]["OPTIONS"]["init_command"]


def test_a_file_database_really_is_in_wal_mode(tmp_path):
    code = "import django; django.setup(); from django.db import connection; c = connection.cursor(); " \
           "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    clean = clean_env()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                         env={**clean, "LINDUNG_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "lindung.settings"})
    assert out.stdout.strip() == "wal", out.stderr


@pytest.mark.parametrize("amount, text", [(16800, "Rp16.800"), (119_784_000, "Rp119.784.000"), (0, "Rp0"), (-5000, "-Rp5.000")])
def test_rupiah_is_written_the_indonesian_way(amount, text):
    assert Template("{% load lindung %}{{ v|rupiah }}").render(Context({"v": amount})) == text


def test_dates_and_counts_follow_the_page_language():
    from datetime import date

    template = Template('{% load lindung %}{{ d|date:"DATE_FORMAT" }} {{ n|angka }}')
    with translation.override("id"):
        assert template.render(Context({"d": date(2024, 12, 17), "n": 7130})) == "17 Desember 2024 7.130"
    with translation.override("en"):
        assert template.render(Context({"d": date(2024, 12, 17), "n": 7130})) == "17 December 2024 7,130"


def test_indonesian_is_the_default_whatever_the_browser_says(client, users):
    client.force_login(users["admin"])
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="id"' in page and "Beranda" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Home" in client.get("/").content.decode()


def test_home_counts_only_the_users_area(client, users, three_workers):
    client.force_login(users["camat"])
    summary = client.get("/").context["summary"]
    assert summary["total"] == 2 and [c for c, _, _ in summary["kecamatan"]] == ["17.04.05"]
    client.force_login(users["desa"])
    assert client.get("/").context["summary"]["total"] == 1
    # Added through the form's service (audited): the kept summary (core.kept) is counted again.
    save_peserta(users["desa"], new_peserta(BANDAR_BINTUHAN, "Tambahan Satu", serial=99))
    assert client.get("/").context["summary"]["total"] == 2


def test_every_indonesian_message_is_translated():
    po = (ROOT / "src/lindung/locale/id/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    result = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", "-"], input=po, capture_output=True, text=True)
    entries = [b for b in result.stdout.split("\n\n") if "msgid" in b and 'msgid ""\nmsgstr ""\n"' not in b]
    assert not entries, "Untranslated:\n" + "\n\n".join(entries)
    mo = ROOT / "src/lindung/locale/id/LC_MESSAGES/django.mo"
    assert mo.stat().st_mtime >= (ROOT / "src/lindung/locale/id/LC_MESSAGES/django.po").stat().st_mtime - 1


def test_no_asset_comes_from_a_cdn():
    for path in (ROOT / "src/lindung").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "//cdn" not in text and "unpkg.com" not in text and "googleapis" not in text, path
