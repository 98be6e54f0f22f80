"""System checks for misconfiguration that would otherwise show up as broken pages."""
from django.conf import settings
from django.core import checks


@checks.register()
def plotly_served_locally(app_configs, **kwargs):
    for directory in settings.STATICFILES_DIRS:
        if (directory / "vendor" / "plotly.min.js").is_file():
            return []
    return [checks.Error(
        "static/vendor/plotly.min.js is missing: charts need plotly.js served locally.",
        hint="Copy plotly/package_data/plotly.min.js from the installed plotly package.",
        id="reports.E001",
    )]
