from datetime import date

from ninja import Schema


class WorkerOut(Schema):
    nik: str
    nama: str
    jenis_kelamin: str
    tanggal_lahir: date
    desa: str
    desa_nama: str
    kecamatan: str
    pekerjaan: list[str]
    desil: int | None
    miskin_ekstrem: bool


class WorkerDetailOut(WorkerOut):
    no_kk: str
    tempat_lahir: str
    alamat: str
    telepon: str
    penghasilan: int
    sumber: str


class WorkerSearchIn(Schema):
    q: str  # a NIK prefix (4+ digits) or a name (3+ letters): in the body, never in a URL that logs keep


class NikIn(Schema):
    nik: str  # in the body, never in the path: a URL ends up in access logs and proxies


class WorkerSearchOut(Schema):
    results: list[WorkerOut]
    more: bool


class ImportOut(Schema):
    number: int  # Impor #12
    filename: str
    sha256: str
    status: str
    progress: int
    stage: str
    error: str
    source: str
    report: dict


class FindingOut(Schema):
    row: int
    column: str
    code: str
    severity: str
    message: str


class PairOut(Schema):
    number: int  # the pair's number in the review queue
    nik_a: str
    nik_b: str
    probability: float
    batch: int | None  # the number of the import that found it (Impor #12)
