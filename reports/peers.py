"""An agency's reports over the years and its position among its peers, computed in the database.

(Moved from agencies/queries.py, issue 10: the agencies app stays the lower app; queries over
reports and their figures live in reports/, each rate defined once in reports/rates.py.)

Peers are the agencies of the same level whose published report for the year lies in the same
province (Report.province, the agency itself included). Quartiles are percentile_cont (linear
interpolation between closest ranks, as PostgreSQL's percentile_cont and numpy's default),
computed portably: PostgreSQL has percentile_cont but SQLite has no such aggregate, so one
query ranks the values with window functions (ROW_NUMBER, COUNT OVER, SQLite >= 3.25) and
interpolates the two ranks around each quartile with integer arithmetic that both databases
evaluate alike. One query per metric, whatever the number of peers.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import F, FloatField
from django.db.models.functions import Cast

from reports.exports import KEY_CODES, figure_column, with_key_figures
from reports.models import Report
from reports.rates import report_rate, report_rate_parts

PEER_METRICS = ("requests_received", "review_rate")


@dataclass(frozen=True)
class PeerStats:
    metric: str
    n: int
    minimum: float | None
    q1: float | None
    median: float | None
    q3: float | None
    maximum: float | None
    value: float | None  # the agency's own value

    @property
    def position(self):
        """Where the agency's value lies: "below_q1", "q1_median", "at_median", "median_q3",
        "above_q3", or None without a value or without other peers to compare with."""
        if self.value is None or self.n < 2:
            return None
        if self.value < self.q1:
            return "below_q1"
        if self.value < self.median:
            return "q1_median"
        if self.value == self.median:
            return "at_median"
        if self.value <= self.q3:
            return "median_q3"
        return "above_q3"


def agency_series(agency, reports):
    """The agency's reports among `reports` (a visibility-filtered queryset), oldest year first,
    each with the key figures of reports/exports.py as attributes. One query."""
    return list(
        with_key_figures(reports.filter(agency=agency), KEY_CODES)
        .select_related("province", "prefecture", "county")
        .defer("text", "original_text", "offsets")
        .order_by("year", "pk")
    )


def peer_values(*, year, province_id, level, metric):
    """A queryset of one column `v`: the metric for each peer report (those stating it).

    A rate is reports/rates.py's definition applied to each report's own figures (both stated,
    denominator > 0: the same pairing as the charts, so silent reports do not dilute it).
    """
    peers = Report.objects.published().filter(year=year, province_id=province_id, agency__level=level)
    if metric == "requests_received":
        peers = peers.annotate(v=Cast(figure_column("requests_received"), FloatField()))
    elif metric == "review_rate":
        numerator, denominator, scale = report_rate_parts(metric)
        peers = peers.annotate(
            den=Cast(figure_column(denominator), FloatField()),
            num=Cast(figure_column(numerator), FloatField()),
        ).filter(den__gt=0, num__isnull=False).annotate(v=F("num") * float(scale) / F("den"))
    else:
        raise ValueError(f"unknown peer metric {metric!r}")
    return peers.filter(v__isnull=False).order_by().values("v")


def _quartile_sql(k):
    """SUM expression giving percentile_cont(k/4) over ranked rows (i from 0, n rows).

    h = (n-1)*k/4; lo = floor(h) and the fraction (h - lo) = rem/4 with rem = (n-1)*k mod 4,
    written as x - 4*(x/4) because both databases truncate integer division.
    """
    x = f"((n - 1) * {k})"
    lo = f"({x} / 4)"
    rem = f"({x} - 4 * ({x} / 4))"
    return (f"SUM(CASE WHEN i = {lo} THEN v * (4 - {rem}) "
            f"WHEN i = {lo} + 1 THEN v * {rem} ELSE 0 END) / 4.0")


def peer_stats(*, year, province_id, level, metric, value=None):
    """Return PeerStats for the peers of one year, province and agency level (one query)."""
    inner, params = peer_values(year=year, province_id=province_id, level=level, metric=metric).query.sql_with_params()
    sql = (
        f"SELECT MAX(n), MIN(v), {_quartile_sql(1)}, {_quartile_sql(2)}, {_quartile_sql(3)}, MAX(v) "
        f"FROM (SELECT peer.v AS v, ROW_NUMBER() OVER (ORDER BY peer.v) - 1 AS i, "
        f"COUNT(*) OVER () AS n FROM ({inner}) peer) ranked"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        n, low, q1, median, q3, high = cursor.fetchone()
    as_float = lambda x: None if x is None else float(x)  # noqa: E731 - PostgreSQL returns Decimal
    return PeerStats(
        metric=metric, n=int(n or 0), minimum=as_float(low), q1=as_float(q1), median=as_float(median),
        q3=as_float(q3), maximum=as_float(high), value=as_float(value),
    )


def own_value(report, metric):
    """The metric for one report annotated by agency_series (None when not stated)."""
    if metric == "requests_received":
        return getattr(report, "requests_received", None)
    numerator, denominator, _scale = report_rate_parts(metric)
    return report_rate({c: getattr(report, c, None) for c in (numerator, denominator)}, metric)
