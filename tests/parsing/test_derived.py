"""Each derived PDF and DOCX (tests/corpus/derived: the saved pages printed by Chromium and
converted by LibreOffice) gives the same figures and metadata as the page it was made from."""
import pytest

from agencies.divisions import default_gazetteer
from reports.parsing import parse_report
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
    meta, page_meta = other.metadata, page.metadata
    assert (meta.agency, meta.year, meta.province, meta.city, meta.county) == (
        page_meta.agency, page_meta.year, page_meta.province, page_meta.city, page_meta.county)


def test_every_derived_file_has_its_page():
    assert len(DERIVED) == 13
    assert all(_source(p).is_file() for p in DERIVED)
