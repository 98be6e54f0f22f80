from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("机关与行政区划")

    def ready(self):
        from agencies import checks  # noqa: F401  (registers system checks)
