"""lindung.rules.terbilang: amounts in words as the cover letter to the finance office writes them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.rules.terbilang import rupiah_terbilang


@pytest.mark.parametrize("amount, words", [
    (0, "nol rupiah"),
    (1, "satu rupiah"),
    (10, "sepuluh rupiah"),
    (11, "sebelas rupiah"),
    (15, "lima belas rupiah"),
    (100, "seratus rupiah"),
    (111, "seratus sebelas rupiah"),
    (1_000, "seribu rupiah"),
    (1_500, "seribu lima ratus rupiah"),
    (16_800, "enam belas ribu delapan ratus rupiah"),
    (36_800, "tiga puluh enam ribu delapan ratus rupiah"),
    (101_000, "seratus satu ribu rupiah"),
    (1_000_000, "satu juta rupiah"),
    (1_001_000, "satu juta seribu rupiah"),
    (2_000_021, "dua juta dua puluh satu rupiah"),
    (119_784_000, "seratus sembilan belas juta tujuh ratus delapan puluh empat ribu rupiah"),
    (239_568_000, "dua ratus tiga puluh sembilan juta lima ratus enam puluh delapan ribu rupiah"),
    (300_000_000, "tiga ratus juta rupiah"),
    (1_000_000_000, "satu miliar rupiah"),
    (12_345_678_901, "dua belas miliar tiga ratus empat puluh lima juta enam ratus tujuh puluh delapan ribu "
                     "sembilan ratus satu rupiah"),
    (2_000_000_000_000, "dua triliun rupiah"),
])
def test_amounts_in_words(amount, words):
    assert rupiah_terbilang(amount) == words


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError), ("16800", TypeError), (True, TypeError)])
def test_only_whole_non_negative_rupiah(bad, error):
    with pytest.raises(error):
        rupiah_terbilang(bad)


WORDS = {"nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
         "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000}
SCALES = {"belas": None, "puluh": 10, "ratus": 100, "ribu": 1_000, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}


def read_back(text: str) -> int:
    """Words back to a number, independently of how they were written."""
    assert text.endswith(" rupiah")
    total, group, last = 0, 0, 0
    for word in text.removesuffix(" rupiah").split():
        if word in WORDS:
            value = WORDS[word]
            if value == 1000:  # seribu closes a group of thousands
                total += (group + 1) * 1000
                group = 0
            else:
                group += value
            last = value
        elif word == "belas":
            group += 10
        elif SCALES[word] in (10, 100):
            group += last * (SCALES[word] - 1)
        else:
            total += group * SCALES[word]
            group = 0
    return total + group


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_the_words_read_back_to_the_amount(amount):
    assert read_back(rupiah_terbilang(amount)) == amount
