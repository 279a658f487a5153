"""Django settings, read from the environment.

Demo by default (SQLite under LINDUNG_DATA_DIR, a generated secret kept in that directory);
production when LINDUNG_PRODUCTION=1, which refuses to start without a real secret and hosts.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("LINDUNG_DATA_DIR", "var")).resolve()
PRODUCTION = env_bool("LINDUNG_PRODUCTION")
DEBUG = env_bool("LINDUNG_DEBUG") and not PRODUCTION

# The regency this installation serves (Kemendagri code); Kaur by default.
LINDUNG_REGENCY = os.environ.get("LINDUNG_REGENCY", "17.04")

DEMO_SECRET_FILE = DATA_DIR / "secret_key"


def _secret_key() -> str:
    key = os.environ.get("LINDUNG_SECRET_KEY", "")
    if PRODUCTION:
        if len(key) < 50 or key.startswith("django-insecure") or len(set(key)) < 5:
            raise ImproperlyConfigured(
                "LINDUNG_PRODUCTION=1 needs LINDUNG_SECRET_KEY: at least 50 random characters."
            )
        return key
    if key:
        return key
    # Demo: a random key made once and kept beside the data, never a key in the source.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if not DEMO_SECRET_FILE.exists():
        DEMO_SECRET_FILE.write_text(secrets.token_urlsafe(64))
        DEMO_SECRET_FILE.chmod(0o600)
    return DEMO_SECRET_FILE.read_text().strip()


SECRET_KEY = _secret_key()

if PRODUCTION:
    hosts = os.environ.get("LINDUNG_ALLOWED_HOSTS", "")
    if not hosts:
        raise ImproperlyConfigured("LINDUNG_PRODUCTION=1 needs LINDUNG_ALLOWED_HOSTS (comma-separated).")
    ALLOWED_HOSTS = [h.strip() for h in hosts.split(",") if h.strip()]
else:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"] + [
        h.strip() for h in os.environ.get("LINDUNG_ALLOWED_HOSTS", "").split(",") if h.strip()
    ]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "ninja",
    # Before django_tasks_db: its `db_worker` command is replaced by Lindung's, which writes the heartbeat.
    "lindung.core",
    "django_tasks",
    "django_tasks_db",
    "lindung.wilayah",
    "lindung.accounts",
    "lindung.audit",
    "lindung.registry",
    "lindung.programs",
    "lindung.enrolment",
    "lindung.payments",
    "lindung.selfpay",
    "lindung.notify",
    "lindung.cards",
    "lindung.claims",
    "lindung.life",
    "lindung.regulation",
    "lindung.backup",
    "lindung.spdci",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lindung.core.middleware.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # One log line per request (not the static files whitenoise answered above): it times all that follows.
    "lindung.core.logs.RequestLog",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lindung.core.middleware.LanguageMiddleware",
    "lindung.core.middleware.upload_limit",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lindung.accounts.middleware.PasswordChangeRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "lindung.core.middleware.BusyDatabaseMiddleware",
    # Last, so it sees the authenticated request and the final response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lindung.urls"
WSGI_APPLICATION = "lindung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lindung.core.context_processors.lindung",
            ],
        },
    }
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "lindung.sqlite3",
            "OPTIONS": {
                # IMMEDIATE: a writer takes the lock at BEGIN, so two writers wait instead of failing.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # A 64 MB page cache (2 MB by default, used as pages are read): an import's 100,000 rows go into
                # the register's and its history's indexes in random order, which thrashed the small one (the write
                # lock held 5 s instead of 2.5 s; bench/approve_bench.py).
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
            },
            "TEST": {"NAME": None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: 5 failures for one username, from any address, lock it for 15 minutes. Not by address:
# behind the office's NAT or our proxy many users share one. The address recorded is the client's (core.network).
AXES_FAILURE_LIMIT = int(os.environ.get("LINDUNG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LINDUNG_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_CLIENT_IP_CALLABLE = "lindung.core.network.client_address"
# axes warns when no lockout counts by address, for setups a rotating User-Agent or cookie escapes; ours counts by
# username, which an attacker cannot rotate for the account he targets.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "lindung.core.error_views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind a proxy the connecting address is the proxy's; the client's is the last X-Forwarded-For entry it adds.
LINDUNG_BEHIND_PROXY = env_bool("LINDUNG_BEHIND_PROXY")
# An API token works this many days unless its owner chooses fewer (at most a year), then it must be issued again.
LINDUNG_TOKEN_DAYS = int(os.environ.get("LINDUNG_TOKEN_DAYS", "90"))
CACHES = {
    # In the database, so every worker process counts the same rate limits (`lindung demo`/`serve` create the table).
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "lindung_cache"},
    # core.kept: figures counted over every member, kept until the data change (files: no write lock on a page view).
    "kept": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": DATA_DIR / "kept",
             "OPTIONS": {"MAX_ENTRIES": 5000}},
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("LINDUNG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("LINDUNG_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if LINDUNG_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith(".")]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["lindung.formats"]
TIME_ZONE = os.environ.get("LINDUNG_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Apart from the data in production, where nginx serves it and must not be able to read the database.
STATIC_ROOT = Path(os.environ.get("LINDUNG_STATIC_ROOT", DATA_DIR / "static")).resolve()
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at every start until collectstatic made it
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "lindung.core.staticfiles.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "lindung.core.staticfiles.CompressedHashedStaticFilesStorage"},  # whitenoise's
}
MEDIA_ROOT = DATA_DIR / "media"
# `lindung backup` writes its archives here (the nightly timer keeps the newest LINDUNG_BACKUP_KEEP); the Admin Dinas
# sees the last one's date and size.
LINDUNG_BACKUP_DIR = Path(os.environ.get("LINDUNG_BACKUP_DIR", DATA_DIR / "backups"))

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# Libraries (fontTools' font subsetting under WeasyPrint, …) log at WARNING, Lindung's own messages at
# LINDUNG_LOG_LEVEL; LINDUNG_LIBRARY_LOG_LEVEL=DEBUG lets the libraries speak when hunting a problem in one.
# One line per request and per job (core.logs) in LINDUNG_LOG_FORMAT: json, one object per line for a log collector
# (the default in production), or text for a person at a console (the default otherwise: the demo, runserver).
LINDUNG_LOG_FORMAT = os.environ.get("LINDUNG_LOG_FORMAT", "json" if PRODUCTION else "text")
if LINDUNG_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LINDUNG_LOG_FORMAT is json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler masks NIKs (core.logmask): a NIK in a message, its arguments, a traceback or a request line;
    # and Django's lines about a request name its URL pattern, not the path asked (core.logs).
    "filters": {"mask_nik": {"()": "lindung.core.logmask.MaskNik"},
                "path_as_route": {"()": "lindung.core.logs.PathAsRoute"}},
    "formatters": {
        "json": {"()": "lindung.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["path_as_route", "mask_nik"],
                             "formatter": LINDUNG_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINDUNG_LIBRARY_LOG_LEVEL", "WARNING")},
    "loggers": {
        "lindung": {"level": os.environ.get("LINDUNG_LOG_LEVEL", "INFO")},  # on to the root's console handler
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Its "Not Found" and other 4xx lines repeat the request lines; its server errors come with a traceback.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # runserver's request lines carry the path asked and its query string (a searched name among them): ours
        # (lindung.requests) replace them; its warnings and errors (a 404, a broken pipe) still show.
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Its line per job (a failed one's traceback, which may quote a file's content) is replaced by ours
        # (lindung.jobs); the traceback stays in the job's row.
        "django_tasks": {"handlers": ["console"], "level": "CRITICAL", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "splink": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},  # "Step 1…7" per PDF
    },
}

# /healthz (core.health): a job worker's heartbeat is required where one must run — `lindung serve` says so to the
# web server it starts, production requires it — and the data directory's disk must keep this much free.
LINDUNG_JOB_WORKER = env_bool("LINDUNG_JOB_WORKER", PRODUCTION)
LINDUNG_DISK_MIN_FREE_MB = int(os.environ.get("LINDUNG_DISK_MIN_FREE_MB", "1024"))

# Background jobs (imports, …) queue in the app database; `lindung serve` starts a worker beside the web server.
TASKS = {"default": {"BACKEND": os.environ.get("LINDUNG_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Import rules that are settings, not constants (DOMAIN.md §3): ages are taken on the programme start.
LINDUNG_PROGRAMME_START = os.environ.get("LINDUNG_PROGRAMME_START", "")  # YYYY-MM-DD; default 1 January next year
LINDUNG_MIN_AGE = int(os.environ.get("LINDUNG_MIN_AGE", "18"))
LINDUNG_MAX_UPLOAD_MB = int(os.environ.get("LINDUNG_MAX_UPLOAD_MB", "200"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads stream to a temporary file

# Demo logins share one password, printed by `lindung demo`; never used in production.
# The offices named in letters (the bill's cover letter to the finance office): Kaur's by default.
LINDUNG_OFFICE_NAME = os.environ.get("LINDUNG_OFFICE_NAME", "Dinas Tenaga Kerja dan Transmigrasi")
LINDUNG_OFFICE_SHORT_NAME = os.environ.get("LINDUNG_OFFICE_SHORT_NAME", "Disnakertrans")
LINDUNG_FINANCE_OFFICE_NAME = os.environ.get("LINDUNG_FINANCE_OFFICE_NAME", "Badan Keuangan dan Aset Daerah (BKAD)")
LINDUNG_OFFICE_CITY = os.environ.get("LINDUNG_OFFICE_CITY", "")  # where letters are signed; default the regency's name
# Where and when workers and heirs find the office, on the public status check (/cek-status/). Empty until set: the
# page then sends them to their village office rather than to a made-up address.
LINDUNG_OFFICE_ADDRESS = os.environ.get("LINDUNG_OFFICE_ADDRESS", "")
LINDUNG_OFFICE_HOURS = os.environ.get("LINDUNG_OFFICE_HOURS", "")

# Who delivers SMS/WhatsApp texts: a dotted path to a sender class (lindung.notify.senders). The default writes
# every message to LINDUNG_OUTBOX_FILE (JSON lines) and marks it sent; a real gateway is another class here.
LINDUNG_MESSAGE_SENDER = os.environ.get("LINDUNG_MESSAGE_SENDER", "lindung.notify.senders.FileSender")
LINDUNG_MESSAGE_CHANNELS = os.environ.get("LINDUNG_MESSAGE_CHANNELS", "sms")  # sms, whatsapp, or "sms,whatsapp"
LINDUNG_OUTBOX_FILE = Path(os.environ.get("LINDUNG_OUTBOX_FILE", DATA_DIR / "outbox.jsonl"))
# A queued notice older than this many days is not sent without review: it is held for an office user to send or
# withdraw (its facts may have changed in ways no check sees).
LINDUNG_NOTICE_MAX_AGE_DAYS = int(os.environ.get("LINDUNG_NOTICE_MAX_AGE_DAYS", "30"))
LINDUNG_DEMO_PASSWORD = os.environ.get("LINDUNG_DEMO_PASSWORD", "kaur-lindung-2024")

# Membership cards: working days a card may stay at one level before it is overdue, and at the village,
# from where it must reach the worker within 3 (DOMAIN.md §3).
LINDUNG_CARD_OVERDUE_DAYS = int(os.environ.get("LINDUNG_CARD_OVERDUE_DAYS", "7"))
LINDUNG_CARD_LAST_STEP_DAYS = int(os.environ.get("LINDUNG_CARD_LAST_STEP_DAYS", "3"))
# The address printed in the cards' QR codes: where the public verification page (/v/<token>/) is reached.
LINDUNG_PUBLIC_URL = os.environ.get("LINDUNG_PUBLIC_URL", "http://127.0.0.1:8000")
# This registry's sender_id in the SPDCI messages it writes (lindung.spdci).
LINDUNG_SPDCI_ID = os.environ.get("LINDUNG_SPDCI_ID", f"lindung.{LINDUNG_REGENCY}")


def _public_key(text: str) -> str:
    """A peer's Ed25519 public key as ``lindung spdci-key`` prints it (Base64 of 32 bytes), checked. Raises
    ValueError."""
    from lindung.pipeline.spdci_sign import public_key_of

    public_key_of(text)
    return text.strip()


def other_registries(text: str) -> list[tuple[str, str, str, str]]:
    """LINDUNG_OTHER_REGISTRIES: the other registries (another regency's Lindung, or any SPDCI 1.0.0 IBR) the check
    before a bill asks which of its members they already pay: one per line or comma, ``NAME=URL TOKEN [KEY]`` — the
    name the office's messages give it, its IBR's base URL, the API token it issued to this Lindung and, optionally,
    its public signing key (``lindung spdci-key`` there prints it): given, an answer not signed by that key is
    refused. E.g. ``Kab. Kaur=https://lindung.kaurkab.go.id/api/spdci/ibr/v1.0.0 lnd_… q3Zb…=``. Returns
    (name, url, token, key)s, the key "" when not given."""
    found: list[tuple[str, str, str, str]] = []
    for entry in text.replace("\n", ",").split(","):
        if not entry.strip():
            continue
        name, equals, rest = entry.partition("=")
        name, parts = " ".join(name.split()), rest.split()
        try:
            key = _public_key(parts[2]) if len(parts) == 3 else ""
        except ValueError:
            key = "?"
        if (not equals or not name or len(parts) not in (2, 3) or key == "?"
                or not parts[0].startswith(("http://", "https://"))):
            # Names the entry by its name only, when it has one: the rest holds a token, which no message shows.
            which = f"the entry {name[:40]!r}" if equals and name else "an entry"
            raise ImproperlyConfigured(f"LINDUNG_OTHER_REGISTRIES: write each registry as NAME=URL TOKEN [KEY], "
                                       f"separated by commas or lines, KEY the registry's public key as "
                                       f"`lindung spdci-key` prints it ({which} is not).")
        if any(name == known[0] for known in found):
            raise ImproperlyConfigured(f"LINDUNG_OTHER_REGISTRIES names {name!r} twice.")
        found.append((name, parts[0], parts[1], key))
    return found


LINDUNG_OTHER_REGISTRIES = other_registries(os.environ.get("LINDUNG_OTHER_REGISTRIES", ""))
# The PEM file of this registry's Ed25519 private key (``lindung spdci-key PATH`` writes one): set, every SPDCI
# answer (and every request to another registry) is signed with it, and its public key is served at
# /api/spdci/ibr/v1.0.0/keys and /api/spdci/social/v1.0.0/keys.
LINDUNG_SPDCI_SIGNING_KEY = os.environ.get("LINDUNG_SPDCI_SIGNING_KEY", "")


def caller_keys(text: str) -> dict[str, str]:
    """LINDUNG_SPDCI_CALLER_KEYS: the callers of the SPDCI APIs that sign their requests, ``USERNAME=KEY`` each,
    separated by commas or lines — the Lindung user whose API token the caller holds, and the caller's public key
    (as ``lindung spdci-key`` prints it). A request with such a user's token that is unsigned, expired or not signed
    by that key is refused (HTTP 401)."""
    found: dict[str, str] = {}
    for entry in text.replace("\n", ",").split(","):
        if not entry.strip():
            continue
        username, equals, key = entry.partition("=")
        username = username.strip()
        try:
            found[username] = _public_key(key)
        except ValueError:
            raise ImproperlyConfigured(f"LINDUNG_SPDCI_CALLER_KEYS: write each caller as USERNAME=KEY, KEY its public "
                                       f"key as `lindung spdci-key` prints it ({username[:40]!r} is not).") from None
        if not equals or not username:
            raise ImproperlyConfigured("LINDUNG_SPDCI_CALLER_KEYS: write each caller as USERNAME=KEY.")
    return found


LINDUNG_SPDCI_CALLER_KEYS = caller_keys(os.environ.get("LINDUNG_SPDCI_CALLER_KEYS", ""))
