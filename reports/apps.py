from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("年度报告")

    def ready(self):
        from reports import checks  # noqa: F401  (registers system checks)
        from reports import coverage_signals

        coverage_signals.connect()
