from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Programme(models.Model):
    """A year's programme of the regency: who is eligible and who comes first (budget and plan follow)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    start = models.DateField(_("first month"), help_text=_("Ages are taken on this date."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Eligibility (DOMAIN.md §3): settings with the documented defaults.
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), default=64, help_text=_("Under 65 at registration."))
    desil_max = models.PositiveSmallIntegerField(_("highest desil"), null=True, blank=True, default=1)
    require_extreme_poverty = models.BooleanField(_("extreme poverty required"), default=False)
    occupations = models.ManyToManyField(
        "registry.Pekerjaan", blank=True, verbose_name=_("allowed occupations"), help_text=_("None chosen: any listed occupation.")
    )
    # The priority formula's weights, shown to users.
    weight_desil = models.PositiveSmallIntegerField(_("points per desil below 11"), default=10)
    weight_extreme_poverty = models.PositiveSmallIntegerField(_("points for extreme poverty"), default=20)
    weight_high_risk = models.PositiveSmallIntegerField(_("points for a high-risk occupation"), default=15)
    weight_head_of_household = models.PositiveSmallIntegerField(_("points for the head of household"), default=10)
    weight_per_dependant = models.PositiveSmallIntegerField(_("points per dependant"), default=3)
    max_dependants = models.PositiveSmallIntegerField(_("dependants counted at most"), default=5)
    created_by = models.ForeignKey("accounts.User", models.PROTECT, null=True, blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name


class ExcludedNik(models.Model):
    """A NIK the programme must not enrol, e.g. BPJS reports it as a wage-earner member."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="exclusions")
    nik = models.CharField("NIK", max_length=16)
    reason = models.CharField(_("reason"), max_length=120)
    added_by = models.ForeignKey("accounts.User", models.PROTECT, related_name="+")
    added = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "nik"], name="excluded_nik_once")]
