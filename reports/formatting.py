"""Numbers as people read them, one way per language: every table cell, hover and note uses these.

Grouping and separators come from the active language's Django formats (config/formats: "3,119"
on Chinese pages too), so template filters such as floatformat:"g" agree with the charts. A chart
formats thousands of values: the separators and the few words are looked up once per language,
not per value (bench/pages_bench.py).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.formats import get_format, number_format
from django.utils.translation import get_language, gettext, gettext_noop

MISSING = "—"
PER_100 = "每百件"


def is_zh():
    return (get_language() or "zh-hans").startswith("zh")


@lru_cache(maxsize=1024)
def _translated(message, language):
    return gettext(message)


def text(message):
    """gettext for the messages a chart repeats on every row, cached per active language."""
    return _translated(message, get_language())


@lru_cache(maxsize=16)
def _separators(language):
    return (get_format("DECIMAL_SEPARATOR", language), get_format("THOUSAND_SEPARATOR", language),
            get_format("NUMBER_GROUPING", language))


def _grouped(number, decimals):
    decimal_sep, thousand_sep, grouping = _separators(get_language())
    if grouping != 3:  # any other grouping: Django's general (slower) formatter
        return number_format(number, decimals, force_grouping=True)
    quantum = Decimal(1).scaleb(-decimals)
    out = f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,}"
    return out.replace(",", "\0").replace(".", decimal_sep).replace("\0", thousand_sep)


def format_number(value, decimals=2):
    """Return "3,119", "12.35" or "—" (None): integral values without decimals, others with
    `decimals` places, grouped by thousands in the active language."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return text("是") if value else text("否")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if number == number.to_integral_value():
        if -1000 < number < 1000:
            return str(int(number))  # no separator to place: most counts of reports and agencies
        return _grouped(number, 0)
    return _grouped(number, decimals)


def format_rate(value):
    """A rate or share on its 0-100 scale with one fixed precision (2 places): "3.62"."""
    if value is None:
        return MISSING
    return _grouped(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), 2)


def with_unit(formatted, unit):
    """Append a unit the way each language writes it: "3,119 件", "45.20%", "3,119 cases"."""
    if not unit or formatted == MISSING or unit == PER_100:
        return formatted  # a per-100 rate's label already says "per 100 requests"
    if unit == "%":
        return f"{formatted}%"
    return f"{formatted} {unit_label(unit)}"


UNITS = {"件": gettext_noop("件"), "元": gettext_noop("元"), "条": gettext_noop("条"),
         "每百件": gettext_noop("每百件申请")}


def unit_label(unit):
    """The catalog's unit (件, 元, 条, 每百件, %) in the active language."""
    return text(UNITS[unit]) if unit in UNITS else unit
