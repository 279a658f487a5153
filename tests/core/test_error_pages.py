"""The error pages (issue 16, item 3): 400, 403, 404 and 500 in the app's layout and the user's language, with the
reason the service gave and a way back; an htmx request gets the message alone, for the page's error box."""

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import path
from django.utils import translation

import lindung.urls
from lindung.core import error_views


def boom(request):
    raise RuntimeError("a bug")


def refused_with_a_model_message(request):
    raise PermissionDenied


# This module is also the urlconf of the tests that need a page raising: the app's pages, its error handlers, and
# two pages that fail.
urlpatterns = [path("rusak/", boom), path("tolak/", refused_with_a_model_message), *lindung.urls.urlpatterns]
handler400, handler403 = lindung.urls.handler400, lindung.urls.handler403
handler404, handler500 = lindung.urls.handler404, lindung.urls.handler500

PAGES = {"id": ("Tidak diizinkan", "Kembali ke beranda"), "en": ("Not allowed", "Back to the home page")}


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def speak(client, language):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language


@pytest.mark.parametrize("language, reason", [("id", "Hanya Dinas yang mencetak kartu."),
                                              ("en", "Only the office prints cards.")])
def test_a_refusal_shows_the_services_reason_in_the_layout(client, users, language, reason):
    client.force_login(users["camat"])
    speak(client, language)
    response = client.get("/kartu/cetak/")
    assert response.status_code == 403
    body = response.content.decode()
    heading, back = PAGES[language]
    assert reason in body and heading in body and back in body
    assert f'<html lang="{language}">' in body
    assert 'href="/peserta/"' in body  # the navigation of base.html: the user is still in the app
    assert 'id="htmx-error"' in body


def test_a_refusal_without_a_reason_says_what_a_403_means(client, users, settings):
    settings.ROOT_URLCONF = "tests.core.test_error_pages"
    client.force_login(users["desa"])
    body = client.get("/tolak/").content.decode()
    assert "Peran atau wilayah Anda tidak mengizinkan ini." in body


@pytest.mark.parametrize("language", ["id", "en"])
def test_not_found_says_why_and_never_shows_djangos_internals(client, users, language):
    client.force_login(users["desa"])
    speak(client, language)
    response = client.get("/peserta/999999/")
    assert response.status_code == 404
    assert {"id": "Tidak ada peserta dengan ID ini di wilayah Anda.",
            "en": "No worker with this key in your area."}[language] in response.content.decode()
    response = client.get("/tidak-ada-halaman-ini/")
    body = response.content.decode()
    assert response.status_code == 404
    assert {"id": "Tidak ditemukan", "en": "Not found"}[language] in body
    assert "tried" not in body and "urlpatterns" not in body and "matches the given query" not in body


def test_an_error_page_does_not_echo_the_address_asked_for(client, users):
    """The address can hold a NIK outside the user's area (tests/test_leaks.py): the language switch of an error
    page returns home, another page's returns to itself."""
    client.force_login(users["desa"])
    body = client.get("/peserta/1704011705800013/").content.decode()
    assert "1704011705800013" not in body
    assert '<input name="next" type="hidden" value="/">' in body
    assert '<input name="next" type="hidden" value="/peserta/">' in client.get("/peserta/").content.decode()


def test_get_object_or_404s_model_message_is_not_the_reason():
    from django.http import Http404
    from django.urls import Resolver404

    assert error_views.reason(Http404("No Peserta matches the given query.")) == ""
    assert error_views.reason(Resolver404({"tried": [], "path": "x"})) == ""
    assert error_views.reason(PermissionDenied()) == ""
    assert error_views.reason(PermissionDenied("Klaim ini di luar wilayah Anda.")) == "Klaim ini di luar wilayah Anda."


def test_an_htmx_request_gets_the_message_for_the_pages_error_box(client, users):
    client.force_login(users["camat"])
    response = client.get("/kartu/cetak/", HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Hanya Dinas yang mencetak kartu." in body
    assert "<html" not in body and "<nav" not in body
    assert response["HX-Retarget"] == "#htmx-error" and response["HX-Reswap"] == "innerHTML"


def test_the_page_loads_the_script_that_shows_htmx_errors(client, users):
    client.force_login(users["desa"])
    body = client.get("/").content.decode()
    assert "lindung/htmx-errors.js" in body and 'id="htmx-error"' in body


@pytest.mark.parametrize("language, heading", [("id", "Terjadi kesalahan"), ("en", "Something went wrong")])
def test_a_server_error_renders_in_the_users_language(client, users, settings, language, heading):
    settings.ROOT_URLCONF = "tests.core.test_error_pages"
    client.raise_request_exception = False
    client.force_login(users["desa"])
    speak(client, language)
    response = client.get("/rusak/")
    assert response.status_code == 500
    body = response.content.decode()
    assert heading in body and "app.css" in body and f'<html lang="{language}">' in body
    assert "a bug" not in body and "Traceback" not in body
    htmx = client.get("/rusak/", HTTP_HX_REQUEST="true")
    assert htmx.status_code == 500 and heading in htmx.content.decode() and "<html" not in htmx.content.decode()


def test_the_server_error_page_asks_nothing_of_the_database(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = error_views.server_error(request)
    assert response.status_code == 500 and b"Lindung" in response.content


def test_a_bad_request_has_its_page(client, users):
    request = RequestFactory().get("/")
    request.user = users["desa"]
    with translation.override("id"):
        response = error_views.bad_request(request, Exception("Invalid HTTP_HOST header: 'x'"))
    assert response.status_code == 400
    assert b"Permintaan tidak dapat dibaca" in response.content and b"HTTP_HOST" not in response.content


def test_a_stale_form_says_what_to_do_in_the_layout(users):
    """A form sent without a valid CSRF token (the page open for hours, a new login since) gets the app's 403 page
    with what to do, not Django's English page."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["operator"])
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "id"
    response = client.post("/peserta/", {"q": "x"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "Formulir ini sudah kedaluwarsa" in body and "Kembali ke beranda" in body
    assert "CSRF token" not in body and "Forbidden" not in body
