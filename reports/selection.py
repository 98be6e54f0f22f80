"""What a chart counts, as plain values (scope, regions, agencies, years): the rollups answer it
when they can (reports/rollup_queries.py), reports() is the same selection as a live query."""
from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Q

from reports.models import Report, RollupScope, Status

LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}


def scope_for(user, *, include_unreviewed=False) -> RollupScope:
    """The scope Report.objects.visible_to(user, include_unreviewed=...) shows."""
    if include_unreviewed and user is not None and user.is_authenticated and user.is_staff:
        return RollupScope.STAFF
    return RollupScope.PUBLISHED


@dataclass(frozen=True)
class Selection:
    """Reports of `scope` in any of `regions` (Region rows, each at its own level), of any of
    `agencies` (Agency rows or ids) when given, of `year`, else within year_gte..year_lte."""

    scope: RollupScope = RollupScope.PUBLISHED
    regions: tuple = ()
    agencies: tuple = ()
    year: int | None = None
    year_gte: int | None = None
    year_lte: int | None = None

    def reports(self):
        """The live queryset of this selection (as Report.objects.visible_to and CompareForm did)."""
        reports = (Report.objects.published() if self.scope == RollupScope.PUBLISHED
                   else Report.objects.current().exclude(status=Status.WITHDRAWN))
        if self.regions:
            chosen = Q()
            for region in self.regions:
                chosen |= Q(**{region.level: region})
            reports = reports.filter(chosen)
        if self.agencies:
            reports = reports.filter(agency__in=self.agencies)
        if self.year is not None:
            return reports.filter(year=self.year)
        if self.year_gte is not None:
            reports = reports.filter(year__gte=self.year_gte)
        if self.year_lte is not None:
            reports = reports.filter(year__lte=self.year_lte)
        return reports

    def without_years(self) -> Selection:
        return replace(self, year=None, year_gte=None, year_lte=None)

    @property
    def bounds(self) -> tuple[int | None, int | None]:
        """(first, last) year selected, None where open."""
        if self.year is not None:
            return self.year, self.year
        return self.year_gte, self.year_lte

    @property
    def single_year(self) -> bool:
        low, high = self.bounds
        return low is not None and low == high

    def by_rollup(self, level=None) -> bool:
        """Whether the rollups answer this selection (grouped at `level`): no agency filter (a
        rollup row mixes agencies), a region level, and years the agency masks can tell apart.
        Reports without a year are not rolled up: an open range needs the published scope,
        whose reports all have one (publishing requires it, reports/review.py publish())."""
        from reports.rollups import MASK_LAST_YEAR

        if self.agencies or (level is not None and level not in LEVEL_RANK):
            return False
        low, high = self.bounds
        if any(y is not None and y >= MASK_LAST_YEAR for y in (low, high)):
            return False
        return low is not None or high is not None or self.scope == RollupScope.PUBLISHED
