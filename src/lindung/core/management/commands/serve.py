import os
import subprocess
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Lindung with gunicorn (static files by whitenoise) and a background-job worker."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("LINDUNG_WEB_WORKERS", "2")))

    def handle(self, host, port, workers, **options):
        python = sys.executable
        jobs = subprocess.Popen([python, "-m", "lindung.cli", "db_worker", "--queue-name", "*", "--interval", "1"])
        web = subprocess.Popen([python, "-m", "gunicorn", "lindung.wsgi:application", "--bind", f"{host}:{port}",
                                "--workers", str(workers), "--timeout", "300", "--graceful-timeout", "10"])
        self.stdout.write(self.style.SUCCESS(f"Buka http://{host}:{port}/  (Ctrl+C untuk berhenti)"))
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for process in (web, jobs):
                process.terminate()
            for process in (web, jobs):
                process.wait(timeout=30)
