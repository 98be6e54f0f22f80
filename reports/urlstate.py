"""Links that change one piece of the URL state: set, remove or toggle a GET parameter.

The URL is the page state (DESIGN.md), so every "remove this filter", sort, page and toggle
link is the current query string with one change. Build them here, never by pasting strings
in templates. All functions take the request's QueryDict (``request.GET``), leave it untouched
and return an href: ``"?a=1&b=2"``, or ``path + "?..."`` when ``path`` is given. An empty
result is ``"?"`` (or ``path``), which browsers resolve to the page without a query, never
``""`` (which would keep the current query).

Changing anything but the page drops ``page``: a new filter or sort starts on page 1.

    >>> from django.http import QueryDict
    >>> q = QueryDict("province=3&year__gte=2019&page=4")
    >>> url_without(q, "year__gte")
    '?province=3'
    >>> url_with(q, {"o": "-year"})
    '?province=3&year__gte=2019&o=-year'
    >>> url_with(q, {"page": 5})
    '?province=3&year__gte=2019&page=5'
    >>> url_toggle(q, "include_unreviewed")
    '?province=3&year__gte=2019&include_unreviewed=1'
"""
from django.http import QueryDict

PAGE = "page"


def _href(query, path):
    encoded = query.urlencode()
    if encoded:
        return f"{path}?{encoded}"
    return path or "?"


def _clean(params, *, keep_page):
    """Return a mutable copy without empty values (short, canonical links) and, unless asked, the page."""
    query = QueryDict(mutable=True)
    for name, values in params.lists():
        if name == PAGE and not keep_page:
            continue
        kept = [v for v in values if v not in ("", None)]
        if kept:
            query.setlist(name, kept)
    return query


def url_with(params, changes=None, *, path="", drop=()):
    """Return an href with ``changes`` applied: {name: value | list of values | None}.

    A value replaces every value of that name (a list sets a multi-valued parameter; None or
    "" removes it); names in ``drop`` are removed too. The page is kept only when the
    change is the page itself.
    """
    changes = dict(changes or {})
    query = _clean(params, keep_page=set(changes) == {PAGE})
    for name in drop:
        query.pop(name, None)
    for name, value in changes.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        values = [str(v) for v in values if v not in ("", None)]
        if values:
            query.setlist(name, values)
        else:
            query.pop(name, None)
    return _href(query, path)


def url_without(params, name, value=None, *, path=""):
    """Return an href without parameter ``name`` or, given ``value``, without that one value of it
    (for multi-valued parameters such as ``regions=1&regions=2``)."""
    query = _clean(params, keep_page=False)
    if value is None:
        query.pop(name, None)
    else:
        kept = [v for v in query.getlist(name) if v != str(value)]
        if kept:
            query.setlist(name, kept)
        else:
            query.pop(name, None)
    return _href(query, path)


def url_toggle(params, name, value="1", *, path=""):
    """Return an href that removes ``name=value`` when present and adds it otherwise."""
    if str(value) in params.getlist(name):
        return url_without(params, name, value, path=path)
    query = _clean(params, keep_page=False)
    query.setlist(name, query.getlist(name) + [str(value)])
    return _href(query, path)


def sort_links(params, fields, *, name="o", path=""):
    """Return {field: {"url", "direction"}} for sortable column headers.

    ``direction`` is "ascending"/"descending" for the column the URL sorts by (for aria-sort),
    else "none"; ``url`` sorts by the column ascending, or descending when it already is
    ascending. ``fields`` are the parameter values the ordering filter accepts.
    """
    current = params.get(name, "")
    out = {}
    for field in fields:
        if current == field:
            out[field] = {"url": url_with(params, {name: f"-{field}"}, path=path), "direction": "ascending"}
        elif current == f"-{field}":
            out[field] = {"url": url_with(params, {name: field}, path=path), "direction": "descending"}
        else:
            out[field] = {"url": url_with(params, {name: field}, path=path), "direction": "none"}
    return out
