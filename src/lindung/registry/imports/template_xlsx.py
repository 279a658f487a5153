"""The Lindung import template: text NIK columns, drop-downs, and instructions in Indonesian."""

import io

import xlsxwriter

from lindung.pipeline.sources import TEMPLATE_HEADERS
from lindung.wilayah.models import Level, Wilayah

from ..models import Pekerjaan

TEXT_COLUMNS = {"NIK", "No. KK", "No. HP", "Kode Desa"}
INSTRUCTIONS = [
    "Petunjuk pengisian templat Lindung",
    "",
    "1. Isi satu baris per pekerja di lembar 'Data'. Jangan ubah judul kolom di baris pertama.",
    "2. NIK dan No. KK diisi 16 digit. Kolomnya sudah berformat Teks: jangan ubah ke Angka,",
    "   karena Excel menghapus digit ke-16 dan seterusnya dari angka (1704…0001 menjadi 1704…0000).",
    "   Bila menempel dari berkas lain, gunakan Tempel Khusus → Nilai saja.",
    "3. Jenis Kelamin: L atau P. Untuk perempuan, tanggal lahir di NIK ditambah 40 — itu normal.",
    "4. Tanggal Lahir ditulis HH-BB-TTTT, misalnya 17-05-1980. Harus sama dengan tanggal di NIK.",
    "5. Kode Desa: pilih dari daftar (lihat lembar 'Desa' untuk nama desa dan kecamatannya).",
    "6. Pekerjaan 1 wajib, Pekerjaan 2 boleh kosong (paling banyak dua pekerjaan).",
    "7. Desil 1–10 (P3KE/DTSEN). Miskin Ekstrem: Ya atau Tidak.",
    "8. Usia pada awal program minimal sesuai pengaturan (biasanya 18) dan di bawah 65 tahun.",
    "",
    "Setelah diunggah, Lindung memeriksa setiap baris dan menunjukkan baris serta kolom yang salah.",
    "Data baru masuk register setelah disetujui Admin Dinas.",
]


def build_template(regency: str, rows: int = 2000) -> bytes:
    villages = list(
        Wilayah.objects.filter(level=Level.DESA, code__startswith=regency + ".").select_related("parent").order_by("code")
    )
    jobs = list(Pekerjaan.objects.filter(active=True).values_list("name", flat=True))
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEEE6", "border": 1})
    text = book.add_format({"num_format": "@"})

    data = book.add_worksheet("Data")
    for col, title in enumerate(TEMPLATE_HEADERS):
        data.write_string(0, col, title, bold)
        data.set_column(col, col, max(14, len(title) + 2), text if title in TEXT_COLUMNS else None)
    data.freeze_panes(1, 0)

    lists = book.add_worksheet("Daftar")
    lists.hide()
    for i, name in enumerate(jobs):
        lists.write_string(i, 0, name)
    for i, village in enumerate(villages):
        lists.write_string(i, 1, village.code)

    def dropdown(title: str, source):
        col = TEMPLATE_HEADERS.index(title)
        data.data_validation(1, col, rows, col, {"validate": "list", "source": source, "error_title": title,
                                                  "error_message": f"Pilih {title} dari daftar."})

    dropdown("Jenis Kelamin (L/P)", ["L", "P"])
    dropdown("Pekerjaan 1", f"=Daftar!$A$1:$A${len(jobs)}")
    dropdown("Pekerjaan 2", f"=Daftar!$A$1:$A${len(jobs)}")
    dropdown("Desil", [str(d) for d in range(1, 11)])
    dropdown("Kode Desa", f"=Daftar!$B$1:$B${len(villages)}")
    dropdown("Miskin Ekstrem (Ya/Tidak)", ["Ya", "Tidak"])

    desa = book.add_worksheet("Desa")
    for col, title in enumerate(["Kode Desa", "Desa/Kelurahan", "Kecamatan"]):
        desa.write_string(0, col, title, bold)
        desa.set_column(col, col, 24)
    for i, village in enumerate(villages, start=1):
        desa.write_string(i, 0, village.code)
        desa.write_string(i, 1, village.name)
        assert village.parent is not None  # a desa has its kecamatan
        desa.write_string(i, 2, village.parent.name)

    guide = book.add_worksheet("Petunjuk")
    guide.set_column(0, 0, 100)
    for i, line in enumerate(INSTRUCTIONS):
        guide.write_string(i, 0, line, bold if i == 0 else None)
    guide.activate()
    book.close()
    return out.getvalue()
