from datetime import date, datetime

from ninja import Schema


class CardStatusOut(Schema):
    kecamatan: str
    name: str
    printed: int
    at_dinas: int
    at_camat: int
    at_village: int
    delivered: int
    returned: int
    overdue: int


class CardOut(Schema):
    number: str  # KPJ-version, as printed on the card
    kpj: str
    nama: str
    desa: str
    programme: str
    status: str
    since: datetime
    return_reason: str
    void_reason: str
    overdue: bool


class ReplaceIn(Schema):
    reason: str  # lost, damaged or wrong_data
    layout: str = "a4"  # a4 or card


class PrintIn(Schema):
    programme: str
    kecamatan: str  # its code, e.g. 17.04.05
    layout: str = "a4"


class PrintBatchOut(Schema):
    programme: str
    number: int  # the print run's number in its programme: "kaur-2025 #3"
    kecamatan: str
    cards: int
    layout: str
    created: datetime


class HandoverIn(Schema):
    cards: list[str]  # card numbers
    to_status: str  # at_dinas, at_camat, at_village, delivered or returned
    giver_name: str
    giver_role: str
    receiver_name: str
    receiver_role: str
    place: str
    happened_on: date
    reason: str = ""  # returned: moved, deceased, unknown or refused
    id_checked: bool = False  # delivered: the recipient's KTP was checked


class HandoverCardOut(Schema):
    number: str
    kpj: str
    nama: str
    desa: str


class HandoverOut(Schema):
    number: str  # BA-YYYY-NNNN, the minutes' number
    from_status: str
    to_status: str
    giver_name: str
    giver_role: str
    receiver_name: str
    receiver_role: str
    place: str
    happened_on: date
    id_checked: bool
    cards: list[HandoverCardOut]
