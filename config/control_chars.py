"""Middleware answering 400 to requests whose URL or form fields carry control characters.

PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), so `?term=%00` on
/admin/autocomplete/ was a 500 (issue 10, item 11); no field of this application takes other
control characters either. Query strings and paths refuse every C0 control and DEL; posted form
fields keep tab, newline and carriage return, which text areas (reasons, notes) send. Uploaded
file contents are bytes and are not looked at.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

IN_URL = re.compile(r"[\x00-\x1f\x7f]")
IN_FORM = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def url_has_control(path: str, query_string: str) -> bool:
    """True when the decoded path or query string (names or values) holds a C0 control or DEL."""
    query = unquote(query_string.replace("+", " "), errors="replace")
    return bool(IN_URL.search(path) or IN_URL.search(query))


def form_has_control(fields) -> bool:
    """True when a posted field name or value (a QueryDict) holds a control other than tab/newline."""
    return any(IN_FORM.search(name) or any(IN_FORM.search(v) for v in values)
               for name, values in fields.lists())


class RejectControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if url_has_control(request.path, request.META.get("QUERY_STRING", "")):
            return self.refuse()
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        # After URL resolution, before the view: only requests a view would read are parsed.
        if request.method == "POST" and request.content_type in FORM_TYPES and form_has_control(request.POST):
            return self.refuse()
        return None

    @staticmethod
    def refuse():
        return HttpResponseBadRequest(
            _("请求含有控制字符（如 NUL），无法处理。请检查链接或输入的文字。"),
            content_type="text/plain; charset=utf-8",
        )
