"""`lindung benefit …`: what a claim would pay, for officers and families (rules/benefits.py).

    lindung benefit jkm --income 1000000 --contribution-months 40 --arrears-months 0 --children-ages 7,15
    lindung benefit jkk-death --income 1000000 --arrears-months 0 --json
    lindung benefit jkk-transport --mode sungai --cost 6000000
    lindung benefit jkk-disability --total --children-ages 4,9
    lindung benefit jkk-disability --percent 10 --function-lost 50

The settings of the regulation in force on the event day (lindung.regulation) decide the open rules; every --json
output names them and the rule version.
"""

import json
import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from lokal import format_rupiah

from lindung.regulation.selectors import calendar, regulation_on
from lindung.rules import benefits
from lindung.rules.contributions import Month, Payer, UnknownTier, contribution, tanggal
from lindung.rules.regulation import VERSION, Regulation

_NUMBER = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+|[0-9]+")  # 1000000 or 1.000.000


def _whole(text: str, what: str) -> int:
    """A whole number of Rupiah, months, days or years, 0 or more, with an Indonesian message."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        raise CommandError(f"{what} harus bilangan bulat 0 atau lebih, misalnya 1000000, bukan {text!r}.")
    return int(text.replace(".", ""))


def _ages(text: str | None) -> list[benefits.Child]:
    if not text:
        return []
    ages = [_whole(part, "Umur anak") for part in text.split(",")]
    if any(age > 100 for age in ages):
        raise CommandError(f"Umur anak harus 0 sampai 100 tahun: {text!r}.")
    return [benefits.Child(age) for age in ages]


def _day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Tanggal peristiwa harus ditulis TTTT-BB-HH, misalnya 2025-04-20, bukan {text!r}.")


class Command(BaseCommand):
    help = ("`benefit jkm|jkk-death|jkk-stmb|jkk-transport|jkk-disability|jkk-home-care …`: the benefit of a "
            "death or a work accident, its components, the total and what is paid now (PP 82/2019).")

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="BENEFIT")

        def kind(name, help_text, *, children=False):
            sub = kinds.add_parser(name, help=help_text)
            sub.add_argument("--income", default="1000000",
                             help="declared monthly income in Rupiah (default 1000000, the programme's tier)")
            sub.add_argument("--arrears-months", default="0",
                             help="months past due and unpaid on the event date (over 3: the membership had lapsed)")
            sub.add_argument("--event-date", help="the death or accident, YYYY-MM-DD (default today)")
            sub.add_argument("--monthly-contribution",
                             help="one month's contribution in Rupiah, for the arrears "
                                  "(default: the APBD rate of the income tier)")
            sub.add_argument("--json", action="store_true",
                             help="print components {name: amount}, total, payable_now, notes, … as JSON")
            if children:
                sub.add_argument("--children-ages", help="ages of the children for the scholarship, e.g. 7,15 "
                                                         "(school level derived from the age)")
            return sub

        kind("jkm", "JKM: death not caused by work", children=True).add_argument(
            "--contribution-months", required=True, help="months of contributions paid (scholarship from 36)")
        kind("jkk-death", "JKK: death from a work accident", children=True)
        kind("jkk-stmb", "JKK: temporary incapacity to work").add_argument(
            "--days", required=True, help="days unable to work")
        transport = kind("jkk-transport", "JKK: transport of the injured worker")
        transport.add_argument("--mode", required=True,
                               help="darat, sungai, danau, laut or udara (land, river, lake, sea, air)")
        transport.add_argument("--cost", required=True, help="the transport cost in Rupiah")
        disability = kind("jkk-disability", "JKK: permanent disability", children=True)
        disability.add_argument("--percent", help="the disability table's percent (partial disability), e.g. 10 or 2,5")
        disability.add_argument("--part", help="the part of the body, read from the disability table (partial)")
        disability.add_argument("--function-lost",
                                help="percent of the part's function lost (partial loss of function), e.g. 50")
        disability.add_argument("--total", action="store_true",
                                help="total permanent disability (with --children-ages for the scholarship)")
        aid = kind("jkk-aid", "JKK: an aid (prosthesis, orthosis, denture, hearing aid, glasses) up to its cap")
        aid.add_argument("--aid", required=True, help="the aid's code in the settings' table of caps, e.g. kacamata")
        aid.add_argument("--cost", required=True, help="the aid's cost in Rupiah")
        kind("jkk-home-care", "JKK: home care").add_argument(
            "--cost", required=True, help="home care cost in its first year, in Rupiah")

    def handle(self, kind, **options):
        day = _day(options["event_date"])
        income = _whole(options["income"], "Penghasilan")
        if income == 0:
            raise CommandError("Penghasilan harus lebih dari 0.")
        arrears = _whole(options["arrears_months"], "Jumlah bulan tunggakan")
        reg = regulation_on(day)
        try:
            status = benefits.status_from_arrears(arrears, day, reg=reg, calendar=calendar())
            common = {"monthly_contribution": self._monthly(options["monthly_contribution"], income, day, status)}
            result = self._benefit(kind, day, status, income, options, common, reg)
        except ValueError as exc:
            raise CommandError(str(exc))
        if options["json"]:
            answer = {**result.as_dict(), "regulation_version": VERSION, "settings": reg.as_dict()}
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
        else:
            self._table(result, income)

    def _monthly(self, given: str | None, income: int, day: date, status) -> int:
        if given is not None:
            return _whole(given, "Iuran per bulan")
        if not status.arrears:
            return 0  # nothing in arrears: no tier needed, so any declared income can be computed
        try:
            return contribution(Month.of(day), Payer.APBD, "", income).total
        except UnknownTier as exc:
            raise CommandError(f"{exc} Atau berikan --monthly-contribution.")

    def _benefit(self, kind, day, status, income, options, common, reg: Regulation):
        match kind:
            case "jkm":
                months = _whole(options["contribution_months"], "Masa iuran (bulan)")
                return benefits.jkm(day, status, contribution_months=months, children=_ages(options["children_ages"]),
                                    **common)
            case "jkk-death":
                return benefits.jkk_death(day, status, income=income, children=_ages(options["children_ages"]),
                                          **common)
            case "jkk-stmb":
                return benefits.jkk_stmb(day, status, income=income, days=_whole(options["days"], "Jumlah hari"),
                                         **common)
            case "jkk-transport":
                return benefits.jkk_transport(day, status, costs={options["mode"]: _whole(options["cost"], "Biaya")},
                                              **common)
            case "jkk-disability":
                partial = [options[o] is not None for o in ("percent", "part")]
                if sum(partial) + options["total"] != 1:
                    raise CommandError("Berikan salah satu: --percent atau --part (cacat sebagian), atau --total "
                                       "(cacat total tetap).")
                if options["total"]:
                    if options["function_lost"] is not None:
                        raise CommandError("--function-lost hanya untuk cacat sebagian.")
                    return benefits.jkk_total_disability(day, status, income=income,
                                                         children=_ages(options["children_ages"]), reg=reg, **common)
                if options["children_ages"]:
                    raise CommandError("--children-ages hanya untuk cacat total tetap (beasiswa anak).")
                return benefits.jkk_partial_disability(day, status, income=income, percent=options["percent"],
                                                       part=options["part"], function_lost=options["function_lost"],
                                                       reg=reg, **common)
            case "jkk-aid":
                return benefits.jkk_aid(day, status, aid=options["aid"], cost=_whole(options["cost"], "Biaya"), reg=reg,
                                        **common)
            case "jkk-home-care":
                return benefits.jkk_home_care(day, status, cost=_whole(options["cost"], "Biaya"), **common)

    def _table(self, result: benefits.Benefit, income: int) -> None:
        in_arrears = result.payable_after_arrears > 0
        rows = [(c.name, format_rupiah(c.amount), "" if c.now or not in_arrears else "setelah tunggakan")
                for c in result.lines]
        rows += [("Jumlah", format_rupiah(result.total), ""), ("Dibayar segera", format_rupiah(result.payable_now), "")]
        if in_arrears:
            rows += [("Setelah tunggakan dilunasi", format_rupiah(result.payable_after_arrears), ""),
                     ("Tunggakan iuran yang dilunasi dulu", format_rupiah(result.arrears_amount), "")]
        name_width = max(len(r[0]) for r in rows)
        amount_width = max(len(r[1]) for r in rows)
        out = [f"{result.benefit}, peristiwa {tanggal(result.event_day)}, penghasilan {format_rupiah(income)}: "
               f"{result.status.label}",
               *(f"  {n.ljust(name_width)}  {a.rjust(amount_width)}  {w}".rstrip() for n, a, w in rows),
               f"Aturan: {result.rule_version}", "Catatan:", *(f"- {note}" for note in result.notes)]
        self.stdout.write("\n".join(out))
