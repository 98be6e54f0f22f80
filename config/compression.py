"""Brotli for the HTML, CSV and JSON responses of clients that accept it; gzip stays Django's.

Listed below GZipMiddleware, so it sees the response first: a client accepting br gets brotli and
GZipMiddleware then leaves the response alone (it skips anything with a Content-Encoding);
every other client gets Django's gzip, with its BREACH padding. Brotli has no such padding;
the secret in our pages, the CSRF token, is masked afresh for every response (Django's own
BREACH defence), and session cookies never enter a body. Static files are not seen here:
WhiteNoise serves them precompressed before this middleware runs.

Own code rather than django-compression-middleware (last release 0.5.0, March 2023): that package
replaces Django's gzip (losing its BREACH padding), and we need nothing but brotli beside it.
"""
from __future__ import annotations

import brotli
from django.utils.cache import patch_vary_headers

# Quality 5 compresses a 100 kB page in about a millisecond, within a few per cent of the
# size quality 11 reaches, which takes a hundred times longer (fine for static files, which
# WhiteNoise compresses once at collectstatic, not for every request).
QUALITY = 5
MIN_LENGTH = 200  # as GZipMiddleware: smaller bodies do not shrink


def accepts(accept_encoding: str, coding: str) -> bool:
    """True when the Accept-Encoding header lists `coding` (or *) with a non-zero q-value."""
    for item in accept_encoding.split(","):
        name, _sep, params = item.strip().partition(";")
        if name.strip().lower() not in (coding, "*"):
            continue
        q = params.strip()
        if q.lower().startswith("q="):
            try:
                return float(q[2:]) > 0
            except ValueError:
                return False
        return True
    return False


class BrotliMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Vary on every compressible response, compressed or not: caches must not hand a brotli
        # body to a client that asked for gzip, nor the reverse.
        if response.streaming or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if len(response.content) < MIN_LENGTH or not accepts(request.META.get("HTTP_ACCEPT_ENCODING", ""), "br"):
            return response
        compressed = brotli.compress(response.content, quality=QUALITY, mode=brotli.MODE_TEXT)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag  # the bytes differ from the uncompressed ones
        response.headers["Content-Encoding"] = "br"
        return response
