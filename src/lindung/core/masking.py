"""A person's name as the public pages show it (the card's QR check, the status check by NIK): enough for the
person or his family to recognise it, not enough to find him by it."""


def masked_name(name: str) -> str:
    """"Ahmad Nelayan" -> "Ah*** Ne*****"."""
    return " ".join(w[:2] + "*" * (len(w) - 2) if len(w) > 2 else w[:1] + "*" * (len(w) - 1) for w in name.split())
