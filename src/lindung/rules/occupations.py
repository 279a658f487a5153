"""The maintained list of informal occupations a regency programme enrols: (code, name, high risk).

Plain data, so the pipeline (sample files) and the registry (the Pekerjaan table) read the same list."""

OCCUPATIONS: list[tuple[str, str, bool]] = [
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
