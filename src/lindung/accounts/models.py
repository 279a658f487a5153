import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .roles import ROLES, Role


class User(AbstractUser):
    """A person using Lindung. Every user has an area; everything they read is inside it."""

    area = models.ForeignKey(
        "wilayah.Wilayah", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    @property
    def role(self) -> Role | None:
        # Cached per instance: every scoped read asks for it.
        if not hasattr(self, "_role"):
            names = [g.name for g in self.groups.all()]
            self._role = next((ROLES[n] for n in names if n in ROLES), None)
        return self._role

    @property
    def area_code(self) -> str | None:
        return self.area_id


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(_("expires"))
    last_used = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["digest", "last_used"])

    class Meta:
        ordering = ["-created"]

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return "lnd_" + secrets.token_urlsafe(32)


class MadeAndApproved(models.Model):
    """Made by one user, approved by another (the four-eyes rule, roles.require_someone_else): a bill, a plan."""

    created_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("made by"))
    created = models.DateTimeField(_("made"), auto_now_add=True)
    approved_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        abstract = True
