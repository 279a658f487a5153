"""The cards of Kaur's December 2024 programme, the way they went: printed at the start of December 2024, received by
the office, handed by the regent to every camat on 19 December 2024 — and, in the demo village, on to the village in
January 2025, where the village operator gave most of them to their owners in the second half of January, checking
each one's KTP. Nothing has moved since, so today the camat and the village operator open Lindung to their overdue
cards (the camat's all of them, the village's the ones nobody came for).

Each step through cards.services; a step already taken is skipped, so running the demo again changes nothing."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from lindung.accounts.demo import demo_areas
from lindung.accounts.models import User
from lindung.programs.selectors import kecamatan_names
from lindung.wilayah.models import Wilayah

from . import services
from .models import Card, PrintBatch

S = Card.Status
PRINTED, AT_DINAS, AT_CAMAT, AT_VILLAGE = date(2024, 12, 2), date(2024, 12, 5), date(2024, 12, 19), date(2025, 1, 14)
DELIVERED_FROM = date(2025, 1, 15)
DELIVERED_SHARE = 0.6  # of the demo village's cards, given out one by one in the two weeks after they came


@transaction.atomic
def run_demo_cards(programme, operator, admin, village_operator=None) -> None:
    kecamatan_codes = sorted({code[:8] for code in programme.memberships.exclude(kpj="")
                              .values_list("peserta__desa__code", flat=True).distinct()})
    names = kecamatan_names(kecamatan_codes)
    for code in kecamatan_codes:
        if not programme.print_batches.filter(kecamatan_id=code).exists():
            batch = services.print_cards(operator, programme, code)
            # The demo replays history: the print run happened in December 2024, not today.
            at = timezone.make_aware(datetime.combine(PRINTED, time(9)))
            PrintBatch.objects.filter(pk=batch.pk).update(created=at)
            batch.card_set.update(since=at)
    for code in kecamatan_codes:
        cards = Card.objects.filter(batch__programme=programme, batch__kecamatan_id=code)
        parties = {"giver_name": "Percetakan Kartu", "giver_role": "Penyedia cetak", "receiver_name": admin.get_full_name(),
                   "receiver_role": "Admin Dinas Tenaga Kerja", "place": "Kantor Dinas Tenaga Kerja, Bintuhan"}
        _move(admin, cards, S.PRINTED, S.AT_DINAS, AT_DINAS, parties)
        parties = {"giver_name": "Bupati Kaur", "giver_role": "Bupati", "receiver_name": f"Camat {names[code]}",
                   "receiver_role": f"Camat {names[code]}", "place": "Pendopo Rumah Dinas Bupati, Bintuhan"}
        _move(operator, cards, S.AT_DINAS, S.AT_CAMAT, AT_CAMAT, parties)
    # The demo village's cards went on from its camat in January; its operator holds them still.
    camat_area, desa = demo_areas(operator.area_id)
    village = Wilayah.objects.get(code=desa)
    camat = User.objects.filter(username="camat").first()
    if camat is not None:
        _move(camat, Card.objects.filter(batch__programme=programme, membership__peserta__desa_id=desa), S.AT_CAMAT,
              S.AT_VILLAGE, AT_VILLAGE, {"giver_name": f"Camat {names.get(camat_area, '')}", "giver_role": "Camat",
                                         "receiver_name": f"Kepala {village.name}", "receiver_role": f"Kepala {village.name}",
                                         "place": f"Kantor Camat {names.get(camat_area, '')}"})
    if village_operator is not None:
        _deliver(village_operator, programme, village)


def _deliver(user, programme, village: Wilayah) -> None:
    """The first of the village's cards in print order (village, name) handed to their owners, one berita acara
    each, on working days from 15 January 2025; a card already delivered is skipped."""
    cards = list(Card.objects.filter(batch__programme=programme, membership__peserta__desa_id=village.code)
                 .exclude(status=S.VOIDED).order_by("membership__peserta__nama", "pk")
                 .values_list("pk", "status", "membership__peserta__nama"))
    day = DELIVERED_FROM
    for i, (pk, status, name) in enumerate(cards[:round(len(cards) * DELIVERED_SHARE)]):
        if i and i % 3 == 0:  # three a day
            day += timedelta(days=1)
            while day.weekday() >= 5:
                day += timedelta(days=1)
        if status == S.AT_VILLAGE:
            services.hand_over(user, [pk], S.DELIVERED, happened_on=day, giver_name=user.get_full_name(),
                               giver_role=f"Operator {village.name}", receiver_name=name, receiver_role="Peserta",
                               place=f"Kantor {village.name}", id_checked=True)


def _move(user, cards, from_status, to_status, on: date, parties: dict) -> None:
    ids = list(cards.filter(status=from_status).values_list("pk", flat=True))
    if ids:
        services.hand_over(user, ids, to_status, happened_on=on, **parties)
