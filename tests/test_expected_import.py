"""The CSV list of expected agencies (agencies/expected.py) and its admin page: each row matched,
created or refused with its reason; unreadable files refused whole; nothing half-written."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.expected import FileRefused, import_expected
from agencies.models import Agency, AgencyAlias, Region, ReportingExpectation
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "区划代码,机关名称,起始应报年度,最后应报年度,别名\n"


def run(text, *, encoding="utf-8", filename="list.csv", **kwargs):
    return import_expected(text.encode(encoding), filename=filename, **kwargs)


def outcome(result, line):
    return next(r for r in result.rows if r.line == line)


def test_rows_create_match_and_refuse_with_reasons():
    known = AgencyFactory(name="平潭县教育局", region=Region.objects.get(code="350128"))
    AgencyAlias.objects.create(agency=known, name="平潭教育局")
    result = run(HEADER
                 + "350128,平潭县公安局,2019,,平潭公安局\n"     # new agency, with an alias
                 + "350128,平潭教育局,2020,,\n"               # matched through its alias
                 + "350128,平潭县档案馆,2019—,,\n"           # bad year
                 + "999999,某县民政局,2019,,\n"                # unknown region code
                 + "350128,平潭县财政局,2021,2019,\n"           # last before first
                 + ",不存在的机关,2019,,\n")                   # unknown name without region
    assert [r.status for r in result.rows] == ["created", "matched", "refused", "refused", "refused", "refused"]
    assert "起始应报年度“2019—”不是 2008–2100 之间的年份" in outcome(result, 4).message
    assert "区划代码 999999 不存在" in outcome(result, 5).message
    assert "早于起始年度" in outcome(result, 6).message
    assert "新建机关须填写区划" in outcome(result, 7).message
    police = Agency.objects.get(name="平潭县公安局")
    assert police.region.code == "350128" and police.aliases.get().name == "平潭公安局"
    assert police.expectation.first_year == 2019 and police.expectation.note == "清单导入：list.csv 第 2 行"
    assert known.expectation.first_year == 2020 and "按名称或别名匹配到“平潭县教育局”" in outcome(result, 3).message
    assert not Agency.objects.filter(name__in=["平潭县档案馆", "某县民政局", "平潭县财政局", "不存在的机关"]).exists()


def test_region_by_name_and_ambiguous_names():
    result = run("地区,单位名称,起始年度\n平潭县,平潭县公安局,二〇一九年\n鼓楼区,鼓楼区民政局,2019\n福建省福州市平潭县,平潭县税务局,2020\n")
    assert [r.status for r in result.rows] == ["created", "refused", "created"]
    assert "不唯一" in result.rows[1].message and "请填写区划代码" in result.rows[1].message
    assert Agency.objects.get(name="平潭县公安局").expectation.first_year == 2019


def test_code_and_name_must_agree():
    result = run("区划代码,地区,机关,起始年度\n350128,厦门市,平潭县公安局,2019\n350128,平潭县,平潭县公安局,2019\n")
    assert [r.status for r in result.rows] == ["refused", "created"]
    assert "与区划名称“厦门市”不符" in result.rows[0].message


def test_a_name_of_another_region_is_refused_not_moved():
    AgencyFactory(name="公安局", region=Region.objects.get(code="350203"))
    result = run(HEADER + "350128,公安局,2019,,\n")
    assert result.rows[0].status == "refused" and "含地名的全称" in result.rows[0].message
    assert not ReportingExpectation.objects.exists()


def test_a_list_fills_a_missing_region_but_never_moves_one():
    blank = AgencyFactory(name="平潭县公安局", region=None, level="unknown")
    province = AgencyFactory(name="福建省公安厅", region=Region.objects.get(code="350000"), level="province")
    result = run(HEADER + "350128,平潭县公安局,2019,,\n350128,福建省公安厅,2019,,\n")
    blank.refresh_from_db()
    province.refresh_from_db()
    assert blank.region.code == "350128" and blank.level == "county" and "补充区划" in result.rows[0].message
    assert province.region.code == "350000" and "未改为" in result.rows[1].message


def test_again_is_unchanged_and_a_blank_last_year_keeps_the_end_marked_in_the_admin():
    run(HEADER + "350128,平潭县公安局,2019,,\n")
    again = run(HEADER + "350128,平潭县公安局,2019,,\n")
    assert again.rows[0].status == "unchanged" and again.counts() == {"unchanged": 1}
    expectation = ReportingExpectation.objects.get()
    expectation.last_year, expectation.end_reason = 2022, "merged"
    expectation.save()
    kept = run(HEADER + "350128,平潭县公安局,2020,,\n")
    expectation.refresh_from_db()
    assert (expectation.first_year, expectation.last_year) == (2020, 2022)
    assert "由 2019–2022 改为 2020–2022" in kept.rows[0].message
    clash = run(HEADER + "350128,平潭县公安局,2024,,\n")
    assert clash.rows[0].status == "refused" and "已合并" in clash.rows[0].message


def test_the_same_agency_twice_and_an_alias_of_another_agency_are_refused():
    other = AgencyFactory(name="平潭县民政局", region=Region.objects.get(code="350128"))
    result = run(HEADER + "350128,平潭县公安局,2019,,\n350128,平潭县 公安局,2020,,\n"
                 "350128,平潭县财政局,2019,,平潭县民政局\n")
    assert [r.status for r in result.rows] == ["created", "refused", "refused"]
    assert "与第 2 行是同一机关" in result.rows[1].message
    assert "别名“平潭县民政局”已是机关“平潭县民政局”的名称或别名" in result.rows[2].message
    # The refused row's agency was rolled back with its savepoint.
    assert not Agency.objects.filter(name="平潭县财政局").exists() and other.aliases.count() == 0


def test_a_malformed_row_is_named_and_the_others_go_in():
    result = run(HEADER + '350128,平潭县公安局,2019,,\n350128,平潭县国土资源局,自然资源局,2019,,\n'
                 '350128,"平潭县\n档案馆",2019,,\n')
    assert [r.status for r in result.rows] == ["created", "refused", "created"]
    assert "多于表头" in result.rows[1].message and result.rows[1].line == 3
    assert result.rows[2].line == 4 and result.rows[2].name == "平潭县 档案馆"


@pytest.mark.parametrize(("encoding", "prefix"), [("gb18030", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b"")])
def test_encodings_excel_writes(encoding, prefix):
    text = HEADER.replace(",", "\t") + "350128\t平潭县公安局\t2019\t\t\n" if encoding == "utf-16" else HEADER + "350128,平潭县公安局,2019,,\n"
    result = import_expected(prefix + text.encode(encoding), filename="list.csv")
    assert result.rows[0].status == "created" and Agency.objects.filter(name="平潭县公安局").exists()


@pytest.mark.parametrize(("data", "says"), [
    (b"", "文件为空"),
    (b"PK\x03\x04" + b"\x00" * 40, "Excel 工作簿"),
    ((HEADER + "350128,平潭县公安局,2019,,\n").encode("utf-8")[:-12] + b"\xff\xfe\x80" + b",2019,,\n", "无效字节"),
    (bytes(range(256)) * 8, "编码无法识别"),
    ("机关名称,备注\n平潭县公安局,x\n".encode(), "缺少列：起始应报年度、区划代码或区划名称"),
    (HEADER.encode(), "没有数据行"),
    ("区划代码,机关,机关名称,起始年度\n".encode(), "重复的列"),
])
def test_unreadable_files_are_refused_whole(data, says):
    with pytest.raises(FileRefused) as refused:
        import_expected(data, filename="bad.csv")
    assert "bad.csv" in str(refused.value) and says in str(refused.value)
    assert not Agency.objects.exists() and not ReportingExpectation.objects.exists()


def test_dry_run_writes_nothing():
    result = run(HEADER + "350128,平潭县公安局,2019,,\n", dry_run=True)
    assert result.rows[0].status == "created" and result.dry_run
    assert not Agency.objects.filter(name="平潭县公安局").exists() and not ReportingExpectation.objects.exists()


def test_admin_upload_page(admin_client):
    url = reverse("admin:agencies_reportingexpectation_upload")
    assert "区划代码" in admin_client.get(url).content.decode()
    upload = SimpleUploadedFile("list.csv", (HEADER + "350128,平潭县公安局,2019,,\n,,2019,,\n").encode("gb18030"))
    html = admin_client.post(url, {"file": upload}).content.decode()
    assert "导入结果" in html and "新建机关" in html and "缺少机关名称" in html and "gb18030" in html
    bad = SimpleUploadedFile("list.xlsx", b"PK\x03\x04rest")
    html = admin_client.post(url, {"file": bad}).content.decode()
    assert "list.xlsx：这是 Excel 工作簿" in html and "未写入任何内容" in html
    changelist = admin_client.get(reverse("admin:agencies_reportingexpectation_changelist")).content.decode()
    assert url in changelist and "平潭县公安局" in changelist


def test_admin_marks_an_agency_no_longer_expected_from_its_page(admin_client):
    agency = AgencyFactory(name="平潭县国土资源局", region=Region.objects.get(code="350128"))
    url = reverse("admin:agencies_agency_change", args=[agency.pk])
    data = {"name": agency.name, "region": agency.region.pk, "level": "county",
            "aliases-TOTAL_FORMS": 0, "aliases-INITIAL_FORMS": 0,
            "expectation-TOTAL_FORMS": 1, "expectation-INITIAL_FORMS": 0,
            "expectation-0-last_year": 2018, "expectation-0-end_reason": "merged",
            "expectation-0-note": "并入平潭县自然资源局", "expectation-0-agency": agency.pk}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    expectation = agency.expectation
    assert (expectation.last_year, expectation.end_reason, expectation.first_year) == (2018, "merged", None)
    assert expectation.updated_by.is_superuser


def test_uploaders_without_add_permission_cannot_upload(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:agencies_reportingexpectation_upload")).status_code == 403


def test_an_alias_naming_an_agency_listed_above_is_refused():
    result = run(HEADER + "350128,平潭县公安局,2019,,\n350128,平潭县交警大队,2019,,平潭县公安局\n")
    assert [r.status for r in result.rows] == ["created", "refused"]
    assert not Agency.objects.filter(name="平潭县交警大队").exists()


def test_agencies_changed_meanwhile_refuse_the_file_whole(monkeypatch):
    """Matching happens before writing: an agency another upload created in between makes the
    writes collide on its unique key, and then nothing of the file is kept."""
    AgencyFactory(name="平潭县公安局", region=Region.objects.get(code="350128"))
    monkeypatch.setattr("agencies.expected.find_agencies", lambda names: {})
    with pytest.raises(FileRefused) as refused:
        run(HEADER + "350128,平潭县民政局,2019,,\n350128,平潭县公安局,2019,,\n")
    assert "另一位用户" in str(refused.value)
    assert not Agency.objects.filter(name="平潭县民政局").exists() and not ReportingExpectation.objects.exists()


def test_a_long_list_is_matched_and_written_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    rows = "".join(f"350128,平潭县测试单位{i},2021,,平潭测试{i}\n" for i in range(300))
    # 20 to match and write, 10 to recount /coverage/ for the regions touched (coverage_counts.py).
    with django_assert_max_num_queries(30):
        result = run(HEADER + rows)
    assert result.counts() == {"created": 300}
    assert ReportingExpectation.objects.count() == 300 and AgencyAlias.objects.count() == 300
