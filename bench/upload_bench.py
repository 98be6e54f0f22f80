"""Benchmark: a province's zip of 1,500 reports uploaded through the admin behind gunicorn (issue 9).

Starts gunicorn (its default 30 s worker timeout) and import workers over DATABASE_URL, signs in
as a throwaway superuser, posts a zip of synthetic text reports (tests/synthetic.py) to the
upload page, and reports how long the request took (budget: under 2 s) and how long the
workers took, following the batch's JSON as its page does; then checks every file of the
batch was accounted for.

    createdb -h 127.0.0.1 -U postgres ingest_bench    # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ingest_bench .venv/bin/python bench/upload_bench.py --files 1500
"""
from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="upload-bench-media-"))
# gunicorn serves plain http on the loopback here: no HTTPS redirect, no secure-only cookies, and
# static files straight from the apps (no collectstatic run).
os.environ.update(DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SECURE_COOKIES="0", DJANGO_PLAIN_STATIC="1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from reports.models import ImportBatch  # noqa: E402
from tests import synthetic  # noqa: E402


def zip_of(n: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in synthetic.reports(n, run=str(int(time.time()) % 100000)):
            zf.writestr(f"province/{name}", data)
    return buf.getvalue()


def multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for field, filename, data in files:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                  f"Content-Type: application/zip\r\n\r\n".encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class Browser:
    """Just enough of a browser for Django's admin: cookies, the CSRF token, no redirects followed."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path, data=None, content_type=None):
        req = urllib.request.Request(self.base + path, data=data)
        if content_type:
            req.add_header("Content-Type", content_type)
        try:
            with self.opener.open(req, timeout=120) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()

    def csrf(self, path):
        _status, _headers, body = self.request(path)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8102)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    password = secrets.token_urlsafe(16)
    username = f"upload-bench-{secrets.token_hex(4)}"
    get_user_model().objects.create_superuser(username, f"{username}@example.invalid", password)
    payload = zip_of(args.files)
    print(f"zip of {args.files} files: {len(payload) / 1e6:.1f} MB; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application",
                               "--bind", f"127.0.0.1:{args.port}", "--workers", "2"], cwd=ROOT)
    workers = [subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
                                 "--interval", "0.2", "--verbosity", "0"], cwd=ROOT) for _ in range(args.workers)]
    try:
        time.sleep(4)
        browser = Browser(f"http://127.0.0.1:{args.port}")
        token = browser.csrf("/admin/login/")
        status, _h, _b = browser.request("/admin/login/", urllib.parse.urlencode({
            "username": username, "password": password, "csrfmiddlewaretoken": token,
            "next": "/admin/"}).encode(), "application/x-www-form-urlencoded")
        assert status == 302, f"login failed: HTTP {status}"
        body, content_type = multipart({"csrfmiddlewaretoken": browser.csrf("/admin/reports/report/upload/")},
                                       [("files", "province.zip", payload)])
        start = time.perf_counter()
        status, headers, _b = browser.request("/admin/reports/report/upload/", body, content_type)
        took = time.perf_counter() - start
        page = headers.get("Location", "")
        print(f"upload request: HTTP {status} in {took:.2f} s (budget 2 s) -> {page}", flush=True)
        assert status == 302 and "/admin/reports/importbatch/" in page, "the upload did not redirect to its batch"
        while True:
            _s, _h, raw = browser.request(page.replace("/change/", "/progress/"))
            data = json.loads(raw)
            if not data["open"]:
                break
            time.sleep(1.5)
        elapsed = time.perf_counter() - start
    finally:
        for proc in (server, *workers):
            proc.send_signal(signal.SIGTERM)
        for proc in (server, *workers):
            proc.wait(timeout=60)
    batch = ImportBatch.objects.get(pk=int(page.rstrip("/").split("/")[-2]))
    counts = {c["status"]: c["n"] for c in data["counts"]}
    accounted = batch.files.exclude(status="pending").count()
    print(f"batch #{batch.pk} {data['state']} in {elapsed:.1f} s with {args.workers} worker(s): {counts}; "
          f"{accounted} of {batch.total} files accounted for", flush=True)
    assert accounted == batch.total == args.files and data["state"] == "finished"


if __name__ == "__main__":
    main()
