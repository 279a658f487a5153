
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.accounts.models import MadeAndApproved
from lindung.rules.contributions import Month, Payer
from lindung.wilayah import deployment

FUNDING_SOURCES = [
    (Payer.APBD, _("Regency budget (APBD)")), (Payer.APBN, _("State budget (APBN)")),
    (Payer.DANA_DESA, _("Village fund")), (Payer.CSR, _("Company CSR")),
]


class Programme(models.Model):
    """A year's programme of the regency: who is eligible, who comes first, what it may spend and its plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # The province or regency whose office runs and pays for it (its APBD): it enrols people of that area only.
    # Empty: the deployment's root (programmes made before a deployment served a province).
    owner = models.ForeignKey("wilayah.Wilayah", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("run by"))
    year = models.PositiveSmallIntegerField(_("year"))
    start = models.DateField(_("first month"), help_text=_("Ages are taken on this date."))
    end = models.DateField(_("last month"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    funding_source = models.CharField(_("funding source"), max_length=10, choices=FUNDING_SOURCES, default=Payer.APBD)
    budget = models.PositiveBigIntegerField(_("budget ceiling (pagu), Rp"), default=0)
    income_tier = models.PositiveIntegerField(_("declared income tier, Rp"), default=1_000_000)
    include_jht = models.BooleanField(_("with old-age savings (JHT)"), default=False)
    pks_number = models.CharField(_("cooperation agreement (PKS) number"), max_length=80, blank=True)
    pks_date = models.DateField(_("cooperation agreement (PKS) date"), null=True, blank=True)
    plan = models.OneToOneField("Scenario", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("approved plan"))
    # An earlier year's programme this one continues: its members keep their KPJ and come first in the plan.
    continues = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="continued_by",
                                  verbose_name=_("continues the programme"))
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
    _history_user: Any  # simple_history: who makes the next save (set by the services before it)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    @property
    def owner_code(self) -> str:
        return self.owner_id or deployment.root()

    @property
    def first_month(self) -> Month:
        return Month.of(self.start)

    @property
    def last_month(self) -> Month:
        return Month.of(self.end)

    @property
    def package(self) -> str:
        return "JKK, JKM, JHT" if self.include_jht else "JKK, JKM"


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


class Scenario(MadeAndApproved):
    """A planner scenario someone saved: its settings, its figures and, in PlanLine, every candidate's months.
    Approved by someone other than its author, it becomes the programme's plan."""

    class Kind(models.TextChoices):
        EVERYONE = "everyone", _("Everyone while the money lasts")
        FULL_YEAR = "full_year", _("The whole period for as many as possible")
        OPTIMUM = "optimum", _("Optimum (priority × protected months)")

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="scenarios")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("scenario"), max_length=10, choices=Kind.choices)
    # The settings it was computed with.
    budget = models.PositiveBigIntegerField(_("budget"))
    first = models.DateField(_("first month"))
    last = models.DateField(_("last month"))
    cost_per_month = models.PositiveIntegerField(_("contribution per person per month"))
    min_consecutive = models.PositiveSmallIntegerField(_("minimum consecutive months"))
    continuity_first = models.BooleanField(_("members already covered first"))
    kecamatan_share = models.BooleanField(_("each kecamatan its share"))
    # What it buys.
    candidates = models.PositiveIntegerField(_("eligible candidates"))
    people = models.PositiveIntegerField(_("people covered"))
    person_months = models.PositiveIntegerField(_("person-months"))
    cost = models.PositiveBigIntegerField(_("cost"))
    remaining = models.BigIntegerField(_("money left"))
    by_kecamatan = models.JSONField(default=dict)  # kecamatan code -> [covered, eligible]
    warnings = models.JSONField(default=list)
    remainder_buys = models.TextField(blank=True)
    solver = models.CharField(max_length=200, blank=True)
    # Plan versions: the first approved scenario is version 1; a revision (APBD-P, a cut, a top-up) is a scenario
    # that revises the plan in force from a month on, version 2, 3 … once saved, in force once approved.
    version = models.PositiveIntegerField(_("plan version"), null=True, blank=True)
    revises = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="revisions",
                                verbose_name=_("revises"))
    reason = models.CharField(_("reason for the revision"), max_length=200, blank=True)
    revised_from = models.DateField(_("revised from"), null=True, blank=True)
    # The revision's consequence when saved: fixed cost, losing / gaining counts, lapse dates {day: count}.
    consequence = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords()
    _history_user: Any  # simple_history: who makes the next save (set by the services before it)

    class Meta:
        ordering = ["programme", "-number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="scenario_number_once"),
                       models.UniqueConstraint(fields=["programme", "version"], name="scenario_version_once")]

    def __str__(self) -> str:
        return f"{self.programme.code} #{self.number} ({self.get_kind_display()})"

    @property
    def is_revision(self) -> bool:
        return self.revises_id is not None


class PlanLine(models.Model):
    """One candidate in a saved scenario: the months funded, or none when the money did not reach him."""

    scenario = models.ForeignKey(Scenario, models.CASCADE, related_name="lines")
    peserta = models.ForeignKey("registry.Peserta", models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField()  # 1 = served first
    priority = models.PositiveSmallIntegerField()
    first = models.DateField(null=True)
    last = models.DateField(null=True)
    lapses = models.DateField(null=True)  # first day without protection if nobody pays after `last`

    class Meta:
        ordering = ["scenario", "rank"]
        constraints = [models.UniqueConstraint(fields=["scenario", "peserta"], name="plan_line_once")]
