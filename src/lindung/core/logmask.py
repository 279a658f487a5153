"""No NIK in the logs: a logging filter, on every handler (settings.LOGGING), that masks any 16-digit number of a
log line — its message with its arguments, its traceback — as 1704********0011, and the digits typed in a search
box (``?q=17040557``, a NIK's first digits in a request line) as ``q=****``."""

import logging
import re

SIXTEEN_DIGITS = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")
SEARCHED_DIGITS = re.compile(r"([?&]q=)\d{4,}")


def mask(text: str) -> str:
    return SIXTEEN_DIGITS.sub(r"\1********\2", SEARCHED_DIGITS.sub(r"\1****", text))


class MaskNik(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
