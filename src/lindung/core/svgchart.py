"""A small horizontal bar chart as inline SVG, drawn on the server: for the phone pages of the camat and the village
operator, which must load on a slow connection (no JavaScript, no Plotly bundle). Counts only: the value axis
has whole-number ticks, written with the page language's thousands separator."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360  # the viewBox; the SVG scales to its container (a 375 px phone, or wider)
LABEL_WIDTH = 130
RIGHT = 44  # room for the value written after each bar
ROW = 24
TOP = 28
AXIS = 34
COLOUR = "#0b6e4f"


def integer_ticks(largest: int, most: int = 5) -> list[int]:
    """Whole-number ticks from 0 to at least ``largest``, a step of 1, 2 or 5 × 10^k, at most ``most`` + 1 ticks."""
    largest = max(int(largest), 1)
    step = 1
    for power in range(19):
        found = next((f * 10**power for f in (1, 2, 5) if math.ceil(largest / (f * 10**power)) <= most), None)
        if found is not None:
            step = found
            break
    return list(range(0, math.ceil(largest / step) * step + 1, step))


def _count(n: int) -> str:
    return number_format(int(n), force_grouping=True)


def bar_chart(labels: Sequence[str], values: Sequence[int], *, title: str, axis_label: str,
              count: Callable[[int], str] = _count) -> SafeString:
    """One bar per label (counts), as an accessible SVG: ``title`` above, ``axis_label`` under the value axis."""
    ticks = integer_ticks(max(values, default=0))
    top = ticks[-1]
    plot = WIDTH - LABEL_WIDTH - RIGHT
    height = TOP + ROW * max(len(labels), 1) + AXIS

    def x(value: int) -> float:
        return round(LABEL_WIDTH + plot * value / top, 1)

    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
              f'aria-label="{escape(title)}" class="svgchart" data-testid="svg-chart" font-size="11" '
              f'font-family="system-ui, sans-serif">'),
             f"<title>{escape(title)}</title>",
             f'<text x="0" y="14" font-weight="600" font-size="12">{escape(title)}</text>']
    bottom = TOP + ROW * max(len(labels), 1)
    for tick in ticks:
        parts.append(f'<line x1="{x(tick)}" y1="{TOP - 4}" x2="{x(tick)}" y2="{bottom}" stroke="#ddd"/>'
                     f'<text class="tick" x="{x(tick)}" y="{bottom + 14}" text-anchor="middle" fill="#555">'
                     f"{escape(count(tick))}</text>")
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + ROW * i
        short = label if len(label) <= 20 else label[:19] + "…"
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end"><title>{escape(label)}</title>'
                     f"{escape(short)}</text>"
                     f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{round(x(value) - LABEL_WIDTH, 1)}" height="{ROW - 8}" '
                     f'fill="{COLOUR}"/>'
                     f'<text class="value" x="{x(value) + 4}" y="{y + 15}">{escape(count(value))}</text>')
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{bottom}" x2="{LABEL_WIDTH + plot}" y2="{bottom}" stroke="#888"/>'
                 f'<text x="{LABEL_WIDTH + plot / 2}" y="{bottom + 30}" text-anchor="middle" fill="#555">'
                 f"{escape(axis_label)}</text></svg>")
    return mark_safe("".join(parts))
