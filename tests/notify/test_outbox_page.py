"""The office's outbox page (/pesan/): reached from the hand-over page, scoped to the user's area (and a part of it
chosen), counts per status with what they cost in SMS parts, the held messages to review with a confirmation, and
sending from it."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lindung.notify import services as outbox
from lindung.notify.models import Message
from lindung.selfpay import services as selfpay
from tests.conftest import BANDAR_BINTUHAN, KAUR_SELATAN, KINAL_VILLAGE
from tests.factories import with_phone

S = Message.Status
TOPIC = "selfpay:kaur-2025"


@pytest.fixture
def prepared(users, funded, settings, tmp_path, monkeypatch):  # noqa: F811
    settings.LINDUNG_OUTBOX_FILE = tmp_path / "outbox.jsonl"
    monkeypatch.setattr(outbox, "current_day", lambda: date(2025, 3, 20))  # before the lapse date
    selfpay.prepare_messages(users["operator"], funded)
    return funded


def page(client, user, **query) -> str:
    client.force_login(user)
    response = client.get(reverse("notify:outbox"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_hand_over_page_leads_to_the_outbox_of_its_notices(client, users, prepared):
    client.force_login(users["operator"])
    body = client.get(reverse("selfpay:members", args=[prepared.code])).content.decode()
    assert f'href="{reverse("notify:outbox")}?topic={TOPIC}"' in body
    old = client.get(reverse("selfpay:outbox", args=[prepared.code]), {"status": "sent"})
    assert old.status_code == 302 and old["Location"] == f"{reverse('notify:outbox')}?topic=selfpay%3Akaur-2025&status=sent"


def test_counts_per_status_with_their_sms_parts_and_each_message_its_cost(client, users, prepared):
    n = with_phone(prepared)
    body = page(client, users["operator"], topic=TOPIC)
    text = Message.objects.first().text
    assert f'<div class="n">{n}</div><div class="l">Dalam antrean</div>' in body
    assert f'data-testid="parts-queued">{n} bagian SMS' in body  # one SMS each
    assert f"Masih akan dikirim: {n} bagian SMS" in body
    assert f"{len(text)} karakter · 1 SMS" in body
    assert "Kirim sekarang pesan antrean yang ditampilkan?" in body  # the send button asks first
    assert "lebih panjang dari satu SMS" not in body and "UCS-2" not in body

    # A text of two SMS, and one in UCS-2: the page says so and counts their parts.
    first, second = Message.objects.order_by("pk")[:2]
    Message.objects.filter(pk=first.pk).update(text="x" * 161)
    Message.objects.filter(pk=second.pk).update(text="Yth. Nur’aini")
    body = page(client, users["operator"], topic=TOPIC)
    assert f'data-testid="parts-queued">{n + 1} bagian SMS' in body
    assert "1 pesan lebih panjang dari satu SMS" in body and "1 pesan memuat huruf di luar abjad GSM" in body
    assert "161 karakter · 2 SMS" in body and "UCS-2, 13 karakter · 1 SMS" in body


def test_the_camat_sees_his_kecamatan_and_may_narrow_it_to_a_village(client, users, prepared):
    names = dict(Message.objects.values_list("peserta__desa_id", "peserta__nama"))
    assert KINAL_VILLAGE in names and BANDAR_BINTUHAN in names
    body = page(client, users["camat"])
    assert names[BANDAR_BINTUHAN] in body and names[KINAL_VILLAGE] not in body
    assert f'<option value="{BANDAR_BINTUHAN}">' in body  # his villages to choose from
    assert "Kirim pesan dalam antrean" not in body  # he reads, the office sends
    narrowed = page(client, users["camat"], area=BANDAR_BINTUHAN)
    others = Message.objects.filter(peserta__desa__code__startswith=KAUR_SELATAN).exclude(
        peserta__desa_id=BANDAR_BINTUHAN).values_list("peserta__nama", flat=True)
    assert names[BANDAR_BINTUHAN] in narrowed and not any(name in narrowed for name in others)
    assert names[KINAL_VILLAGE] not in page(client, users["camat"], area=KINAL_VILLAGE)  # outside: ignored
    body = page(client, users["desa"])
    assert names[BANDAR_BINTUHAN] in body and names[KINAL_VILLAGE] not in body
    assert client.post(reverse("notify:send"), {"topic": TOPIC}).status_code == 403
    assert client.post(reverse("notify:review"), {"message": [1], "action": "send"}).status_code == 403


def test_sending_from_the_page_in_one_kecamatan(client, users, prepared, settings):
    client.force_login(users["operator"])
    response = client.post(reverse("notify:send"), {"topic": TOPIC, "area": KAUR_SELATAN}, follow=True)
    kaur_selatan = Message.objects.filter(peserta__desa__code__startswith=KAUR_SELATAN + ".")
    assert set(kaur_selatan.values_list("status", flat=True)) == {S.SENT}
    assert set(Message.objects.exclude(pk__in=kaur_selatan).values_list("status", flat=True)) == {S.QUEUED}
    assert f"{kaur_selatan.count()} terkirim, 0 gagal, 0 ditarik" in response.content.decode()


def test_held_messages_are_listed_for_review_and_reviewed_with_a_confirmation(client, users, prepared):
    Message.objects.update(created=timezone.make_aware(datetime(2025, 1, 20, 9)))
    client.force_login(users["operator"])
    client.post(reverse("notify:send"), {"topic": TOPIC})
    n = with_phone(prepared)
    assert Message.objects.filter(status=S.HELD).count() == n
    body = page(client, users["operator"], topic=TOPIC)
    assert f"{n} pesan ditahan untuk ditinjau" in body and "Disiapkan 59 hari lalu" in body
    assert "Tetap kirim pesan yang dicentang?" in body and "Tarik pesan yang dicentang?" in body
    assert body.count('name="message"') == n

    first, second, *rest = Message.objects.order_by("pk")
    response = client.post(reverse("notify:review"), {"message": [first.pk], "action": "withdraw", "topic": TOPIC},
                           follow=True)
    assert "1 pesan yang ditahan ditarik" in response.content.decode()
    client.post(reverse("notify:review"), {"message": [second.pk], "action": "send", "topic": TOPIC})
    assert [Message.objects.get(pk=m.pk).status for m in (first, second)] == [S.WITHDRAWN, S.SENT]
    body = page(client, users["operator"], topic=TOPIC)
    assert "Ditarik setelah ditinjau petugas." in body  # among the reasons
    response = client.post(reverse("notify:review"), {"action": "send", "topic": TOPIC}, follow=True)
    assert "Centang pesan yang ditahan" in response.content.decode()  # nothing ticked: nothing done
    assert Message.objects.filter(status=S.HELD).count() == len(rest)
