"""A saved plan's people as xlsx: who is covered (the months funded) and who is not, with the reason; audited."""

from itertools import chain

from django.utils import timezone

from lindung.audit.services import record_event
from lindung.core.table_xlsx import table_workbook

from . import selectors

PLAN_HEADERS = ["Urutan", "NIK", "Nama", "Desa", "Kecamatan", "Prioritas", "Terlindungi", "Bulan pertama",
                "Bulan terakhir", "Nonaktif mulai (bila tidak dibayar lagi)", "Alasan"]


def not_covered_reason(scenario, line) -> str:
    """Why the plan funds no month for this candidate, in words."""
    share = "jatah anggaran kecamatannya" if scenario.kecamatan_share else "anggaran program"
    return (f"Tidak terjangkau: {share} (Rp{scenario.budget:,}".replace(",", ".")
            + f") habis untuk calon di urutan sebelumnya; ia di urutan {line.rank} dengan prioritas {line.priority}, "
              f"dan tiap orang dibiayai minimal {scenario.min_consecutive} bulan berturut-turut.")


def covered_reason(scenario, line) -> str:
    return f"Dibiayai {line.first:%m-%Y} s.d. {line.last:%m-%Y} (urutan {line.rank}, prioritas {line.priority})."


def plan_workbook(user, scenario) -> bytes:
    """Every plan line of the user's area, covered first by rank, then the others; the download is audited."""
    rows = []
    for line in chain(*(selectors.plan_lines(user, scenario, covered=covered).select_related("peserta__desa__parent")
                        .order_by("rank").iterator(chunk_size=2000) for covered in (True, False))):
        p, covered = line.peserta, line.first is not None
        rows.append([line.rank, p.nik, p.nama, p.desa.name, p.desa.parent.name, line.priority,  # type: ignore[union-attr]  # a desa has its kecamatan
                     "Ya" if covered else "Tidak", line.first.strftime("%Y-%m") if covered else "",  # type: ignore[union-attr]  # covered: first is set
                     line.last.strftime("%Y-%m") if covered else "", line.lapses,  # type: ignore[union-attr]  # so is last
                     covered_reason(scenario, line) if covered else not_covered_reason(scenario, line)])
    programme = scenario.programme
    content = table_workbook(
        "Rencana", PLAN_HEADERS, rows,
        title=f"Skenario {scenario.number} · {programme.name} · {scenario.get_kind_display()} · "
              f"diunduh {timezone.localdate():%d-%m-%Y}",
        widths=[8, 20, 28, 20, 18, 10, 11, 12, 12, 18, 90])
    covered = sum(1 for r in rows if r[6] == "Ya")
    record_event(user, "programs.plan_downloaded", target=f"scenario:{scenario.pk}",
                 summary=f"Rencana skenario {scenario.number} program {programme.code} diunduh "
                         f"({covered} terlindungi, {len(rows) - covered} tidak).")
    return content
