"""Issue 16 item 4: the camat's and village operator's home loads on a slow phone line — its chart is inline SVG
drawn on the server (no Plotly, no JavaScript), with whole-number axis labels in the page's language; the office's
home keeps the interactive Plotly chart."""

import re

import pytest
from django.urls import reverse

from lindung.core.svgchart import bar_chart, integer_ticks
from tests.conftest import (
    BANDAR_BINTUHAN,
    KINAL_VILLAGE,
    OTHER_VILLAGE_KAUR_SELATAN,
    make_peserta,
)


def ticks(page: str) -> list[str]:
    svg = page[page.index("<svg"):page.index("</svg>")]
    return re.findall(r'<text class="tick"[^>]*>([^<]*)</text>', svg)


@pytest.mark.parametrize("username", ["camat", "desa"])
def test_the_camats_and_village_operators_home_has_an_svg_chart_and_no_plotly(client, users, username):
    for i in range(3):
        make_peserta(BANDAR_BINTUHAN, f"Warga Bintuhan {i}", serial=40 + i)
    make_peserta(OTHER_VILLAGE_KAUR_SELATAN, "Warga Sekunyit", serial=50)
    make_peserta(KINAL_VILLAGE, "Warga Kinal", serial=51)
    client.force_login(users[username])
    page = client.get(reverse("home")).content.decode()
    assert "plotly" not in page.lower() and "charts.js" not in page and "data-chart=" not in page
    assert 'data-testid="svg-chart"' in page
    labels = ticks(page)
    numbers = [label.replace(".", "") for label in labels]  # 2.000 in Indonesian
    assert numbers and all(n.isdigit() for n in numbers)  # whole numbers: 0, 1, 2, 3, never 0.5
    assert [int(n) for n in numbers] == list(range(0, int(numbers[-1]) + 1, int(numbers[1])))
    assert "Orang dalam daftar per desa" in page and ">orang</text>" in page  # the UI language: Indonesian
    assert "Bandar Bintuhan" in page and ("Sekunyit" in page) == (username == "camat") and "Kinal" not in page.split("<svg")[1]


def test_the_offices_home_keeps_plotly(client, users):
    client.force_login(users["admin"])
    page = client.get(reverse("home")).content.decode()
    assert "vendor/plotly.min.js" in page and 'data-testid="svg-chart"' not in page


def test_integer_ticks_and_thousands_in_the_page_language():
    assert integer_ticks(0) == [0, 1] and integer_ticks(3) == [0, 1, 2, 3]
    assert integer_ticks(7) == [0, 2, 4, 6, 8] and integer_ticks(7130) == [0, 2000, 4000, 6000, 8000]
    from django.utils import translation

    with translation.override("id"):
        svg = bar_chart(["Kaur Selatan", "Tetap <b>"], [7130, 12], title="Orang", axis_label="orang")
    assert re.findall(r'<text class="tick"[^>]*>([^<]*)</text>', svg) == ["0", "2.000", "4.000", "6.000", "8.000"]
    assert "7.130" in svg and "Tetap &lt;b&gt;" in svg and "<b>" not in svg
