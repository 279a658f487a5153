from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .services import record_event


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_event(user, "auth.login", target=f"user:{user.pk}", summary="Masuk.")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(user, "auth.logout", target=f"user:{user.pk}", summary="Keluar.")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is not recorded: it may be a mistyped password.
    record_event(None, "auth.login_failed", summary="Gagal masuk.")
