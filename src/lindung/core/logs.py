"""One log line per request and per background job, and the JSON format they are written in (settings.LOGGING).

A line says who (the user's id and role), what (the URL pattern, ``peserta/<int:pk>/``, never the path asked: a
path or its query string may carry a NIK or a searched name; the job's task), how it ended and how long it took.
Never a NIK, a name, a phone number, a query string or what was posted: none of them is ever given to these lines,
and the mask_nik filter on every handler masks a 16-digit number that reaches a log some other way.
"""

import json
import logging
import time
from datetime import datetime

from django.db import DatabaseError
from django.utils import timezone
from django_tasks.base import TaskResultStatus

requests_log = logging.getLogger("lindung.requests")
jobs_log = logging.getLogger("lindung.jobs")

# The fields a request or job line carries beside its message (the JSON keys, in this order).
FIELDS = ("event", "user", "role", "method", "route", "status", "duration_ms", "task", "job")


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object on one line: time, level, logger, message, the fields above it carries, and a
    traceback (as the mask_nik filter left it)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.get_current_timezone()).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update((field, getattr(record, field)) for field in FIELDS if hasattr(record, field))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["traceback"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


class PathAsRoute(logging.Filter):
    """Django's own lines about a request ("Internal Server Error: /peserta/17/", a refused CSRF token) name the path
    asked: they name its URL pattern instead, as the request line does."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and isinstance(record.args, tuple):
            match = getattr(request, "resolver_match", None)
            route = match.route if match is not None else "-"
            record.args = tuple(route if arg == request.path else arg for arg in record.args)
        return True


class RequestLog:
    """One line per request that reached Django (whitenoise answers the static files before it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration = round((time.perf_counter() - started) * 1000)
        user = getattr(request, "user", None)  # a request refused before authentication has none
        user_id = user.pk if user is not None and user.is_authenticated else None
        try:
            role = user.role.name if user_id is not None and user.role is not None else None
        except DatabaseError:  # the database went away during the request: its line is still written
            role = None
        match = request.resolver_match
        route = match.route if match is not None else None  # no pattern matched: a 404 says no more
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        requests_log.log(level, "%s %s %s %d ms (user %s, %s)", request.method, route or "-", response.status_code,
                         duration, user_id or "-", role or "-",
                         extra={"event": "request", "user": user_id, "role": role, "method": request.method,
                                "route": route, "status": response.status_code, "duration_ms": duration})
        return response


def log_job(sender, task_result, **kwargs) -> None:
    """django_tasks' task_finished: one line per job run, in the worker (or the request, when jobs run at once)."""
    started, finished = task_result.started_at, task_result.finished_at
    duration = round((finished - started).total_seconds() * 1000) if started and finished else None
    status, task = str(task_result.status), task_result.task.module_path
    level = logging.ERROR if task_result.status == TaskResultStatus.FAILED else logging.INFO
    jobs_log.log(level, "job %s %s %s %s ms", task, task_result.id, status, "-" if duration is None else duration,
                 extra={"event": "job", "task": task, "job": str(task_result.id), "status": status,
                        "duration_ms": duration})
