"""The table contract between the pipeline's stages.

A reader turns any source file into a *canonical* frame: one Utf8 column per field below (absent
fields are null), plus `row`, the 1-based row number as the clerk sees it in Excel (header row + n),
and `nik_number_cell`, true where the NIK came from a numeric spreadsheet cell (already corrupted).
Findings always name the column as the file's own header says it.
"""

from dataclasses import dataclass, field

import polars as pl

# Canonical fields, in the order a Lindung template lays them out.
FIELDS = [
    "nik",
    "no_kk",
    "nama",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "kode_desa",  # Kemendagri village code, 10 digits (P3KE) or dotted 17.04.05.2009
    "alamat",
    "telepon",
    "pekerjaan",  # one or two occupations, separated by ; or ,
    "desil",
    "miskin_ekstrem",  # ya/tidak, 1/0
    "id_keluarga",  # family id (P3KE ID Keluarga); gives household size for the priority score
    "hubungan",  # relationship to the head of household
]
REQUIRED = ["nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_desa"]
ROW = "row"
NIK_NUMBER_CELL = "nik_number_cell"

FINDINGS_SCHEMA = pl.Schema({
    "row": pl.Int64,
    "column": pl.Utf8,  # the file's own header text
    "code": pl.Utf8,
    "severity": pl.Utf8,  # "error" | "warning"
    "message": pl.Utf8,  # Indonesian, says what is wrong and how to fix it
})


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDINGS_SCHEMA)


@dataclass
class ReadResult:
    """What a reader found in a file."""

    frame: pl.DataFrame  # canonical columns (Utf8) + row (Int64) + nik_number_cell (Boolean)
    source: str  # "p3ke_keluarga" | "p3ke_individu" | "dtsen" | "template" | "unknown"
    headers: dict[str, str]  # canonical field -> the file's header text
    sheet: str | None = None
    header_row: int = 1  # 1-based row of the header in the sheet
    unknown_columns: list[str] = field(default_factory=list)  # headers nothing maps to
    missing_required: list[str] = field(default_factory=list)  # canonical fields not found

    def header(self, canonical: str) -> str:
        return self.headers.get(canonical, canonical)
