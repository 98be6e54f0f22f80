"""Facet counts beside a list's filters, as Datasette shows them: for each facet, its values with
the number of rows each would give, and a link that toggles it.

The rule is the usual one: a facet is counted under every other active filter but not its own
(nor the filters it replaces), so the user sees the alternatives to the value chosen. Counts
are GROUP BYs in the database, top values only; facets that count the same rows share one scan
on PostgreSQL. Counting a facet reads every row of its set, so a facet whose set is larger than
`max_rows` (settings.LIST_FACET_MAX_ROWS), or on PostgreSQL whose scan the planner expects to
cost more than settings.LIST_MAX_COST (nothing is read to decide: reports/paging.py), shows its
values without counts, and the page says so (issue 11: a million reports).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, Model

from reports.paging import RowCount, too_many_to_count
from reports.urlstate import url_with, url_without

FACET_SIZE = 30          # values shown per facet, the largest first
FACET_SIZE_MAX = 1000    # facet_size=max: every value (bounded all the same)
SIZE_PARAM = "facet_size"


@dataclass(frozen=True)
class Facet:
    """One facet: the URL parameter its values set and what the database groups by.

    `column` is a field name or an expression; `choices()` lists its (key, label) pairs: the
    labels of the values counted, and the values shown when the facet is too large to count;
    `label_of(key)`, when given, labels a counted value instead (years need no lookup).
    `excludes` are the filters left out when counting besides its own (those it supersedes:
    prefecture and county for province); `drop` are the parameters its links remove;
    `link_extra(key)` adds parameters to a value's link (status: include_unreviewed).
    """

    name: str
    label: str
    column: object
    choices: Callable[[], list]
    label_of: Callable[[str], str] | None = None
    excludes: tuple = ()
    drop: tuple = ()
    by_value: bool = False              # order by the value (descending), not by count
    widens: bool = False                # counts over more rows than the list (status for staff)
    link_extra: Callable[[str], dict] = field(default=lambda key: {})

    @property
    def own_filters(self):
        return (self.name, *self.excludes)


@dataclass
class FacetValue:
    key: str
    label: str
    count: int | None
    selected: bool
    url: str


@dataclass
class FacetResult:
    name: str
    label: str
    counted: bool
    values: list
    truncated: bool = False
    more_url: str = ""

    def as_json(self):
        return {
            "name": self.name, "label": str(self.label), "counted": self.counted,
            "truncated": self.truncated, "more_url": self.more_url or None,
            "values": [{"value": v.key, "label": str(v.label), "count": v.count, "selected": v.selected,
                        "toggle_url": v.url} for v in self.values],
        }


def max_facet_rows():
    """A facet whose set has more rows than this lists its values without counts."""
    return settings.LIST_FACET_MAX_ROWS


def key_of(value):
    """The URL spelling of a value: ids for objects, true/false for flags, else str."""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def facet_size(params):
    value = params.get(SIZE_PARAM, "")
    if value == "max":
        return FACET_SIZE_MAX
    try:
        return min(max(int(value), 1), FACET_SIZE_MAX)
    except ValueError:
        return FACET_SIZE


def _column(facet):
    return F(facet.column) if isinstance(facet.column, str) else facet.column


def _ordered(facet, pairs, size):
    """The facet's values in display order, cut to `size` + 1 (one more tells "truncated")."""
    if facet.by_value:
        pairs = sorted(pairs, key=lambda p: p[0], reverse=True)
    else:
        pairs = sorted(pairs, key=lambda p: (-p[1], p[0]))
    return [(key_of(value), n) for value, n in pairs[: size + 1]]


def group_counts(queryset, facet, *, size):
    """Return [(key, count)] of the facet's largest `size` + 1 values in `queryset`: one query.
    Rows without a value (NULL) are not a choice a filter offers and are left out."""
    rows = (
        queryset.order_by().annotate(facet_value=_column(facet)).filter(facet_value__isnull=False)
        .values("facet_value").annotate(n=Count("pk"))
        .order_by(*(("-facet_value",) if facet.by_value else ("-n", "facet_value")))
    )[: size + 1]
    return [(key_of(r["facet_value"]), r["n"]) for r in rows]


def shared_counts(queryset, facets, *, size):
    """Return {facet name: [(key, count)]} for facets that count the same rows.

    On PostgreSQL one query, GROUP BY GROUPING SETS: a single scan of the rows for all of them
    (they are the list's own rows whenever no facet's filter is set, the common case), where a
    GROUP BY each would read them once per facet. Elsewhere one group_counts() per facet. The
    facets here have small domains (provinces, years, layouts ...), so every group comes back
    and each facet keeps its top `size` + 1.
    """
    connection = connections[queryset.db]
    if len(facets) < 2 or connection.vendor != "postgresql":
        return {f.name: group_counts(queryset, f, size=size) for f in facets}
    aliases = [f"facet_{i}" for i in range(len(facets))]
    inner = queryset.order_by().annotate(**{a: _column(f) for a, f in zip(aliases, facets)}).values(*aliases)
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # invalid filters: queryset.none()
        return {f.name: [] for f in facets}
    columns = ", ".join(connection.ops.quote_name(a) for a in aliases)
    sets = ", ".join(f"({connection.ops.quote_name(a)})" for a in aliases)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, GROUPING({columns}), COUNT(*) FROM ({sql}) facet_rows GROUP BY GROUPING SETS ({sets})",
            params,
        )
        rows = cursor.fetchall()
    width = len(facets)
    found = {f.name: [] for f in facets}
    for row in rows:
        values, grouping, n = row[:width], row[width], row[width + 1]
        # GROUPING() has a 1 bit for every column not grouped; the first column is the highest bit.
        i = next(i for i in range(width) if not grouping & (1 << (width - 1 - i)))
        if values[i] is not None:
            found[facets[i].name].append((values[i], n))
    return {f.name: _ordered(f, found[f.name], size) for f in facets}


def facet_results(facets, *, base_for, selected, page_count: RowCount, params, max_rows, path=""):
    """Return a FacetResult per facet.

    `base_for(facet)` is the queryset a facet counts (the list's filters without its own);
    `selected` maps a facet name to the key chosen in the URL (absent: none); `page_count` is
    the list's own count, which decides for facets whose set is the list's; `params` the
    request's GET, for the toggle links. Queries: one for the facets that count the list's own
    rows (PostgreSQL; one each elsewhere), and for each facet whose own filter is set one to
    size its set (an EXPLAIN on PostgreSQL) and one to count it.
    """
    size = facet_size(params)
    plans = []
    for facet in facets:
        base = base_for(facet)
        own = facet.widens or any(params.get(name) for name in facet.own_filters)
        if own:
            too_many = too_many_to_count(base, max_rows=max_rows)
        else:
            too_many = page_count.estimated or page_count.costly or page_count.value > max_rows
        plans.append((facet, base, own, too_many))
    # Facets whose own filters are not set count the list's rows: together, in one scan.
    shared = [(facet, base) for facet, base, own, too_many in plans if not own and not too_many]
    counted = shared_counts(shared[0][1], [f for f, _b in shared], size=size) if shared else {}
    out = []
    for facet, base, own, too_many in plans:
        chosen = selected.get(facet.name)
        if too_many:
            pairs = [(key, label, None) for key, label in facet.choices()]
            truncated = False
        else:
            counts = counted[facet.name] if facet.name in counted else group_counts(base, facet, size=size)
            truncated = len(counts) > size
            counts = counts[:size]
            labels = {key: facet.label_of(key) for key, _n in counts} if facet.label_of else dict(facet.choices())
            pairs = [(key, labels.get(key, key), n) for key, n in counts]
        values = [
            FacetValue(key=key, label=label, count=n, selected=key == chosen,
                       url=url_without(params, facet.name, path=path) if key == chosen
                       else url_with(params, {facet.name: key, **facet.link_extra(key)}, path=path,
                                     drop=facet.drop))
            for key, label, n in pairs
        ]
        out.append(FacetResult(
            name=facet.name, label=facet.label, counted=not too_many, values=values, truncated=truncated,
            more_url=url_with(params, {SIZE_PARAM: "max"}, path=path) if truncated else "",
        ))
    return out
