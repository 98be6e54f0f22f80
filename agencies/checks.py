"""System checks for the region table: reports cannot be placed on the map without it."""
from django.core import checks
from django.db import DatabaseError, connection


@checks.register()
def regions_loaded(app_configs, **kwargs):
    # A warning, not an error: `migrate` runs the checks before applying agencies 0002, and an
    # error would stop the very command that loads the regions. No table yet: nothing to say.
    from agencies.models import Region

    try:
        if Region._meta.db_table not in connection.introspection.table_names():
            return []
        if Region.objects.exists():
            return []
    except DatabaseError:
        return []
    return [checks.Warning(
        "No regions are loaded: reports cannot be matched to provinces, prefectures or counties.",
        hint="Run `python manage.py migrate` (migration agencies 0002) or `python manage.py load_regions`.",
        id="agencies.E001",
    )]
