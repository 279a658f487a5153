"""The README's table of who sees and changes what is the code's: each cell worked out from the roles' flags
(accounts/roles.py) and the services' lists of who records a card's move or a claim."""

from pathlib import Path

from lindung.accounts.roles import ROLES, Role
from lindung.cards.services import RECORDED_BY
from lindung.claims.services import DECIDERS, REPORTERS
from lindung.wilayah.models import Level

README = Path(__file__).resolve().parents[2] / "README.md"
COLUMNS = ["register", "members", "bills/payments", "cards", "claims", "outbox", "audit"]
AREAS = {Level.KABUPATEN: "regency", Level.KECAMATAN: "kecamatan", Level.DESA: "village"}


def expected(role: Role) -> dict[str, str]:
    card_movers = set().union(*RECORDED_BY.values())
    access = {
        "register": (role.edits_registry and "write") or (role.reads_register and "read"),
        "members": "write" if role.plans else "read",
        "bills/payments": "write" if role.plans or role.approves else "read",
        "cards": "write" if role.plans or role.name in card_movers else "read",
        "claims": "write" if role.plans or role.name in REPORTERS | DECIDERS else "read",
        "outbox": role.reads_outbox and ("write" if role.plans else "read"),
        "audit": role.reads_audit and "read",  # append-only: nobody writes it
    }
    # An office role's area is named by its narrowest level ("regency"): the README says a province office's too.
    area = AREAS[max(role.area_levels)]
    return {column: f"{how}, {area}" if how else "none" for column, how in access.items()}


def readme_table() -> dict[str, dict[str, str]]:
    section = README.read_text().split("## Who sees and changes what", 1)[1].split("\n|", 1)[1]
    lines = ("|" + section).split("\n\n", 1)[0].splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header == ["role", *COLUMNS]
    rows = {}
    for line in lines[2:]:
        name, *cells = [c.strip() for c in line.strip("|").split("|")]
        rows[name] = dict(zip(COLUMNS, cells, strict=True))
    return rows


def test_the_readme_table_says_what_the_roles_may_do():
    table = readme_table()
    assert list(table) == list(ROLES), "one row per role, in the order of roles.py"
    for name, role in ROLES.items():
        assert table[name] == expected(role), f"README's row for {name} is not what the code lets it do"


def test_the_bpjs_officer_reads_members_never_the_register_nor_the_outbox():
    row = readme_table()["Petugas BPJS"]
    assert (row["register"], row["outbox"]) == ("none", "none")
    assert row["members"].startswith("read")
