from django.shortcuts import redirect
from django.urls import reverse

from .services import MUST_CHANGE


class PasswordChangeRequired:
    """While the session says the demo password is still in use (production only), every page but the password
    change and logging out leads to the password change."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
        if request.session.get(MUST_CHANGE) and request.path not in allowed:
            return redirect("accounts:password_change")
        return self.get_response(request)
