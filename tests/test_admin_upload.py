"""The admin upload page and report admin: multi-file upload, one line per file, limits, filters, figures inline.

An upload becomes an import batch and redirects to its page (the tests run its tasks at once:
tests/conftest.py), which lists one line per file."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.ingest import Override, ingest_files
from reports.models import ImportBatch, Report
from tests.conftest import CORPUS_DIR
from tests.zips import make_zip

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/reports/report/upload/"
OLD_2016 = CORPUS_DIR / "hebei-old" / "old-2016-hebei-kjt.txt"
STD_2022 = CORPUS_DIR / "standard-and-old" / "std-2022-hebei-jyt.txt"


def upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_upload_url_is_the_admin_view_named_in_the_design():
    assert reverse("admin:reports_report_upload") == UPLOAD


def test_get_renders_the_form_with_limits(admin_client):
    response = admin_client.get(UPLOAD)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'type="file"' in body and "multiple" in body and 'name="dry_run"' in body and 'name="replace"' in body
    assert "20.0 MB" in body  # the single-file limit is stated before uploading


def test_upload_requires_staff(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_changelist_has_the_upload_button(admin_client):
    body = admin_client.get("/admin/reports/report/").content.decode()
    assert "上传年度报告" in body and UPLOAD in body


def test_post_several_files_creates_reports_and_lists_one_line_per_file(admin_client, admin_user):
    response = admin_client.post(UPLOAD, {"files": [upload(OLD_2016), upload(STD_2022),
                                                     SimpleUploadedFile("empty.txt", b"")]}, follow=True)
    batch = ImportBatch.objects.get()
    assert response.redirect_chain == [(batch.get_absolute_url(), 302)] and response.status_code == 200
    assert batch.uploaded_by == admin_user and batch.total == 3
    body = response.content.decode()
    assert body.count('<tr class="created">') == 2 and body.count('<tr class="failed">') == 1
    assert "empty.txt" in body and "为空" in body
    assert Report.objects.count() == 2
    report = Report.objects.get(original_filename=OLD_2016.name)
    assert report.uploaded_by == admin_user
    assert reverse("admin:reports_report_change", args=[report.pk]) in body


def test_duplicate_line_links_to_the_existing_report(admin_client):
    existing = ingest_files([(OLD_2016.name, OLD_2016.read_bytes())])[0].report
    body = admin_client.post(UPLOAD, {"files": [upload(OLD_2016)]}, follow=True).content.decode()
    assert '<tr class="duplicate">' in body
    assert reverse("admin:reports_report_change", args=[existing.pk]) in body


def test_a_zip_is_expanded_into_one_line_per_member(admin_client):
    data = make_zip([(OLD_2016.name, OLD_2016.read_bytes()), ("../../x.txt", b"x"), ("a.json", b"{}")])
    body = admin_client.post(UPLOAD, {"files": [SimpleUploadedFile("folder.zip", data)]}, follow=True).content.decode()
    assert body.count('<tr class="created">') == 1 and body.count('<tr class="failed">') == 1
    assert body.count('<tr class="skipped">') == 1 and Report.objects.count() == 1


def test_file_over_the_size_limit_gets_a_clear_message_and_nothing_is_stored(admin_client, settings):
    settings.REPORT_MAX_FILE_BYTES = 1000
    response = admin_client.post(UPLOAD, {"files": [upload(OLD_2016), upload(STD_2022)]})
    body = response.content.decode()
    assert response.status_code == 200 and "文件过大" in body and OLD_2016.name in body and "超过上限" in body
    assert Report.objects.count() == 0


def test_dry_run_shows_results_and_stores_nothing(admin_client):
    body = admin_client.post(UPLOAD, {"files": [upload(OLD_2016)], "dry_run": "on"}, follow=True).content.decode()
    assert "试运行" in body and '<tr class="created">' in body
    assert Report.objects.count() == 0


def test_agency_and_year_fields_apply_to_the_uploaded_files(admin_client):
    admin_client.post(UPLOAD, {"files": [upload(OLD_2016)], "agency": "河北省科学技术厅", "year": "2016"})
    report = Report.objects.get()
    assert (report.agency.name, report.year) == ("河北省科学技术厅", 2016)


def test_replace_checkbox_replaces_the_current_report(admin_client):
    same = {"agency": "河北省科学技术厅", "year": "2016"}
    admin_client.post(UPLOAD, {"files": [upload(OLD_2016)], **same})
    second = SimpleUploadedFile("v2.txt", OLD_2016.read_bytes() + "（更正）".encode())
    body = admin_client.post(UPLOAD, {"files": [second], **same}, follow=True).content.decode()
    assert '<tr class="already_present">' in body
    second.seek(0)
    body = admin_client.post(UPLOAD, {"files": [second], "replace": "on", **same}, follow=True).content.decode()
    assert '<tr class="replaced">' in body
    assert Report.objects.count() == 2 and Report.objects.current().count() == 1


def test_missing_files_is_a_form_error(admin_client):
    response = admin_client.post(UPLOAD, {})
    assert response.status_code == 200 and Report.objects.count() == 0
    assert response.context["form"].errors["files"]


def test_report_page_shows_figures_with_evidence_and_warnings(admin_client):
    report = ingest_files([(STD_2022.name, STD_2022.read_bytes())],
                          overrides={STD_2022.name: Override(agency="河北省教育厅", year=2022)})[0].report
    report.figures.update_or_create(code="requests_received", defaults=dict(
        value=7, parsed_value=7, evidence="本年新收 7 件", page=3))
    report.warnings = [{"code": "identity", "message": "总计不符", "figures": []}]
    report.save()
    body = admin_client.get(reverse("admin:reports_report_change", args=[report.pk])).content.decode()
    assert "本年新收申请数" in body and "本年新收 7 件" in body and "总计不符" in body


@pytest.mark.parametrize("query", ["", "?has_warnings=yes", "?has_warnings=no", "?status__exact=needs_review",
                                   "?year=2016", "?layout__exact=prose", "?q=科学技术", "?is_current__exact=1"])
def test_report_list_filters_and_search(admin_client, query):
    ingest_files([(OLD_2016.name, OLD_2016.read_bytes())],
                 overrides={OLD_2016.name: Override(agency="河北省科学技术厅", year=2016)})
    response = admin_client.get("/admin/reports/report/" + query)
    assert response.status_code == 200


def test_has_warnings_filter_selects_by_warning_count(admin_client):
    Report.objects.create(sha256="1" * 64, original_filename="doubtful.txt", warning_count=2)
    Report.objects.create(sha256="0" * 64, original_filename="clean.txt", warning_count=0)
    with_warnings = admin_client.get("/admin/reports/report/?has_warnings=yes").context["cl"].result_count
    without = admin_client.get("/admin/reports/report/?has_warnings=no").context["cl"].result_count
    assert (with_warnings, without) == (1, 1)


def test_province_filter_lists_only_provinces_with_reports(admin_client):
    ingest_files([(OLD_2016.name, OLD_2016.read_bytes())],
                 overrides={OLD_2016.name: Override(agency="河北省科学技术厅", year=2016)})
    Report.objects.update(province=Report.province.field.related_model.objects.get(code="130000"))
    body = admin_client.get("/admin/reports/report/").content.decode()
    assert "河北省" in body and "山西省" not in body


def test_region_and_agency_admin_search(admin_client):
    assert "长安区" in admin_client.get("/admin/agencies/region/?q=130102").content.decode()
    assert admin_client.get("/admin/agencies/region/?level__exact=province").context["cl"].result_count == 34
    ingest_files([(OLD_2016.name, OLD_2016.read_bytes())],
                 overrides={OLD_2016.name: Override(agency="河北省科学技术厅", year=2016)})
    assert admin_client.get("/admin/agencies/agency/?q=科学技术").context["cl"].result_count == 1
