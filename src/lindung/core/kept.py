"""Figures counted over every member (the homes, the registration and hand-over pages), kept until something changes.

Each write of Lindung's data is a service that records an audit event in its own transaction, and the events are
appended one transaction at a time (audit.services.record_event): the newest event that changed something names
the state of the data. A figure is kept under that event, the day it is counted for (states change with the date)
and what the caller says it depends on; the first page after a change counts again. Events that change nothing
(logins, downloads, the public check) leave the figures kept.

They are kept in Django's "kept" cache (files in the data directory, shared by the web and job workers, left out
of backups)."""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches

from lindung.accounts.scoping import area_code
from lindung.audit.labels import READS
from lindung.audit.models import Event

T = TypeVar("T")
logger = logging.getLogger(__name__)

KEEP_SECONDS = 3 * 24 * 3600  # a figure of a day nobody asks for again goes in the end


def last_change() -> tuple[int, str] | None:
    """The newest audit event that changed data: its number and seal (a restored backup's numbers come again with
    other seals)."""
    return Event.objects.exclude(action__in=READS).order_by("-seq").values_list("seq", "hash").first()


def kept(name: str, user, *parts, compute: Callable[[], T]) -> T:
    """``compute()``, kept for ``user``'s area and role, ``parts`` (the day, the programme, …) and the data's last
    change."""
    role = getattr(getattr(user, "role", None), "name", None)
    key = "kept:" + hashlib.sha256(repr((name, area_code(user), role, parts, last_change())).encode()).hexdigest()
    try:
        store = caches["kept"]  # makes its folder
        value = store.get(key)
    except OSError as error:  # a folder made by another user, a file where it should be: counted, only slower
        logger.warning("Kept figures unreadable: %s", error)
        return compute()
    if value is None:
        value = compute()
        try:
            store.set(key, value, KEEP_SECONDS)
        except OSError as error:  # a full disk, a folder made by another user: the page is right, only slower
            logger.warning("Figure %s not kept: %s", name, error)
    return value


def kept_dir() -> Path:
    return Path(settings.CACHES["kept"]["LOCATION"])  # type: ignore[index]  # a dict of dicts (settings.py)


def forget() -> None:
    """Drops every kept figure, when the server starts: a new version may count otherwise or keep another shape, and
    an upgrade's migrations change data without an event."""
    shutil.rmtree(kept_dir(), ignore_errors=True)
