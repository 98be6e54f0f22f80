"""Facet counts beside a list's filters, as Datasette shows them: for each facet, its values with
the number of rows each would give, and a link that toggles it.

The rule is the usual one: a facet is counted under every other active filter but not its own
(nor the filters it replaces), so the user sees the alternatives to the value chosen. One GROUP
BY per facet, top values only. Counting a facet reads every row of its set, so a facet whose
set is larger than `max_rows` (the planner's estimate on PostgreSQL: nothing is read to decide)
shows its values without counts, and the page says so (issue 11: a million reports).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.db.models import Count, F, Model
from django.utils.translation import gettext_lazy as _

from reports.paging import RowCount, more_rows_than
from reports.urlstate import url_with, url_without

FACET_SIZE = 30          # values shown per facet, the largest first
FACET_SIZE_MAX = 1000    # facet_size=max: every value (bounded all the same)
SIZE_PARAM = "facet_size"
DEFAULT_MAX_ROWS = 50_000


@dataclass(frozen=True)
class Facet:
    """One facet: the URL parameter its values set and what the database groups by.

    `column` is a field name or an expression; `excludes` are the filters left out when counting
    (its own, and those it supersedes, e.g. prefecture and county for province); `drop` are the
    parameters its links remove; `labels(keys)` returns {key: label} for the values found;
    `fallback()` lists (key, label) pairs to show when the facet is too large to count.
    `link_extra(key)` adds parameters to a value's link (status: include_unreviewed).
    """

    name: str
    label: str
    column: object
    labels: Callable[[list], dict]
    fallback: Callable[[], list]
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


def group_counts(queryset, facet, *, size):
    """Return [(key, count)] of the facet's largest `size` + 1 values in `queryset`: one query.
    Rows without a value (NULL) are not a choice a filter offers and are left out."""
    column = F(facet.column) if isinstance(facet.column, str) else facet.column
    rows = (
        queryset.order_by().annotate(facet_value=column).filter(facet_value__isnull=False)
        .values("facet_value").annotate(n=Count("pk"))
        .order_by(*(("-facet_value",) if facet.by_value else ("-n", "facet_value")))
    )[: size + 1]
    return [(key_of(r["facet_value"]), r["n"]) for r in rows]


def facet_results(facets, *, base_for, selected, page_count: RowCount, params, path="",
                  max_rows=DEFAULT_MAX_ROWS):
    """Return a FacetResult per facet.

    `base_for(facet)` is the queryset a facet counts (the list's filters without its own);
    `selected` maps a facet name to the key chosen in the URL (absent: none); `page_count` is
    the list's own count, which decides for facets whose set is the list's; `params` the
    request's GET, for the toggle links. One query per counted facet, plus on PostgreSQL one
    EXPLAIN for a facet whose own filter is set (its set is larger than the list's).
    """
    size = facet_size(params)
    out = []
    for facet in facets:
        chosen = selected.get(facet.name)
        base = base_for(facet)
        if facet.widens or any(params.get(name) for name in facet.own_filters):
            too_many = more_rows_than(base, max_rows)
        else:
            too_many = page_count.estimated or page_count.value > max_rows
        if too_many:
            pairs = [(key, label, None) for key, label in facet.fallback()]
            truncated = False
        else:
            counts = group_counts(base, facet, size=size)
            truncated = len(counts) > size
            counts = counts[:size]
            labels = facet.labels([key for key, _n in counts])
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
