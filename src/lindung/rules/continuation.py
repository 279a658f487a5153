"""A member's gap between a programme and the one continuing it into a new year, read by rules.coverage.

His membership of the earlier programme, with every month paid (and, while that programme still runs, the months
its plan funds), is read on the new programme's first day:

- *active*: paid up to the month before; he continues without a gap;
- *in arrears* (1 or 2 months unpaid): he continues with his KPJ if the new programme pays before his lapse
  date, but his cash benefits wait for the arrears (DOMAIN.md section 4);
- *never paid*: no contribution of his was ever paid, so he never was a participant (PP 44/2015 Ps 1 angka 4):
  he is registered as a new member, under 65 at that registration;
- *lapsed* (3 or more months unpaid before it): his membership ended by the day the new programme
  starts. There is no reactivation (DOMAIN.md section 8), so he must be registered again as a new member: a new
  line in the registration file for BPJS, under 65 at that registration, and no right to any benefit from his
  lapse date until BPJS registers him again and his first contribution is paid.

Messages are Indonesian because they are shown to the clerk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lokal import format_rupiah

from lindung.rules.contributions import Month, tanggal
from lindung.rules.coverage import MAX_ARREARS, Membership, State, Status, status_on
from lindung.rules.regulation import DEFAULT, Regulation

KINDS = {State.ACTIVE: "no_gap", State.ARREARS: "in_arrears", State.LAPSED: "lapsed", State.NOT_YET: "never_paid"}


@dataclass(frozen=True)
class Gap:
    last_paid: Month | None  # the latest month paid before the new programme (None: none at all)
    unpaid: int  # months after it, before the new programme's first month
    status: Status  # the earlier membership on the new programme's first day

    @property
    def kind(self) -> str:
        """no_gap, in_arrears, lapsed or never_paid."""
        return KINDS[self.status.state]

    @property
    def keeps_kpj(self) -> bool:
        """Still a participant on the new programme's first day: he goes on with his KPJ, no new registration."""
        return self.kind in ("no_gap", "in_arrears")

    @property
    def lapse(self) -> date | None:
        """The day he lapsed (lapsed) or lapses unless someone pays (no gap, in arrears)."""
        return self.status.lapse


def _lapse_day(g: Gap) -> date:
    assert g.lapse is not None  # lapsed or in arrears: the day is known
    return g.lapse


def _number(n: int) -> str:
    return format_rupiah(n, symbol=False)


def gap(membership: Membership, first: Month, reg: Regulation = DEFAULT) -> Gap:
    """The gap of a running (not ended) membership before a new programme starting in ``first``."""
    paid = [p.month for p in membership.payments if p.month < first]
    last = max(paid, default=None)
    since = last or Month.of(membership.registered).shift(-1)
    return Gap(last, first.index - since.index - 1, status_on(membership, first.first_day, reg=reg))


def counts(gaps: Iterable[Gap]) -> dict[str, int]:
    """Members per kind of gap, every kind named."""
    found = Counter(g.kind for g in gaps)
    return {kind: found[kind] for kind in KINDS.values()}


def warnings(gaps: Iterable[Gap], first: Month) -> list[str]:
    """What the office must know before planning: who lapsed before the start, who starts in arrears."""
    gaps = list(gaps)
    start = tanggal(first.first_day)
    out = []
    lapsed = sorted(_lapse_day(g) for g in gaps if g.kind == "lapsed")
    if lapsed:
        since = tanggal(lapsed[0]) if lapsed[0] == lapsed[-1] else f"{tanggal(lapsed[0])} s.d. {tanggal(lapsed[-1])}"
        out.append(
            f"{_number(len(lapsed))} peserta program sebelumnya sudah nonaktif saat program ini mulai {start} "
            f"(nonaktif sejak {since}): iurannya tidak dibayar lebih dari {MAX_ARREARS} bulan berturut-turut. "
            "Mereka harus didaftarkan ulang sebagai peserta baru: masuk berkas pendaftaran ke BPJS lagi, harus "
            "berusia di bawah 65 tahun saat didaftarkan, dan tidak punya hak atas manfaat sejak tanggal nonaktif "
            "sampai BPJS mencatatnya kembali dan iuran pertamanya dibayar."
        )
    never = sum(g.kind == "never_paid" for g in gaps)
    if never:
        out.append(
            f"{_number(never)} peserta program sebelumnya belum pernah dibayar iurannya, jadi belum pernah menjadi "
            "peserta (PP 44/2015 Pasal 1 angka 4): mereka didaftarkan sebagai peserta baru, harus berusia di bawah "
            "65 tahun saat didaftarkan."
        )
    owing = [g for g in gaps if g.kind == "in_arrears"]
    if owing:
        months = ", ".join(f"{_number(c)} orang {n} bulan" for n, c in sorted(Counter(g.unpaid for g in owing).items()))
        out.append(
            f"{_number(len(owing))} peserta program sebelumnya menunggak pada {start} ({months}): mereka tetap "
            f"peserta dengan KPJ-nya bila iuran dibayar sebelum nonaktif (paling awal "
            f"{tanggal(min(_lapse_day(g) for g in owing))}), tetapi santunan uang JKK dan JKM ditahan sampai tunggakannya "
            "dilunasi."
        )
    return out

