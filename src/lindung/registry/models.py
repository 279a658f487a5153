import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import nik_consistency_errors, validate_nik


class Pekerjaan(models.Model):
    """An occupation on the maintained list (petani, nelayan, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    high_risk = models.BooleanField(_("high risk"), default=False)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return self.name


class JenisKelamin(models.TextChoices):
    LAKI_LAKI = "L", _("Male")
    PEREMPUAN = "P", _("Female")


class SumberData(models.TextChoices):
    P3KE = "P3KE", "P3KE"
    DTSEN = "DTSEN", "DTSEN"
    MANUAL = "MANUAL", _("Entered by hand")
    DEMO = "DEMO", _("Demo data")


class Peserta(models.Model):
    """A vulnerable worker in the registry (a candidate or member of the programme)."""

    nik = models.CharField("NIK", max_length=16, unique=True, validators=[validate_nik])
    no_kk = models.CharField(_("family card no. (KK)"), max_length=16, blank=True)
    nama = models.CharField(_("full name"), max_length=120, db_index=True)
    jenis_kelamin = models.CharField(_("sex"), max_length=1, choices=JenisKelamin.choices)
    tempat_lahir = models.CharField(_("place of birth"), max_length=80, blank=True)
    tanggal_lahir = models.DateField(_("date of birth"))
    desa = models.ForeignKey(
        "wilayah.Wilayah", models.PROTECT, related_name="peserta", verbose_name=_("village"),
        limit_choices_to={"level": 4},
    )
    alamat = models.CharField(_("address"), max_length=200, blank=True)
    telepon = models.CharField(_("phone"), max_length=20, blank=True)
    # Empty for people the poverty register lists without a work (they are not eligible).
    pekerjaan_1 = models.ForeignKey(
        Pekerjaan, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("occupation"),
    )
    pekerjaan_2 = models.ForeignKey(
        Pekerjaan, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("second occupation"),
    )
    # Declared income (Rupiah) that sets the contribution; the programme's lowest tier by default.
    penghasilan = models.PositiveIntegerField(_("declared income"), default=1_000_000)
    sumber = models.CharField(_("data source"), max_length=8, choices=SumberData.choices, default=SumberData.MANUAL)
    desil = models.PositiveSmallIntegerField(
        _("welfare decile"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    miskin_ekstrem = models.BooleanField(_("extreme poverty"), default=False)
    # Household, for the priority score: the family (P3KE ID Keluarga or No. KK) and the place in it.
    id_keluarga = models.CharField(_("family id"), max_length=40, blank=True, db_index=True)
    hubungan = models.CharField(_("relationship to head of household"), max_length=40, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()
    _history_user: Any  # simple_history: who makes the next save (set by the services before it)
    _change_reason: str  # simple_history: why

    class Meta:
        ordering = ["nama", "nik"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        # Lists of an area in village and name order (the cards', a camat's) walk this and stop at their page.
        indexes = [
            models.Index(fields=["desa", "nama"], name="peserta_desa_nama"),
            # The home's counts of the register by village, sex and occupation read this alone (selectors.summary).
            models.Index(fields=["desa", "jenis_kelamin", "pekerjaan_1"], name="peserta_desa_counts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(desil__isnull=True) | models.Q(desil__gte=1, desil__lte=10), name="peserta_desil_1_10"
            ),
            models.CheckConstraint(
                condition=~models.Q(pekerjaan_2=models.F("pekerjaan_1")), name="peserta_two_different_occupations"
            ),
        ]

    def __str__(self) -> str:
        return self.nama

    def clean(self):
        errors = {}
        if self.nik and self.tanggal_lahir:
            if messages := nik_consistency_errors(self.nik, self.jenis_kelamin, self.tanggal_lahir):
                errors["nik"] = messages
        if self.pekerjaan_2_id and self.pekerjaan_2_id == self.pekerjaan_1_id:
            errors["pekerjaan_2"] = _("The second occupation must differ from the first.")
        if self.desa_id and self.desa_id.count(".") != 3:
            errors["desa"] = _("Choose a village (desa/kelurahan), not a larger region.")
        if errors:
            raise ValidationError(errors)

    @property
    def kecamatan_code(self) -> str:
        return self.desa_id[:8]


def next_number(model) -> int:
    """The next of a model's running numbers (1, 2, …), the number users name a row by. Writes are serialised on
    SQLite (IMMEDIATE transactions); on PostgreSQL two uploads at once would read the same highest number, so the
    table is locked against other writers (readers go on) until the transaction that takes the number ends."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')
    return (model.objects.aggregate(n=Max("number"))["n"] or 0) + 1


class ImportBatch(models.Model):
    """One uploaded file's journey: staged with its report, approved by another admin, then committed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Checking")
        NEEDS_MAPPING = "needs_mapping", _("Columns to map")
        STAGED = "staged", _("Waiting for approval")
        FAILED = "failed", _("Failed")
        COMMITTED = "committed", _("Imported")
        REJECTED = "rejected", _("Rejected")

    # "Impor #12": the number users, the API and the command line name the import by, never its database id.
    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    uploaded_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    source = models.CharField(_("source"), max_length=20, default="auto")
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, polled by the page
    stage = models.CharField(max_length=120, blank=True)
    error = models.TextField(blank=True)
    headers = models.JSONField(default=list, blank=True)  # the file's headers, for the mapping screen
    report = models.JSONField(default=dict, blank=True)  # counts: rows, valid, errors, warnings, …
    decided_by = models.ForeignKey(
        "accounts.User", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"Impor #{self.number}"

    def save(self, *args, **kwargs):
        if self.number is None:
            self.number = next_number(ImportBatch)
        super().save(*args, **kwargs)


def headers_key(headers: list[str]) -> str:
    """The same set of headers, in any order, gives the same key."""
    return hashlib.sha256(json.dumps(sorted(headers)).encode()).hexdigest()


class SavedMapping(models.Model):
    """A clerk's hand-made column mapping, offered again for files with the same headers."""

    name = models.CharField(_("name"), max_length=80)
    headers_key = models.CharField(max_length=64, db_index=True)  # sha256 of the sorted headers
    mapping = models.JSONField()
    created_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()


class DuplicatePair(models.Model):
    """Two registry workers who may be one person, waiting for a human decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("To review")
        SAME = "same", _("Same person (merged)")
        DIFFERENT = "different", _("Different people")

    # The pair's number in the review queue (and the API), never its database id; numbered in bulk by the import
    # that queues it (registry.imports).
    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    # The NIKs keep the pair's meaning after a merge deletes one side.
    a = models.ForeignKey(Peserta, models.SET_NULL, null=True, related_name="+")
    b = models.ForeignKey(Peserta, models.SET_NULL, null=True, related_name="+")
    nik_a = models.CharField(max_length=16)
    nik_b = models.CharField(max_length=16)
    probability = models.FloatField()
    batch = models.ForeignKey(ImportBatch, models.SET_NULL, null=True, blank=True, related_name="pairs")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey("accounts.User", models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [models.UniqueConstraint(fields=["nik_a", "nik_b"], name="duplicate_pair_once")]

    def save(self, *args, **kwargs):
        if self.number is None:
            self.number = next_number(DuplicatePair)
        super().save(*args, **kwargs)


class DismissedPair(models.Model):
    """NIK pairs a human said are different people: linkage never proposes them again."""

    nik_a = models.CharField(max_length=16)  # the smaller NIK of the two
    nik_b = models.CharField(max_length=16)
    by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["nik_a", "nik_b"], name="dismissed_pair_once")]
