"""One log line per request and per job (core.logs): who, which URL pattern, how it ended, how long — never the path
asked, its query string, what was posted, a NIK, a name or a phone number."""

import json
import logging
import subprocess
import sys

from lindung.core.logmask import MaskNik
from lindung.core.logs import FIELDS, JsonFormatter
from tests.conftest import BANDAR_BINTUHAN, make_peserta
from tests.core.napping_task import nap
from tests.serving import ROOT, clean_env
from tests.ops.capture import json_logs, lines

NIK = "1704055709800011"


def requests_in(written) -> list[dict]:
    return [line for line in lines(written) if line.get("event") == "request"]


def test_a_request_line_names_the_user_by_id_and_role_and_the_page_by_its_pattern(client, users):
    worker = make_peserta(BANDAR_BINTUHAN, "Siti Dalamdesa", sex="P", serial=11)
    worker.telepon = "081299887766"
    worker.save()
    client.force_login(users["operator"])
    with json_logs() as written:
        assert client.get(f"/peserta/{worker.pk}/").status_code == 200
        assert client.get("/peserta/", {"q": worker.nik}).status_code == 200
        assert client.post(f"/peserta/{worker.pk}/ubah/", {"nama": "Siti Baru", "telepon": "081311112222"}
                           ).status_code in (200, 302)
    detail, search, edit = requests_in(written)
    assert detail["route"] == "peserta/<int:pk>/" and detail["method"] == "GET" and detail["status"] == 200
    assert detail["user"] == users["operator"].pk and detail["role"] == "Operator Dinas"
    assert isinstance(detail["duration_ms"], int) and detail["level"] == "INFO" and detail["time"]
    assert search["route"] == "peserta/" and edit["route"] == "peserta/<int:pk>/ubah/" and edit["method"] == "POST"
    text = written.getvalue()
    for personal in (worker.nik, worker.nik[:8], "Siti", "Dalamdesa", "081299887766", "081311112222"):
        assert personal not in text, personal


def test_an_unknown_path_is_logged_without_it_and_a_server_error_as_an_error(client, settings, db):
    settings.ROOT_URLCONF = "tests.ops.failing_urls"
    client.raise_request_exception = False
    with json_logs() as written:
        client.get(f"/tidak-ada/{NIK}/Siti-Dalamdesa/")
        client.get("/healthz")
        assert client.get("/gagal/Siti-Dalamdesa/", {"q": "Siti"}).status_code == 500
    missing, health, failed = requests_in(written)
    assert (missing["route"], missing["status"], missing["user"], missing["role"]) == (None, 404, None, None)
    assert health["route"] == "healthz" and health["status"] == 200
    assert (failed["route"], failed["status"], failed["level"]) == ("gagal/<str:word>/", 500, "ERROR")
    [django_error] = [line for line in lines(written) if line["logger"] == "django.request"]
    assert django_error["message"] == "Internal Server Error: gagal/<str:word>/"
    assert "Key (nik)=(1704********0011)" in django_error["traceback"]
    assert "Siti" not in written.getvalue() and "17040557" not in written.getvalue()


def test_a_job_line_names_the_task_its_id_status_and_duration(tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with json_logs() as written:
        result = nap.enqueue(str(tmp_path), 0.05)
    [job] = [line for line in lines(written) if line.get("event") == "job"]
    assert job["task"] == "tests.core.napping_task.nap" and job["job"] == str(result.id)
    assert job["status"] == "SUCCESSFUL" and job["duration_ms"] >= 50 and job["logger"] == "lindung.jobs"
    assert str(tmp_path) not in written.getvalue()  # never the job's arguments


def test_the_json_formatter_writes_one_object_per_line_a_traceback_masked():
    record = logging.LogRecord("lindung.registry", logging.ERROR, __file__, 1, "Gagal %s", (NIK,), None)
    try:
        raise ValueError(f"Key (nik)=({NIK}) already exists.")
    except ValueError:
        record.exc_info = sys.exc_info()
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskNik())
    assert handler.filter(record)
    line = handler.format(record)
    assert "\n" not in line and NIK not in line
    parsed = json.loads(line)
    assert parsed["message"] == "Gagal 1704********0011" and parsed["level"] == "ERROR"
    assert "Key (nik)=(1704********0011)" in parsed["traceback"]
    assert set(parsed) <= {"time", "level", "logger", "message", "traceback", *FIELDS}


def test_the_format_is_chosen_by_LINDUNG_LOG_FORMAT_json_by_default_in_production(tmp_path):
    code = ("import django, logging; django.setup(); "
            f"logging.getLogger('lindung.registry').warning('Peserta %s tidak ditemukan', '{NIK}')")
    secret = {"LINDUNG_SECRET_KEY": "k" * 30 + "abcdefghijklmnopqrstuvwxyz", "LINDUNG_ALLOWED_HOSTS": "lindung.example"}
    written = {}
    for name, extra in (("demo", {}), ("json", {"LINDUNG_LOG_FORMAT": "json"}),
                        ("production", {"LINDUNG_PRODUCTION": "1", **secret})):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                              env={**clean_env(tmp_path), "DJANGO_SETTINGS_MODULE": "lindung.settings", **extra},
                              check=False)
        assert done.returncode == 0, done.stderr
        written[name] = done.stderr.strip()
    assert written["demo"].endswith("WARNING lindung.registry: Peserta 1704********0011 tidak ditemukan")
    for name in ("json", "production"):
        line = json.loads(written[name])
        assert (line["logger"], line["message"]) == ("lindung.registry", "Peserta 1704********0011 tidak ditemukan")
