"""Consistency checks: each failed rule is a warning naming its figures; values stay as stated."""
from datetime import date
from decimal import Decimal

import pytest

from reports.parsing.checks import run_checks
from reports.parsing.result import Figure


def figs(**values):
    return [Figure(code, Decimal(v), f"{code} {v}", 0, 1) for code, v in values.items()]


# std-2021-pingtan: every rule holds
GOOD_2021 = dict(
    requests_received=70, requests_carried_over=0, granted=30, partial=5, denied=8, unable=25,
    not_processed=0, other_handled=1, outcome_total=69, carried_forward=1,
    denied_state_secret=0, denied_prohibited=0, denied_security=0, denied_third_party=0,
    denied_internal=1, denied_process=0, denied_enforcement=6, denied_query=1,
    not_held=25, unable_needs_creation=0, unable_unclear=0,
    requests_received_natural_person=64, requests_received_business=0,
    requests_received_research=0, requests_received_public_interest=2,
    requests_received_legal_service=0, requests_received_other_org=4,
    review_upheld=1, review_corrected=0, review_other=2, review_pending=0, review_total=3,
    litigation_direct_upheld=12, litigation_direct_corrected=0, litigation_direct_other=0,
    litigation_direct_pending=0, litigation_direct_total=12,
    litigation_after_review_upheld=0, litigation_after_review_corrected=0,
    litigation_after_review_other=0, litigation_after_review_pending=0,
    litigation_after_review_total=0, litigation_total=12, litigation_corrected=0,
)


def test_consistent_report_raises_nothing():
    assert run_checks(figs(**GOOD_2021), year=2021) == []


def test_no_figures_no_warnings():
    assert run_checks([], year=2021) == []


def changed(**updates):
    return figs(**{**GOOD_2021, **updates})


@pytest.mark.parametrize("updates, rule, codes", [
    # 70 + 0 != 69 + 2 (and the outcome rows no longer add up either: checked separately)
    (dict(carried_forward=2), "identity",
     ("requests_received", "requests_carried_over", "outcome_total", "carried_forward")),
    (dict(granted=31), "outcome_sum",
     ("granted", "partial", "denied", "unable", "not_processed", "other_handled", "outcome_total")),
    (dict(denied=9), "subrow_sum", ("denied_state_secret", "denied_prohibited", "denied_security",
                                    "denied_third_party", "denied_internal", "denied_process",
                                    "denied_enforcement", "denied_query", "denied")),
    (dict(not_held=24), "subrow_sum", ("not_held", "unable_needs_creation", "unable_unclear",
                                       "unable")),
    (dict(requests_received_natural_person=63), "applicant_sum",
     ("requests_received_natural_person", "requests_received_business",
      "requests_received_research", "requests_received_public_interest",
      "requests_received_legal_service", "requests_received_other_org", "requests_received")),
    (dict(review_total=4), "review_sum",
     ("review_upheld", "review_corrected", "review_other", "review_pending", "review_total")),
    (dict(litigation_total=13), "litigation_sum",
     ("litigation_direct_total", "litigation_after_review_total", "litigation_total")),
])
def test_rule_fails(updates, rule, codes):
    warnings = [w for w in run_checks(changed(**updates), year=2021) if w.code == rule]
    assert len(warnings) == 1
    assert warnings[0].figures == codes


def test_message_names_figures_and_values_in_chinese():
    (w,) = [w for w in run_checks(changed(carried_forward=2), year=2021) if w.code == "identity"]
    assert "本年新收申请数 70" in w.message
    assert "结转下年度继续办理 2" in w.message
    assert "70" in w.message and "71" in w.message


def test_hongze_review_totals_contradict_parts():
    """std-2023-hongze: stated 总计 0 against 维持10 纠正1 and 复议后起诉 维持5."""
    values = dict(review_upheld=10, review_corrected=1, review_other=0, review_pending=0,
                  review_total=0, litigation_after_review_upheld=5,
                  litigation_after_review_corrected=0, litigation_after_review_other=0,
                  litigation_after_review_pending=0, litigation_after_review_total=0)
    warnings = run_checks(figs(**values), year=2023)
    assert [w.code for w in warnings] == ["review_sum", "litigation_sum"]
    assert "11" in warnings[0].message and "行政复议总数 0" in warnings[0].message


@pytest.mark.parametrize("values, expected", [
    # parts missing and below the total: nothing to say
    (dict(granted=3, outcome_total=10), []),
    # stated parts already exceed the total
    (dict(granted=8, partial=3, unable=1, outcome_total=10), ["outcome_sum"]),
    # older statistics table: the eight answer rows add up to 申请答复数
    (dict(already_public=0, granted=4, partial=0, denied=0, not_this_agency=0, not_held=0,
          notified_to_amend=0, notified_other_channel=0, outcome_total=4), []),
    (dict(already_public=1, granted=4, partial=0, denied=0, not_this_agency=0, not_held=0,
          notified_to_amend=0, notified_other_channel=0, outcome_total=4), ["outcome_sum"]),
    # older prose: 101 + 8 + 4 + 70 of 187 (the rest has no code)
    (dict(granted=101, denied=8, not_this_agency=4, not_held=70, outcome_total=187), []),
    # older review counts: 维持 + 纠错 + 其他 = 行政复议数量
    (dict(review_upheld=1, review_corrected=1, review_other=0, review_total=3), ["review_sum"]),
    (dict(review_corrected=2, review_total=1), ["review_sum"]),
    (dict(litigation_corrected=2, litigation_total=1), ["litigation_sum"]),
    # identity needs all four figures
    (dict(requests_received=5, outcome_total=4, carried_forward=0), []),
])
def test_partial_figure_sets(values, expected):
    assert [w.code for w in run_checks(figs(**values), year=2015)] == expected


def test_multi_year_summary_skips_the_identity():
    values = dict(requests_received=10, requests_carried_over=0, outcome_total=8, carried_forward=0)
    assert [w.code for w in run_checks(figs(**values), year=2010)] == ["identity"]
    assert run_checks(figs(**values), year=2010, multi_year=True) == []


@pytest.mark.parametrize("year, fails", [
    (2006, True), (2007, False), (2019, False), (date.today().year + 1, False),
    (date.today().year + 2, True), (None, False),
])
def test_year_range(year, fails):
    warnings = run_checks([], year=year)
    assert [w.code for w in warnings] == (["year_range"] if fails else [])
    if fails:
        assert str(year) in warnings[0].message


def test_values_are_not_changed():
    figures = changed(carried_forward=2)
    before = [(f.code, f.value) for f in figures]
    run_checks(figures, year=2021)
    assert [(f.code, f.value) for f in figures] == before
