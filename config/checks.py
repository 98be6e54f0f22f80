"""Deployment checks for settings that have development defaults."""
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return [checks.Error("DJANGO_SECRET_KEY is not set: the development key is in use.",
                             hint="Set DJANGO_SECRET_KEY to a long random value.", id="config.E001")]
    return []
