"""Each derived PDF and DOCX (tests/corpus/derived: the saved pages printed by Chromium and
converted by LibreOffice) gives the same figures and metadata as the page it was made from."""
import pytest

from agencies.divisions import default_gazetteer
from reports.parsing import parse_report
from reports.parsing.metrics import CORE_CODES
from tests.conftest import CORPUS_DIR

DERIVED = sorted(p for p in (CORPUS_DIR / "derived").iterdir() if p.suffix in (".pdf", ".docx"))


def _source(derived):
    # drv-pdf-html-2019-pingtan.pdf -> html/html-2019-pingtan.html;
    # drv-pdf-txt-old-2011-pingtan-county.pdf -> standard-and-old/old-2011-pingtan-county.txt
    _drv, _kind, source_kind, rest = derived.stem.split("-", 3)
    if source_kind == "html":
        return CORPUS_DIR / "html" / f"html-{rest}.html"
    return CORPUS_DIR / "standard-and-old" / f"{rest}.txt"


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def _parse(path, gazetteer):
    result = parse_report(path.read_bytes(), filename=path.name, divisions=gazetteer)
    assert result.ok, result.error
    return result


@pytest.mark.parametrize("derived", DERIVED, ids=lambda p: p.stem)
def test_derived_file_gives_the_figures_of_its_page(derived, gazetteer):
    page = _parse(_source(derived), gazetteer)
    other = _parse(derived, gazetteer)
    assert other.metrics == page.metrics
    assert _place(other) == _place(page)


def _place(result):
    meta = result.metadata
    return meta.agency, meta.year, meta.province, meta.city, meta.county


def test_every_derived_file_has_its_page():
    assert len(DERIVED) == 13
    assert all(_source(p).is_file() for p in DERIVED)


HELD_OUT = sorted(p for p in (CORPUS_DIR / "heldout").iterdir() if p.stem.startswith("drv-")
                  and p.suffix != ".json")


def _held_out_source(derived):
    # drv-big5-old-2012-pt-county.txt -> old-2012-pt-county.txt; drv-pdf-html-std-2023-pt-zone.pdf
    # -> std-2023-pt-zone.txt (the page rebuilt as HTML carries the same report)
    rest = derived.stem.split("-", 2)[2]
    rest = rest[len("html-"):] if rest.startswith("html-") else rest
    return CORPUS_DIR / "heldout" / f"{rest}.txt"


@pytest.mark.parametrize("derived", HELD_OUT, ids=lambda p: p.stem)
def test_held_out_derived_file_gives_the_figures_of_its_original(derived, gazetteer):
    """Re-encoded (GB18030, Big5 traditional), printed (PDF), saved (DOCX) and rebuilt (HTML)
    copies of held-out reports give the core figures of the text they were made from (a rebuilt
    table's separated cells may add applicant columns the jammed text leaves open)."""
    original = _parse(_held_out_source(derived), gazetteer)
    other = _parse(derived, gazetteer)
    core = {c: v for c, v in other.metrics.items() if c in CORE_CODES}
    assert core == {c: v for c, v in original.metrics.items() if c in CORE_CODES}
    assert _place(other) == _place(original)


def test_every_held_out_derived_file_has_its_original():
    assert len(HELD_OUT) == 10
    assert all(_held_out_source(p).is_file() for p in HELD_OUT)
