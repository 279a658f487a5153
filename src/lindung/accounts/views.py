from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"tokens": request.user.api_tokens.all()})


@login_required
@require_POST
def token_create(request):
    token = services.issue_token(request.user, request.POST.get("name", "").strip() or "API")
    tokens = request.user.api_tokens.all()
    # Shown once: only its digest is kept.
    return render(request, "accounts/profile.html", {"tokens": tokens, "new_token": token})


@login_required
@require_POST
def token_revoke(request, prefix: str):
    if services.revoke_token(request.user, prefix):
        messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")
