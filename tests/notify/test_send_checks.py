"""A hand-over notice whose facts changed before it is sent is withdrawn or rewritten at send time, and one that
waited longer than LINDUNG_NOTICE_MAX_AGE_DAYS is held until an office user reviews it (issue 14, item 3).

The programme of the funded fixture (tests/conftest.py): funded January–February 2025, both bills paid, everyone lapses on
1 June 2025 unless he pays from March; the notices are prepared, then sent on a day the test sets."""

import json
from datetime import date, datetime

import pytest
from django.utils import timezone

from lindung.audit.models import Event
from lindung.enrolment.models import Membership
from lindung.life.models import LifeEvent
from lindung.notify import services as outbox
from lindung.notify.models import Message
from lindung.selfpay import services as selfpay
from lindung.payments.models import PaidMonth
from lindung.programs.models import Programme
from lindung.registry.models import Peserta
from lindung.rules.contributions import Payer
from tests.factories import with_phone

S = Message.Status
MARCH = date(2025, 3, 20)  # after the funded months, before the lapse date


@pytest.fixture
def prepared(users, funded, settings, tmp_path):  # noqa: F811
    settings.LINDUNG_OUTBOX_FILE = tmp_path / "outbox.jsonl"
    assert selfpay.prepare_messages(users["operator"], funded) == with_phone(funded)
    return funded


def notice_of(membership) -> Message:
    return Message.objects.get(peserta_id=membership.peserta_id, purpose="selfpay")


def sent_lines(settings) -> list[dict]:
    path = settings.LINDUNG_OUTBOX_FILE
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def members_with_phone(programme) -> list[Membership]:
    return list(programme.memberships.exclude(peserta__telepon="").select_related("peserta").order_by("pk"))


def no_names_in_audit():
    people = list(Peserta.objects.values_list("nama", "nik"))
    for event in Event.objects.filter(action__startswith="notify."):
        assert not any(nama in event.summary or nik in event.summary for nama, nik in people), event.summary


def test_a_notice_to_someone_who_died_since_is_withdrawn_with_the_reason(users, prepared, settings):
    ended, reported, alive, *others = members_with_phone(prepared)
    # His membership ended by death (a claim or a verified death list), without the notice being touched.
    Membership.objects.filter(pk=ended.pk).update(ended_on=date(2025, 3, 5), end_kind=Membership.End.DEATH)
    # A village reported a death the office has not verified yet (no membership ended).
    LifeEvent.objects.create(peserta=reported.peserta, kind=LifeEvent.Kind.DIED, source=LifeEvent.Source.VILLAGE,
                             status=LifeEvent.Status.REPORTED, happened_on=date(2025, 3, 10), recorded_by=users["desa"])

    done = selfpay.send_messages(users["operator"], prepared, today=MARCH)

    assert (done.withdrawn, done.reasons["died"], done.sent) == (2, 2, with_phone(prepared) - 2)
    first, second = notice_of(ended), notice_of(reported)
    assert (first.status, first.error) == (S.WITHDRAWN, "Peserta meninggal dunia (5 Maret 2025): pesan ditarik.")
    assert second.status == S.WITHDRAWN and "10 Maret 2025, dilaporkan, belum diverifikasi" in second.error
    assert notice_of(alive).status == S.SENT
    assert {line["id"] for line in sent_lines(settings)} == set(
        Message.objects.filter(status=S.SENT).values_list("pk", flat=True))
    event = Event.objects.get(action="notify.withdrawn")
    assert "2 ditarik saat akan dikirim (2 meninggal)" in event.summary
    no_names_in_audit()


def test_a_death_in_another_programme_withdraws_the_notice_too(users, prepared):
    member = members_with_phone(prepared)[0]
    earlier = Programme.objects.create(code="kaur-2024", name="Perlindungan Pekerja Rentan 2024", year=2024,
                                       start=date(2024, 12, 1), end=date(2024, 12, 1))
    Membership.objects.create(programme=earlier, peserta=member.peserta, status=Membership.Status.ACTIVE,
                              kpj="24000000001", first=date(2024, 12, 1), last=date(2024, 12, 1),
                              ended_on=date(2024, 12, 20), end_kind=Membership.End.DEATH)
    selfpay.send_messages(users["operator"], prepared, today=MARCH)
    assert notice_of(member).status == S.WITHDRAWN and "20 Desember 2024" in notice_of(member).error


def test_a_notice_to_someone_who_paid_is_rewritten_with_the_new_lapse_date(users, prepared, settings):
    payer, other, *_ = members_with_phone(prepared)
    before = notice_of(payer).text
    assert "ditanggung Pemkab Kaur s.d. Feb 2025" in before and "agar tidak nonaktif 1 Jun 2025" in before
    # BPJS reports that he paid March to May himself, on 18 March: he lapses on 1 September unless he pays June.
    PaidMonth.objects.bulk_create([PaidMonth(membership=payer, peserta_id=payer.peserta_id, month=date(2025, m, 1),
                                             payer=Payer.MANDIRI, paid_on=date(2025, 3, 18)) for m in (3, 4, 5)])

    done = selfpay.send_messages(users["operator"], prepared, today=MARCH)

    message = notice_of(payer)
    assert (done.rewritten, done.reasons, done.sent) == (1, {"paid": 1}, with_phone(prepared))
    assert message.status == S.SENT and message.original_text == before
    assert message.text == (f"Yth. {payer.peserta.nama}, iuran BPJS TK Anda dibayar s.d. Mei 2025. Bayar mandiri "
                            "Rp16.800/bln mulai Jun 2025 agar tidak nonaktif 1 Sep 2025.")
    assert message.facts == {"paid_until": "2025-05", "by_programme": False, "pays_from": "2025-06",
                             "monthly": 16_800, "lapse": "2025-09-01"}
    assert message.error == ("Iuran kini dibayar s.d. Mei 2025: tanggal nonaktif bergeser dari 1 Juni 2025 ke "
                             "1 September 2025; pesan ditulis ulang.")
    assert {line["text"] for line in sent_lines(settings) if line["id"] == message.pk} == {message.text}
    assert notice_of(other).original_text == "" and "1 Jun 2025" in notice_of(other).text  # unchanged
    assert "1 ditulis ulang dengan data terkini saat akan dikirim (1 iuran dibayar)" in Event.objects.get(
        action="notify.rewritten").summary
    no_names_in_audit()


def test_a_notice_to_someone_another_programme_funds_again_is_withdrawn_as_no_longer_due(users, prepared):
    member = members_with_phone(prepared)[0]
    revised = Programme.objects.create(code="kaur-2025-p", name="Perlindungan Pekerja Rentan APBD-P 2025", year=2025,
                                       start=date(2025, 3, 1), end=date(2025, 12, 1))
    Membership.objects.create(programme=revised, peserta=member.peserta, status=Membership.Status.ACTIVE,
                              kpj="25900000001", first=date(2025, 3, 1), last=date(2025, 12, 1))
    done = selfpay.send_messages(users["operator"], prepared, today=MARCH)
    message = notice_of(member)
    assert done.reasons == {"funded": 1} and message.status == S.WITHDRAWN
    assert message.error == ("Dibiayai lagi oleh program kaur-2025-p s.d. Desember 2025: belum perlu membayar "
                             "mandiri, pesan ditarik.")


def test_once_the_lapse_date_has_passed_the_notice_is_withdrawn_not_sent(users, prepared, settings):
    """A notice telling a lapsed person he *will* lapse on 1 June 2025 is false from 1 June on."""
    on_the_eve = selfpay.check_notices(users["operator"], list(Message.objects.all()), date(2025, 5, 31))
    assert on_the_eve == {}  # still true the day before

    done = selfpay.send_messages(users["operator"], prepared, today=date(2025, 6, 1))

    n = with_phone(prepared)
    assert (done.sent, done.withdrawn, done.reasons) == (0, n, {"lapsed": n})
    assert set(Message.objects.values_list("status", "error")) == {
        (S.WITHDRAWN, "Tanggal nonaktif 1 Juni 2025 sudah lewat: peserta sudah nonaktif, pesan ini tidak benar lagi "
                      "(perlu pesan lain).")}
    assert sent_lines(settings) == []
    assert f"{n} ditarik saat akan dikirim ({n} tanggal nonaktif lewat)" in Event.objects.get(
        action="notify.withdrawn").summary
    assert selfpay.send_messages(users["operator"], prepared, today=date(2025, 6, 1)).withdrawn == 0  # once


def test_an_old_notice_is_held_until_reviewed_then_sent_or_withdrawn(users, prepared, settings):
    first, second, third, *rest = members_with_phone(prepared)
    old = timezone.make_aware(datetime(2025, 2, 1, 9))
    Message.objects.filter(peserta_id__in=[first.peserta_id, second.peserta_id, third.peserta_id]).update(created=old)
    # 20 March is 47 days after 1 February: more than the default 30.
    done = selfpay.send_messages(users["operator"], prepared, today=MARCH)
    assert (done.held, done.sent) == (3, len(rest))
    held = Message.objects.filter(status=S.HELD)
    assert set(held.values_list("peserta_id", flat=True)) == {first.peserta_id, second.peserta_id, third.peserta_id}
    assert held.first().error.startswith("Disiapkan 47 hari lalu, lebih dari 30 hari: ditahan sampai ditinjau")
    assert selfpay.send_messages(users["operator"], prepared, today=MARCH).sent == 0  # held stays held
    assert "3 ditahan, lebih dari 30 hari di antrean" in Event.objects.get(action="notify.held").summary

    # Reviewed: one sent anyway, one withdrawn; the third's person died meanwhile: sending it still withdraws it.
    Membership.objects.filter(pk=third.pk).update(ended_on=date(2025, 3, 19), end_kind=Membership.End.DEATH)
    sent = outbox.review(users["admin"], [notice_of(first).pk, notice_of(third).pk], outbox.REVIEW_SEND, today=MARCH)
    assert (sent.sent, sent.withdrawn) == (1, 1)
    withdrawn = outbox.review(users["admin"], [notice_of(second).pk], outbox.REVIEW_WITHDRAW)
    assert withdrawn.withdrawn == 1
    a, b, c = notice_of(first), notice_of(second), notice_of(third)
    assert (a.status, a.reviewed_by, b.status, b.reviewed_by, c.status) == (
        S.SENT, users["admin"], S.WITHDRAWN, users["admin"], S.WITHDRAWN)
    assert b.error == "Ditarik setelah ditinjau petugas." and "meninggal" in c.error
    assert a.pk in {line["id"] for line in sent_lines(settings)}
    assert [e.summary for e in Event.objects.filter(action="notify.reviewed").order_by("pk")] == [
        "2 pesan yang ditahan ditinjau: dikirim (faktanya tetap diperiksa).",
        "1 pesan yang ditahan ditinjau: ditarik, tidak dikirim."]
    no_names_in_audit()


def test_the_age_limit_is_a_setting(users, prepared, settings):
    settings.LINDUNG_NOTICE_MAX_AGE_DAYS = 60
    Message.objects.update(created=timezone.make_aware(datetime(2025, 2, 1, 9)))
    done = selfpay.send_messages(users["operator"], prepared, today=MARCH)  # 47 days: within 60
    assert (done.held, done.sent) == (0, with_phone(prepared))


def test_only_the_office_reviews_and_only_in_its_area(users, prepared):
    from django.core.exceptions import PermissionDenied

    Message.objects.update(status=S.HELD)
    for name in ("camat", "desa", "pimpinan"):
        with pytest.raises(PermissionDenied):
            outbox.review(users[name], list(Message.objects.values_list("pk", flat=True)), outbox.REVIEW_WITHDRAW)
    assert not Message.objects.exclude(status=S.HELD).exists()


def test_a_death_withdraws_held_messages_too(prepared):
    message = Message.objects.first()
    Message.objects.filter(pk=message.pk).update(status=S.HELD)
    assert outbox.withdraw(message.peserta_id, "Peserta meninggal (uji).") == 1
    assert Message.objects.get(pk=message.pk).status == S.WITHDRAWN
