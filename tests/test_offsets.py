"""The compact offset map gives back exactly the parser's full map."""
import pytest

from reports.offsets import compress, original_index, original_span
from reports.parsing import parse_report
from tests.conftest import CORPUS_DIR


@pytest.mark.parametrize("offsets", [
    [0, 1, 2, 3],
    [0, 2, 3, 4, 7, 8],          # characters dropped before index 1 and 4
    [0, 0, 0, 1, 2],             # one original character expanded to three
    [5, 6, 7],                   # leading text dropped
])
def test_compress_round_trips(offsets):
    breaks = compress(offsets)
    assert [original_index(breaks, n) for n in range(len(offsets))] == offsets


def test_empty_map_is_identity():
    assert original_index([], 7) == 7
    assert original_span([], 2, 5) == (2, 5)


def test_traditional_report_evidence_maps_back_to_its_own_characters():
    """Seed 000 is traditional: stored breakpoints recover the original wording of the evidence."""
    path = CORPUS_DIR / "seeds" / "000_c23b504ecfc2b3ba.txt"
    result = parse_report(path.read_bytes(), filename=path.name)
    breaks = compress(result.offsets)
    assert len(breaks) < len(result.offsets) / 10
    for fig in result.figures:
        start, end = original_span(breaks, fig.start, fig.end)
        assert result.original_text[start:end] == result.original_evidence(fig)
