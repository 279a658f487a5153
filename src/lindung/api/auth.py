from ninja.security import HttpBearer

from lindung.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer lnd_…` — a per-user token from the profile page or `lindung token`."""

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
