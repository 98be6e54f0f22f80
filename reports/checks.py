"""System checks for misconfiguration that would otherwise show up as broken pages."""
from django.conf import settings
from django.core import checks

from reports.plotly_bundles import BUNDLES, STYLESHEET


@checks.register()
def plotly_served_locally(app_configs, **kwargs):
    """Every vendored plotly.js file is present: charts draw from this host only."""
    errors = []
    for path in (*BUNDLES.values(), STYLESHEET):
        if not any((directory / path).is_file() for directory in settings.STATICFILES_DIRS):
            errors.append(checks.Error(
                f"static/{path} is missing: charts need plotly.js served locally.",
                hint="Run `python tools/vendor_plotly.py 4.1.1` (static/vendor/README.md).",
                id="reports.E001",
            ))
    return errors


@checks.register(checks.Tags.database)
def coverage_counts_current(app_configs, databases=None, **kwargs):
    """The /coverage/ rollup covers the current year (`check --database default`)."""
    from django.db.utils import DatabaseError

    from reports import coverage_counts

    try:
        last = coverage_counts.built_through()
    except DatabaseError:  # not migrated yet
        return []
    if last is not None and last >= coverage_counts.horizon():
        return []
    return [checks.Warning(
        f"The /coverage/ counts are built through {last}, not {coverage_counts.horizon()}: pages showing "
        "later years count live, more slowly.",
        hint="Run `python manage.py rebuild_coverage_counts` (once at the start of each year).",
        id="reports.W001",
    )]
