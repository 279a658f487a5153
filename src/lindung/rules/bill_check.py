"""The check before a bill is approved: who on a month's bill should not be paid for, each by a rule an auditor
applies afterwards (DOMAIN.md §9: "the deceased, the moved, wage earners and double recipients"), with the words
the office and the auditor read. Pure: the queries that find them are payments.bill_check's.

The month a member died in is still owed (coverage ends on the death, DOMAIN.md §8), so a death is a finding only
before the bill's month; a move likewise. A wage-earner membership is a finding from the month it starts, another
payer in each month its cover pays: that month would be paid twice."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

MAX_AGE_AT_REGISTRATION = 65  # under 65 when registered; a member enrolled before it continues (DOMAIN.md §3)


class Rule(StrEnum):
    DIED = "died"
    MOVED_OUT = "moved_out"
    OVER_AGE = "over_age"
    WAGE_EARNER = "wage_earner"
    OTHER_PAYER = "other_payer"
    PAID_ALREADY = "paid_already"
    OTHER_PROGRAMME = "other_programme"
    DUPLICATE = "duplicate"
    NO_KPJ = "no_kpj"


@dataclass(frozen=True)
class RuleText:
    title: str  # what the finding is, in a few words
    why: str  # why such a member is not paid for, with its source


RULES: dict[Rule, RuleText] = {
    Rule.DIED: RuleText("Meninggal sebelum bulan tagihan",
                        "Kepesertaan berakhir pada hari kematian; bulan sesudahnya tidak terutang (PP 44/2015, DOMAIN §8)."),
    Rule.MOVED_OUT: RuleText("Pindah ke luar kabupaten",
                             "Program membiayai penduduk kabupaten; yang pindah keluar tidak dibayar lagi."),
    Rule.OVER_AGE: RuleText("Berusia 65 tahun atau lebih saat didaftarkan",
                            "Pendaftaran hanya untuk yang berusia di bawah 65 tahun (DOMAIN §3)."),
    Rule.WAGE_EARNER: RuleText("Peserta penerima upah di tempat lain",
                               "Pekerja penerima upah dilindungi pemberi kerjanya, bukan program pekerja rentan."),
    Rule.OTHER_PAYER: RuleText("Iurannya dibayar pemberi iuran lain",
                               "Bulan yang sudah dibayar pemberi iuran lain akan terbayar dua kali."),
    Rule.PAID_ALREADY: RuleText("Bulan ini sudah dibayar",
                                "Iuran bulan ini sudah tercatat lunas (mandiri atau pembayar lain, berkas status BPJS)."),
    Rule.OTHER_PROGRAMME: RuleText("Juga peserta program lain yang berjalan",
                                   "Satu NIK dibiayai dua program kabupaten untuk periode yang sama."),
    Rule.DUPLICATE: RuleText("Mungkin orang yang sama dengan peserta lain",
                             "Dua data register yang mirip (nama, tanggal lahir, desa) menunggu keputusan Duplikat."),
    Rule.NO_KPJ: RuleText("Belum punya nomor KPJ",
                          "Tanpa KPJ dari BPJS, iuran tidak dapat dibukukan kepada peserta."),
}


def age_on(born: date, day: date) -> int:
    """Whole years of age on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def over_age_at_registration(born: date, registered: date) -> bool:
    return age_on(born, registered) >= MAX_AGE_AT_REGISTRATION

