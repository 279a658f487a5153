from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.audit.services import record_event
from lindung.wilayah.models import Wilayah

from .models import ApiToken, User
from .roles import ROLES


def ensure_roles() -> None:
    for name in ROLES:
        Group.objects.get_or_create(name=name)


@transaction.atomic
def save_user(username: str, *, role: str, area_code: str, password: str | None = None, actor=None, **fields) -> User:
    """Create or update a user with one role and an area of the level that role works at."""
    if role not in ROLES:
        raise ValidationError(_("Unknown role %(role)s.") % {"role": repr(role)})
    area = Wilayah.objects.filter(code=area_code).first()
    if area is None:
        raise ValidationError(_("Area %(code)s is not loaded yet.") % {"code": repr(area_code)})
    levels = ROLES[role].area_levels
    if area.level not in levels:
        raise ValidationError(
            _("Role %(role)s holds an area of level %(level)s, not %(given)s.")
            % {"role": role, "level": " / ".join(str(level.label) for level in levels), "given": area.get_level_display()}
        )
    ensure_roles()
    user, created = User.objects.get_or_create(username=username, defaults={"area": area, **fields})
    user.area = area
    for k, v in fields.items():
        setattr(user, k, v)
    if password is not None:
        user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    record_event(
        actor,
        "accounts.user_created" if created else "accounts.user_updated",
        target=f"user:{user.pk}",
        summary=f"Pengguna dengan peran {role}, wilayah {area.code}.",
    )
    return user


MAX_TOKEN_DAYS = 366


@transaction.atomic
def issue_token(user: User, name: str = "API", days: int | None = None) -> str:
    """A new token, working for ``days`` (the setting LINDUNG_TOKEN_DAYS unless fewer are asked, at most a year)."""
    days = settings.LINDUNG_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError(_("A token works from 1 to %(max)s days.") % {"max": MAX_TOKEN_DAYS})
    token = ApiToken.new_token()
    row = ApiToken.objects.create(user=user, name=name[:60], digest=ApiToken.digest_of(token), prefix=token[4:10],
                                  expires=timezone.now() + timedelta(days=days))
    record_event(user, "accounts.token_issued", target=f"apitoken:{row.pk}",
                 summary=f"Token API {row.prefix}… dibuat, berlaku {days} hari.")
    return token


@transaction.atomic
def revoke_token(user: User, prefix: str) -> int:
    deleted, _ = ApiToken.objects.filter(user=user, prefix=prefix).delete()
    if deleted:
        record_event(user, "accounts.token_revoked", target="apitoken:", summary=f"Token API {prefix}… dicabut.")
    return deleted


def user_for_token(token: str) -> User | None:
    now = timezone.now()
    row = (ApiToken.objects.select_related("user", "user__area")
           .filter(digest=ApiToken.digest_of(token), expires__gt=now).first())
    if row is None or not row.user.is_active:
        return None
    # Written at most once a minute: a program calling every second must not take the write lock each time.
    if row.last_used is None or row.last_used < now - timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used=now)
    return row.user


# The session says the user still holds the demo password, so in production every page sends him to change it.
MUST_CHANGE = "lindung.must_change_password"


def check_demo_password(request, user: User) -> None:
    """At login: in production a user whose password is still the demo's must change it first."""
    if settings.PRODUCTION and user.check_password(settings.LINDUNG_DEMO_PASSWORD):
        request.session[MUST_CHANGE] = True


def password_changed(request) -> None:
    request.session.pop(MUST_CHANGE, None)
    record_event(request.user, "accounts.password_changed", target=f"user:{request.user.pk}",
                 summary="Kata sandi diganti oleh penggunanya sendiri.")
