"""The check before approval in the demo. The current month's bill was drawn on the 1st; news reached the office after
it: a village reported a death of last month, Dukcapil a move out of Kaur, BPJS's status file another payer for the
month, and a KTP-el correction puts a member's birth in 1958 (65 or older when he was registered). The operator runs
the check, takes those four off the bill with the office's reasons, and the admin approves it. Every bill of the demo
goes through the check; a finding of a later month (the same people, still on the list) is taken off the same way."""

from datetime import date
from itertools import chain

from lindung.rules.bill_check import Rule
from lindung.rules.contributions import Month
from lindung.rules.other_cover import OtherPayer

from .models import Bill, BillFinding

# The office's reason, per rule, for taking a member off the bill.
REASONS = {
    Rule.DIED: "Dilaporkan meninggal oleh desa; ditahan sampai kematian diverifikasi.",
    Rule.MOVED_OUT: "Pindah ke luar Kabupaten Kaur menurut Dukcapil.",
    Rule.OVER_AGE: "Menurut KTP-el yang dikoreksi Dukcapil berusia 65 tahun atau lebih saat didaftarkan.",
    Rule.WAGE_EARNER: "Bekerja sebagai peserta penerima upah menurut surat keterangan kerja.",
    Rule.OTHER_PAYER: "Iuran bulan ini dibayar Dana Desa menurut berkas status BPJS.",
    Rule.PAID_ALREADY: "Bulan ini sudah dibayar menurut berkas status BPJS.",
    Rule.OTHER_PROGRAMME: "Sudah dibiayai program lain bulan ini.",
    Rule.DUPLICATE: "Diduga orang yang sama dengan peserta lain; ditahan sampai diputuskan.",
    Rule.NO_KPJ: "Belum ada nomor KPJ dari BPJS.",
}
CORRECTED_BIRTH = date(1958, 3, 3)


def check_demo_bill(bill: Bill, operator, today: date, *, spare_village: str) -> None:
    """Before the admin approves ``bill``: the news of the current month planted once (never in ``spare_village``,
    whose member the village reports dead yesterday), the check run and whatever it finds taken off."""
    from . import services

    if Month.of(bill.month) == Month.of(today) and not BillFinding.objects.exists():
        _news_after_the_bill(bill, operator, spare_village)
    services.check_bill(operator, bill)
    open_findings = bill.findings.filter(outcome=BillFinding.Outcome.OPEN)
    for rule in list(open_findings.values_list("rule", flat=True).distinct()):
        # Taking a member off closes all his findings: a rule whose members all went under an earlier one has none.
        if open_findings.filter(rule=rule).exists():
            services.exclude_findings(operator, bill, REASONS[Rule(rule)], rules=[rule])


def _news_after_the_bill(bill: Bill, operator, spare_village: str) -> None:
    from lindung.life import services as life
    from lindung.life.models import LifeEvent, OtherCover
    from lindung.registry.services import save_peserta
    from lindung.rules.nik import make_nik

    month = Month.of(bill.month)
    before = month.shift(-1)
    # Four members of different kecamatan, the camat's first, in NIK order, untouched by the rest of the story.
    untouched = (bill.lines.exclude(peserta__desa_id=spare_village)
                 .exclude(peserta__in=LifeEvent.objects.values("peserta")).select_related("peserta")
                 .order_by("peserta__nik"))
    camat = spare_village[:8]  # the spared village's kecamatan: the demo camat's
    chosen, kecamatan = [], set()
    for line in chain(untouched.filter(peserta__desa__parent_id=camat)[:1], untouched.iterator()):
        if line.peserta.kecamatan_code not in kecamatan:
            chosen.append(line.peserta)
            kecamatan.add(line.peserta.kecamatan_code)
        if len(chosen) == 4:
            break
    dead, moved, paid_elsewhere, older = chosen
    life.report_death(operator, dead, died_on=date(before.year, before.month, 20),
                      evidence="Laporan kepala desa, diterima Dinas sesudah tagihan dibuat")
    life.record(operator, moved, kind=LifeEvent.Kind.MOVED_OUT, happened_on=date(before.year, before.month, 10),
                source=LifeEvent.Source.TYPED, evidence="Surat keterangan pindah Dukcapil")
    life.record_other_cover(operator, paid_elsewhere, payer=OtherPayer.DANA_DESA, payer_name="Dana Desa",
                            first=month, source=OtherCover.Source.BPJS_STATUS,
                            evidence="Berkas status BPJS: iuran dibayar Dana Desa")
    taken = set(type(older).objects.filter(nik__startswith=make_nik(older.kecamatan_code, CORRECTED_BIRTH,
                                                                     older.jenis_kelamin, 1)[:12])
                .values_list("nik", flat=True))
    older.nik = next(nik for serial in range(9001, 10_000)
                     if (nik := make_nik(older.kecamatan_code, CORRECTED_BIRTH, older.jenis_kelamin, serial)) not in taken)
    older.tanggal_lahir = CORRECTED_BIRTH
    save_peserta(operator, older)
