"""The audit trail: which actions append an event, that events carry no personal data and cannot be changed,
and the auditor's page with its filters."""

import re
from datetime import date, datetime
from datetime import timezone as dt_timezone

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from lindung.audit.models import AppendOnly, Event
from lindung.audit.services import record_event
from lindung.registry.models import Pekerjaan, Peserta
from lindung.registry.services import save_peserta
from lindung.rules.nik import make_nik
from tests.conftest import BANDAR_BINTUHAN, OTHER_VILLAGE_KAUR_SELATAN, PASSWORD

EVENTS = reverse("audit:events")


def new_peserta(desa: str, nama: str, serial: int, sex: str = "L", born=date(1984, 3, 9)) -> Peserta:
    """An unsaved worker, as a validated form would hand it to the service."""
    return Peserta(
        nik=make_nik(desa[:8], born, sex, serial), nama=nama, jenis_kelamin=sex, tanggal_lahir=born, desa_id=desa,
        pekerjaan_1=Pekerjaan.objects.get(code="petani"), no_kk=make_nik(desa[:8], born, sex, serial + 5000),
        tempat_lahir="Bintuhan", alamat="Jalan Pasar Lama 3", telepon="081234567890",
    )


def new_events(before: int) -> list[Event]:
    return list(Event.objects.filter(pk__gt=before).order_by("pk"))


def last_pk() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- what appends an event ---------------------------------------------------------------------------


def test_a_login_appends_an_event(client, users):
    before = last_pk()
    client.post(reverse("accounts:login"), {"username": "camat", "password": PASSWORD})
    [event] = new_events(before)
    assert (event.action, event.actor, event.target_type, event.target_id) == (
        "auth.login", users["camat"], "user", str(users["camat"].pk))


def test_a_logout_appends_an_event(client, users):
    client.force_login(users["camat"])
    before = last_pk()
    client.post(reverse("accounts:logout"))
    [event] = new_events(before)
    assert (event.action, event.actor) == ("auth.logout", users["camat"])


def test_a_failed_login_appends_an_event_without_the_attempted_username(client, users):
    before = last_pk()
    client.post(reverse("accounts:login"), {"username": "camat", "password": "sandi-yang-keliru"})
    [event] = new_events(before)
    assert (event.action, event.actor) == ("auth.login_failed", None)
    assert "camat" not in event.summary and "keliru" not in event.summary


def test_saving_a_worker_appends_an_event(users):
    before = last_pk()
    peserta = save_peserta(users["desa"], new_peserta(BANDAR_BINTUHAN, "Rahmat Hidayat", 31))
    [created] = new_events(before)
    assert (created.action, created.actor, created.target_type, created.target_id) == (
        "registry.peserta_created", users["desa"], "peserta", str(peserta.pk))

    before = last_pk()
    peserta.alamat = "Jalan Pasar Baru 9"
    save_peserta(users["desa"], peserta)
    [updated] = new_events(before)
    assert (updated.action, updated.target_id) == ("registry.peserta_updated", str(peserta.pk))


def test_no_event_carries_a_workers_nik_or_name(client, users):
    people = [
        save_peserta(users["desa"], new_peserta(BANDAR_BINTUHAN, "Rahmat Hidayat", 31)),
        save_peserta(users["admin"], new_peserta(OTHER_VILLAGE_KAUR_SELATAN, "Nurhayati Kusuma", 32, sex="P")),
        save_peserta(users["operator"], new_peserta(BANDAR_BINTUHAN, "Yusuf Effendi", 33, born=date(2001, 12, 30))),
    ]
    for p in people:  # updates too
        p.nama = p.nama + " Putra"
        save_peserta(users["admin"], p)
    client.force_login(users["auditor"])
    page = client.get(EVENTS).content.decode()

    assert Event.objects.filter(action__startswith="registry.").count() == 6
    forbidden = [v for p in people for v in (p.nik, p.no_kk, p.telepon, p.alamat, *p.nama.split())]
    for event in Event.objects.all():
        text = " ".join([event.action, event.target_type, event.target_id, event.summary])
        for value in forbidden:
            assert value not in text, f"event {event.action} carries {value!r}"
    for value in forbidden:
        assert value not in page


# --- append-only -------------------------------------------------------------------------------------


@pytest.fixture
def event(db):
    return record_event(None, "accounts.user_updated", target="peserta:7", summary="Peristiwa asli.")


def test_an_event_cannot_be_saved_again(event):
    event.summary = "Diubah."
    with pytest.raises(AppendOnly):
        event.save()
    assert Event.objects.get(pk=event.pk).summary == "Peristiwa asli."


def test_an_event_cannot_be_deleted_through_the_model(event):
    with pytest.raises(AppendOnly):
        event.delete()
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_to_change_an_event(event):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            Event.objects.filter(pk=event.pk).update(summary="x")
    assert Event.objects.get(pk=event.pk).summary == "Peristiwa asli."

    if connection.vendor == "postgresql":
        # PostgreSQL refuses a row DELETE too (SQLite keeps DELETE for the test database flush).
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic():
                Event.objects.filter(pk=event.pk).delete()
        assert Event.objects.filter(pk=event.pk).exists()
    else:
        assert connection.vendor == "sqlite"
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'")
            assert [r[0] for r in cursor.fetchall()] == ["audit_event_no_update"]


# --- the auditor's page ------------------------------------------------------------------------------


def at(day: int):
    return datetime(2025, 3, day, 5, 0, tzinfo=dt_timezone.utc)  # noon in Jakarta


@pytest.fixture
def trail(users, monkeypatch):
    """Events by two users on two object types over three days, with distinct summaries."""
    plan = [
        (1, users["admin"], "peserta:101", "Jejak satu."),
        (2, users["admin"], "user:5", "Jejak dua."),
        (3, users["desa"], "peserta:102", "Jejak tiga."),
        (3, users["desa"], "peserta:101", "Jejak empat."),
    ]
    for day, actor, target, summary in plan:
        with monkeypatch.context() as m:
            m.setattr(timezone, "now", lambda day=day: at(day))
            record_event(actor, "accounts.user_updated", target=target, summary=summary)
    return {summary for *_, summary in plan}


def shown(client, **query) -> set[str]:
    response = client.get(EVENTS, query)
    assert response.status_code == 200
    return set(re.findall(r"Jejak \w+\.", response.content.decode()))


def test_the_auditor_sees_the_trail_and_each_filter_narrows_it(client, users, trail):
    client.force_login(users["auditor"])
    assert shown(client) == trail
    assert shown(client, actor="admin") == {"Jejak satu.", "Jejak dua."}
    assert shown(client, actor="desa") == {"Jejak tiga.", "Jejak empat."}
    assert shown(client, target_type="peserta") == {"Jejak satu.", "Jejak tiga.", "Jejak empat."}
    assert shown(client, target_type="user") == {"Jejak dua."}
    assert shown(client, target_type="peserta", target_id="101") == {"Jejak satu.", "Jejak empat."}
    assert shown(client, date_from="2025-03-02") == {"Jejak dua.", "Jejak tiga.", "Jejak empat."}
    assert shown(client, date_to="2025-03-02") == {"Jejak satu.", "Jejak dua."}
    assert shown(client, date_from="2025-03-02", date_to="2025-03-02") == {"Jejak dua."}
    assert shown(client, actor="desa", target_id="101") == {"Jejak empat."}
    assert shown(client, actor="tidak-ada") == set()


def test_the_date_filter_uses_the_jakarta_day(client, users, monkeypatch):
    # 20:00 UTC on 1 March is already 2 March in Jakarta (UTC+7).
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: datetime(2025, 3, 1, 20, 0, tzinfo=dt_timezone.utc))
        record_event(users["admin"], "accounts.user_updated", target="user:1", summary="Jejak malam.")
    client.force_login(users["auditor"])
    assert shown(client, date_from="2025-03-02", date_to="2025-03-02") == {"Jejak malam."}
    assert shown(client, date_to="2025-03-01") == set()


@pytest.mark.parametrize("username", ["admin", "operator", "camat", "desa", "bpjs", "pimpinan"])
def test_every_other_role_is_refused_the_audit_page(client, users, trail, username):
    client.force_login(users[username])
    response = client.get(EVENTS, {"actor": "admin"})
    assert response.status_code == 403
    assert "Jejak" not in response.content.decode()


def test_the_audit_page_is_linked_only_for_the_auditor(client, users):
    client.force_login(users["auditor"])
    assert f'href="{EVENTS}"' in client.get(reverse("home")).content.decode()
    client.force_login(users["admin"])
    assert f'href="{EVENTS}"' not in client.get(reverse("home")).content.decode()


def test_a_malformed_date_does_not_drop_the_other_filters(client, users, trail):
    client.force_login(users["auditor"])
    response = client.get(EVENTS, {"actor": "desa", "date_from": "bukan-tanggal"})
    assert response.status_code == 200
    assert set(re.findall(r"Jejak \w+\.", response.content.decode())) == {"Jejak tiga.", "Jejak empat."}
    assert response.context["form"].errors["date_from"]  # and the auditor is told the date was not understood


# --- one list of actions -----------------------------------------------------------------------------


def test_an_action_outside_the_list_is_refused(db):
    with pytest.raises(ValueError, match="audit.labels.ACTIONS"):
        record_event(None, "uji.tidak_terdaftar", summary="Tidak tercatat.")
    assert not Event.objects.exists()


def test_every_action_the_code_records_has_its_label():
    """Each action written in a record_event call of src/ (or an on_record call, a download's record; a literal, or
    either side of a conditional) is in
    labels.ACTIONS, so none reaches the auditor as a code, and none is refused at run time. An action built at
    run time (an f-string) could name anything: none is allowed; one taken from a table is checked when the
    tests record it."""
    import ast
    from pathlib import Path

    import lindung
    from lindung.audit.labels import ACTIONS

    def literals(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.IfExp):
            yield from literals(node.body)
            yield from literals(node.orelse)

    position = {"record_event": 1, "on_record": 2}  # of the action among the call's arguments
    found = {}
    for path in Path(lindung.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            called = isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", ""))
            if called in position and len(node.args) > position[called]:
                action = node.args[position[called]]
                assert not isinstance(action, ast.JoinedStr), f"{path.name}:{node.lineno} builds its action"
                for code in literals(action):
                    found[code] = path.name
    assert len(found) > 50 and "claims.document_downloaded" in found
    assert {a: f for a, f in found.items() if a not in ACTIONS} == {}
