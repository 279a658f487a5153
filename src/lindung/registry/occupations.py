"""The maintained list of informal occupations a regency programme enrols (code, name, high risk)."""

OCCUPATIONS = [
    ("petani", "Petani/Pekebun", False),
    ("buruh-tani", "Buruh Tani/Perkebunan", False),
    ("nelayan", "Nelayan", True),
    ("buruh-nelayan", "Buruh Nelayan", True),
    ("peternak", "Peternak", False),
    ("pengemudi-ojek", "Pengemudi Ojek", True),
    ("pedagang-kecil", "Pedagang Kecil", False),
    ("buruh-bangunan", "Buruh Bangunan", True),
    ("buruh-harian-lepas", "Buruh Harian Lepas", False),
    ("tukang-kayu", "Tukang Kayu", True),
    ("penjahit", "Penjahit", False),
    ("pengrajin", "Pengrajin", False),
    ("kuli-angkut", "Kuli Angkut/Porter", True),
    ("pemulung", "Pemulung", True),
    ("marbot", "Marbot/Penjaga Rumah Ibadah", False),
    ("guru-ngaji", "Guru Ngaji", False),
]


def ensure_occupations(Pekerjaan) -> int:
    """Insert missing occupations (the model is passed so migrations can use their frozen one)."""
    existing = set(Pekerjaan.objects.values_list("code", flat=True))
    new = [Pekerjaan(code=c, name=n, high_risk=r) for c, n, r in OCCUPATIONS if c not in existing]
    Pekerjaan.objects.bulk_create(new)
    return len(new)
