"""The header spellings of each register a regency receives, as data, and the column mapping.

Headers are compared on a normalised key (`key`): lower case, punctuation and underscores become
spaces, whitespace collapses. So "Tgl. Lahir", "TGL_LAHIR" and "Tgl  Lahir" are one spelling, and
the lists below can be written the way the files write them. Each canonical field lists its
spellings most specific first: when a file has two candidate columns, the earlier spelling wins.
"""

import re

from lindung.pipeline.schema import FIELDS, REQUIRED

SOURCES = ["p3ke_keluarga", "p3ke_individu", "dtsen", "template"]
UNKNOWN = "unknown"

# Lindung's own import template, in column order; the template writer reuses this list.
TEMPLATE_HEADERS = [
    "NIK",
    "No. KK",
    "Nama Lengkap",
    "Jenis Kelamin (L/P)",
    "Tempat Lahir",
    "Tanggal Lahir (DD-MM-YYYY)",
    "Kode Desa",
    "Alamat",
    "No. HP",
    "Pekerjaan 1",
    "Pekerjaan 2",
    "Desil",
    "Miskin Ekstrem (Ya/Tidak)",
]

# A second column whose values the reader appends to a canonical field, joined with "; "
# (the template has two occupation columns; the canonical frame has one `pekerjaan`).
SECOND_COLUMNS = {"pekerjaan_2": "pekerjaan"}

# Spellings every source may use, across P3KE releases, DTSEN extracts and the template.
COMMON: dict[str, list[str]] = {
    "nik": ["NIK", "No NIK", "Nomor NIK", "Nomor Induk Kependudukan", "NIK Anggota Keluarga",
            "NIK Kepala Keluarga"],
    "no_kk": ["No KK", "Nomor KK", "No Kartu Keluarga", "Nomor Kartu Keluarga", "NKK", "NoKK"],
    "nama": ["Nama", "Nama Lengkap", "Nama Anggota Keluarga", "Nama Anggota", "Nama Peserta"],
    "jenis_kelamin": ["Jenis Kelamin", "Jenis Kelamin (L/P)", "JK", "L/P", "Kelamin"],
    "tempat_lahir": ["Tempat Lahir", "Tmp Lahir", "Tpt Lahir"],
    "tanggal_lahir": ["Tanggal Lahir", "Tanggal Lahir (DD-MM-YYYY)", "Tgl Lahir",
                      "Tgl Lahir (DD-MM-YYYY)", "Tgl Lhr"],
    "kode_desa": ["Kode Kemdagri", "Kode Kemendagri", "Kode Desa", "Kode Desa/Kelurahan",
                  "Kode Kelurahan", "Kode Wilayah", "Kd Desa"],
    "alamat": ["Alamat", "Alamat Lengkap", "Alamat Rumah", "Alamat Domisili"],
    "telepon": ["No HP", "Nomor HP", "No Handphone", "No Telepon", "Nomor Telepon", "No Telp",
                "Telepon", "HP"],
    "pekerjaan": ["Pekerjaan", "Pekerjaan 1", "Pekerjaan Utama", "Jenis Pekerjaan"],
    "pekerjaan_2": ["Pekerjaan 2", "Pekerjaan Sampingan", "Pekerjaan Tambahan"],
    "desil": ["Desil Kesejahteraan", "Desil", "Desil Nasional", "Peringkat Desil"],
    "miskin_ekstrem": ["Miskin Ekstrem", "Miskin Ekstrem (Ya/Tidak)", "Miskin Ekstrim",
                       "Kemiskinan Ekstrem", "Status Miskin Ekstrem"],
    "id_keluarga": ["ID Keluarga P3KE", "ID Keluarga", "ID Keluarga DTSEN"],
    "hubungan": ["Hubungan dengan Kepala Keluarga", "Hubungan Keluarga", "Hubungan dgn KK",
                 "Status Hubungan Dalam Keluarga", "SHDK"],
}

# Spellings only one source uses, tried before COMMON's. In the P3KE family file every row is a
# family head, so the head's name column is the person's name (elsewhere it is someone else's).
SPECIFIC: dict[str, dict[str, list[str]]] = {
    "p3ke_keluarga": {"nama": ["Kepala Keluarga", "Nama Kepala Keluarga"]},
}

# Distinctive headers per source, weighted; a negative weight rules a source out.
MARKERS: dict[str, dict[str, int]] = {
    "template": {"Jenis Kelamin (L/P)": 2, "Tanggal Lahir (DD-MM-YYYY)": 2,
                 "Miskin Ekstrem (Ya/Tidak)": 2, "Pekerjaan 1": 2, "Pekerjaan 2": 2},
    "p3ke_individu": {"ID Individu": 5, "Hubungan dengan Kepala Keluarga": 1, "Status Kawin": 1,
                      "Status Pekerjaan": 1, "ID Keluarga P3KE": 1},
    "p3ke_keluarga": {"ID Keluarga P3KE": 2, "Kepala Keluarga": 2, "Kode Kemdagri": 1,
                      "Kode Kemendagri": 1, "Desil Kesejahteraan": 1, "Padan Dukcapil": 1,
                      "Penerima PKH": 1, "Penerima BPNT": 1, "ID Individu": -10},
    "dtsen": {"Desil Nasional": 2, "Peringkat Desil": 2, "Kode Wilayah": 1, "Hubungan Keluarga": 1,
              "Pekerjaan Utama": 1, "ID Keluarga": 1, "No KK": 1, "Nama Lengkap": 1},
}
MIN_SCORE = 3  # below this a file is "unknown" (mapped with COMMON spellings only)


def key(header: object) -> str:
    """The normalised form headers are compared on."""
    return " ".join(re.sub(r"[\W_]+", " ", str(header).lower()).split())


def spellings(source: str | None) -> dict[str, list[str]]:
    """Canonical field -> normalised spellings for a source, most specific first."""
    specific = SPECIFIC.get(source or "", {})
    return {f: [key(s) for s in specific.get(f, []) + variants] for f, variants in COMMON.items()}


# Every key that marks a cell as a header: used to find the header row below title rows.
KNOWN_KEYS = frozenset(
    [key(s) for variants in COMMON.values() for s in variants]
    + [key(s) for per_source in SPECIFIC.values() for variants in per_source.values() for s in variants]
    + [key(s) for markers in MARKERS.values() for s in markers]
)


def detect_source(headers: list[str]) -> str:
    """The source whose distinctive headers the file has most of, or "unknown"."""
    keys = {key(h) for h in headers if h}
    scores = {src: sum(w for h, w in MARKERS[src].items() if key(h) in keys) for src in SOURCES}
    best = max(scores, key=lambda src: scores[src])
    return best if scores[best] >= MIN_SCORE else UNKNOWN


def map_headers(
    headers: list[str], source: str | None = None, manual: dict[str, str | None] | None = None
) -> tuple[dict[str, str], list[str], list[str]]:
    """Map a file's headers to canonical fields.

    `source` None means detect it. `manual` (canonical -> the file's header text, from the mapping
    screen) wins over the spellings; a field mapped to None or "" there is deliberately left unmapped.
    Returns (canonical -> header text, headers nothing maps to, required fields not found).
    """
    source = source or detect_source(headers)
    by_key: dict[str, str] = {}
    for h in headers:
        if h and h.strip():
            by_key.setdefault(key(h), h)  # a repeated header: the first column counts
    manual = manual or {}
    mapped = {f: by_key[key(text)] for f, text in manual.items() if text and key(text) in by_key}
    taken = set(mapped.values())
    for field, keys in spellings(source).items():
        if field in manual:
            continue
        found = next((by_key[k] for k in keys if k in by_key and by_key[k] not in taken), None)
        if found:
            mapped[field] = found
            taken.add(found)
    order = FIELDS + list(SECOND_COLUMNS)
    mapped = {f: mapped[f] for f in order if f in mapped}
    unknown = [h for h in headers if h and h.strip() and h not in taken]
    missing = [f for f in REQUIRED if f not in mapped]
    return mapped, unknown, missing
