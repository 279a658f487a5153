from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


def _profile(request, **context):
    return render(request, "accounts/profile.html", {
        "tokens": request.user.api_tokens.all(), "now": timezone.now(), "token_days": TOKEN_DAYS,
        "default_days": settings.LINDUNG_TOKEN_DAYS, **context})


@login_required
def profile(request):
    return _profile(request)


TOKEN_DAYS = (30, 90, 180, 365)


@login_required
@require_POST
def token_create(request):
    try:
        days = int(request.POST.get("days") or settings.LINDUNG_TOKEN_DAYS)
        token = services.issue_token(request.user, request.POST.get("name", "").strip() or "API", days)
    except (ValueError, ValidationError) as refusal:
        messages.error(request, " ".join(getattr(refusal, "messages", [_("Choose how many days the token works.")])))
        return redirect("accounts:profile")
    # Shown once: only its digest is kept.
    return _profile(request, new_token=token)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every user changes his own password; a demo password in production must be changed before anything else."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "must_change": self.request.session.get(services.MUST_CHANGE)}

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(self.request)
        messages.success(self.request, _("Your password is changed."))
        return response


@login_required
@require_POST
def token_revoke(request, prefix: str):
    if services.revoke_token(request.user, prefix):
        messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")
