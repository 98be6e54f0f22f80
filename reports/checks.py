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
