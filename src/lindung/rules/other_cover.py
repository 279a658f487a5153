"""Cover of a person's months by a payer other than this programme (DOMAIN.md §9: "the same person paid twice"):
the province, another regency, a village fund, a company's CSR, the worker himself, or an employer (a wage-earner
member). Pure: which months another payer pays, so the planner, the bill and its check leave them to that payer."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from lindung.rules.contributions import Month, Payer, month_range


class OtherPayer(StrEnum):
    """Who else pays a person's months. The village fund, CSR and the worker himself are the Payer codes a
    programme's own payments use; the province and another regency pay from their APBD (no PP 50/2025 discount);
    a wage-earner member is paid for by his employer."""

    PROVINSI = "provinsi"
    KABUPATEN = "kabupaten"
    DANA_DESA = Payer.DANA_DESA.value
    CSR = Payer.CSR.value
    MANDIRI = Payer.MANDIRI.value
    PENERIMA_UPAH = "penerima_upah"
    LAIN = "lain"  # not named: the cover of an "other payer" life event recorded before payers were kept


# Words of an old record's evidence that name the payer, in the order they are tried.
NAMED_IN = ((OtherPayer.DANA_DESA, ("dana desa", "dd ")), (OtherPayer.CSR, ("csr",)),
            (OtherPayer.PROVINSI, ("provinsi", "pemprov")), (OtherPayer.KABUPATEN, ("kabupaten", "pemkab", "kota")),
            (OtherPayer.MANDIRI, ("mandiri",)))


def payer_named_in(text: str) -> OtherPayer:
    """The payer an old record's free text names, else LAIN."""
    low = f"{text.lower()} "
    return next((payer for payer, words in NAMED_IN if any(w in low for w in words)), OtherPayer.LAIN)


@dataclass(frozen=True)
class Cover:
    """Another payer's months: ``first`` to ``last`` inclusive; ``last`` None while it goes on."""

    payer: OtherPayer
    payer_name: str
    first: Month
    last: Month | None = None

    def __post_init__(self) -> None:
        if self.last is not None and self.last < self.first:
            raise ValueError(f"Bulan terakhir {self.last} sebelum bulan pertama {self.first}.")

    def covers(self, month: Month) -> bool:
        return self.first <= month and (self.last is None or month <= self.last)


def months_within(cover: Cover, first: Month, last: Month) -> list[Month]:
    """The months of ``first``..``last`` that ``cover`` pays, in order."""
    start = max(first, cover.first)
    end = last if cover.last is None else min(last, cover.last)
    return month_range(start, end)


def left_to_others(covers: Iterable[Cover], first: Month, last: Month) -> set[Month]:
    """The months of a programme's ``first``..``last`` some other payer pays: the programme leaves them to it."""
    return {m for c in covers for m in months_within(c, first, last)}


def payers_by_month(covers: Iterable[Cover], first: Month, last: Month) -> dict[Month, list[Cover]]:
    """Each month of ``first``..``last`` with the covers paying it (none: an empty list), for a person's page."""
    found: dict[Month, list[Cover]] = {m: [] for m in month_range(first, last)}
    for c in covers:
        for m in months_within(c, first, last):
            found[m].append(c)
    return found

