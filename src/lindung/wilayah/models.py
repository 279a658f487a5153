from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Level(models.IntegerChoices):
    PROVINSI = 1, _("Province")
    KABUPATEN = 2, _("Regency / city")
    KECAMATAN = 3, _("District (kecamatan)")
    DESA = 4, _("Village (desa/kelurahan)")


def level_of(code: str) -> Level:
    """A region's level from its dotted code: "17" a province, "17.04.05.2001" a village."""
    return Level(len(code.split(".")))


class Wilayah(models.Model):
    """A Kemendagri region. The dotted code is the key: an area's people are found by code prefix."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    # provinsi, kabupaten, kota, kecamatan, desa, kelurahan — as the source names them.
    kind = models.CharField(_("type"), max_length=12)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def kecamatan_code(self) -> str | None:
        return self.code[:8] if self.level >= Level.KECAMATAN else None

    def contains(self, code: str) -> bool:
        return code == self.code or code.startswith(self.code + ".")
