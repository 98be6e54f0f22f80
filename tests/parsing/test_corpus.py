"""One test per corpus report (tests/corpus/**/<id>.json): the parse is ok, no emitted core figure
differs from the ground truth, and no true figure is missed that is not listed below.

KNOWN_MISSING and KNOWN_WRONG record today's state with the reason; a new miss or a new wrong
number fails its report's test (a regression), a fixed one only needs deleting from the list.
"""
import json
from decimal import Decimal

import pytest

from agencies.divisions import default_gazetteer
from reports.parsing import parse_report
from reports.parsing.metrics import CORE_CODES
from tests.conftest import CORPUS_DIR

TRUTHS = sorted(CORPUS_DIR.rglob("*.json"))

# id -> {code: why the parser does not (yet) emit the true figure}; every true figure is found today
KNOWN_MISSING: dict[str, dict[str, str]] = {}

# id -> {code: why the emitted figure is not the ground truth's}
KNOWN_WRONG: dict[str, dict[str, str]] = {}


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def _id(path):
    return path.stem


@pytest.mark.parametrize("truth_path", TRUTHS, ids=_id)
def test_corpus_report(truth_path, gazetteer):
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    report = truth_path.parent / truth["file"]
    result = parse_report(report.read_bytes(), filename=report.name, divisions=gazetteer)
    assert result.ok, result.error

    got = {f.code: f for f in result.figures if f.code in CORE_CODES}
    expected = {code: Decimal(str(value)) for code, value in truth["metrics"].items()}
    for fig in got.values():
        assert result.text[fig.start:fig.end] == fig.evidence, fig.code

    known_wrong = KNOWN_WRONG.get(truth["id"], {})
    wrong = {code: (fig.value, expected.get(code)) for code, fig in got.items()
             if expected.get(code) != fig.value and code not in known_wrong}
    assert wrong == {}, "emitted figures that are not the truth: {code: (got, truth)}"

    missing = {code for code in expected if code not in got}
    new_misses = missing - set(KNOWN_MISSING.get(truth["id"], {}))
    assert new_misses == set(), "true figures no longer found"


def test_known_lists_name_real_reports():
    ids = {json.loads(p.read_text(encoding="utf-8"))["id"] for p in TRUTHS}
    assert set(KNOWN_MISSING) <= ids and set(KNOWN_WRONG) <= ids
