"""The demo programme's cards, the way Kaur's went: printed at the start of December 2024, received by the office,
handed by the regent to every camat on 19 December 2024 — and, in the demo village, on to the village in January
2025. Nothing has moved since, so today the camat and the village operator open Lindung to their overdue cards.

Each step through cards.services; a step already taken is skipped, so running the demo again changes nothing."""

from datetime import date, datetime, time

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


@transaction.atomic
def run_demo_cards(programme, operator, admin) -> None:
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


def _move(user, cards, from_status, to_status, on: date, parties: dict) -> None:
    ids = list(cards.filter(status=from_status).values_list("pk", flat=True))
    if ids:
        services.hand_over(user, ids, to_status, happened_on=on, **parties)
