"""Lindung behind Debian's nginx, as deployed: the shipped site (deploy/nginx/lindung.conf, its server's paths and ports
swapped for this test's) in front of `lindung serve` with the documented production settings (deploy/lindung.env.example).

Pages, static files and the API over TLS; the address login throttling and the public card check count is the real
client's, whatever X-Forwarded-For it sends; the proxy's own refusals (too large, Lindung down, an unknown name) are
our pages. Two clients are two loopback addresses (127.0.0.2, 127.0.0.3): to nginx, two machines.
"""

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlencode

import pytest

from lindung.cards.public_views import LIMIT, WINDOW
from tests.serving import ROOT, Server, clean_env, free_port, in_django, wait_for

SITE = ROOT / "deploy" / "nginx" / "lindung.conf"
ERRORS = ROOT / "deploy" / "nginx" / "errors"
ENV_FILE = ROOT / "deploy" / "lindung.env.example"
NAME = "lindung.kaurkab.go.id"  # the server name the shipped files use
NGINX = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin") or "/usr/sbin/nginx"  # not in a user's PATH
PASSWORD = "uji-proksi-lindung-2024"
LOGIN = "/akun/masuk/"
FORGED = "1.2.3.4"
A, B = "127.0.0.2", "127.0.0.3"


def documented_env(tmp: Path) -> dict:
    """The settings deploy/lindung.env.example sets, read the way sh (the `lindung` wrapper) reads it; the secret the
    administrator makes is made here, the data and static directories are in ``tmp``."""
    done = subprocess.run(["sh", "-c", 'set -a; . "$1"; exec env', "sh", str(ENV_FILE)], env={"PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, check=True)
    env = dict(line.split("=", 1) for line in done.stdout.splitlines() if line.startswith("LINDUNG_"))
    assert env["LINDUNG_PRODUCTION"] == "1" and env["LINDUNG_SECRET_KEY"] == ""  # never a shipped secret
    return {**env, "LINDUNG_SECRET_KEY": secrets.token_urlsafe(50), "LINDUNG_DATA_DIR": str(tmp / "data"),
            "LINDUNG_STATIC_ROOT": str(tmp / "static")}


def certificate(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "fullchain.pem", tmp / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "2", "-subj", f"/CN={NAME}", "-addext", f"subjectAltName=DNS:{NAME}",
                    "-keyout", str(key), "-out", str(cert)], capture_output=True, check=True)
    return cert, key


@dataclass
class Proxy:
    https: int
    http: int
    dir: Path
    cafile: Path

    def log(self) -> str:
        return (self.dir / "lindung.access.log").read_text()


def start_nginx(tmp: Path, app_port: int, static_root: Path):
    """nginx in front of 127.0.0.1:``app_port`` with the shipped site: (Proxy, its process)."""
    tmp.mkdir(parents=True, exist_ok=True)
    cert, key = certificate(tmp)
    https, http = free_port(), free_port()
    swap = {  # what the site names on the server -> here
        r"listen 443\b": f"listen 127.0.0.1:{https}", r"listen 80\b": f"listen 127.0.0.1:{http}",
        "server 127.0.0.1:8000": f"server 127.0.0.1:{app_port}",
        "/etc/ssl/lindung/fullchain.pem": str(cert), "/etc/ssl/lindung/privkey.pem": str(key),
        "/var/www/lindung/static/": f"{static_root}/", "/opt/lindung/deploy/nginx/errors/": f"{ERRORS}/",
        "/var/log/nginx/": f"{tmp}/", "/var/www/letsencrypt": str(tmp / "acme"),
    }
    site = SITE.read_text()
    for pattern, replacement in swap.items():
        site, found = re.subn(pattern if pattern.startswith("listen") else re.escape(pattern), replacement, site)
        assert found, f"{pattern} is no longer in {SITE.name}: the test would not run the shipped site"
    (tmp / "lindung.conf").write_text(site)
    # Debian's /etc/nginx/nginx.conf, less what belongs to the machine: the site is included in http {} the same way.
    temp_paths = "".join(f"{kind}_temp_path {tmp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # the test's files are in root's private tmp
        + f"worker_processes 1;\npid {tmp}/nginx.pid;\nevents {{ worker_connections 64; }}\n"
        f"http {{\ninclude /etc/nginx/mime.types;\ndefault_type application/octet-stream;\n{temp_paths}"
        f"include {tmp}/lindung.conf;\n}}\n")
    command = [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log")]
    tested = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True, check=False)
    assert tested.returncode == 0, tested.stderr
    process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
    wait_for(lambda: process.poll() is not None or connects(https), 10, "nginx listens")
    assert process.poll() is None, process.stderr.read() if process.stderr else ""
    return Proxy(https, http, tmp, cert), process


def connects(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


class Connection(http.client.HTTPSConnection):
    """To the proxy on 127.0.0.1 from ``source``, asking for NAME (in the TLS handshake and the Host header)."""

    def __init__(self, proxy: Proxy, source: str, server_name: str = NAME):
        super().__init__(server_name, proxy.https, context=ssl.create_default_context(cafile=proxy.cafile),
                         source_address=(source, 0), timeout=120)

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass
class Answer:
    status: int
    headers: Message
    body: str


class Browser:
    """One client machine: its address, its cookies; every request over HTTPS through the proxy."""

    def __init__(self, proxy: Proxy, address: str, **headers: str):
        self.proxy, self.address, self.headers = proxy, address, headers
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, **headers: str) -> Answer:
        connection = Connection(self.proxy, self.address)
        cookies = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection.request(method, path, body, {**({"Cookie": cookies} if cookies else {}), **self.headers, **headers})
        response = connection.getresponse()
        answer = Answer(response.status, response.headers, response.read().decode())
        connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return answer

    def log_in(self, username: str, password: str = PASSWORD) -> Answer:
        form = self.request("GET", LOGIN)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
        assert token, form.body
        body = urlencode({"csrfmiddlewaretoken": token[1], "username": username, "password": password})
        return self.request("POST", LOGIN, body, **{"Content-Type": "application/x-www-form-urlencoded",
                                                    "Origin": f"https://{NAME}"})


@dataclass
class Site:
    proxy: Proxy
    server: Server
    env: dict
    token: str  # desa's API token


SETUP = """
from django.conf import settings
from django.core.management import call_command
# The queue and trail `serve` reads at start, logins (axes), sessions, the cache the rate limits count in.
for app in ("django_tasks_database", "audit", "accounts", "axes", "sessions", "core"):
    call_command("migrate", app, verbosity=0)
# The manifest the pages link through, without whitenoise's compression (brotli: half a minute here).
settings.STORAGES = {**settings.STORAGES,
                     "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
call_command("collectstatic", interactive=False, verbosity=0)
from lindung.accounts.models import User
from lindung.accounts.services import issue_token
for name in ("camat", "desa"):
    User.objects.create_user(name, password=%r)
print(issue_token(User.objects.get(username="desa")))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deploy")
    env = documented_env(tmp)
    token = in_django(tmp / "data", SETUP % PASSWORD, env)
    app_port = free_port()
    server = Server(tmp / "data", tmp, app_port, workers=1, env=env)
    proxy, nginx = start_nginx(tmp / "nginx", app_port, Path(env["LINDUNG_STATIC_ROOT"]))
    try:
        # The first answer waits for gunicorn's worker to load the app: most of a minute on a busy machine.
        wait_for(lambda: Browser(proxy, A).request("GET", LOGIN).status != 502, 120, "Lindung answers through nginx")
        yield Site(proxy, server, env, token)
    finally:
        stop(nginx)
        server.close()


def test_pages_and_their_static_files_come_through_the_proxy_over_tls(site):
    page = Browser(site.proxy, A).request("GET", LOGIN)
    assert page.status == 200
    assert 'name="password"' in page.body
    # Lindung knows the request came over TLS (X-Forwarded-Proto): no redirect to https, HSTS sent, cookies Secure.
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert all("Secure" in cookie for cookie in page.headers.get_all("Set-Cookie"))

    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.body)[1]
    static = Browser(site.proxy, A).request("GET", stylesheet)
    assert static.status == 200
    assert static.body == (Path(site.env["LINDUNG_STATIC_ROOT"]) / stylesheet.removeprefix("/static/")).read_text()
    assert static.headers["Cache-Control"] == "max-age=2592000"
    assert "Content-Security-Policy" not in static.headers  # read by nginx, not passed to Lindung (which adds one)


def test_plain_http_goes_to_https_and_other_names_get_nothing(site):
    plain = http.client.HTTPConnection("127.0.0.1", site.proxy.http, timeout=10)
    plain.request("GET", LOGIN, headers={"Host": NAME})
    response = plain.getresponse()
    assert (response.status, response.headers["Location"]) == (301, f"https://{NAME}{LOGIN}")
    plain.close()

    plain = http.client.HTTPConnection("127.0.0.1", site.proxy.http, timeout=10)
    plain.request("GET", LOGIN, headers={"Host": "127.0.0.1"})
    with pytest.raises(http.client.RemoteDisconnected):  # nginx's 444: the connection closed, no answer
        plain.getresponse()
    # Over TLS an unknown name (or none: an address) does not even get the certificate.
    with pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME"):
        Connection(site.proxy, A, server_name="lindung.example.org").request("GET", LOGIN)


def test_the_api_with_a_token_through_the_proxy(site):
    answer = Browser(site.proxy, A).request("GET", "/api/me", Authorization=f"Bearer {site.token}")
    assert answer.status == 200
    assert json.loads(answer.body) == {"username": "desa", "role": None, "area": None}
    assert Browser(site.proxy, A).request("GET", "/api/me").status == 401


def attempts(site) -> tuple[list, list]:
    """What axes recorded, read from the server's database: failures (username, address, count), logins (username,
    address)."""
    with closing(sqlite3.connect(Path(site.env["LINDUNG_DATA_DIR"]) / "lindung.sqlite3")) as db:
        return (db.execute("SELECT username, ip_address, failures_since_start FROM axes_accessattempt ORDER BY 1, 2")
                .fetchall(), db.execute("SELECT username, ip_address FROM axes_accesslog ORDER BY 1, 2").fetchall())


def test_login_throttling_records_the_real_client_address_whatever_it_forges(site):
    forger = Browser(site.proxy, A, **{"X-Forwarded-For": FORGED})
    for _ in range(4):
        assert forger.log_in("camat", "salah-sandi-lagi").status == 200  # the form again
    locked = forger.log_in("camat", "salah-sandi-lagi")
    assert locked.status == 429 and "Terlalu banyak percobaan masuk yang gagal" in locked.body
    # One row: camat from A, five failures; not the forged address, not the proxy's 127.0.0.1.
    assert attempts(site) == ([("camat", A, 5)], [])

    other = Browser(site.proxy, B)
    # Throttling is by username from any address (settings.AXES_LOCKOUT_PARAMETERS): camat is locked for B too …
    assert other.log_in("camat").status == 429
    # … and A's failures lock no address: B logs in as another user, and sees his pages.
    assert other.log_in("desa").status == 302
    profile = other.request("GET", "/akun/profil/")
    assert profile.status == 200 and "desa" in profile.body
    failed, logged_in = attempts(site)
    assert {address for _, address, _ in failed} <= {A, B}
    assert logged_in == [("desa", B)]

    # A search's digits never reach the proxy's log (its request lines carry no query string).
    assert other.request("GET", f"{LOGIN}?q=1704051705800001").status == 302  # logged in already
    log = site.proxy.log()
    assert f"GET {LOGIN} HTTP/1.1" in log and "1704051705800001" not in log
    assert FORGED not in log and f"{A} [" in log and f"{B} [" in log


def test_the_public_card_check_counts_each_real_client_apart(site):
    check = "/v/25000000001-1.dibuat-buat/"  # a forged token: 404, and it counts
    for _ in range(2):  # a second go if the limit's window turned over meanwhile
        window = int(time.time()) // WINDOW
        forger = Browser(site.proxy, A)
        answers = [forger.request("GET", check, **{"X-Forwarded-For": f"10.0.0.{n}"}).status for n in range(LIMIT + 1)]
        if int(time.time()) // WINDOW == window:
            break
    assert answers == [404] * LIMIT + [429]  # a new forged address each time changed nothing
    assert Browser(site.proxy, B).request("GET", check).status == 404  # the other client still has his


def test_an_upload_larger_than_the_proxy_allows_is_refused_by_it_with_our_page(site):
    limit_mb = int(re.search(r"client_max_body_size (\d+)m;", SITE.read_text())[1])
    lindung_mb = int(site.env["LINDUNG_MAX_UPLOAD_MB"])
    # Lindung refuses above its limit and a megabyte of other fields, naming the limit; nginx, a bit above, the rest.
    assert lindung_mb + 1 < limit_mb <= lindung_mb * 1.1

    for path, page, kind in (("/peserta/impor/", "413.html", "text/html"), ("/api/imports", "413.json", "application/json")):
        connection = Connection(site.proxy, A)
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "multipart/form-data; boundary=lindung")
        connection.putheader("Content-Length", str((limit_mb + 1) * 1024 * 1024))
        connection.endheaders()  # and not a byte of the body: nginx answers from the length alone
        response = connection.getresponse()
        assert response.status == 413
        assert response.headers["Content-Type"] == f"{kind}; charset=utf-8"
        assert response.read().decode() == (ERRORS / page).read_text()  # ours, not Lindung's own 413
        connection.close()


def test_lindung_down_gets_a_page_in_words(tmp_path, site):
    proxy, nginx = start_nginx(tmp_path, free_port(), Path(site.env["LINDUNG_STATIC_ROOT"]))  # nothing listens there
    try:
        answer = Browser(proxy, A).request("GET", "/")
    finally:
        stop(nginx)
    assert answer.status == 502
    assert answer.body == (ERRORS / "502.html").read_text()
    assert "Lindung sedang tidak menjawab" in answer.body


def test_check_deploy_is_clean_with_the_documented_settings(tmp_path):
    done = subprocess.run([sys.executable, "-m", "lindung.cli", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env={**clean_env(tmp_path), **documented_env(tmp_path)}, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr
