"""Drop figure indexes the summary table made redundant; each one slowed bulk imports."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_report_metrics'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='figure',
            name='figure_code_report_idx',
        ),
        migrations.RemoveIndex(
            model_name='figure',
            name='figure_report_chart_idx',
        ),
        migrations.AlterField(
            model_name='figure',
            name='report',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='figures', to='reports.report'),
        ),
    ]
