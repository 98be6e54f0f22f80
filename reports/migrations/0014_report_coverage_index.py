"""A covering index for /coverage/'s agency matrix on PostgreSQL.

The matrix reads each agency's current reports of the years shown (agency, year, status, date,
layout, id). Through the plain agency index that meant a heap page per report: 200 ms for a
province of 2,300 agencies at 1,000,000 reports, most of it reading pages (bench/pages_bench.py).
With these columns in the index PostgreSQL answers from the index alone: 85 ms. SQLite has no
INCLUDE; its matrix is read through the existing agency index.
"""
from django.db import migrations

NAME = "report_coverage_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON reports_report (agency_id, year) "
            "INCLUDE (status, issued_on, layout, id) WHERE is_current")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):

    dependencies = [("reports", "0013_rollups")]

    operations = [migrations.RunPython(create, drop)]
