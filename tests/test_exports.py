"""CSV of the filtered report list: Chinese headers with codes, one row per report, every core figure."""
import csv
import io
from decimal import Decimal

import pytest

from reports.exports import csv_cell, csv_header, figure_pivot
from reports.models import Report, Status
from reports.parsing.metrics import CORE_CODES, label
from tests.factories import AgencyFactory, FigureFactory, RegionFactory, ReportFactory

pytestmark = pytest.mark.django_db


def _csv(client, query=""):
    response = client.get("/reports/?format=csv&" + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheets need the BOM to read UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def test_header_has_fixed_columns_then_every_core_code_in_order():
    header = csv_header()
    assert header[:9] == [
        "机关 (agency)", "年度 (year)", "省份 (province)", "地市 (prefecture)", "区县 (county)",
        "版式 (layout)", "状态 (status)", "警告数 (warnings)", "链接 (url)",
    ]
    assert header[9:] == [f"{label(code, 'zh')} ({code})" for code in CORE_CODES]
    assert header[9] == "本年新收申请数 (requests_received)"


def test_one_row_per_report_with_figure_columns(client):
    province = RegionFactory(name="河北省")
    r = ReportFactory(agency=AgencyFactory(name="河北省教育厅"), year=2021, province=province, warning_count=2)
    FigureFactory(report=r, code="requests_received", value=Decimal(428))
    FigureFactory(report=r, code="fees_yuan", value=Decimal("12.50"))
    FigureFactory(report=r, code="review_total", value=Decimal(9), removed=True)
    FigureFactory(report=r, code="denied_state_secret", value=Decimal(1))  # finer code: not a column
    other = ReportFactory(year=2020)
    FigureFactory(report=other, code="granted", value=Decimal(3))
    header, *rows = _csv(client)
    assert len(rows) == 2
    by_agency = {row[0]: dict(zip(header, row)) for row in rows}
    row = by_agency["河北省教育厅"]
    assert row["年度 (year)"] == "2021" and row["省份 (province)"] == "河北省"
    assert row["警告数 (warnings)"] == "2" and row["状态 (status)"] == "published"
    assert row["链接 (url)"] == f"http://testserver/reports/{r.pk}/"
    assert row["本年新收申请数 (requests_received)"] == "428"
    assert row["收取费用（元） (fees_yuan)"] == "12.5"
    assert row["行政复议总数 (review_total)"] == ""  # removed figures never count
    assert by_agency[other.agency.name]["予以公开 (granted)"] == "3"


def test_csv_has_exactly_the_filtered_rows_in_list_order(client):
    for year in (2018, 2019, 2020, 2021):
        ReportFactory(year=year)
    ReportFactory(year=2020, status=Status.NEEDS_REVIEW)
    rows = _csv(client, "year__gte=2019&o=year&page=2")[1:]
    assert [row[1] for row in rows] == ["2019", "2020", "2021"]


@pytest.mark.parametrize("n", [3, 30])
def test_csv_query_count_is_fixed(client, django_assert_num_queries, n):
    for i in range(n):
        r = ReportFactory()
        for code in CORE_CODES[:5]:
            FigureFactory(report=r, code=code, value=Decimal(i))
    with django_assert_num_queries(1):
        rows = _csv(client)
    assert len(rows) == n + 1


def test_pivot_sums_in_the_database():
    r = ReportFactory()
    FigureFactory(report=r, code="granted", value=Decimal(5))
    FigureFactory(report=r, code="partial", value=Decimal(2))
    (row,) = figure_pivot(Report.objects.filter(pk=r.pk), ("granted", "partial", "denied"))
    assert (row["m_granted"], row["m_partial"], row["m_denied"]) == (Decimal(5), Decimal(2), None)


def test_csv_sorted_by_a_figure_column(client):
    for value in (5, 50, 20):
        FigureFactory(report=ReportFactory(), code="requests_received", value=Decimal(value))
    ReportFactory()  # states nothing: last in both directions
    rows = _csv(client, "o=-requests_received")[1:]
    assert [row[9] for row in rows] == ["50", "20", "5", ""]


@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"http://x\",\"点击\")", "'=HYPERLINK(\"http://x\",\"点击\")"),
    ("+86 10 1234", "'+86 10 1234"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("-3", "'-3"),
    ("河北省教育厅", "河北省教育厅"), ("a=b", "a=b"), ("", ""), (None, ""),
    (-3, -3), (Decimal("-2.50"), -2.5), (Decimal("362.00"), 362), (True, "true"),
])
def test_csv_cells_never_start_a_formula(value, cell):
    """OWASP CSV injection: a text cell starting with = + - @ tab or CR gets a leading quote;
    numbers (Python numbers, not strings that look like them) stay numbers, negative too."""
    assert csv_cell(value) == cell


def test_report_list_csv_escapes_formula_names(client):
    ReportFactory(agency=AgencyFactory(name='=HYPERLINK("http://evil.example","点击")'), year=2021)
    _header, row = _csv(client)
    assert row[0] == "'=HYPERLINK(\"http://evil.example\",\"点击\")"


def test_compare_csv_escapes_formula_names(client):
    province = RegionFactory(code="990000", name="@测省")
    report = ReportFactory(agency=AgencyFactory(name="-测局", region=province), year=2022, province=province)
    FigureFactory(report=report, code="requests_received", value=Decimal(5))
    for query in ("chart=volume&year=2022", "chart=volume&year=2022&level=agency"):
        body = client.get(f"/compare/?{query}&format=csv").content.decode("utf-8-sig")
        header, row = list(csv.reader(io.StringIO(body)))
        name = row[header.index("分组 (name)")]
        assert name in ("'@测省", "'-测局")
