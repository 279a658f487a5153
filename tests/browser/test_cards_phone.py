"""Cards on a phone (375 px): the camat opens Lindung to his overdue cards, hands ten of one village's over in one
action and downloads the minutes, which list exactly those ten; the village operator then marks one delivered
after checking the worker's KTP."""

import io
import re
import subprocess
from datetime import timedelta

import pytest
import segno
from django.utils import timezone
from playwright.sync_api import expect

from lindung.cards import services
from lindung.cards.models import Card
from lindung.cards.verification import verification_url
from tests.browser.conftest import PHONE
from tests.cards.conftest import move, registered
from tests.conftest import BANDAR_BINTUHAN, KAUR_SELATAN, KINAL_VILLAGE, OTHER_VILLAGE_KAUR_SELATAN, make_peserta, plan_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_camat_hands_ten_cards_to_a_village_and_the_operator_delivers_one(open_as, live_server, users, tmp_path):
    for i in range(12):
        make_peserta(BANDAR_BINTUHAN, f"Warga Bintuhan {chr(65 + i)}", serial=60 + i)
    make_peserta(OTHER_VILLAGE_KAUR_SELATAN, "Warga Sekunyit", serial=80)
    programme = plan_programme(users, people=30)
    registered(programme)
    kaur_selatan = list(services.print_cards(users["operator"], programme, KAUR_SELATAN).card_set.all())
    kinal = list(services.print_cards(users["operator"], programme, KINAL_VILLAGE[:8]).card_set.all())
    move(users["operator"], kaur_selatan + kinal, Card.Status.AT_DINAS)
    move(users["operator"], kaur_selatan, Card.Status.AT_CAMAT)
    Card.objects.update(since=timezone.now() - timedelta(days=60))  # handed to the camat two months ago
    village = list(Card.objects.filter(membership__peserta__desa_id=BANDAR_BINTUHAN)
                   .order_by("membership__peserta__nama").values_list("membership__peserta__nama", flat=True))
    assert len(village) >= 12
    base = live_server.url

    camat = open_as("camat", **PHONE)
    overdue = camat.get_by_test_id("home-overdue")
    expect(overdue).to_be_visible()
    expect(overdue.locator("h2")).to_contain_text(str(len(kaur_selatan)))
    expect(overdue).not_to_contain_text("Joko Nelayan")  # Kinal's cards are not his
    overdue.locator("a[href$='/kartu/']").last.click()
    expect(camat.get_by_test_id("overdue-cards")).to_contain_text(village[0])
    assert camat.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone

    camat.get_by_test_id("find-form").locator("select[name=desa]").select_option(BANDAR_BINTUHAN)
    camat.get_by_test_id("find-form").locator("button").click()
    cards = camat.get_by_test_id("cards")
    expect(cards).not_to_contain_text("Warga Sekunyit")
    ten = village[:10]
    for name in ten:
        cards.get_by_role("checkbox", name=name, exact=True).check()
    form = camat.get_by_test_id("handover-form")
    expect(form.locator("select[name=to_status]")).to_have_value("at_village")
    form.locator("input[name=giver_name]").fill("Darmawan")
    form.locator("input[name=giver_role]").fill("Camat Kaur Selatan")
    form.locator("input[name=receiver_name]").fill("Yusuf")
    form.locator("input[name=receiver_role]").fill("Lurah Bandar Bintuhan")
    form.locator("input[name=place]").fill("Kantor Camat Kaur Selatan")
    form.locator("button[type=submit]").click()
    expect(camat).to_have_url(re.compile(r"/serah-terima/BA-\d{4}-\d{4}/$"))
    expect(camat.get_by_test_id("handover-cards").locator("tbody tr")).to_have_count(10)
    with camat.expect_download() as download:
        camat.get_by_test_id("minutes-link").click()
    pdf = tmp_path / "berita-acara.pdf"
    download.value.save_as(pdf)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert all(name in text for name in ten)
    assert not any(name in text for name in [*village[10:], "Warga Sekunyit", "Joko Nelayan", "Wati Petani"])

    desa = open_as("desa", **PHONE)
    # His village's cards still at the camat are late (he is told to ask the camat); the ten just arrived are in time.
    expect(desa.get_by_test_id("home-overdue-upstream")).to_contain_text(str(len(village) - 10))
    expect(desa.get_by_test_id("home-overdue")).to_have_count(0)
    # He finds the card from a photo of its QR code, taken with the phone's camera.
    card = Card.objects.get(membership__peserta__nama=ten[3])
    photo = io.BytesIO()
    segno.make(verification_url(base, card), error="m").save(photo, kind="png", scale=10, border=8, light="#e8e8e8")
    desa.get_by_role("link", name=re.compile("Kartu|Cards")).first.click()
    desa.get_by_test_id("scan-form").locator("input[type=file]").set_input_files(
        files=[{"name": "IMG_2031.png", "mimeType": "image/png", "buffer": photo.getvalue()}])
    desa.get_by_test_id("scan-form").locator("button").click()
    expect(desa.get_by_test_id("card-name")).to_have_text(ten[3])
    assert desa.evaluate("document.documentElement.scrollWidth") <= 375
    name = ten[3]
    deliver = desa.get_by_test_id("deliver-form")
    deliver.locator("button[type=submit]").click()  # the KTP not checked: refused
    expect(deliver.locator(".errorlist")).to_be_visible()
    deliver.locator("input[name=id_checked]").check()
    deliver.locator("button[type=submit]").click()
    expect(desa.get_by_test_id("card-status")).to_contain_text(
        re.compile(str(Card.Status.DELIVERED.label) + "|Diterima", re.I))
    expect(desa.get_by_test_id("deliver-form")).to_have_count(0)
    assert Card.objects.get(membership__peserta__nama=name).status == Card.Status.DELIVERED
