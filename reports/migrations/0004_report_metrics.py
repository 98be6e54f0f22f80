"""ReportMetrics, the per-report summary of chart figures, back-filled from existing figures."""
import django.db.models.deletion
from django.db import migrations, models

# The columns as of this migration: a later migration adding a column back-fills that one.
CODES = (
    "requests_received", "requests_carried_over", "granted", "partial", "denied", "unable",
    "not_held", "not_this_agency", "not_processed", "other_handled", "already_public",
    "outcome_total", "carried_forward", "review_total", "review_corrected", "litigation_total",
    "litigation_corrected", "fees_yuan", "proactive_total", "notified_to_amend",
    "notified_other_channel",
)


def backfill(apps, schema_editor):
    """One INSERT ... SELECT over every report (reports/summary.py), no figure through Python."""
    from reports.summary import refresh_metrics

    refresh_metrics(None, codes=CODES, using=schema_editor.connection.alias)
    if schema_editor.connection.vendor == "postgresql":
        # The planner would otherwise guess the new table's size until autovacuum comes by.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_reportmetrics")


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_figure_chart_idx'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportMetrics',
            fields=[
                ('report', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='metrics', serialize=False, to='reports.report')),
                ('requests_received', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('requests_carried_over', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('granted', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('partial', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('denied', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('unable', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('not_held', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('not_this_agency', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('not_processed', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('other_handled', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('already_public', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('outcome_total', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('carried_forward', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('review_total', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('review_corrected', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('litigation_total', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('litigation_corrected', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('fees_yuan', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('proactive_total', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('notified_to_amend', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
                ('notified_other_channel', models.DecimalField(decimal_places=2, max_digits=18, null=True)),
            ],
            options={
                'verbose_name': '报告指标汇总',
                'verbose_name_plural': '报告指标汇总',
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
