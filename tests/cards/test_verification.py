"""The signed token in a card's QR code: only our key makes one, one changed character breaks it, a key
rotation revokes them all; and what a card shows, built from plain objects."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core import signing
from django.test import RequestFactory

from lindung.cards import documents
from lindung.core.masking import masked_name
from lindung.cards.verification import card_number_from, token_for, verification_url

NUMBER = "25000000001-1"


def test_a_token_gives_back_its_card_number_and_is_url_safe():
    token = token_for(NUMBER)
    assert card_number_from(token) == NUMBER
    assert token.startswith(NUMBER + ".") and len(token) < 64
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert token_for(NUMBER) == token  # the same card always prints the same QR code


def test_every_single_changed_character_is_refused():
    token = token_for(NUMBER)
    for i, c in enumerate(token):
        tampered = token[:i] + ("A" if c != "A" else "B") + token[i + 1:]
        with pytest.raises(signing.BadSignature):
            card_number_from(tampered)


def test_another_card_number_with_a_valid_signature_is_refused():
    other = token_for("25000000002-1")
    number, signature = token_for(NUMBER).split(".")
    with pytest.raises(signing.BadSignature):
        card_number_from(f"25000000002-1.{signature}")
    assert card_number_from(other) == "25000000002-1"


def test_a_value_signed_for_something_else_is_not_a_token():
    # Same key, no salt or another salt (a session, a password reset): not a card token.
    for foreign in (signing.Signer(sep=".").sign(NUMBER), signing.Signer(sep=".", salt="other").sign(NUMBER)):
        with pytest.raises(signing.BadSignature):
            card_number_from(foreign)


def test_rotating_the_key_revokes_every_token_even_with_the_old_key_as_fallback(settings):
    token = token_for(NUMBER)
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 50, [old]
    with pytest.raises(signing.BadSignature):
        card_number_from(token)
    assert card_number_from(token_for(NUMBER)) == NUMBER


def test_the_verification_url_on_a_base_or_on_the_request_host(settings):
    settings.ALLOWED_HOSTS = ["kartu.example.id"]
    card = SimpleNamespace(number=NUMBER)
    path = f"/v/{token_for(NUMBER)}/"
    assert verification_url("https://lindung.kaurkab.go.id", card) == f"https://lindung.kaurkab.go.id{path}"
    assert verification_url("https://pemda.go.id/lindung/", card) == f"https://pemda.go.id/lindung{path}"
    request = RequestFactory().get("/kartu/", HTTP_HOST="kartu.example.id")
    assert verification_url(request, card) == f"http://kartu.example.id{path}"


@pytest.mark.parametrize("name, masked", [
    ("Ahmad Nelayan", "Ah*** Ne*****"), ("Siti", "Si**"), ("I Made Ali", "I Ma** Al*"), ("Al", "A*"),
    ("  Budi   Petani ", "Bu** Pe****"),
])
def test_the_public_page_masks_the_name(name, masked):
    assert masked_name(name) == masked


def plain_card(number: str, nama: str, kpj: str):
    peserta = SimpleNamespace(nama=nama, nik="1704051705800011")
    programme = SimpleNamespace(name="Perlindungan Pekerja Rentan 2025")
    membership = SimpleNamespace(peserta=peserta, programme=programme, kpj=kpj, last=date(2025, 12, 1))
    return SimpleNamespace(number=number, membership=membership)


def test_a_cards_face_from_plain_objects_has_no_nik_and_is_always_the_same():
    cards = [plain_card("25000000001-1", "Ahmad Nelayan", "25000000001"), plain_card("25000000002-2", "Siti", "25000000002")]
    faces = documents.card_faces(cards, "https://lindung.kaurkab.go.id")
    assert faces == documents.card_faces(cards, "https://lindung.kaurkab.go.id")
    first = faces[0]
    # A made-up card knows no months paid: it states none, and the programme's last funded month.
    assert (first["name"], first["kpj"], first["validity"], first["number"]) == (
        "Ahmad Nelayan", "25000000001", [("Iuran dibayar s.d.", "belum ada", True), ("Didanai program s.d.", "Desember 2025", False)],
        "25000000001-1")
    assert first["qr_line"] == "Pindai QR untuk status terkini"
    assert first["url"] == f"https://lindung.kaurkab.go.id/v/{token_for('25000000001-1')}/"
    assert first["qr"].startswith("data:image/svg+xml")
    assert not any("1704051705800011" in str(v) for face in faces for v in face.values())


def test_ten_cards_to_an_a4_page_in_two_columns_and_five_rows():
    faces = [{"number": str(i)} for i in range(23)]
    pages = documents._a4_pages(faces)
    assert [len(p) for p in pages] == [10, 10, 3]
    assert {(c["left"], c["top"]) for c in pages[0]} == {
        (f"{19.4 + col * 85.6:.2f}mm", f"{13.5 + row * 54:.2f}mm") for col in range(2) for row in range(5)}
    assert [c["number"] for p in pages for c in p] == [str(i) for i in range(23)]
