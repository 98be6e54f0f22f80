"""Covering partial indexes for the chart aggregations (reports/queries.py; bench/pages_bench.py)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("reports", "0002_review_groups")]

    operations = [
        migrations.AddIndex(
            model_name="figure",
            index=models.Index(
                condition=models.Q(("removed", False)), fields=["code", "report", "value"],
                name="figure_chart_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="figure",
            index=models.Index(
                condition=models.Q(("removed", False)), fields=["report", "code", "value"],
                name="figure_report_chart_idx",
            ),
        ),
    ]
