"""App config for project-wide checks."""
from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "config"

    def ready(self):
        from config import checks  # noqa: F401  (registers the deploy checks)
