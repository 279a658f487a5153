"""An amount of Rupiah in Indonesian words, as a letter asking for payment writes it beside the figures
("terbilang"): 119,784,000 -> "seratus sembilan belas juta tujuh ratus delapan puluh empat ribu rupiah".

The spelling itself is lokal's (already a dependency): this only fixes what a bill's amount may be."""

from lokal import terbilang


def rupiah_terbilang(amount: int) -> str:
    """Whole, non-negative Rupiah in words, lower case, ending in "rupiah"."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"Jumlah rupiah harus bilangan bulat, bukan {amount!r}.")
    if amount < 0:
        raise ValueError(f"Jumlah rupiah tidak boleh negatif: {amount}.")
    return terbilang(amount, currency=True)
