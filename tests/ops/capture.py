"""The app's log lines as a log collector would read them: a handler like the configured one (its filters, core.logs'
JSON formatter) on every logger that writes, while the block runs."""

import io
import json
import logging
from contextlib import contextmanager

from django.conf import settings

from lindung.core.logs import JsonFormatter


@contextmanager
def json_logs():
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonFormatter())
    for configured in logging.getLogger("django").handlers[0].filters:  # the console handler's (settings.LOGGING)
        handler.addFilter(configured)
    # The root and the loggers that do not pass their records on to it.
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name, config in settings.LOGGING["loggers"].items()
                                       if config.get("propagate", True) is False]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield written
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def lines(written: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in written.getvalue().splitlines()]
