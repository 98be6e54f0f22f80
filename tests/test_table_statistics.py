"""Planner statistics refreshed between import chunks (reports/table_statistics.py)."""
import time

import pytest
from django.db import connection

from agencies.models import Agency
from reports import table_statistics


def test_a_table_is_stale_once_it_grew_by_a_fifth_past_the_minimum():
    rows = [("empty_then_loaded", 0, 501), ("barely", 0, 500), ("big", 10_000, 2_400), ("grown", 10_000, 2_600)]
    assert table_statistics.stale(rows) == ["empty_then_loaded", "grown"]


@pytest.mark.django_db
def test_every_import_table_exists():
    assert set(table_statistics.import_tables()) <= set(connection.introspection.table_names())


@pytest.mark.django_db
def test_nothing_inside_a_transaction_or_on_sqlite(django_assert_num_queries):
    # A chunk's transaction must not run ANALYZE; the test's own transaction stands in for it.
    with django_assert_num_queries(0):
        assert table_statistics.refresh_if_stale() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
@pytest.mark.django_db(transaction=True)
def test_a_grown_table_is_analyzed_once():
    table = Agency._meta.db_table
    Agency.objects.bulk_create(Agency(name=f"统计测试局{i}", normalized_name=f"统计测试局{i}") for i in range(1200))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    connection.close()  # the backend reports its counts as it ends
    for _ in range(50):  # the counts arrive asynchronously
        if table_statistics.refresh_if_stale([table]) == [table]:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the grown table was never analyzed")
    assert table_statistics.refresh_if_stale([table]) == []
