import os
import sys
from contextlib import contextmanager
from json import dumps

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from lokal import format_rupiah

from lindung.regulation.selectors import calendar, regulation_on
from lindung.accounts.cli import USER_HELP, cli_user
from lindung.core.forms import parse_rupiah
from lindung.programs import revision_selectors, revision_services, selectors
from lindung.programs.cli import cli_programme
from lindung.programs.models import Programme, Scenario
from lindung.rules.contributions import Month
from lindung.rules.planner import PlanInput, SolverError, plan


def _n(value: int) -> str:
    return format_rupiah(value, symbol=False)


def _rupiah(text: str) -> int:
    try:
        return parse_rupiah(text)
    except ValueError:
        raise CommandError(f"Pagu {text!r} bukan jumlah Rupiah utuh: tulis misalnya 500000000 atau 500.000.000.")


def _refused(exc: Exception) -> CommandError:
    return CommandError(" ".join(getattr(exc, "messages", None) or [str(exc)]))


@contextmanager
def _solver_banner_to_stderr():
    """HiGHS prints its banner on file descriptor 1 when first used: keep stdout for the answer."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


class Command(BaseCommand):
    help = "What a budget buys for the programme's eligible workers: the scenarios side by side."

    def add_arguments(self, parser):
        # `plan --budget RP --year Y …` (what a budget buys); `plan revise CODE --from YYYY-MM --budget RP …` (a
        # revision of a running plan, saved as a draft version); `plan approve-revision CODE VERSION --user U`.
        parser.add_argument("action", nargs="?", choices=["revise", "approve-revision"],
                            help="revise: the plan of programme CODE from a month with a new ceiling; "
                                 "approve-revision: make version VERSION the plan in force")
        parser.add_argument("code", nargs="?", metavar="CODE", help="programme code (revise, approve-revision)")
        parser.add_argument("version", nargs="?", type=int, metavar="VERSION", help="plan version (approve-revision)")
        parser.add_argument("--budget", help="budget ceiling (pagu) in Rupiah, e.g. 500.000.000")
        parser.add_argument("--year", type=int)
        parser.add_argument("--programme", help="programme code (default: the year's first programme)")
        parser.add_argument("--start", help="first month, YYYY-MM (default: January of the year)")
        parser.add_argument("--min-months", type=int, default=6, help="minimum consecutive months in the optimum")
        parser.add_argument("--from", dest="revise_from", metavar="YYYY-MM", help="revise: the first month it changes")
        parser.add_argument("--kind", choices=Scenario.Kind.values,
                            help="revise: the scenario saved (default: the plan's own)")
        parser.add_argument("--reason", help="revise: why, e.g. 'APBD-P 2026' (default: APBD-P and the year)")
        parser.add_argument("--user", help=USER_HELP)
        parser.add_argument("--json", action="store_true")

    def handle(self, budget, year, programme, start, min_months, json, **options):
        if options["action"] == "revise":
            return self.revise(options["code"], options["revise_from"], budget, options["kind"], options["reason"],
                               options["user"], json)
        if options["action"] == "approve-revision":
            return self.approve(options["code"], options["version"], options["user"])
        if budget is None or year is None:
            raise CommandError("Sebutkan --budget RP dan --year TAHUN (atau: plan revise KODE --from YYYY-MM --budget RP).")
        budget = _rupiah(budget)
        found = Programme.objects.filter(code=programme) if programme else Programme.objects.filter(year=year)
        chosen = found.order_by("code").first()
        if chosen is None:
            raise CommandError(f"Tidak ada program {programme or year}: buat programnya dulu (lindung demo membuat kaur-2025).")
        try:
            first = Month.parse(start) if start else Month(year, 1)
            cost = selectors.monthly_cost(chosen)
            inp = PlanInput(budget=budget, first=first, last=Month(year, 12), cost_per_month=cost,
                            min_consecutive=min_months,
                            reg=regulation_on(first.first_day), calendar=calendar())
        except ValueError as exc:
            raise CommandError(str(exc))
        workers = selectors.regency_candidates(chosen).workers
        try:
            with _solver_banner_to_stderr():
                scenarios = plan(workers, inp)
        except SolverError as exc:
            raise CommandError(str(exc))
        rows = [selectors.figures(s) for s in scenarios]
        if json:
            out = {"programme": chosen.code, "monthly_cost_per_person": cost, "candidates": len(workers),
                   "scenarios": [{k: v for k, v in row.items() if k not in ("title", "warnings")} for row in rows]}
            self.stdout.write(dumps(out))
            return
        self.stdout.write(f"Program {chosen.code}: {_n(len(workers))} calon layak, iuran Rp{_n(cost)}/orang/bulan")
        for s, row in zip(scenarios, rows):
            self.stdout.write(f"\n{s.title}\n  {_n(row['people'])} orang, hingga {row['months']} bulan, "
                              f"{_n(row['person_months'])} orang-bulan, biaya Rp{_n(row['cost'])}, sisa Rp{_n(row['remaining'])}")
            for line in ([s.remainder_buys] if s.remainder_buys else []) + s.warnings:
                self.stdout.write(f"  · {line}")

    def revise(self, code, revise_from, budget, kind, reason, user, json):
        """`plan revise CODE --from YYYY-MM --budget RP`: the revision's scenario saved as the next plan version, a
        draft for another Admin Dinas to approve; prints what it means."""
        if not code or not revise_from or budget is None:
            raise CommandError("plan revise KODE --from YYYY-MM --budget RP")
        actor, chosen = cli_user(user), cli_programme(code)
        amount = _rupiah(budget)
        try:
            month = Month.parse(revise_from)
        except ValueError as exc:
            raise CommandError(str(exc))
        kind = kind or (chosen.plan.kind if chosen.plan else Scenario.Kind.EVERYONE)
        try:
            with _solver_banner_to_stderr():
                saved = revision_services.propose_revision(actor, chosen, month, amount, kind,
                                                           reason or f"APBD-P {chosen.year}")
        except (ValidationError, PermissionDenied) as exc:
            raise _refused(exc)
        c = saved.consequence
        if json:
            self.stdout.write(dumps({"programme": chosen.code, "version": saved.version, "kind": kind,
                                     "from": str(month), "budget": amount,
                                     **{k: v for k, v in c.items() if k != "name"}}))
            return
        self.stdout.write(
            f"Versi {saved.version} rencana {chosen.code} ({saved.get_kind_display()}, mulai {month}, pagu "
            f"Rp{_n(amount)}) disimpan sebagai draf: {_n(c['people'])} orang, biaya Rp{_n(c['cost'])} (bulan sebelum "
            f"{month}: Rp{_n(c['fixed_cost'])}), sisa Rp{_n(c['remaining'])}; {_n(c['losing_cover'])} kehilangan "
            f"perlindungan, {_n(c['gaining_cover'])} bertambah. Admin Dinas lain menyetujuinya.")
        for day, n in c["lapse_dates"].items():
            self.stdout.write(f"  · {_n(n)} nonaktif pada {day} bila tidak membayar mandiri")

    def approve(self, code, version, user):
        """`plan approve-revision CODE VERSION --user U`: the four-eyes step, as on the page."""
        if not code or version is None:
            raise CommandError("plan approve-revision KODE VERSI --user NAMA")
        actor, chosen = cli_user(user), cli_programme(code)
        scenario = revision_selectors.versions(chosen).filter(version=version).first()
        if scenario is None:
            raise CommandError(f"Program {chosen.code} tidak punya versi rencana {version}.")
        try:
            revision_services.approve_revision(actor, scenario)
        except (ValidationError, PermissionDenied) as exc:
            raise _refused(exc)
        self.stdout.write(f"Versi {version} kini rencana program {chosen.code}.")
