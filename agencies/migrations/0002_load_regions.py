"""Load the bundled GB/T 2260 divisions, so that `migrate` alone gives a working region table."""
from django.db import migrations


def load(apps, schema_editor):
    from agencies.loading import load_regions

    load_regions(region_model=apps.get_model("agencies", "Region"),
                 name_model=apps.get_model("agencies", "RegionName"))


class Migration(migrations.Migration):

    dependencies = [("agencies", "0001_initial")]

    # Unloading would break every report that points at a region; reversing keeps the rows.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
