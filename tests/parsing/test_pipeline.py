"""parse_report as a library call: the bundled gazetteer is used when none is passed."""
from agencies.divisions import default_gazetteer
from reports.parsing import parse_report
from tests.conftest import CORPUS_DIR


def test_parse_without_a_gazetteer_gives_the_same_metadata():
    """Regression (old-2016-hebei-kjt): without region names the agency swallowed the words before it."""
    data = (CORPUS_DIR / "hebei-old" / "old-2016-hebei-kjt.txt").read_bytes()
    alone = parse_report(data, filename="old-2016-hebei-kjt.txt")
    given = parse_report(data, filename="old-2016-hebei-kjt.txt", divisions=default_gazetteer())
    assert alone.metadata == given.metadata
    assert alone.metadata.agency == "河北省科学技术厅"
