"""The date a report states for itself (issue 9, parser side): signature, else 发布时间."""
from datetime import date

import pytest

from agencies.divisions import default_gazetteer
from reports.parsing import parse_report
from reports.parsing.issued import signature_date, stated_date
from tests.conftest import CORPUS_DIR

PT = CORPUS_DIR / "pingtan-departments"


@pytest.mark.parametrize(("text", "expected", "evidence"), [
    ("……持续良好地开展。\n平潭县国土资源局\n2013年3月10日", date(2013, 3, 10), "2013年3月10日"),
    # Chinese numerals, and the tables appended after the signature (old-2009-pt-hbj)
    ("修改和归档工作。 平潭县环境保护局 二○一○年四月十日 附表: 指标名称", date(2010, 4, 10), "二○一○年四月十日"),
    ("……。\n二〇一七年十二月二十八日", date(2017, 12, 28), "二〇一七年十二月二十八日"),
    ("日常化。 二○一三年三月十日 附件下载", date(2013, 3, 10), "二○一三年三月十日"),
    # a date inside a sentence is not a signature
    ("统计期限自2016年1月1日起至2016年12月31日止。本报告由办公室编制。", None, None),
    ("截止2010年12月16日,厅门户网站累计主动公开政府信息65100条", None, None),
    ("平潭县司法局2013年2月30日", None, None),  # no such day
])
def test_signature_date(text, expected, evidence):
    found = signature_date(text)
    assert (found.value if found else None) == expected
    if found:
        assert text[found.start:found.end] == found.evidence == evidence


def test_published_line_when_unsigned():
    text = "发布时间: 2024-01-31 18:05\n平潭综合实验区农业农村局2023年政府信息公开工作年度报告\n正文。"
    found, warnings = stated_date(text, year=2023)
    assert (found.value, found.evidence, warnings) == (date(2024, 1, 31), "发布时间: 2024-01-31", [])


@pytest.mark.parametrize(("text", "year", "codes"), [
    # published a year before it was signed (old-2012-pt-gtj's header says 2012-03-10)
    ("发布时间: 2012-03-10\n正文。\n平潭县国土资源局\n二○一三年三月十日", 2012, ["issued_on_disagrees"]),
    ("发布时间: 2013-03-20\n正文。\n平潭县国土资源局\n二○一三年三月十日", 2012, []),
    # signed before the year reported on ended (old-2017-pt-hzs: 2017年1月8日 on its 2017 report)
    ("正文。\n平潭综合实验区行政审批局2017年1月8日", 2017, ["issued_on_implausible"]),
    ("正文。\n平潭综合实验区行政审批局2021年1月8日", 2017, ["issued_on_implausible"]),
    ("正文。\n平潭综合实验区行政审批局2018年3月8日", 2017, []),
])
def test_warnings(text, year, codes):
    _found, warnings = stated_date(text, year=year)
    assert [w.code for w in warnings] == codes


@pytest.mark.parametrize(("path", "expected", "evidence"), [
    (PT / "old-2012-pt-gtj.txt", date(2013, 3, 10), "二○一三年三月十日"),
    (PT / "old-2009-pt-hbj.txt", date(2010, 4, 10), "二○一○年四月十日"),
    (PT / "old-2017-pt-hzs.txt", date(2017, 1, 8), "2017年1月8日"),
    (PT / "old-2011-pt-hyj.txt", date(2011, 12, 21), "发布时间: 2011-12-21"),
    (PT / "old-2015-pt-jtj.txt", date(2015, 12, 4), "2015年12月4日"),
    (CORPUS_DIR / "html" / "html-2019-pingtan.html", date(2020, 1, 20), "发布时间: 2020-01-20"),
])
def test_corpus_reports_state_their_date(path, expected, evidence):
    result = parse_report(path.read_bytes(), filename=path.name, divisions=default_gazetteer())
    meta = result.metadata
    assert meta.issued_on == expected
    assert meta.issued_on_evidence == evidence
    assert result.text[meta.issued_on_start:meta.issued_on_end] == evidence
