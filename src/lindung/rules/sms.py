"""What a text message costs: how many SMS parts a gateway sends for it (3GPP TS 23.038 and 23.040).

A text written only in the GSM 7-bit default alphabet goes as GSM-7: one SMS holds 160 characters; a longer one
is split into parts of 153, each carrying a header that joins them on the phone. The extension table's characters
(``^ { } \\ [ ~ ] | €`` and form feed) take two of those places (an escape and the character) and are never split
across two parts. One character outside both tables and the whole text goes as UCS-2 instead: 70 characters in
one SMS, 67 per part, counted in UTF-16 code units (an emoji takes two, never split).

Pure Python, no Django: the outbox and the notices ask it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

# The GSM 03.38 default alphabet, without the escape to the extension table.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {"gsm7": 160, "ucs2": 70}  # units in a text sent as one SMS
PART = {"gsm7": 153, "ucs2": 67}  # units in each part of a concatenated text (the rest is the joining header)


class Encoding(StrEnum):
    GSM7 = "gsm7"
    UCS2 = "ucs2"


@dataclass(frozen=True)
class Parts:
    encoding: Encoding
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    parts: int

    @property
    def label(self) -> str:
        """For the office, e.g. "154 karakter · 1 SMS" or "UCS-2 · 2 SMS"."""
        unicode = "UCS-2, " if self.encoding is Encoding.UCS2 else ""
        return f"{unicode}{self.units} karakter · {self.parts} SMS"


def is_gsm7(text: str) -> bool:
    return set(text) <= GSM_BASIC | GSM_EXTENSION


def parts(text: str) -> Parts:
    """How ``text`` goes out as SMS: its encoding, its length in that encoding's units and how many SMS it takes.
    An empty text still takes one SMS."""
    if is_gsm7(text):
        encoding = Encoding.GSM7
        costs = [2 if c in GSM_EXTENSION else 1 for c in text]
    else:
        encoding = Encoding.UCS2
        costs = [2 if ord(c) > 0xFFFF else 1 for c in text]
    units = sum(costs)
    if units <= SINGLE[encoding]:
        return Parts(encoding, units, 1)
    size, count, used = PART[encoding], 1, 0
    for cost in costs:  # a character of two units is never split between parts
        if used + cost > size:
            count, used = count + 1, 0
        used += cost
    return Parts(encoding, units, count)


# What a name may hold that GSM-7 does not, written the nearest GSM way: typographic quotes and dashes.
_PLAIN = str.maketrans({"‘": "'", "’": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                        "\u00a0": " ", "…": "..."})


def to_gsm7(text: str) -> str:
    """``text`` in the GSM 7-bit alphabet where it can be, so one odd character of a name does not turn a
    notice into UCS-2 (and 160 characters into three SMS): typographic quotes and dashes become plain ones, a
    letter with an accent GSM-7 lacks loses the accent (â → a); a character with no such form is dropped."""
    out = []
    for c in text.translate(_PLAIN):
        if c in GSM_BASIC or c in GSM_EXTENSION:
            out.append(c)
            continue
        base = "".join(b for b in unicodedata.normalize("NFKD", c) if not unicodedata.combining(b))
        out.append("".join(b for b in base if b in GSM_BASIC))
    return "".join(out)
