"""The audit trail as a hash chain (issue 17 item 6): an event changed, deleted or slipped in with SQL — as the tables'
owner could, the append-only trigger out of the way — is named as the first broken link by `lindung audit verify`;
a cut tail shows against a head printed earlier; the migration chains the events written before it; two writers at
once never chain to the same predecessor; the head is on the auditor's page and the regent's PDF."""

import io
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from lindung.audit import chain
from lindung.audit.chain import GENESIS, Break, Fault, Head, Link, seal
from lindung.audit.models import Event
from lindung.audit.selectors import chain_head, verify_chain
from lindung.audit.services import record_event


def trail(n: int = 4) -> list[Event]:
    return [record_event(None, "auth.login_failed", summary=f"Gagal masuk {i}.") for i in range(1, n + 1)]


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as refusal:
        verify(*args)
    assert refusal.value.returncode == 1
    return str(refusal.value)


def tamper(sql: str, params=()) -> None:
    """Run SQL on the audit table as its owner could: with the append-only trigger dropped (SQLite) or disabled
    (PostgreSQL). The test's transaction puts the trigger back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the events' pending foreign key checks, done first
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        cursor.execute(sql, params)


def local(at: datetime) -> str:
    return at.astimezone(dt_timezone(timedelta(hours=7))).isoformat(timespec="seconds")


# --- through the database ----------------------------------------------------------------------------


def test_an_intact_chain_verifies_and_prints_its_head(db):
    events = trail()
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert events[0].prev_hash == GENESIS and [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert verify_chain() == chain.Outcome(Head(4, events[-1].hash), None)
    assert verify() == f"Rantai jejak audit utuh: 4 peristiwa.\nKepala rantai: 4:{events[-1].hash}\n"
    assert f"termasuk kepala 2:{events[1].hash[:16]}" in verify("--head", f"2:{events[1].hash[:16]}")
    out = io.StringIO()
    call_command("audit", "head", stdout=out)
    assert out.getvalue() == f"4:{events[-1].hash}\n"


def test_a_modified_event_is_named(db):
    events = trail()
    tamper("UPDATE audit_event SET summary = %s WHERE seq = 2", ["Masuk."])
    assert verify_chain().broken == Break(Fault.MODIFIED, 2, 2, events[1].at)
    assert refused() == (f"Rantai jejak audit putus: peristiwa #2 ({local(events[1].at)}) diubah: isinya tidak "
                         "cocok lagi dengan segelnya.")


def test_a_deleted_event_is_named(db):
    events = trail()
    tamper("DELETE FROM audit_event WHERE seq = 2")
    assert verify_chain().broken == Break(Fault.DELETED, 2, 2, events[2].at)
    assert refused().startswith(f"Rantai jejak audit putus: peristiwa #2 (peristiwa sesudahnya {local(events[2].at)})"
                                " hilang (dihapus)")


def test_an_inserted_event_is_named(db):
    """A claim's payment slipped in as event 2, chained and sealed correctly, the later events renumbered."""
    events = trail()
    forged = Link(events[0].hash, "", 2, events[0].at + timedelta(seconds=1), None, "claims.paid", "claim", "9",
                  "Klaim dibayar.")
    tamper("UPDATE audit_event SET seq = seq + 1000 WHERE seq >= 2")
    tamper("UPDATE audit_event SET seq = seq - 999 WHERE seq >= 1000")
    tamper("INSERT INTO audit_event (seq, at, actor_id, action, target_type, target_id, summary, prev_hash, hash) "
           "VALUES (%s, %s, NULL, %s, %s, %s, %s, %s, %s)",
           [2, connection.ops.adapt_datetimefield_value(forged.at), forged.action, forged.target_type,
            forged.target_id, forged.summary, forged.prev_hash, seal(forged)])
    assert verify_chain().broken == Break(Fault.INSERTED, 2, 2, forged.at)
    assert "peristiwa #2" in refused() and "disisipkan" in refused()


def test_a_cut_tail_shows_against_an_earlier_head(db):
    events = trail()
    printed = f"4:{events[-1].hash[:16]}"
    tamper("DELETE FROM audit_event WHERE seq = 4")
    assert verify_chain().broken is None  # the chain alone cannot tell
    assert verify_chain(Head.parse(printed)).broken == Break(Fault.CUT, 4, 4, events[2].at)
    assert "peristiwa #4" in refused("--head", printed) and "dipotong" in refused("--head", printed)


def test_an_unreadable_head_is_refused(db):
    with pytest.raises(CommandError, match="tidak terbaca"):
        verify("--head", "4:xyz")


def test_the_migration_chains_the_events_written_before_it(transactional_db):
    executor = MigrationExecutor(connection)
    before, latest = [("audit", "0002_append_only")], executor.loader.graph.leaf_nodes("audit")
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("audit", "Event")
    for summary in ("Satu.", "Dua.", "Tiga."):
        old.objects.create(action="auth.login_failed", summary=summary)
    executor.loader.build_graph()
    executor.migrate(latest)

    events = list(Event.objects.order_by("pk"))
    assert [(e.seq, e.summary) for e in events] == [(1, "Satu."), (2, "Dua."), (3, "Tiga.")]
    assert verify_chain() == chain.Outcome(Head(3, events[-1].hash), None)
    assert record_event(None, "auth.login_failed", summary="Empat.").prev_hash == events[-1].hash
    with pytest.raises(Exception, match="append-only"), transaction.atomic():  # the trigger is back
        Event.objects.filter(pk=events[0].pk).update(summary="x")


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_chain_one_after_the_other():
    """On PostgreSQL the second appends while the first is still uncommitted; SQLite lets one writer at a time, and
    its in-memory test database refuses a second writer outright, so there the second starts after the first."""
    first_saved, failures = threading.Event(), []

    def append(summary: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                record_event(None, "auth.login_failed", summary=summary)
                if hold and connection.vendor != "sqlite":
                    first_saved.set()
                    time.sleep(1)
        except Exception as exc:  # noqa: BLE001 - the test reports whatever the thread met
            failures.append(exc)
        finally:
            first_saved.set()
            connections.close_all()

    first = threading.Thread(target=append, args=("Pertama.", True))
    first.start()
    first_saved.wait(30)
    second = threading.Thread(target=append, args=("Kedua.", False))
    second.start()
    first.join(60)
    second.join(60)

    assert failures == []
    assert list(Event.objects.order_by("seq").values_list("seq", "summary")) == [(1, "Pertama."), (2, "Kedua.")]
    assert verify_chain().broken is None


# --- where the head is shown -------------------------------------------------------------------------


def test_the_auditors_page_shows_the_head(client, users):
    trail(2)
    client.force_login(users["auditor"])
    head = chain_head()
    page = client.get(reverse("audit:events")).content.decode()
    assert f"Kepala rantai: {head.seq} peristiwa, segel terakhir <code>{head}</code>" in page
    assert f"lindung audit verify --head {head}" in page
    assert f"<tr><td>{head.seq}</td><td>" in page  # each event by the number verify names it by


# --- the chain's rules, without a database -----------------------------------------------------------


def links(n: int) -> list[Link]:
    made, prev = [], GENESIS
    for seq in range(1, n + 1):
        link = Link(prev, "", seq, datetime(2026, 3, seq, 5, tzinfo=dt_timezone.utc), 7, "auth.login", "user", "7",
                    "Masuk.")
        link = link._replace(hash=seal(link))
        made.append(link)
        prev = link.hash
    return made


def test_the_seal_covers_every_field_and_the_predecessor():
    link = links(1)[0]
    changed = [link._replace(prev_hash="1" * 64), link._replace(seq=2), link._replace(at=link.at + timedelta(microseconds=1)),
               link._replace(actor_id=None), link._replace(action="auth.logout"), link._replace(target_type="peserta"),
               link._replace(target_id="8"), link._replace(summary="Keluar.")]
    assert len({seal(c) for c in changed} | {seal(link)}) == len(changed) + 1
    # The same instant in another time zone is the same event.
    assert seal(link._replace(at=link.at.astimezone(dt_timezone(timedelta(hours=7))))) == seal(link)


@pytest.mark.parametrize("case, expected", [
    ("first deleted", Break(Fault.DELETED, 1, 1, None)),
    ("two deleted", Break(Fault.DELETED, 2, 3, None)),
    ("resealed", Break(Fault.RESEALED, 2, 2, None)),
    ("garbage appended", Break(Fault.MODIFIED, 6, 6, None)),
    ("garbage in the middle", Break(Fault.INSERTED, 3, 3, None)),
])
def test_each_kind_of_break_is_named(case, expected):
    chained = links(5)
    if case == "first deleted":
        chained = chained[1:]
    elif case == "two deleted":
        chained = chained[:1] + chained[3:]
    elif case == "resealed":  # event 2 changed and sealed again: only event 3 still remembers the old seal
        changed = chained[1]._replace(summary="Keluar.")
        chained[1] = changed._replace(hash=seal(changed))
    elif case == "garbage appended":
        chained.append(chained[-1]._replace(seq=6, prev_hash="f" * 64, hash="f" * 64))
    else:  # a row with a made-up seal between 2 and what was 3 (renumbered)
        chained = chained[:2] + [chained[2]._replace(summary="Palsu.", hash="e" * 64)] + [
            link._replace(seq=link.seq + 1) for link in chained[2:]]
    broken = chain.verify(chained).broken
    assert broken is not None and replace(broken, at=None) == expected


def test_an_earlier_head_whose_event_has_another_seal_is_a_rewritten_chain():
    chained = links(3)
    assert chain.verify(chained, Head(2, chained[1].hash[:16])).broken is None
    assert chain.verify(chained, Head(2, "abcdef12")).broken == Break(Fault.REWRITTEN, 2, 2, chained[1].at)
    assert chain.verify([], Head(2, "abcdef12")).broken == Break(Fault.CUT, 1, 2, None)
