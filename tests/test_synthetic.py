"""The synthetic reports of the benches (tests/synthetic.py) read as the agencies they are renamed to."""
from agencies.divisions import default_gazetteer
from reports.parsing import parse_report
from tests import synthetic


def test_spread_reports_land_in_the_regions_they_name():
    files = synthetic.reports(2 * synthetic.AGENCIES_PER_REGION + 1, run="3", spread=True)
    regions = synthetic._regions()
    seen = []
    for i in (0, synthetic.AGENCIES_PER_REGION, 2 * synthetic.AGENCIES_PER_REGION):
        name, data = files[i]
        meta = parse_report(data, filename=name.split("-", 1)[1], divisions=default_gazetteer()).metadata
        expected = regions[i // synthetic.AGENCIES_PER_REGION]
        assert meta.agency.startswith(expected)
        assert meta.province == "河北省"
        seen.append((meta.province, meta.city, meta.county))
    assert len(set(seen)) == 3  # 河北省, then its first prefecture, then that prefecture's first county


def test_each_file_is_a_new_agency():
    files = synthetic.reports(30, run="4", spread=True)
    agencies = {parse_report(data, filename=name.split("-", 1)[1]).metadata.agency for name, data in files}
    assert len(agencies) == 30
