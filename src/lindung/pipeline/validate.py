"""Validate a canonical frame: typed values, and one finding per problem by row and column.

Every check is a Polars expression over a whole column; Python runs only once per distinct
region prefix or odd character. The NIK checks mirror lindung.rules.nik.parse_nik (same codes,
same wording). Columns whose values repeat (dates, villages, occupations, ...) are parsed once
per distinct value and joined back. A million rows take about 1.5 s on two cores.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from lindung.pipeline.schema import FINDINGS_SCHEMA, NIK_NUMBER_CELL, ROW, empty_findings
from lindung.rules.contributions import tanggal
from lindung.rules.nik import parse_nik


@dataclass(frozen=True)
class Context:
    regency: str  # the deployment's root: a regency "17.04" or a province "17"; "" the whole country (matching)
    villages: frozenset[str]  # dotted village codes of the regencies served, "17.04.05.2009"
    occupations: dict[str, str]  # normalised name or alias -> occupation code
    start: date  # programme start: ages are taken on this date
    min_age: int = 18  # one regency's rule (DOMAIN §3), hence a setting
    max_age: int = 64  # 65 or older at registration is refused
    # NIKs of people registered already whose membership goes on: the age limit applies at registration only (DOMAIN §3)
    registered: frozenset[str] = frozenset()
    known_region: Callable[[str], bool] | None = None  # for parse_nik's unknown-prefix warning


# Python's whitespace (str.strip, isspace, re's \s), as rules.nik sees it: Rust's lacks \x1c-\x1f.
WS = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
WS_RE = "".join(f"\\x{{{ord(c):x}}}" for c in WS)
# rules.nik._NUMBER_CELL without the backreference Rust's regex lacks.
_NUMBER_CELL = (
    r"^(?:[0-9][.,]?[0-9]*[eE][+-]?[0-9]+|[0-9]+[.,]0+"
    r"|[0-9]{1,3}(?:\.[0-9]{3}){2,}|[0-9]{1,3}(?:,[0-9]{3}){2,})$"
)
_CULPRIT = f"(?s)^[0-9.{WS_RE}]*(.)"  # parse_nik's: the first non-digit, non-separator
_SEX = {"l": "L", "laki-laki": "L", "lk": "L", "1": "L", "p": "P", "perempuan": "P", "pr": "P", "2": "P"}
_YES_NO = {"ya": True, "y": True, "1": True, "tidak": False, "tdk": False, "0": False}
_EXCEL_EPOCH = date(1899, 12, 30)
_NUMBER_CELL_ADVICE = (
    "Excel hanya menyimpan 15 digit angka penting, jadi digit sesudahnya hilang atau "
    "berubah menjadi 0. Format kolom {column} sebagai Teks, lalu ketik ulang {what}."
)


@dataclass(frozen=True)
class Check:
    code: str
    field: str  # canonical field; the finding names the file's header for it
    when: pl.Expr
    message: pl.Expr  # evaluated only on the rows where `when` holds
    severity: str = "error"


def validate(
    frame: pl.DataFrame, headers: dict[str, str], ctx: Context
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Returns (typed, findings): one typed row per input row; findings sorted by row, column."""

    def header(field: str) -> str:
        return headers.get(field, field)

    d = frame
    for stage in _per_row(ctx.start):
        d = d.with_columns(stage)
    for field, parsed in _per_value(ctx).items():
        d = _by_value(d, field, parsed)
    d = d.with_columns(_nik_cross(d, ctx))

    checks = nik_checks(d, header, ctx.start) + _field_checks(header, ctx)
    findings = _findings(d, checks, header)
    errors = findings.filter(pl.col("severity") == "error")["row"].unique()
    typed = d.select(
        ROW,
        nik=pl.when("_ok").then("_nik"),
        no_kk=pl.when(~pl.col("_no_kk_number_cell")).then("_no_kk"),
        nama="_nama",
        jenis_kelamin="_jk",
        tempat_lahir=_text("tempat_lahir"),
        tanggal_lahir="_tl",
        desa="_desa",
        alamat=_text("alamat"),
        telepon=pl.coalesce("_tel_ok", pl.when(~pl.col("_tel_number_cell")).then("_telepon")),
        pekerjaan="_pek_known",
        desil="_desil",
        miskin_ekstrem="_me",
        id_keluarga=_text("id_keluarga"),
        hubungan=_text("hubungan"),
        valid=~pl.col(ROW).is_in(errors.implode()),
    )
    return typed, findings


def _text(field: str) -> pl.Expr:
    # "-" or "." is how clerks leave a cell empty.
    col = pl.col(field).str.strip_chars()
    return pl.when(col.str.strip_chars(".-") != "").then(col)


def _by_value(d: pl.DataFrame, field: str, parsed: list[pl.Expr]) -> pl.DataFrame:
    # A register repeats a few thousand dates and a few hundred villages a million times:
    # parse each distinct value once, then join the results back onto the key column alone.
    values = d.select(pl.col(field).unique()).with_columns(parsed)
    joined = d.select(field).join(values, on=field, how="left", nulls_equal=True, maintain_order="left")
    return d.hstack(joined.drop(field))


def _valid_ymd(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    days = (
        pl.when(m == 2).then(28 + leap.cast(pl.Int32))
        .when(m.is_in([4, 6, 9, 11])).then(30)
        .otherwise(31)
    )
    return m.is_between(1, 12) & d.is_between(1, days)


def _per_row(today: date) -> list[list[pl.Expr]]:
    """Columns whose values rarely repeat, in stages: each stage reads the columns made by the
    ones before, because an expression used twice inside one stage is computed twice."""
    day_field, ddmmyy = pl.col("_day_field"), pl.col("_ddmmyy")
    tel_digits = pl.col("_tel_digits")
    tel_08 = pl.col("_tel_08")
    # Two-digit year: the latest century that does not put the birth after `today`.
    today_key = today.year * 10000 + today.month * 100 + today.day
    year_2000 = 2000 + pl.col("_yy")
    year, month, day, ok = pl.col("_year"), pl.col("_month"), pl.col("_day"), pl.col("_ok")
    return [
        [
            pl.col("nik").str.strip_chars(WS).alias("_raw_nik"),
            pl.col(NIK_NUMBER_CELL).fill_null(False).alias("_flag"),
            _text("nama").str.replace_all(r"\s+", " ").alias("_nama"),
            _text("no_kk").alias("_no_kk"),
            _text("telepon").alias("_telepon"),
        ],
        [
            pl.col("_raw_nik").str.replace_all(f"[{WS_RE}.]", "").alias("_nik"),
            pl.col("_no_kk").str.contains(_NUMBER_CELL).fill_null(False).alias("_no_kk_number_cell"),
            pl.col("_telepon").str.contains(_NUMBER_CELL).fill_null(False).alias("_tel_number_cell"),
            pl.col("_telepon").str.replace_all(" ", "", literal=True)
            .str.replace_all("-", "", literal=True).alias("_tel_digits"),
        ],
        [
            nik_state().alias("_nik_state"),
            # +628… and 628… are the same mobile number as 08….
            pl.when(tel_digits.str.starts_with("+628")).then(pl.lit("0") + tel_digits.str.slice(3))
            .when(tel_digits.str.starts_with("628")).then(pl.lit("0") + tel_digits.str.slice(2))
            .otherwise(tel_digits).alias("_tel_08"),
        ],
        [
            (pl.col("_nik_state") == "ok").alias("_ok"),
            pl.when(
                tel_08.str.starts_with("08") & tel_08.str.len_bytes().is_between(10, 13)
                & tel_08.cast(pl.UInt64, strict=False).is_not_null()
            ).then(tel_08).alias("_tel_ok"),
        ],
        [
            pl.when(ok).then(pl.col("_nik").cast(pl.Int64, strict=False)).alias("_nik_int"),
            pl.when(ok).then(pl.col("_nik").str.slice(6, 6).cast(pl.Int32, strict=False))
            .alias("_ddmmyy"),
            (ok & (pl.col("_nik").str.slice(12) == "0000")).alias("_bad_serial"),
        ],
        [
            (ddmmyy // 10000).alias("_day_field"),
            (ddmmyy // 100 % 100).alias("_month"),
            (ddmmyy % 100).alias("_yy"),
        ],
        [
            (day_field > 40).alias("_female"),
            (day_field - pl.when(day_field > 40).then(40).otherwise(0)).alias("_day"),
        ],
        [
            (year_2000 - pl.when(year_2000 * 10000 + month * 100 + day > today_key).then(100)
             .otherwise(0)).alias("_year"),
        ],
        [
            (ok & ~day.is_between(1, 31)).alias("_bad_day"),
            (ok & ~month.is_between(1, 12)).alias("_bad_month"),
            (ok & day.is_between(1, 31) & month.is_between(1, 12) & ~_valid_ymd(year, month, day))
            .alias("_bad_calendar"),
            (ok & _valid_ymd(year, month, day) & (year * 10000 + month * 100 + day > today_key))
            .alias("_future"),
        ],
    ]


def birth_date(text: pl.Expr) -> pl.Expr:
    """A birth date as clerks and exports write it (05-08-1995, 05/08/1995, 1995-08-05, an Excel serial), or null."""
    tl = text.str.strip_chars()
    # Five-digit Excel serials only (1927-2173): four digits are more likely a bare year.
    serial = tl.cast(pl.Float64, strict=False)
    serial = pl.when(serial.is_between(10000, 99999) & (serial.floor() == serial)).then(serial)
    born = pl.coalesce(
        tl.str.to_date("%d-%m-%Y", strict=False),
        tl.str.to_date("%d/%m/%Y", strict=False),
        tl.str.to_date("%Y-%m-%d", strict=False),
        tl.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False).dt.date(),
        pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial.cast(pl.Int32)),
    )
    # chrono reads "5-8-95" as the year 95: no one alive was born before 1900.
    return pl.when(born >= date(1900, 1, 1)).then(born)


def _per_value(ctx: Context) -> dict[str, list[pl.Expr]]:
    """Columns parsed once per distinct value: field -> the columns derived from it."""
    born = birth_date(pl.col("tanggal_lahir"))
    birthday_ahead = born.dt.month().cast(pl.Int32) * 100 + born.dt.day() > (
        ctx.start.month * 100 + ctx.start.day
    )
    age = ctx.start.year - born.dt.year().cast(pl.Int32) - birthday_ahead.cast(pl.Int32)

    desa = pl.col("kode_desa").str.strip_chars()
    looks_right = desa.str.contains(r"^(?:[0-9]{10}|[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4})$")
    code = pl.when(looks_right).then(
        desa.str.replace(r"^([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{4})$", "$1.$2.$3.$4")
    )
    # An empty root is the whole country (national matching): no code is outside it.
    outside = ~code.str.starts_with(ctx.regency + ".") if ctx.regency else pl.lit(False)
    desa_problem = (
        pl.when(code.is_in(sorted(ctx.villages))).then(None)
        .when(outside).then(pl.lit("desa_outside_regency"))
        .otherwise(pl.lit("desa_unknown"))
    )

    items = (
        _text("pekerjaan").str.to_lowercase().str.replace_all(r"\s+", " ")
        .str.replace_all(";", ",").str.split(",")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
    )
    occupation = pl.element().replace_strict(ctx.occupations, default=None, return_dtype=pl.Utf8)
    known = items.list.eval(occupation).list.drop_nulls().list.unique(maintain_order=True)
    unknown = items.list.eval(pl.element().filter(~pl.element().is_in(list(ctx.occupations))))
    unknown = unknown.list.unique(maintain_order=True)

    desil = _text("desil").cast(pl.Float64, strict=False)
    return {
        "tanggal_lahir": [born.alias("_tl"), age.alias("_age")],
        "kode_desa": [code.alias("_desa"), desa_problem.alias("_desa_problem")],
        "pekerjaan": [
            known.alias("_pek_known"),
            unknown.alias("_pek_unknown"),
            (known.list.len() + unknown.list.len()).alias("_pek_count"),
        ],
        "jenis_kelamin": [
            pl.col("jenis_kelamin").str.strip_chars().str.to_lowercase()
            .replace_strict(_SEX, default=None, return_dtype=pl.Utf8).alias("_jk")
        ],
        "desil": [
            _text("desil").alias("_desil_given"),
            pl.when(desil.is_between(1, 10) & (desil.floor() == desil)).then(desil.cast(pl.Int8, strict=False))
            .alias("_desil"),
        ],
        "miskin_ekstrem": [
            _text("miskin_ekstrem").alias("_me_given"),
            _text("miskin_ekstrem").str.to_lowercase()
            .replace_strict(_YES_NO, default=None, return_dtype=pl.Boolean).alias("_me"),
        ],
    }


def nik_state() -> pl.Expr:
    raw, digits = pl.col("_raw_nik"), pl.col("_nik")
    # parse_nik's order; a numeric cell seen by the reader overrides everything.
    return (
        pl.when("_flag").then(pl.lit("number_cell"))
        .when(raw.str.strip_chars(WS + ".-").fill_null("") == "").then(pl.lit("empty"))
        .when(raw.str.contains(_NUMBER_CELL)).then(pl.lit("number_cell"))
        .when(~digits.str.contains("^[0-9]+$")).then(pl.lit("not_digits"))
        .when(digits.str.len_bytes() != 16).then(pl.lit("length"))
        .otherwise(pl.lit("ok"))
    )


def _nik_cross(d: pl.DataFrame, ctx: Context) -> list[pl.Expr]:
    """The NIK's region, its overall validity and the first row holding the same NIK."""
    # parse_nik owns the region rule and its wording: ask it once per distinct kecamatan prefix,
    # with a harmless date and serial.
    prefixes = (d["_nik_int"] // 10**10).unique().drop_nulls()
    regions = {
        p: w[0].message
        for p in prefixes
        if (w := parse_nik(f"{p:06d}0101000001", today=ctx.start, known_region=ctx.known_region).warnings)
    }
    problems = ["_bad_day", "_bad_month", "_bad_calendar", "_future", "_bad_serial"]
    return [
        (pl.col("_nik_int") // 10**10).replace_strict(regions, default=None, return_dtype=pl.Utf8)
        .alias("_region"),
        (pl.col("_ok") & ~pl.any_horizontal(problems)).alias("_nik_valid"),
        pl.col(ROW).min().over("_nik_int").alias("_first_row"),
    ]


def nik_checks(d: pl.DataFrame, header: Callable[[str], str], today: date) -> list[Check]:
    nik, state, valid, female = pl.col("_nik"), pl.col("_nik_state"), pl.col("_nik_valid"), pl.col("_female")
    culprit = pl.col("_raw_nik").str.extract(_CULPRIT)
    shown = {
        c: f"karakter '{c}'" if c.isprintable() else f"karakter tak terlihat U+{ord(c):04X}"
        for c in d["_raw_nik"].filter(d["_nik_state"] == "not_digits").str.extract(_CULPRIT).unique()
    }
    looks_complete = pl.col("_flag") & pl.col("_raw_nik").str.contains("^[0-9]{16}$")

    def two(column: str) -> pl.Expr:
        return pl.col(column).cast(pl.Utf8).str.zfill(2)

    nik_date = pl.format("{}-{}-{}", two("_day"), two("_month"), pl.col("_year"))
    sex_word = pl.when(female).then(pl.lit("perempuan (tanggal lahir +40)")).otherwise(
        pl.lit("laki-laki (tanggal lahir tanpa +40)")
    )
    tl = pl.col("_tl")
    return [
        Check("nik_empty", "nik", state == "empty",
               pl.lit("NIK kosong. Isi 16 digit NIK sesuai KTP atau Kartu Keluarga.")),
        Check("nik_number_cell", "nik", state == "number_cell", pl.format(
            "NIK tersimpan sebagai angka di Excel ({}), bukan sebagai teks. {}"
            + _NUMBER_CELL_ADVICE.format(column=header("nik"), what="NIK dari KTP"),
            pl.col("_raw_nik"),
            pl.when(looks_complete)
            .then(pl.lit("Walaupun terlihat 16 digit, angka ini tidak bisa dipercaya: "))
            .otherwise(pl.lit("")),
        )),
        Check("nik_not_digits", "nik", state == "not_digits", pl.format(
            "NIK hanya boleh berisi angka, tetapi ada {} di posisi ke-{}.{}",
            culprit.replace_strict(shown, default=None, return_dtype=pl.Utf8),
            pl.col("_raw_nik").str.extract(f"^([0-9.{WS_RE}]*)").str.len_chars() + 1,
            pl.when(culprit.is_in(list("OoIl")))
            .then(pl.lit(" Huruf O/I/l sering tertukar dengan angka 0/1.")).otherwise(pl.lit("")),
        )),
        Check("nik_length", "nik", state == "length",
               pl.format("NIK harus 16 digit, yang diisi {} digit.", nik.str.len_bytes())),
        Check("nik_date", "nik", pl.col("_bad_day"), pl.format(
            "Angka tanggal lahir di NIK (digit ke-7 dan 8) adalah {}, tidak mungkin: "
            "harus 01-31 untuk laki-laki, atau 41-71 untuk perempuan (tanggal lahir + 40).",
            nik.str.slice(6, 2),
        )),
        Check("nik_date", "nik", pl.col("_bad_month"), pl.format(
            "Bulan lahir di NIK (digit ke-9 dan 10) adalah {}, harus 01-12.", nik.str.slice(8, 2)
        )),
        Check("nik_date", "nik", pl.col("_bad_calendar"), pl.format(
            "Tanggal lahir di NIK ({}) tidak ada di kalender ({}).",
            nik_date,
            pl.when(female)
            .then(pl.format("angka tanggal {} = tanggal {} + 40 karena perempuan",
                            nik.str.slice(6, 2), two("_day")))
            .otherwise(pl.lit("bagi perempuan, angka tanggal di NIK = tanggal lahir + 40")),
        )),
        Check("nik_future", "nik", pl.col("_future"), pl.format(
            "Tanggal lahir di NIK ({}) ada di masa depan (hari ini {}).",
            nik_date, pl.lit(f"{today:%d-%m-%Y}"),
        )),
        Check("nik_serial", "nik", pl.col("_bad_serial"), pl.lit(
            "Nomor urut di NIK (4 digit terakhir) 0000 tidak sah; nomor urut mulai dari 0001."
        )),
        Check("nik_region_unknown", "nik", pl.col("_region").is_not_null(), pl.col("_region"),
               "warning"),
        # rules.nik.check_against, naming the file's own column.
        Check("nik_sex_mismatch", "jenis_kelamin",
               valid & (pl.col("_jk") != pl.when(female).then(pl.lit("P")).otherwise(pl.lit("L"))),
               pl.format("Jenis kelamin di NIK {}, tetapi kolom {} berisi {}. Periksa dengan KTP.",
                         sex_word, pl.lit(header("jenis_kelamin")),
                         pl.col("jenis_kelamin").str.strip_chars())),
        # The NIK holds only a two-digit year, so a 1920 birth read as 2020 is not a mismatch.
        Check("nik_birthdate_mismatch", "tanggal_lahir",
               valid & ((tl.dt.day() != pl.col("_day")) | (tl.dt.month() != pl.col("_month"))
                        | (tl.dt.year() % 100 != pl.col("_year") % 100)),
               pl.format("Tanggal lahir di NIK {}, tetapi kolom {} berisi {}. Periksa dengan KTP.",
                         nik_date, pl.lit(header("tanggal_lahir")), tl.dt.strftime("%d-%m-%Y"))),
        Check("nik_duplicate_in_file", "nik", pl.col("_ok") & (pl.col(ROW) != pl.col("_first_row")),
               pl.format("NIK sama dengan baris {}. Satu orang hanya boleh satu baris: hapus baris "
                         "ganda ini, atau perbaiki NIK yang salah ketik.", pl.col("_first_row"))),
    ]


def _field_checks(header: Callable[[str], str], ctx: Context) -> list[Check]:
    def given(field: str) -> pl.Expr:
        return pl.col(field).str.strip_chars()

    born, age, desa = pl.col("_tl").dt.strftime("%d-%m-%Y"), pl.col("_age"), pl.col("_desa_problem")
    on_start = pl.lit(tanggal(ctx.start))
    example = min(ctx.villages, default=f"{ctx.regency}.01.2001")
    desa_hint = (
        f" Isi kode desa Kemendagri dari daftar wilayah, 10 digit ({example.replace('.', '')}) "
        f"atau bertitik ({example})."
    )

    def empty_or(field: str, empty: str, other: str) -> pl.Expr:
        value = given(field)
        return pl.when(value.fill_null("") == "").then(pl.lit(empty)).otherwise(pl.format(other, value))

    return [
        Check("nama_empty", "nama", pl.col("_nama").is_null(),
               pl.lit("Nama kosong. Isi nama lengkap sesuai KTP.")),
        Check("jenis_kelamin_invalid", "jenis_kelamin", pl.col("_jk").is_null(), pl.format(
            "{} Isi L (laki-laki) atau P (perempuan).",
            empty_or("jenis_kelamin", "Jenis kelamin kosong.", "Jenis kelamin '{}' tidak dikenal."),
        )),
        Check("tanggal_lahir_invalid", "tanggal_lahir", pl.col("_tl").is_null(), pl.format(
            "{} Tulis tanggal-bulan-tahun, misalnya 05-08-1995.",
            empty_or("tanggal_lahir", "Tanggal lahir kosong.",
                     "Tanggal lahir '{}' tidak terbaca atau tidak ada di kalender."),
        )),
        # Someone registered already goes on past 65: the limit is at registration (DOMAIN §3).
        Check("age_too_old", "tanggal_lahir", (age > ctx.max_age) & ~pl.col("_nik").is_in(list(ctx.registered)),
              pl.format("Lahir {}, jadi berumur {} tahun pada {}; peserta harus berumur di bawah {} tahun "
                        "saat didaftarkan. Periksa tanggal lahir dengan KTP, atau jangan daftarkan orang ini.",
                        born, age, on_start, pl.lit(ctx.max_age + 1))),
        Check("age_too_young", "tanggal_lahir", age < ctx.min_age, pl.format(
            "Lahir {}, jadi berumur {} tahun pada {}; umur paling rendah {} tahun. "
            "Periksa tanggal lahir dengan KTP, atau jangan daftarkan orang ini.",
            born, age, on_start, pl.lit(ctx.min_age),
        )),
        Check("desa_unknown", "kode_desa", desa == "desa_unknown",
               pl.format("{}" + desa_hint, empty_or(
                   "kode_desa", "Kode desa kosong.",
                   "Kode desa '{}' tidak ada dalam daftar desa/kelurahan kabupaten ini.",
               ))),
        Check("desa_outside_regency", "kode_desa", desa == "desa_outside_regency", pl.format(
            f"Kode desa {{}} bukan wilayah kabupaten ini ({ctx.regency}). Periksa kode desa, "
            "atau keluarkan orang ini bila tinggal di luar kabupaten.", given("kode_desa"),
        )),
        Check("pekerjaan_too_many", "pekerjaan", pl.col("_pek_count") > 2, pl.format(
            "Ada {} pekerjaan ({}); paling banyak 2 jenis pekerjaan per peserta. "
            "Sisakan 1 atau 2 pekerjaan utama.", pl.col("_pek_count"), given("pekerjaan"),
        )),
        Check("pekerjaan_unknown", "pekerjaan", pl.col("_pek_unknown").list.len() > 0, pl.format(
            "Pekerjaan {} tidak ada dalam daftar pekerjaan, jadi tidak dipakai. "
            "Tulis nama pekerjaan seperti di daftar pekerjaan.", pl.col("_pek_unknown").list.join(", "),
        ), "warning"),
        Check("desil_invalid", "desil", pl.col("_desil_given").is_not_null() & pl.col("_desil").is_null(),
               pl.format("Desil '{}' tidak sah. Isi bilangan bulat 1 sampai 10.", pl.col("_desil_given"))),
        Check("miskin_ekstrem_invalid", "miskin_ekstrem",
               pl.col("_me_given").is_not_null() & pl.col("_me").is_null(),
               pl.format("Isian miskin ekstrem '{}' tidak dikenal, jadi dianggap kosong. "
                         "Isi ya atau tidak.", pl.col("_me_given")),
               "warning"),
        Check("no_kk_number_cell", "no_kk", pl.col("_no_kk_number_cell"), pl.format(
            "No. KK tersimpan sebagai angka di Excel ({}), bukan sebagai teks. "
            + _NUMBER_CELL_ADVICE.format(column=header("no_kk"), what="No. KK dari Kartu Keluarga"),
            pl.col("_no_kk"),
        ), "warning"),
        Check("telepon_number_cell", "telepon", pl.col("_tel_number_cell"), pl.format(
            "Nomor telepon tersimpan sebagai angka di Excel ({}), bukan sebagai teks, dan angka 0 "
            "di depannya hilang. "
            + _NUMBER_CELL_ADVICE.format(column=header("telepon"), what="nomor telepon"),
            pl.col("_telepon"),
        ), "warning"),
        Check("telepon_invalid", "telepon",
               pl.col("_telepon").is_not_null() & pl.col("_tel_ok").is_null() & ~pl.col("_tel_number_cell"),
               pl.format("Nomor telepon '{}' bukan nomor HP Indonesia. Tulis 10-13 digit mulai 08, "
                         "misalnya 081234567890 atau +6281234567890.", pl.col("_telepon")),
               "warning"),
    ]


def _findings(d: pl.DataFrame, checks: list[Check], header: Callable[[str], str]) -> pl.DataFrame:
    lazy = d.lazy()
    parts = [
        lazy.filter(c.when.fill_null(False)).select(
            pl.col(ROW).cast(pl.Int64),
            column=pl.lit(header(c.field)),
            code=pl.lit(c.code),
            severity=pl.lit(c.severity),
            message=c.message.cast(pl.Utf8),
        )
        for c in checks
    ]
    found = pl.concat([empty_findings().lazy(), *parts]).collect()
    return found.cast(FINDINGS_SCHEMA).sort("row", "column", maintain_order=True)
