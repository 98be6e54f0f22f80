"""Numbers as people read them, one way per language: every table cell, hover and note uses these.

Grouping and separators come from the active language's Django formats (config/formats: "3,119"
on Chinese pages too), so template filters such as floatformat:"g" agree with the charts.
"""
from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext as _

MISSING = "—"
PER_100 = "每百件"


def is_zh():
    return (get_language() or "zh-hans").startswith("zh")


def format_number(value, decimals=2):
    """Return "3,119", "12.35" or "—" (None): integral values without decimals, others with
    `decimals` places, grouped by thousands in the active language."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return _("是") if value else _("否")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if number == number.to_integral_value():
        return number_format(number, 0, force_grouping=True)
    return number_format(round(number, decimals), decimals, force_grouping=True)


def format_rate(value):
    """A rate or share on its 0-100 scale with one fixed precision (2 places): "3.62"."""
    if value is None:
        return MISSING
    return number_format(round(Decimal(str(value)), 2), 2, force_grouping=True)


def with_unit(text, unit):
    """Append a unit the way each language writes it: "3,119 件", "45.20%", "3,119 cases"."""
    if not unit or text == MISSING or unit == PER_100:
        return text  # a per-100 rate's label already says "per 100 requests"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit_label(unit)}"


def unit_label(unit):
    """The catalog's unit (件, 元, 条, 每百件, %) in the active language."""
    labels = {"件": _("件"), "元": _("元"), "条": _("条"), "每百件": _("每百件申请"), "%": "%"}
    return labels.get(unit, unit)
