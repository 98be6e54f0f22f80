"""The one definition of each rate: formula, paired denominators, labels, units and Wilson intervals.

Charts, maps, tables, CSV, the methodology page and the agency peer comparison all read these
names; nothing else re-spells a rate's formula.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

# Two-sided 95% normal quantile.
Z95 = 1.959963984540054

# Denominators restricted to reports that state the numerator: a report that is silent about
# reviews must not add its requests to the review rate's denominator.
# name -> (summed code, codes of which a report must state one for its value to count).
PAIRED = {
    "requests_with_review": ("requests_received", ("review_total",)),
    "requests_with_litigation": ("requests_received", ("litigation_total",)),
    "reviews_with_corrections": ("review_total", ("review_corrected",)),
    "litigation_with_corrections": ("litigation_total", ("litigation_corrected",)),
}

# name -> (numerator codes, denominator codes, scale). Denominators are PAIRED sums (or the
# harmonized outcome total), so silent reports do not dilute a rate.
RATES = {
    "review_rate": (("review_total",), ("requests_with_review",), 100),
    "litigation_rate": (("litigation_total",), ("requests_with_litigation",), 100),
    "correction_rate": (
        ("review_corrected", "litigation_corrected"),
        ("reviews_with_corrections", "litigation_with_corrections"), 100,
    ),
    "disclosure_rate": (("disclosed", "partial"), ("outcomes",), 100),
}
# The PAIRED sums each rate needs from reports/queries.py chart_rows(paired=...).
PAIRED_CODES = {name: tuple(d for d in den if d in PAIRED) for name, (_num, den, _s) in RATES.items()}
RATE_LABELS = {
    "review_rate": ("每百件申请行政复议数", "Reviews per 100 requests"),
    "litigation_rate": ("每百件申请行政诉讼数", "Lawsuits per 100 requests"),
    "correction_rate": ("复议诉讼纠错率", "Correction rate"),
    "disclosure_rate": ("公开率", "Disclosure rate"),
}
# Unit of each rate's value, as the catalog names units (reports/parsing/metrics.py Metric.unit).
RATE_UNITS = {"review_rate": "每百件", "litigation_rate": "每百件", "correction_rate": "%",
              "disclosure_rate": "%"}
# What the denominator counts, for "3.6 (2 / 55 件申请)" beside every rate.
DENOMINATOR_LABELS = {
    "review_rate": ("件申请", "requests"),
    "litigation_rate": ("件申请", "requests"),
    "correction_rate": ("件复议诉讼", "reviews and lawsuits"),
    "disclosure_rate": ("件办理结果", "outcomes"),
}
# The codes whose `__n` (reports stating them) say which reports a rate covers: a report enters
# the denominator only when it states one of these (PAIRED; for the disclosure rate, an outcome).
COVERED_BY = {
    "review_rate": ("review_total",),
    "litigation_rate": ("litigation_total",),
    "correction_rate": ("review_corrected", "litigation_corrected"),
    "disclosure_rate": ("outcomes",),
}


@dataclass(frozen=True)
class Interval:
    """A proportion with its Wilson interval, all on the same scale (e.g. per 100)."""

    estimate: float
    low: float
    high: float
    successes: float
    trials: float


def wilson(successes, trials, *, z=Z95, scale=1):
    """Return the Wilson score interval for successes out of trials, or None when trials is 0.

    Successes above trials (a report can count more reviews than requests) are capped at
    trials, since the interval is only defined for a proportion.
    """
    n = float(trials or 0)
    if n <= 0:
        return None
    x = min(max(float(successes or 0), 0.0), n)
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Interval(p * scale, max(centre - half, 0.0) * scale, min(centre + half, 1.0) * scale,
                    x, n)


def rate_parts(row, name):
    """Return (numerator, denominator) of rate `name` from a row of summed metrics."""
    num_codes, den_codes, _scale = RATES[name]
    num = sum(float(row.get(c) or 0) for c in num_codes)
    den = sum(float(row.get(c) or 0) for c in den_codes)
    return num, den


def rate(row, name):
    """Return rate `name` of a row on its scale (per 100 or percent), None if the denominator is 0."""
    num, den = rate_parts(row, name)
    if den <= 0:
        return None
    return num / den * RATES[name][2]


def rate_interval(row, name):
    num, den = rate_parts(row, name)
    return wilson(num, den, scale=RATES[name][2])


def report_rate_parts(name):
    """Return (numerator code, denominator code, scale) of rate `name` for one report's own figures.

    For a single report the PAIRED restriction means: both figures stated, denominator > 0.
    Only rates over catalog codes have a per-report form (the disclosure rate sums harmonized
    categories); ValueError otherwise.
    """
    num_codes, den_codes, scale = RATES[name]
    if len(num_codes) != 1 or len(den_codes) != 1 or den_codes[0] not in PAIRED:
        raise ValueError(f"{name} has no single-report form")
    return num_codes[0], PAIRED[den_codes[0]][0], scale


def report_rate(values, name):
    """Rate `name` of one report's figures ({code: value}), or None unless both are stated and
    the denominator is positive (the pairing of PAIRED, applied to one report)."""
    num_code, den_code, scale = report_rate_parts(name)
    num, den = values.get(num_code), values.get(den_code)
    if num is None or den is None or float(den) <= 0:
        return None
    return float(num) * scale / float(den)
