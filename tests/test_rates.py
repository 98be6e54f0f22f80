"""Wilson intervals and rate formulas (reports/rates.py) against known values."""
import pytest

from reports.rates import rate, rate_interval, wilson


@pytest.mark.parametrize(("x", "n", "low", "high"), [
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table II,
    # method 3 (Wilson score, no continuity correction), published to 4 decimals.
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_reference_values(x, n, low, high):
    interval = wilson(x, n)
    assert interval.estimate == pytest.approx(x / n)
    assert interval.low == pytest.approx(low, abs=6e-5)
    assert interval.high == pytest.approx(high, abs=6e-5)


def test_wilson_scales_and_handles_empty_and_excess():
    assert wilson(3, 0) is None
    per_100 = wilson(10, 100, scale=100)
    assert per_100.estimate == pytest.approx(10)
    assert per_100.low == pytest.approx(5.522, abs=5e-3)
    # More reviews than requests (possible in real reports) is capped to a proportion of 1.
    assert wilson(12, 10).estimate == 1.0


def test_rates_use_paired_denominators():
    row = {"review_total": 6, "requests_with_review": 200, "litigation_total": 2,
           "requests_with_litigation": 100, "review_corrected": 1, "litigation_corrected": 1,
           "reviews_with_corrections": 6, "litigation_with_corrections": 2,
           "disclosed": 50, "partial": 10, "outcomes": 120}
    assert rate(row, "review_rate") == pytest.approx(3.0)
    assert rate(row, "litigation_rate") == pytest.approx(2.0)
    assert rate(row, "correction_rate") == pytest.approx(25.0)
    assert rate(row, "disclosure_rate") == pytest.approx(50.0)
    assert rate({"review_total": 3}, "review_rate") is None
    assert rate_interval(row, "correction_rate").trials == 8
