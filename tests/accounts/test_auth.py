"""Logging in and out through the real views: throttling, CSRF, password hashing, session cookie."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")


def log_in(client, username, password=PASSWORD, **headers):
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def logged_in_as(client) -> str | None:
    return client.session.get(SESSION_KEY)


def test_a_demo_user_logs_in_and_lands_on_home(client, users):
    response = log_in(client, "desa")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert logged_in_as(client) == str(users["desa"].pk)
    home = client.get(response.url)
    assert home.status_code == 200
    assert "core/home.html" in [t.name for t in home.templates]


def test_a_wrong_password_shows_the_form_again_with_an_error(client, users):
    response = log_in(client, "desa", "salah-sandi-sekali")
    assert response.status_code == 200
    assert "registration/login.html" in [t.name for t in response.templates]
    assert response.context["form"].non_field_errors()
    body = response.content.decode()
    assert 'class="errorlist"' in body
    assert 'value="desa"' in body  # the username is kept, the password is not
    assert "salah-sandi-sekali" not in body
    assert logged_in_as(client) is None


def test_repeated_failures_lock_that_username_but_not_others(client, users):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "camat", "salah-sandi-lagi").status_code == 200  # still the form
    # The fifth failure locks the account.
    assert "accounts/locked_out.html" in [t.name for t in log_in(client, "camat", "salah-sandi-lagi").templates]

    # Now even the right password is refused, with the locked-out page in Indonesian.
    response = log_in(client, "camat")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()
    assert logged_in_as(client) is None

    # Nor from another address: an attacker changing addresses gets five tries in all.
    assert log_in(Client(REMOTE_ADDR="10.9.9.9"), "camat").status_code == 429

    # Another username from the same address is not locked.
    other = Client()
    response = log_in(other, "desa")
    assert response.status_code == 302
    assert logged_in_as(other) == str(users["desa"].pk)


def test_behind_the_proxy_the_failure_is_recorded_with_the_address_the_proxy_saw(client, users, settings):
    settings.LINDUNG_BEHIND_PROXY = True
    log_in(client, "camat", "salah-sandi", HTTP_X_FORWARDED_FOR="1.2.3.4, 36.70.1.2")  # the first entry is made up
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [("camat", "36.70.1.2")]


def test_fewer_failures_than_the_limit_do_not_lock(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "camat", "salah-sandi-lagi")
    assert log_in(client, "camat").status_code == 302
    assert logged_in_as(client) == str(users["camat"].pk)


def test_logout_only_by_post_and_it_ends_the_session(client, users):
    client.force_login(users["operator"])
    logout = reverse("accounts:logout")

    assert client.get(logout).status_code == 405
    assert logged_in_as(client) == str(users["operator"].pk)
    assert client.get(reverse("home")).status_code == 200

    response = client.post(logout)
    assert response.status_code == 302
    assert response.url == LOGIN
    assert logged_in_as(client) is None
    assert client.get(reverse("home")).status_code == 302


def test_passwords_are_stored_with_argon2(users):
    assert len(users) == 7
    for user in users.values():
        assert user.password.startswith("argon2"), user.username
        assert PASSWORD not in user.password
        assert user.check_password(PASSWORD)


def test_csrf_is_enforced_on_the_login_form(users):
    strict = Client(enforce_csrf_checks=True)
    response = log_in(strict, "desa")
    assert response.status_code == 403
    assert logged_in_as(strict) is None

    # The same post with the token from the form goes through: the token was what was missing.
    strict.get(LOGIN)
    token = strict.cookies[settings.CSRF_COOKIE_NAME].value
    response = strict.post(LOGIN, {"username": "desa", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert logged_in_as(strict) == str(users["desa"].pk)


def test_the_session_cookie_is_httponly_and_ends_with_the_browser(client, users):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    response = log_in(client, "admin")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["expires"] == ""  # a browser-session cookie: no expiry date, no max-age
    assert cookie["max-age"] == ""
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize("name", ["home", "registry:list", "audit:events"])
def test_anonymous_users_are_sent_to_the_login_page(client, kaur, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={url}"


def test_login_follows_next_inside_the_site_but_not_to_another_site(client, users):
    response = client.post(LOGIN, {"username": "desa", "password": PASSWORD, "next": reverse("registry:list")})
    assert response.url == reverse("registry:list")
    client.post(reverse("accounts:logout"))
    response = client.post(LOGIN, {"username": "desa", "password": PASSWORD, "next": "https://contoh.example/"})
    assert response.status_code == 302
    assert response.url == reverse("home")
