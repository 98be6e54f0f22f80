"""Region.name_en, filled from agencies/data/region-names-en.csv (English pages, issue 10)."""
from django.db import migrations, models


def load(apps, schema_editor):
    from agencies.loading import load_english_names

    load_english_names(region_model=apps.get_model("agencies", "Region"))


class Migration(migrations.Migration):

    dependencies = [("agencies", "0002_load_regions")]

    operations = [
        migrations.AddField(
            model_name="region",
            name="name_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="英文名称"),
        ),
        # Reversing drops the column; the names need no unloading.
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
