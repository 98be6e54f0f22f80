"""Rate formulas and Wilson score intervals used by the charts and the methodology page."""
from __future__ import annotations

import math
from dataclasses import dataclass

# Two-sided 95% normal quantile.
Z95 = 1.959963984540054

# name -> (numerator codes, denominator codes, scale); the one definition every view and CSV uses.
# Denominators are the paired sums of reports/queries.py PAIRED: requests (or reviews and
# lawsuits) of the reports that state the numerator, so silent reports do not dilute a rate.
RATES = {
    "review_rate": (("review_total",), ("requests_with_review",), 100),
    "litigation_rate": (("litigation_total",), ("requests_with_litigation",), 100),
    "correction_rate": (
        ("review_corrected", "litigation_corrected"),
        ("reviews_with_corrections", "litigation_with_corrections"), 100,
    ),
    "disclosure_rate": (("disclosed", "partial"), ("outcomes",), 100),
}
RATE_LABELS = {
    "review_rate": ("每百件申请行政复议数", "Reviews per 100 requests"),
    "litigation_rate": ("每百件申请行政诉讼数", "Lawsuits per 100 requests"),
    "correction_rate": ("复议诉讼纠错率（%）", "Correction rate (%)"),
    "disclosure_rate": ("公开率（%）", "Disclosure rate (%)"),
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
