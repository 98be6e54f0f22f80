"""Counts and pages of long lists that stay cheap at a million rows: exact counts when counting
is cheap, the PostgreSQL planner's estimate otherwise, and pages that need no count.

Counting every matching row costs a scan of all of them (issue 11: a million reports); large
Django admin lists face the same and show an estimate instead. Here the planner is asked first
(EXPLAIN: nothing is read): when it expects more than settings.LIST_COUNT_ESTIMATE_ABOVE rows,
or the scan to cost more than settings.LIST_MAX_COST (its cost units: reading one page in
sequence is 1), its row estimate is shown instead of a count. The cost catches the filters no
index serves (rows scattered over the table cost far more per row than an index-only scan).
Other databases (SQLite: small installations) always count exactly.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections


@dataclass(frozen=True)
class RowCount:
    """How many rows a list has: exact, or the planner's estimate (`estimated`); `costly` when
    reading them all would cost more than the list allows (nothing else should scan them)."""

    value: int
    estimated: bool = False
    costly: bool = False


@dataclass(frozen=True)
class Plan:
    rows: int
    cost: float


def planner_estimate(queryset):
    """Return the Plan (rows, total cost) PostgreSQL expects for `queryset` (EXPLAIN, nothing is
    read), or None on other databases."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing (queryset.none(), an empty IN list)
        return Plan(rows=0, cost=0.0)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    top = plan[0]["Plan"]
    return Plan(rows=int(top["Plan Rows"]), cost=float(top["Total Cost"]))


def count_rows(queryset):
    """Return the RowCount of `queryset`: exact, or on PostgreSQL the planner's estimate when it
    expects more than settings.LIST_COUNT_ESTIMATE_ABOVE rows or a cost above
    settings.LIST_MAX_COST. Two queries on PostgreSQL (the plan, then the count when it is
    cheap), one elsewhere."""
    plan = planner_estimate(queryset)
    if plan is not None:
        costly = plan.cost > settings.LIST_MAX_COST
        if costly or plan.rows > settings.LIST_COUNT_ESTIMATE_ABOVE:
            return RowCount(plan.rows, estimated=True, costly=costly)
    return RowCount(queryset.order_by().count())


def too_many_to_count(queryset, *, max_rows):
    """True when counting `queryset` in groups would read more than `max_rows` rows or, on
    PostgreSQL, cost more than settings.LIST_MAX_COST. At a bounded cost: the planner's
    estimate on PostgreSQL, else a count that stops after max_rows + 1 rows."""
    plan = planner_estimate(queryset)
    if plan is not None:
        return plan.rows > max_rows or plan.cost > settings.LIST_MAX_COST
    return queryset.order_by().values("pk")[: max_rows + 1].count() > max_rows


@dataclass
class ListPage:
    """One page of a list: its rows, its number, and whether pages come before and after.

    `has_next` comes from reading one row more than the page holds, so it is right even when
    the total is an estimate; `num_pages` is None then (no "last page": it is not known).
    """

    number: int
    per_page: int
    rows: list
    count: RowCount
    has_next: bool
    num_pages: int | None = field(default=None)

    @property
    def paginator(self):
        """What templates written for Django's Page read: num_pages (None: unknown) and count."""
        return SimpleNamespace(num_pages=self.num_pages, count=self.count.value)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def has_other_pages(self):
        return self.has_previous or self.has_next

    @property
    def start_index(self):
        return (self.number - 1) * self.per_page + 1 if self.rows else 0


def page_number(value):
    """The page asked for in the URL: a positive integer, else 1 (like Paginator.get_page)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= 10**6 else 1


def list_page(queryset, *, number, per_page, count):
    """Return the ListPage `number` of `queryset` (already ordered). With an exact count a
    number past the end gives the last page, as Paginator.get_page does; with an estimate it
    gives an empty page that links back."""
    num_pages = None
    if not count.estimated:
        num_pages = max(1, -(-count.value // per_page))
        number = min(number, num_pages)
    offset = (number - 1) * per_page
    rows = list(queryset[offset: offset + per_page + 1])
    return ListPage(number=number, per_page=per_page, rows=rows[:per_page], count=count,
                    has_next=len(rows) > per_page, num_pages=num_pages)
