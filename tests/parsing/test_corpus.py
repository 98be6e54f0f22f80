"""One test per corpus report (tests/corpus/**/<id>.json): the parse is ok, no emitted core figure
differs from the ground truth, no true figure is missed that is not listed below, and the rules
the report's figures came from are listed (in the test's `rules` property, `pytest --junitxml`).

A report is parsed as ingest parses it: with last year's report of the same agency as context
when the corpus holds it (its cumulative figures; reports.parsing.result.PriorYear).
KNOWN_MISSING and KNOWN_WRONG record today's state with the reason; a new miss or a new wrong
number fails its report's test (a regression), a fixed one only needs deleting from the list.
"""
import json
from collections import defaultdict
from decimal import Decimal

import pytest

from agencies.divisions import default_gazetteer
from reports.parsing import PriorYear, parse_report
from reports.parsing.metrics import CORE_CODES
from reports.parsing.rules import RULES
from tests.conftest import CORPUS_DIR

TRUTHS = sorted(CORPUS_DIR.rglob("*.json"))

_SFJ_TEMPLATE = ("附表 of a template no other corpus report prints (办结 / 同意提供 / 拒绝提供 / 信息不存在): "
                 "its labels are not in the vocabulary")
_TABLE4_CONTRADICTS = ("table 四 '100000000000000' puts 复议 维持 1 under a 总计 of 0; left out (split_failed), "
                       "the prose's 复议1起 set aside (prose_not_used)")
# id -> {code: why the parser does not (yet) emit the true figure}
KNOWN_MISSING: dict[str, dict[str, str]] = {
    "old-2013-pt-sfj": {"outcome_total": _SFJ_TEMPLATE, "granted": _SFJ_TEMPLATE, "not_held": _SFJ_TEMPLATE},
    "old-2018-hebei-gxt": {"proactive_total": "'主动公开政府信息累计357条' lists parts adding up to 377: "
                                              "not certain to be the year's figure (prose_parts_disagree)"},
    "std-2021-pt-htp": {"outcome_total": "'(七)总计1000000' puts 自然人 1 under a 总计 of 0: the row does "
                                         "not add up (split_failed)"},
    "std-2024-pt-hzs": {code: _TABLE4_CONTRADICTS for code in
                        ("review_total", "review_corrected", "litigation_total", "litigation_corrected")},
}

# id -> {code: why the emitted figure is not the ground truth's}
KNOWN_WRONG: dict[str, dict[str, str]] = {}

# Rules that fewer than two corpus files exercise, and why (issue 8 asks for two each).
FEWER_THAN_TWO = {
    "old.closed_as_total": "only Inner Mongolia's 申请办结数 tables print it; seed 002 has 申请答复数 too",
    "prose.proactive_section": "old-2017-hebei-jyt only",
    "prose.proactive_parts": "old-2017-hebei-gxt only ('累计947条' and six parts); old-2015-hebei-kjt's and "
                             "old-2018-hebei-gxt's parts do not add up and are left out; test_prose.py",
    "prose.proactive_cumulative": "emitted only where no table states the cumulative figure; as "
                                  "evidence it splits old-2017-pt-hzs's and old-2017-pt-zrz's pairs",
}
# The same body under two names in the corpus truths (ingest resolves both to one agency).
SAME_AGENCY = {"平潭综合实验区管委会": "平潭综合实验区"}


def _truths():
    out = []
    for path in TRUTHS:
        truth = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(truth, dict) and "metrics" in truth:
            out.append((path, truth))
    return out


@pytest.fixture(scope="module")
def parsed():
    """{id: ParseResult} for the whole corpus, each with last year's report as context."""
    gazetteer = default_gazetteer()
    truths = sorted(_truths(), key=lambda t: t[1]["year"] or 0)
    results, by_agency_year = {}, {}
    for path, truth in truths:
        report = path.parent / truth["file"]
        agency = SAME_AGENCY.get(truth["agency"], truth["agency"])
        last = by_agency_year.get((agency, (truth["year"] or 0) - 1))
        prior = PriorYear.from_figures(truth["year"] - 1, last.metrics) if last else None
        result = parse_report(report.read_bytes(), filename=report.name, divisions=gazetteer,
                              prior=prior)
        results[truth["id"]] = result
        if agency and "derived" not in path.parts:
            by_agency_year[(agency, truth["year"])] = result
    return results


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.stem)
def test_corpus_report(truth_path, parsed, record_property):
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    result = parsed[truth["id"]]
    assert result.ok, result.error

    rules = sorted({f.rule for f in result.figures})
    record_property("rules", " ".join(rules))
    assert set(rules) <= set(RULES), "every figure names a registered rule"

    got = {f.code: f for f in result.figures if f.code in CORE_CODES}
    expected = {code: Decimal(str(value)) for code, value in truth["metrics"].items()}
    for fig in result.figures:
        assert result.text[fig.start:fig.end] == fig.evidence, fig.code

    known_wrong = KNOWN_WRONG.get(truth["id"], {})
    wrong = {code: (fig.value, expected.get(code)) for code, fig in got.items()
             if expected.get(code) != fig.value and code not in known_wrong}
    assert wrong == {}, "emitted figures that are not the truth: {code: (got, truth)}"

    missing = {code for code in expected if code not in got}
    new_misses = missing - set(KNOWN_MISSING.get(truth["id"], {}))
    assert new_misses == set(), "true figures no longer found"


def test_every_rule_is_exercised_by_two_corpus_files(parsed):
    """Issue 8: rules follow the documents' structure, never one file (derived files count)."""
    users = defaultdict(set)
    for report_id, result in parsed.items():
        for fig in result.figures:
            users[fig.rule].add(report_id)
    thin = {rule for rule in RULES if len(users[rule]) < 2}
    assert thin == set(FEWER_THAN_TWO), {rule: sorted(users[rule]) for rule in thin}


def test_last_years_cumulative_is_used_at_ingest(parsed):
    """old-2015-pingtan-zone's jammed 294981916: 2014's cumulative 78967 + 2949 = 81916."""
    fig = parsed["old-2015-pingtan-zone"].figure("proactive_total")
    assert (fig.value, fig.rule) == (2949, "old.pair_prior")


def test_known_lists_name_real_reports():
    ids = {truth["id"] for _path, truth in _truths()}
    assert set(KNOWN_MISSING) <= ids and set(KNOWN_WRONG) <= ids
