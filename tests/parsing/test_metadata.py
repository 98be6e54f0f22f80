"""metadata.extract_metadata: agency, year and region from titles, signatures and self-references."""
import json

import pytest

from agencies.divisions import default_gazetteer
from reports.parsing.decode import extract_text
from reports.parsing.metadata import chinese_years_to_digits, extract_metadata, split_header
from reports.parsing.normalize import normalize
from tests.conftest import CORPUS_DIR

BODY = "\n一、总体情况\n我局认真贯彻落实《中华人民共和国政府信息公开条例》。\n"


@pytest.fixture(scope="module")
def gazetteer():
    return default_gazetteer()


def meta(text, gazetteer):
    return extract_metadata(normalize(text).text, divisions=gazetteer)


@pytest.mark.parametrize("text, agency, year", [
    # crawler header: the 标题 line names agency and year; 发布时间 is the publication date
    ("标题: 平潭县人民政府2011年政府信息公开工作年度报告\n发布时间: 2012-04-18 00:00\n文号: \n"
     "==================== 正文 ====================\n当前位置: 首页 2012年" + BODY, "平潭县人民政府", 2011),
    # year first, then the agency
    ("2013年北京市国土资源局海淀分局政府信息公开工作报告\n" + BODY, "北京市国土资源局海淀分局", 2013),
    # traditional text, converted before matching
    ("2013年北京市國土資源局海淀分局政府信息公開工作報告\n這個報告說明了我局的工作,與往年相比還有進步。",
     "北京市国土资源局海淀分局", 2013),
    # PDF title page: agency on its own line above the title
    ("洪泽区人民政府\n2023 年政府信息公开工作年度报告\n本报告由淮安市洪泽区人民政府办公室编制。", "洪泽区人民政府", 2023),
    # Chinese-numeral year
    ("某某\n二〇一七年度政府信息公开工作年度报告\n" + BODY, None, 2017),
    ("XX市国土资源局二○一五年政府信息公开工作年度报告" + BODY, "XX市国土资源局", 2015),
    # anonymised name stays as written
    ("XX市国土资源局2020年政务公开工作总结\n" + BODY, "XX市国土资源局", 2020),
    # the report never names itself (seed 004)
    ("2013年政府信息公开年度报告\n" + BODY, None, 2013),
    # the subject before the year
    ("福州市教育局政府信息公开工作2018年度报告\n" + BODY, "福州市教育局", 2018),
    ("平潭综合实验区管委会关于2019年度政府信息公开工作年度报告\n" + BODY, "平潭综合实验区管委会", 2019),
    # a central body's local office keeps its full name
    ("国家税务总局深圳市税务局2019年度政府信息公开工作年度报告\n" + BODY, "国家税务总局深圳市税务局", 2019),
    # letter heading
    ("浙江省国土资源厅关于报送《浙江省国土资源厅政府信息公开工作总结》的函\n2009年,我厅" + BODY,
     "浙江省国土资源厅", 2009),
])
def test_title_rules(gazetteer, text, agency, year):
    m = meta(text, gazetteer)
    assert (m.agency, m.year) == (agency, year)


@pytest.mark.parametrize("text, agency", [
    # signature line before the closing date
    ("2013年,我厅扎实推进政府信息公开工作。\n\n河北省教育厅\n2014年1月16日\n", "河北省教育厅"),
    ("2022年我厅未收取信息处理费。报告下载:河北省人力资源和社会保障厅2023年1月28日更多信息请关注", "河北省人力资源和社会保障厅"),
    ("……移交省档案馆。 河北省科学技术厅 2016年2月29日", "河北省科学技术厅"),
    # self-descriptions
    ("本年度报告是根据《条例》要求,由河北省教育厅编制。全文包括概述。2014年我厅……", "河北省教育厅"),
    ("要求,发布河北省教育厅2021年政府信息公开工作年度报告。我厅……", "河北省教育厅"),
    # body mentions matching the self-reference; the abbreviation counts for the full name
    ("2019年以来,河北省科学技术厅深入贯彻……如有疑问请与河北省科技厅办公室联系。我厅……", "河北省科学技术厅"),
    # an issuer inside 《》 counts only as "《X关于…》"
    ("印发了《呼和浩特市国土资源局关于全面加强信息报送工作的通知》。2017年我局……", "呼和浩特市国土资源局"),
    ("按照《河北省人民政府办公厅关于印发要点的通知》,2017年我局……", None),
    # a provincial department that only calls itself by its short name
    ("《河北省人民政府办公厅印发<意见>的通知》。2017年省人社厅认真贯彻……省人社厅", "河北省人力资源和社会保障厅"),
    # the full department name after a bare 省, the province only in a cited document (issue 8, item 4)
    ("按照《福建省政府信息公开办法》要求,2018年省交通运输厅认真落实……", "福建省交通运输厅"),
])
def test_body_rules(gazetteer, text, agency):
    assert meta(text, gazetteer).agency == agency


@pytest.mark.parametrize("text, year", [
    ("本年度报告中所列数据的统计期限自2014年1月1日起至2014年12月31日止。2015年将……", 2014),
    ("特向社会公布2015年度我厅信息公开工作年度报告。2016年将……2016年……2016年", 2015),
    ("2017年,按照市委要求,我局……目前,我局2008-2016年政府信息公开年度报告已公开。2017年共……", 2017),
    ("我厅全年公开信息。\n河北省教育厅\n2019年2月28日", 2018),  # only the date: the year before
])
def test_year_rules(gazetteer, text, year):
    assert meta(text, gazetteer).year == year


@pytest.mark.parametrize("text, year", [
    ("浙江省国土资源厅2008-2010年政府信息公开工作总结\n" + BODY, 2010),
    ("2008年至2010年政府信息公开工作情况\n" + BODY, 2010),
    ("浙江省国土资源厅关于报送《政府信息公开工作总结》的函\n自2008年《政府信息公开条例》实施以来,我厅……2010年……2010年", 2010),
])
def test_multi_year_is_flagged(gazetteer, text, year):
    m = meta(text, gazetteer)
    assert m.multi_year and m.year == year
    assert any(w.code == "multi_year" for w in m.warnings)


@pytest.mark.parametrize("text, province, city, county, code", [
    ("平潭综合实验区2021年度政府信息公开工作年度报告" + BODY, "福建省", "福州市", "平潭县", "350128"),
    ("北京市国土资源局海淀分局2013年政府信息公开工作报告" + BODY, "北京市", None, "海淀区", "110108"),
    ("呼和浩特市国土资源局2017年政府信息公开工作年度报告" + BODY, "内蒙古自治区", "呼和浩特市", None, "150100"),
    ("洪泽区人民政府2023年政府信息公开工作年度报告" + BODY, "江苏省", "淮安市", "洪泽区", "320813"),
    ("淮安市人民政府2024年政府信息公开工作年度报告" + BODY, "江苏省", "淮安市", None, "320800"),
    ("河北省教育厅2019年政府信息公开工作年度报告" + BODY, "河北省", None, None, "130000"),
    ("内蒙古自治区国土资源厅2015年政府信息公开工作年度报告" + BODY, "内蒙古自治区", None, None, "150000"),
    ("福州市教育局2016年政府信息公开工作年度报告" + BODY, "福建省", "福州市", None, "350100"),
    # historical name resolved to the current division (崇文区 merged into 东城区 in 2010)
    ("崇文区人民政府2009年政府信息公开工作年度报告" + BODY, "北京市", None, "东城区", "110101"),
])
def test_region_from_agency(gazetteer, text, province, city, county, code):
    m = meta(text, gazetteer)
    assert (m.province, m.city, m.county, m.region_code) == (province, city, county, code)


@pytest.mark.parametrize("text, county, city", [
    ("鼓楼区人民政府2020年政府信息公开工作年度报告" + BODY, None, None),                  # 南京? 福州? 徐州? 开封?
    ("鼓楼区人民政府2020年政府信息公开工作年度报告" + BODY + "福州市鼓楼区", "鼓楼区", "福州市"),  # the text decides
    ("长春市朝阳区人民政府2020年政府信息公开工作年度报告" + BODY, "朝阳区", "长春市"),
])
def test_ambiguous_names_are_not_guessed(gazetteer, text, county, city):
    m = meta(text, gazetteer)
    assert (m.county, m.city) == (county, city)
    if county is None:
        assert any(w.code == "region_ambiguous" for w in m.warnings)


def test_historical_name_warns(gazetteer):
    m = meta("崇文区人民政府2009年政府信息公开工作年度报告" + BODY, gazetteer)
    assert any(w.code == "historical_region" and "东城区" in w.message for w in m.warnings)


def test_region_inferred_from_cited_regulation_warns(gazetteer):
    text = "XX市国土资源局2020年政务公开工作总结\n认真贯彻落实《安徽省政府信息公开办法》等规定。我局……"
    m = meta(text, gazetteer)
    assert (m.agency, m.province, m.city) == ("XX市国土资源局", "安徽省", None)
    assert any(w.code == "region_inferred" and "《安徽省政府信息公开办法》" in w.message for w in m.warnings)


def test_no_region_when_nothing_names_one(gazetteer):
    m = meta("2013年政府信息公开年度报告\n根据省市县关于政府信息网上公开的要求,我局……", gazetteer)
    assert (m.agency, m.province, m.city, m.county) == (None, None, None, None)


def test_without_gazetteer_agency_and_year_still_found():
    m = extract_metadata("平潭县人民政府2011年政府信息公开工作年度报告\n我县……", divisions=None)
    assert (m.agency, m.year, m.province) == ("平潭县人民政府", 2011, None)


@pytest.mark.parametrize("snippet, expected", [
    ("二〇一七年", "2017年"), ("二○一三年一月", "2013年一月"), ("二零二零年度", "2020年度"), ("一〇年", "一〇年"),
])
def test_chinese_numeral_years(snippet, expected):
    assert chinese_years_to_digits(snippet) == expected


def test_split_header():
    fields, body = split_header("标题: 某报告\n发布时间: 2012-04-18\n栏目: 年报\n===== 正文 =====\n正文第一行")
    assert fields == {"标题": "某报告", "发布时间": "2012-04-18", "栏目": "年报"}
    assert body == "正文第一行"


def test_split_header_keeps_a_page_title_above_its_date_line():
    """A saved page (or its DOCX) prints 发布时间/来源 under its title: the title stays in the body."""
    fields, body = split_header("首页 > 政务公开 > 年报\n某区2023年度政府信息公开工作年度报告\n"
                                "发布时间：2024-03-08 来源：某办公室\n本报告根据……")
    assert fields == {"发布时间": "2024-03-08 来源：某办公室"}
    assert body == "首页 > 政务公开 > 年报\n某区2023年度政府信息公开工作年度报告\n本报告根据……"


@pytest.mark.parametrize("text", [
    # a breadcrumb that starts at the site's home page names the column, not the report
    "首页 > 政务公开 > 政府信息公开年报\n平潭综合实验区2023年度政府信息公开工作年度报告\n"
    "发布时间：2024-03-08 15:34 来源：平潭综合实验区管委会办公室\n本报告根据《条例》编制。",
    # a title wrapped by the page width (drv-pdf-html-std-2023-pt-zone)
    "首页 > 政务公开 > 政府信息公开年报\n平潭综合实验区2023年度政府信息公开工作年度报\n告\n本报告根据《条例》编制。",
])
def test_page_title_below_a_breadcrumb(text, gazetteer):
    m = meta(text, gazetteer)
    assert (m.agency, m.year, m.county) == ("平潭综合实验区", 2023, "平潭县")


def _corpus():
    for js in sorted(CORPUS_DIR.rglob("*.json")):
        truth = json.loads(js.read_text(encoding="utf-8"))
        report = js.parent / truth["file"]
        if report.is_file():
            yield pytest.param(report, truth, id=js.stem)


@pytest.mark.parametrize("path, truth", list(_corpus()))
def test_corpus_metadata(gazetteer, path, truth):
    """Every corpus report's agency, year and region, as the scorer counts them."""
    text = normalize(extract_text(path.read_bytes(), filename=path.name).text).text
    m = extract_metadata(text, divisions=gazetteer)
    assert m.agency == truth["agency"]
    for field in ("year", "province", "city", "county"):
        if truth[field] is not None:
            assert getattr(m, field) == truth[field], field


@pytest.mark.parametrize("name, codes, historical", [
    ("福州市", ["350100"], False),
    ("福州", ["350100"], False),
    ("河北", ["120105", "130000"], False),     # 天津市河北区 and 河北省: context decides
    ("内蒙古", ["150000"], False),
    ("延边", ["222400"], False),
    ("崇文区", ["110101"], True),              # merged into 东城区 (new_codes)
    ("富阳市", ["330111"], True),              # became 杭州市富阳区
    ("不存在的地方", [], False),
])
def test_gazetteer_resolve(gazetteer, name, codes, historical):
    found, was_historical = gazetteer.resolve(name)
    assert sorted(d.code for d in found) == codes
    assert was_historical is historical


def test_gazetteer_region_chain(gazetteer):
    region = gazetteer.region_of("350128")
    assert (region.province.name, region.prefecture.name, region.county.name, region.code) == (
        "福建省", "福州市", "平潭县", "350128")
    municipal = gazetteer.region_of("110108")
    assert (municipal.province.name, municipal.prefecture, municipal.county.name) == ("北京市", None, "海淀区")
    assert gazetteer.contains("350000", "350128") and not gazetteer.contains("110000", "350128")


@pytest.mark.parametrize(("body", "agency", "expected", "warned"), [
    ("我局2017年主动公开信息。我局将继续努力。", "平潭综合实验区综合执法局办公室", "平潭综合实验区综合执法局", True),
    ("我办2019年主动公开信息。", "平潭综合实验区管委会办公室", "平潭综合实验区管委会办公室", False),
    ("我局2017年主动公开信息。", "福州市人民政府办公厅", "福州市人民政府办公厅", False),
])
def test_a_departments_office_signs_for_the_department(body, agency, expected, warned):
    """old-2017-pt-zhz: titled …综合执法局办公室, written as 我局."""
    from reports.parsing.metadata import _office_of_department

    name, note = _office_of_department(agency, body)
    assert name == expected and (note is not None) == warned
