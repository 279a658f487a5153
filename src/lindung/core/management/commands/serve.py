import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Lindung with gunicorn (static files by whitenoise), as a deployment would."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("LINDUNG_WEB_WORKERS", "2")))

    def handle(self, host, port, workers, **options):
        self.stdout.write(self.style.SUCCESS(f"Buka http://{host}:{port}/  (Ctrl+C untuk berhenti)"))
        sys.stdout.flush()
        args = ["gunicorn", "lindung.wsgi:application", "--bind", f"{host}:{port}", "--workers", str(workers),
                "--timeout", "120", "--graceful-timeout", "10"]
        # Replace this process: signals (Ctrl+C) go straight to gunicorn.
        os.execvp(sys.executable, [sys.executable, "-m", *args])
