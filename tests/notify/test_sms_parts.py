"""What a text costs in SMS (rules/sms.py), and the hand-over notice written to fit one SMS."""

from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.selfpay.services import notice
from lindung.rules import coverage, sms
from lindung.rules.contributions import Month, Payer

GSM, UCS2 = sms.Encoding.GSM7, sms.Encoding.UCS2


@pytest.mark.parametrize("text, encoding, units, parts", [
    ("", GSM, 0, 1),
    ("a" * 160, GSM, 160, 1),
    ("a" * 161, GSM, 161, 2),
    ("a" * 306, GSM, 306, 2),  # 2 × 153
    ("a" * 307, GSM, 307, 3),
    ("é" * 160, GSM, 160, 1),  # é is in the GSM alphabet
    ("€" * 80, GSM, 160, 1),  # an extension character takes two places
    ("€" * 81, GSM, 162, 2),
    ("a" * 152 + "€" + "a" * 8, GSM, 162, 2),  # the escape and its character are not split: 152 + 10
    ("a" * 152 + "€" * 77, GSM, 306, 3),  # 306 septets, but the € at 153 cannot be split: a third part
    ("a" * 159 + "â", UCS2, 160, 3),  # one character outside GSM-7: UCS-2, 67 a part
    ("â" * 70, UCS2, 70, 1),
    ("â" * 71, UCS2, 71, 2),
    ("â" * 134, UCS2, 134, 2),
    ("â" * 135, UCS2, 135, 3),
    ("😀" * 35, UCS2, 70, 1),  # outside the BMP: two UTF-16 units
    ("😀" * 36, UCS2, 72, 2),
])
def test_parts(text, encoding, units, parts):
    assert sms.parts(text) == sms.Parts(encoding, units, parts)


def test_a_typographic_apostrophe_would_make_a_notice_ucs2_to_gsm7_writes_it_plain():
    name = "Nur’aini Siti Ŝâlihah — Pâ"
    assert not sms.is_gsm7(name)
    assert sms.to_gsm7(name) == "Nur'aini Siti Salihah - Pa" and sms.is_gsm7(sms.to_gsm7(name))
    assert sms.to_gsm7("Müller Ñoño Pérez") == "Müller Ñoño Pérez"  # already GSM-7: unchanged
    assert sms.to_gsm7("Zoë") == "Zoe"  # ë is not in the GSM alphabet (ä, ö, ü, é are)


@given(st.text(max_size=400))
def test_the_parts_hold_the_text(text):
    found = sms.parts(text)
    single, part = sms.SINGLE[found.encoding], sms.PART[found.encoding]
    assert found.parts == 1 if found.units <= single else found.parts * part >= found.units
    assert found.parts >= 1 and (found.encoding is GSM) == sms.is_gsm7(text)


def member(nama: str, *, paid=(), lapse=date(2025, 6, 1), self_pay=16_800) -> SimpleNamespace:
    """A hand-over member as the notice reads it: funded until February 2025."""
    history = coverage.Membership(registered=date(2025, 1, 1), payments=tuple(
        coverage.Payment(Month(2025, m), Payer.MANDIRI, date(2025, 3, 18)) for m in paid))
    return SimpleNamespace(nama=nama, kpj="25000000001", funded_last=Month(2025, 2), first_unfunded=Month(2025, 3),
                           self_pay=self_pay, lapse=lapse, history=history, occupation="petani",
                           settled=coverage.paid_until(history, date.max))


def test_a_typical_notice_fits_one_sms_without_nik_or_kpj():
    text = notice(member("Siti Rahmawati"), "Pemkab Kaur")
    assert text == ("Yth. Siti Rahmawati, iuran BPJS TK Anda ditanggung Pemkab Kaur s.d. Feb 2025. Bayar mandiri "
                    "Rp16.800/bln mulai Mar 2025 agar tidak nonaktif 1 Jun 2025.")
    assert sms.parts(text) == sms.Parts(GSM, len(text), 1) and "25000000001" not in text


@pytest.mark.parametrize("nama, shown", [
    ("Muhammad Abdurrahman Wahid", "Muhammad Abdurrahman Wahid, iuran"),  # whole, without the greeting
    ("Raden Ajeng Siti Nurhaliza Kusumawardhani", "Yth. Raden Ajeng Siti N. K., iuran"),  # initials from the last
    ("Kusumawardhaniputrisetyaningsihpratiwi", "Yth. Kusumawardhaniputriset., iuran"),  # one word: cut
    ("Nur’aini", "Yth. Nur'aini, iuran"),  # in GSM-7
])
def test_a_long_name_is_shortened_so_the_notice_stays_one_sms(nama, shown):
    text = notice(member(nama), "Pemkab Kaur")
    assert text.startswith(shown) and len(text) <= 160 and sms.parts(text).parts == 1


def test_a_long_regency_name_is_shortened_before_the_persons_name():
    text = notice(member("Siti Rahmawati"), "Pemkab Kepulauan Bangka Selatan Raya")
    assert text.startswith("Yth. Siti Rahmawati, iuran BPJS TK Anda ditanggung Pemkab s.d. Feb 2025.")
    assert sms.parts(text).parts == 1


def test_after_paying_himself_the_notice_names_no_payer_and_the_next_month_to_pay():
    text = notice(member("Budi", paid=(3, 4), lapse=date(2025, 8, 1)), "Pemkab Kaur")
    assert text == ("Yth. Budi, iuran BPJS TK Anda dibayar s.d. Apr 2025. Bayar mandiri Rp16.800/bln mulai "
                    "Mei 2025 agar tidak nonaktif 1 Agu 2025.")
