"""`manage.py devserver [ADDRPORT]`: the development server and an import worker together (README quick start)."""
import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Run the development server (runserver) and one import worker (db_worker) in one terminal, "
            "so that uploads are processed; Ctrl+C stops both. In production run them separately "
            "(README: Production settings).")

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="", help="as for runserver, e.g. 127.0.0.1:8000")

    def handle(self, *args, addrport="", **options):
        # runserver's autoreloader runs this command again in a child process on every code
        # change; only the outer process starts the worker, which reloads itself in DEBUG.
        worker = None
        if os.environ.get("RUN_MAIN") != "true":
            worker = subprocess.Popen([sys.executable, sys.argv[0], "db_worker"])
            self.stdout.write(f"import worker started (pid {worker.pid})")
        try:
            call_command("runserver", *([addrport] if addrport else []))
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
