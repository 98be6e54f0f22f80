"""The `parse_report --json` contract from DESIGN.md."""
import json

import pytest
from django.core.management import call_command

from tests.conftest import CORPUS_DIR

KEYS = {"file", "ok", "error", "agency", "year", "province", "city", "county", "script",
        "format", "metrics", "evidence", "issued_on", "warnings"}


def run(capsys, *files):
    call_command("parse_report", "--json", *map(str, files))
    return json.loads(capsys.readouterr().out)


def test_one_object_per_file_in_order_and_no_database(capsys, tmp_path):
    """No django_db mark: any database query here would raise."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    seed = CORPUS_DIR / "seeds" / "002_3ee8bf9952999bc0.txt"
    out = run(capsys, seed, empty, tmp_path / "missing.txt")
    assert [o["file"] for o in out] == [str(seed), str(empty), str(tmp_path / "missing.txt")]
    assert all(set(o) == KEYS for o in out)
    assert out[0]["ok"] is True
    assert out[1]["ok"] is False and "empty.txt" in out[1]["error"]
    assert out[2]["ok"] is False and "missing.txt" in out[2]["error"]


def test_every_metric_has_its_evidence(capsys):
    out = run(capsys, *sorted((CORPUS_DIR / "seeds").glob("*.txt")))
    for obj in out:
        assert set(obj["metrics"]) == set(obj["evidence"])
        for code, text in obj["evidence"].items():
            assert text.strip(), code


def test_warnings_are_objects_naming_their_figures(capsys):
    """std-2022-pingtan's narrative says 75 received against the table's 74 new: the warning
    is {"code", "message", "figures"} and names requests_received."""
    out = run(capsys, CORPUS_DIR / "standard-and-old" / "std-2022-pingtan.txt")
    warnings = out[0]["warnings"]
    assert warnings and all(set(w) == {"code", "message", "figures"} for w in warnings)
    assert all(isinstance(w["figures"], list) for w in warnings)
    disagree = [w for w in warnings if w["code"] == "prose_disagrees"]
    assert disagree and "requests_received" in disagree[0]["figures"]


def test_human_output_prints_warning_codes(capsys):
    call_command("parse_report", str(CORPUS_DIR / "standard-and-old" / "std-2022-pingtan.txt"))
    assert "! prose_disagrees [requests_received]:" in capsys.readouterr().out
