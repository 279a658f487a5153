"""Time and weigh a print run's PDF (`cards.documents.card_sheet_pdf`) for a kecamatan of 100, 700 and
2,000 cards: seconds, cards/s and the job's peak memory.

    uv run python bench/card_pdf_bench.py                      # 100, 700 and 2,000 cards, A4 with cut marks
    uv run python bench/card_pdf_bench.py --sizes 100 --layout card

Every measurement runs in its own spawned process, so its peak memory (``ru_maxrss``) is its own; the
process migrates an empty SQLite database in a temporary directory first (not timed). The cards are made
up in memory (names, KPJ, card numbers; a QR code each, as on a real card); nothing is read from or
written to the app's database. Two ways are measured on the same cards:

- ``lindung``: ``card_sheet_pdf``, which lays out five A4 pages at a time, writes each part and joins
  the parts with pypdf;
- ``one document``, the baseline: the whole run laid out by WeasyPrint as one document and written once,
  the obvious way, whose memory grows with the run.

The figure to watch is the peak MB: a regency's largest kecamatan may hold several thousand cards and
the PDF job runs beside the web workers on a small server.
"""

import argparse
import os
import resource
import tempfile
import time
from io import BytesIO
from types import SimpleNamespace

from billing_bench import in_process, setup


def measure(way: str, size: int, layout: str) -> tuple[float, float, float, int, int]:
    """(seconds, CPU seconds, peak MB, PDF bytes, pages) of one way on ``size`` made-up cards."""
    with tempfile.TemporaryDirectory() as data_dir:
        setup(None, data_dir)
        from pypdf import PdfReader
        from weasyprint import HTML

        from lindung.cards import documents
        from lindung.rules.contributions import Month

        programme = SimpleNamespace(name="Perlindungan Pekerja Rentan Kaur 2025")
        cards = [SimpleNamespace(number=f"KAUR25-{i:06d}", membership=SimpleNamespace(
            peserta=SimpleNamespace(nama=f"PESERTA CONTOH NOMOR {i}"), kpj=f"25{i:09d}", programme=programme,
            last=Month(2025, 12))) for i in range(size)]
        start, cpu = time.perf_counter(), time.process_time()
        if way == "lindung":
            pdf = documents.card_sheet_pdf(cards, layout)
        else:
            pdf = HTML(string=documents.card_sheet_html(cards, layout)).write_pdf()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        pages = len(PdfReader(BytesIO(pdf)).pages)
        return seconds, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(pdf), pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 700, 2_000])
    parser.add_argument("--layout", choices=["a4", "card"], default="a4")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores shared: compare CPU with wall seconds)")
    print(f"{'way':<13} {'cards':>6} {'pages':>6} {'seconds':>8} {'cpu s':>7} {'cards/s':>8} {'peak MB':>8} {'PDF MB':>7}")
    for size in args.sizes:
        for way in ("lindung", "one document"):
            seconds, cpu, peak, length, pages = in_process(measure, way, size, args.layout)
            print(f"{way:<13} {size:>6,} {pages:>6,} {seconds:>8.1f} {cpu:>7.1f} {size / seconds:>8.1f} {peak:>8.0f} "
                  f"{length / 1e6:>7.2f}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
