"""One number format per language (reports/formatting.py and config/formats): 3,119 in both."""
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from reports.formatting import format_number, format_rate, with_unit


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_numbers_group_thousands_by_three_in_both_languages(lang):
    with translation.override(lang):
        assert format_number(Decimal(3119)) == "3,119"
        assert format_number(1234567.891) == "1,234,567.89"
        assert format_number(None) == "—"
        assert format_rate(3.14159) == "3.14"
        # Template filters agree with the charts (issue 10: "3119" vs "3,119").
        assert Template('{{ v|floatformat:"-2g" }}').render(Context({"v": Decimal(3119)})) == "3,119"


def test_units_per_language():
    with translation.override("zh-hans"):
        assert with_unit("3,119", "件") == "3,119 件" and with_unit("45.20", "%") == "45.20%"
        assert with_unit("3.62", "每百件") == "3.62"  # the rate's label says per 100 requests
    with translation.override("en"):
        assert with_unit("3,119", "件") == "3,119 cases"
