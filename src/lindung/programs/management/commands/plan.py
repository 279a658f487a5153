import os
import sys
from contextlib import contextmanager
from json import dumps

from django.core.management.base import BaseCommand, CommandError
from lokal import format_rupiah

from lindung.programs import selectors
from lindung.programs.models import Programme
from lindung.rules.contributions import Month
from lindung.rules.planner import PlanInput, SolverError, plan


def _n(value: int) -> str:
    return format_rupiah(value, symbol=False)


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
        parser.add_argument("--budget", type=int, required=True, help="budget ceiling (pagu) in Rupiah")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--programme", help="programme code (default: the year's first programme)")
        parser.add_argument("--start", help="first month, YYYY-MM (default: January of the year)")
        parser.add_argument("--min-months", type=int, default=6, help="minimum consecutive months in the optimum")
        parser.add_argument("--json", action="store_true")

    def handle(self, budget, year, programme, start, min_months, json, **options):
        found = Programme.objects.filter(code=programme) if programme else Programme.objects.filter(year=year)
        chosen = found.order_by("code").first()
        if chosen is None:
            raise CommandError(f"Tidak ada program {programme or year}: buat programnya dulu (lindung demo membuat kaur-2025).")
        try:
            first = Month.parse(start) if start else Month(year, 1)
            cost = selectors.monthly_cost(chosen)
            inp = PlanInput(budget=budget, first=first, last=Month(year, 12), cost_per_month=cost,
                            min_consecutive=min_months)
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
