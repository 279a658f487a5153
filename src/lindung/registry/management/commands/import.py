import json
import os
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from lindung.accounts.cli import USER_HELP, cli_user
from lindung.pipeline.readers import ReadError
from lindung.registry.imports import services as imports
from lindung.registry.models import ImportBatch
from lindung.wilayah import deployment
from lindung.wilayah.models import Level, level_of

SOURCES = ["auto", "p3ke", "p3ke_keluarga", "p3ke_individu", "dtsen", "template"]


class Command(BaseCommand):
    help = ("Check a P3KE/DTSEN/template spreadsheet and stage it for approval (or --dry-run: check only); "
            "--approve NUMBER commits a staged import (Impor #NUMBER).")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path)
        parser.add_argument("--source", choices=SOURCES, default="auto")
        parser.add_argument("--dry-run", action="store_true", help="check the file, store nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--user", help=USER_HELP)
        parser.add_argument("--approve", type=int, metavar="NUMBER", help="approve staged import NUMBER (as --user)")

    def handle(self, path, source, dry_run, json, user, approve, **options):
        console = Console(stderr=True, quiet=json)
        try:
            if approve is not None:
                batch = imports.approve(cli_user(user), ImportBatch.objects.get(number=approve))
                return self._print(batch.report, json, batch=batch)
            if path is None or not path.exists():
                raise CommandError(f"Berkas {path} tidak ada.")
            with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                          TimeElapsedColumn(), console=console) as bar:
                task = bar.add_task("Memulai", total=100)
                progress = lambda pct, text: bar.update(task, completed=pct, description=text)  # noqa: E731
                if dry_run:
                    area = self._area(user)
                    result = imports.analyse(path, source=source, progress=progress, area=area)
                else:
                    batch = imports.stage(imports.create_batch(cli_user(user), imports.file_chunks(path), path.name, source=source))
                bar.update(task, completed=100, description="Selesai")
        except ReadError as exc:
            raise CommandError(str(exc))
        except (PermissionDenied, ValidationError, ImportBatch.DoesNotExist) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])) or "Tidak diizinkan.")
        if dry_run:
            if result["read"].missing_required:
                raise CommandError("Kolom wajib tidak ditemukan: " + ", ".join(result["read"].missing_required))
            report = {**result["report"], "inserted": 0, "updated": 0, "area": area}
            return self._print(report, json, found=result["findings"], pairs=result["pairs"])
        if batch.status != ImportBatch.Status.STAGED:
            raise CommandError(f"Impor #{batch.number}: {batch.get_status_display()}. {batch.error}")
        self._print({**batch.report, "inserted": 0, "updated": 0}, json, batch=batch, found=imports.findings(batch),
                    pairs=imports.staged_pairs(batch))

    def _area(self, username: str | None) -> str | None:
        """The area a dry run checks the file against: the one the real import would, its uploader's (--user or
        LINDUNG_USER). Without one, the whole deployment: in a province deployment a regency office's import may
        refuse rows this check accepts (villages and people of another regency), which it says."""
        if username or os.environ.get("LINDUNG_USER"):
            uploader = cli_user(username)
            imports.check_uploader(uploader)
            return uploader.area_id
        if level_of(deployment.root()) == Level.PROVINSI:
            self.stderr.write(
                f"Tanpa --user (atau LINDUNG_USER), berkas diperiksa terhadap seluruh {deployment.name() or 'provinsi'}. "
                "Impor oleh dinas kabupaten menolak baris berdesa atau ber-NIK peserta di luar kabupatennya, yang di "
                "sini lolos: sebutkan --user NAMA pengunggah untuk hasil yang sama dengan impornya.")
        return None

    def _print(self, report, as_json, *, batch=None, found=None, pairs=None):
        if as_json:
            out = {k: report.get(k, 0) for k in ("rows", "valid", "duplicate_nik", "inserted", "updated", "seconds")}
            if "area" in report:
                out["area"] = report["area"]  # a dry run's: the area the file was checked against (None: all)
            listed = lambda severity: [  # noqa: E731
                {k: f[k] for k in ("row", "column", "code", "message")}
                for f in found.filter(found["severity"] == severity).iter_rows(named=True)
            ] if found is not None else []
            out["errors"], out["warnings"] = listed("error"), listed("warning")
            out["probable_duplicates"] = [
                {"row": p["row"], "other": p["other"], "probability": round(p["probability"], 4)}
                for p in pairs.iter_rows(named=True)
            ] if pairs is not None else []
            if batch is not None:
                out["import"] = batch.number
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            return
        for key in ("rows", "valid", "errors", "warnings", "duplicate_nik", "probable_duplicates", "to_insert",
                    "to_update", "inserted", "updated", "seconds"):
            if key in report:
                self.stdout.write(f"{key:>20}: {report[key]}")
        if "area" in report:  # a dry run: the area it checked the file against
            self.stdout.write(f"{'area':>20}: {report['area'] or 'seluruh wilayah layanan'}")
        if same := report.get("same_file_as"):
            self.stdout.write(f"Berkas ini sama dengan impor #{same['number']} "
                              f"({ImportBatch.Status(same['status']).label}).")
        if batch is not None and batch.status == ImportBatch.Status.STAGED:
            self.stdout.write(f"Impor #{batch.number} menunggu persetujuan Admin Dinas lain: "
                              f"lindung import --approve {batch.number} --user NAMA")
