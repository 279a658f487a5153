"""Roles, areas and API tokens: what save_user accepts and refuses, and what tokens leave in the database."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindung.accounts import roles
from lindung.accounts.models import ApiToken, User
from lindung.accounts.services import ensure_roles, issue_token, revoke_token, save_user, user_for_token
from lindung.audit.models import Event
from tests.conftest import BANDAR_BINTUHAN, KAUR, KAUR_SELATAN, OTHER_VILLAGE_KAUR_SELATAN, PASSWORD, make_peserta

NEW_PASSWORD = "sandi-baru-yang-panjang-7"


def refusal(**kwargs) -> str:
    with pytest.raises(ValidationError) as exc:
        save_user("pengguna_baru", password=NEW_PASSWORD, **kwargs)
    assert not User.objects.filter(username="pengguna_baru").exists()
    return " ".join(exc.value.messages)


@pytest.mark.parametrize("area", [BANDAR_BINTUHAN, KAUR])
def test_a_camat_holds_a_kecamatan_not_a_village_or_the_regency(kaur, area):
    message = refusal(role="Camat", area_code=area)
    assert "Peran Camat memegang wilayah tingkat Kecamatan" in message
    assert "bukan" in message


def test_a_village_operator_holds_a_village_not_a_kecamatan(kaur):
    message = refusal(role="Operator Desa", area_code=KAUR_SELATAN)
    assert "Peran Operator Desa memegang wilayah tingkat Desa/kelurahan, bukan Kecamatan" in message


def test_an_unknown_role_is_refused(kaur):
    message = refusal(role="Kepala Dusun", area_code=KAUR_SELATAN)
    assert "Peran 'Kepala Dusun' tidak dikenal" in message


def test_an_area_that_is_not_loaded_is_refused(kaur):
    message = refusal(role="Camat", area_code="31.71.01")  # a Jakarta kecamatan: not loaded here
    assert "Wilayah '31.71.01' belum dimuat" in message


def test_a_role_with_its_own_level_is_accepted(kaur):
    user = save_user("pengguna_baru", role="Camat", area_code=KAUR_SELATAN, password=NEW_PASSWORD)
    assert user.area_code == KAUR_SELATAN
    assert user.role is roles.CAMAT


def test_all_seven_roles_exist_as_groups(db):
    assert not Group.objects.exists()
    ensure_roles()
    ensure_roles()  # idempotent
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(
        ["Admin Dinas", "Operator Dinas", "Camat", "Operator Desa", "Petugas BPJS", "Pimpinan", "Auditor"]
    )


def test_each_demo_user_has_its_role(users):
    expected = {
        "admin": roles.ADMIN_DINAS, "operator": roles.OPERATOR_DINAS, "camat": roles.CAMAT,
        "desa": roles.OPERATOR_DESA, "bpjs": roles.PETUGAS_BPJS, "pimpinan": roles.PIMPINAN, "auditor": roles.AUDITOR,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)  # fresh instance: no cached role
        assert user.role == role, username
    assert [u for u in users.values() if u.role and u.role.reads_audit] == [users["auditor"]]


def test_a_user_without_a_group_has_no_role(kaur, django_user_model):
    assert django_user_model.objects.create_user("tanpaperan", password=NEW_PASSWORD).role is None


def test_saving_a_user_is_audited_without_the_username_or_password(users):
    admin = users["admin"]
    user = save_user("siti_operator", role="Operator Desa", area_code=BANDAR_BINTUHAN, password=NEW_PASSWORD, actor=admin)
    created = Event.objects.get(action="accounts.user_created", target_id=str(user.pk))
    assert created.actor == admin
    assert created.target_type == "user"
    assert BANDAR_BINTUHAN in created.summary

    save_user("siti_operator", role="Operator Desa", area_code=OTHER_VILLAGE_KAUR_SELATAN, password=NEW_PASSWORD + "x", actor=admin)
    updated = Event.objects.get(action="accounts.user_updated", target_id=str(user.pk))
    assert updated.actor == admin

    for event in Event.objects.all():
        assert "siti_operator" not in event.summary
        assert NEW_PASSWORD not in event.summary
        assert PASSWORD not in event.summary
    # The record history keeps no password hash either.
    assert "password" not in {f.name for f in User.history.model._meta.get_fields()}



def stored_strings() -> list[str]:
    """Every value of every API token row and history row, as text."""
    values = [str(v) for row in ApiToken.objects.values() for v in row.values()]
    values += [str(v) for row in ApiToken.history.values() for v in row.values()]
    values += [e.summary for e in Event.objects.all()]
    return values


def test_only_the_sha256_of_a_token_is_stored(users):
    token = issue_token(users["camat"], "Dasbor kecamatan")
    assert token.startswith("lnd_") and len(token) > 40
    row = ApiToken.objects.get(user=users["camat"])
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert row.prefix == token[4:10]
    assert all(token not in value for value in stored_strings())
    assert user_for_token(token) == users["camat"]
    assert Event.objects.filter(action="accounts.token_issued", actor=users["camat"]).count() == 1


def test_revoking_a_token_removes_it(users):
    token = issue_token(users["camat"])
    prefix = ApiToken.objects.get(user=users["camat"]).prefix
    assert revoke_token(users["desa"], prefix) == 0  # not another user's token
    assert user_for_token(token) == users["camat"]

    assert revoke_token(users["camat"], prefix) == 1
    assert not ApiToken.objects.exists()
    assert user_for_token(token) is None
    assert Event.objects.filter(action="accounts.token_revoked", actor=users["camat"]).count() == 1


def test_a_token_for_a_deactivated_user_does_not_work(users):
    token = issue_token(users["camat"])
    User.objects.filter(pk=users["camat"].pk).update(is_active=False)
    assert user_for_token(token) is None


def test_the_profile_page_shows_a_new_token_once(client, users):
    client.force_login(users["desa"])
    response = client.post(reverse("accounts:token_create"), {"name": "Aplikasi desa"})
    assert response.status_code == 200
    body = response.content.decode()
    shown = re.search(r'data-testid="new-token">([^<]+)<', body)
    assert shown, "the new token is not on the page"
    token = shown.group(1)
    row = ApiToken.objects.get(user=users["desa"])
    assert row.name == "Aplikasi desa"
    assert row.digest == ApiToken.digest_of(token)

    again = client.get(reverse("accounts:profile")).content.decode()
    assert token not in again
    assert 'data-testid="new-token"' not in again
    assert f"{row.prefix}…" in again  # the token is still listed, by its prefix


def test_creating_a_token_needs_post(client, users):
    client.force_login(users["desa"])
    assert client.get(reverse("accounts:token_create")).status_code == 405
    assert not ApiToken.objects.exists()


def test_a_token_expires_after_the_days_chosen_and_its_use_is_noted(client, users):
    client.force_login(users["desa"])
    body = client.post(reverse("accounts:token_create"), {"name": "Aplikasi desa", "days": "30"}).content.decode()
    token = re.search(r'data-testid="new-token">([^<]+)<', body).group(1)
    row = ApiToken.objects.get(user=users["desa"])
    assert round((row.expires - row.created).total_seconds() / 86400) == 30 and "30 hari" in body
    assert user_for_token(token) == users["desa"]
    first_use = ApiToken.objects.get(pk=row.pk).last_used
    assert first_use is not None
    user_for_token(token)  # within the minute: the use is not written again
    assert ApiToken.objects.get(pk=row.pk).last_used == first_use
    ApiToken.objects.filter(pk=row.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert user_for_token(token) is None
    assert "kedaluwarsa" in client.get(reverse("accounts:profile")).content.decode()


@pytest.mark.parametrize("days", ["0", "367", "satu"])
def test_a_token_for_no_days_or_more_than_a_year_is_refused(client, users, days):
    client.force_login(users["desa"])
    refused = client.post(reverse("accounts:token_create"), {"days": days}, follow=True)
    assert "Token berlaku" in refused.content.decode() and not ApiToken.objects.exists()


def test_every_user_changes_his_own_password(client, users):
    client.force_login(users["camat"])
    assert 'data-testid="password-change"' in client.get(reverse("accounts:profile")).content.decode()
    changed = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "Kata sandi Anda sudah diganti" in changed.content.decode()
    assert User.objects.get(pk=users["camat"].pk).check_password(NEW_PASSWORD)
    assert Event.objects.filter(action="accounts.password_changed", actor=users["camat"]).count() == 1


def test_in_production_a_demo_password_must_be_changed_before_anything_else(client, users, settings):
    settings.PRODUCTION, settings.LINDUNG_DEMO_PASSWORD = True, PASSWORD
    client.post(reverse("accounts:login"), {"username": "camat", "password": PASSWORD})
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert 'data-testid="must-change"' in page
    client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.get(reverse("home")).status_code == 200
    settings.PRODUCTION = False  # outside production the demo password is the demo's
    other = Client()
    other.post(reverse("accounts:login"), {"username": "desa", "password": PASSWORD})
    assert other.get(reverse("home")).status_code == 200


def test_the_bpjs_officer_reads_members_not_the_register_nor_the_outbox(users, funded):
    """accounts.scoping: the register's people never enrolled and the outbox's messages are out of the BPJS officer's
    reach, in every selector; the office reads both."""
    from lindung.notify.selectors import messages_for
    from lindung.registry.selectors import peserta_for
    from lindung.selfpay.services import prepare_messages

    never = make_peserta(BANDAR_BINTUHAN, "Rina Takterdaftar", sex="P", serial=14)
    prepare_messages(users["operator"], funded)
    members = set(funded.memberships.values_list("peserta_id", flat=True))
    assert set(peserta_for(users["bpjs"]).values_list("pk", flat=True)) == members
    assert never.pk in set(peserta_for(users["operator"]).values_list("pk", flat=True))
    assert never.pk in set(peserta_for(users["desa"]).values_list("pk", flat=True))
    assert messages_for(users["operator"]).exists() and not messages_for(users["bpjs"]).exists()
