"""reports/ingest.py: one outcome per file, bad input named and never stored, duplicates, replace, dry run."""
import dataclasses
import os
from datetime import timedelta
from decimal import Decimal

import pytest

from agencies.models import Agency
from reports import ingest, originals
from reports.ingest import Outcome, OutcomeStatus, Override, ingest_files
from reports.models import Figure, Finding, Report, ReportEvent, Status
from reports.offsets import original_index
from reports.parsing import parse_report
from reports.parsing.result import Figure as ParsedFigure
from reports.parsing.result import Metadata, ParseResult, Warning_
from tests.conftest import CORPUS_DIR
from tests.zips import make_docx, make_zip

pytestmark = pytest.mark.django_db

STD_2022 = CORPUS_DIR / "standard-and-old" / "std-2022-hebei-jyt.txt"
OLD_2016 = CORPUS_DIR / "hebei-old" / "old-2016-hebei-kjt.txt"
PINGTAN_2022 = CORPUS_DIR / "standard-and-old" / "std-2022-pingtan.txt"
PDF = CORPUS_DIR / "standard-and-old" / "std-2023-hongze.pdf"


def corpus(path):
    return (path.name, path.read_bytes())


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs) if os.path.exists(root) else []


def by_name(outcomes):
    return {o.filename: o for o in outcomes}


def test_a_corpus_report_is_stored_with_every_parsed_figure_and_its_evidence(settings, admin_user):
    name, data = corpus(STD_2022)
    parsed = parse_report(data, filename=name)
    [outcome] = ingest_files([(name, data)], uploaded_by=admin_user)
    assert outcome.status == OutcomeStatus.CREATED, outcome.message
    report = outcome.report
    report.refresh_from_db()
    assert report.original_filename == name and report.file_size == len(data)
    assert report.file.read() == data
    assert report.text == parsed.text and report.original_text == parsed.original_text
    assert [original_index(report.offsets, n) for n in range(len(parsed.offsets))] == list(parsed.offsets)
    assert report.layout == parsed.layout and report.parser_version == parsed.parser_version
    assert report.uploaded_by == admin_user
    stored = {f.code: (f.value, f.parsed_value, f.evidence, f.start, f.end) for f in report.figures.all()}
    assert stored == {f.code: (f.value, f.value, f.evidence, f.start, f.end) for f in parsed.figures}
    assert list(report.events.values_list("action", flat=True)) == [ReportEvent.Action.UPLOADED]


def _fake_result(filename, **meta):
    text = "某某市教育局2022年政府信息公开工作年度报告" * 3 + "本年新收政府信息公开申请数量 12 件"
    return ParseResult(
        filename=filename, ok=True, text=text, original_text=text, offsets=tuple(range(len(text) + 1)),
        script="simplified", layout="standard_2021", file_kind="txt", encoding="utf-8",
        metadata=Metadata(**meta),
        figures=(ParsedFigure("requests_received", Decimal(12), "本年新收政府信息公开申请数量 12 件", 60, 78),
                 ParsedFigure("requests_received_natural_person", Decimal("12.5"), "自然人 12", 60, 78,
                              method="prose", page=2)),
        warnings=(Warning_("identity", "新收+结转≠总计+结转下年", ("requests_received", "outcome_total")),
                  Warning_("pinyin_stripped", "已去除拼音")),
        parser_version="test",
    )


def test_figures_warnings_and_findings_follow_the_parse_result(monkeypatch):
    monkeypatch.setattr(ingest, "check_rules", lambda: frozenset({"identity"}))
    monkeypatch.setattr(ingest, "parse_report", lambda data, *, filename, divisions: _fake_result(
        filename, agency="河北省教育厅", year=2022, province="河北省", region_code="130000"))
    [outcome] = ingest_files([("a.txt", b"whatever")])
    report = outcome.report
    assert report.status == Status.NEEDS_REVIEW and report.warning_count == 2
    assert report.warnings[0] == {"code": "identity", "message": "新收+结转≠总计+结转下年",
                                  "figures": ["requests_received", "outcome_total"]}
    fine = report.figures.get(code="requests_received_natural_person")
    assert (fine.value, fine.method, fine.page) == (Decimal("12.50"), "prose", 2)
    assert list(Finding.objects.filter(report=report).values_list("rule", "codes")) == [
        ("identity", ["requests_received", "outcome_total"])]
    assert report.agency.name == "河北省教育厅" and report.agency.level == Agency.Level.PROVINCE
    assert report.province.code == "130000" and report.prefecture is None and report.county is None


def test_region_levels_are_stored_from_the_most_specific_region(monkeypatch):
    monkeypatch.setattr(ingest, "parse_report", lambda data, *, filename, divisions: _fake_result(
        filename, agency="平潭县人民政府", year=2022, region_code="350128"))
    report = ingest_files([("a.txt", b"x")])[0].report
    assert (report.province.name, report.prefecture.name, report.county.name) == ("福建省", "福州市", "平潭县")
    assert report.agency.region == report.county and report.agency.level == "county"


def test_a_report_without_warnings_is_parsed_not_needs_review(monkeypatch):
    clean = dataclasses.replace(_fake_result("a.txt", agency="某某市教育局", year=2022), warnings=())
    monkeypatch.setattr(ingest, "parse_report", lambda data, *, filename, divisions: clean)
    report = ingest_files([("a.txt", b"x")])[0].report
    assert report.status == Status.PARSED and report.warnings == [] and report.warning_count == 0


def test_missing_agency_and_year_go_in_for_review_saying_what_is_missing(monkeypatch):
    monkeypatch.setattr(ingest, "parse_report", lambda data, *, filename, divisions: _fake_result(filename))
    [outcome] = ingest_files([("a.txt", b"x")])
    assert outcome.status == OutcomeStatus.CREATED
    report = outcome.report
    assert report.agency is None and report.year is None and report.status == Status.NEEDS_REVIEW
    codes = {w["code"]: w["message"] for w in report.warnings}
    assert "发布机关" in codes["missing_agency"] and "年度" in codes["missing_year"]


def test_overrides_state_agency_and_year_per_file(monkeypatch):
    monkeypatch.setattr(ingest, "parse_report", lambda data, *, filename, divisions: _fake_result(filename))
    outcomes = ingest_files([("a.txt", b"a"), ("b.txt", b"b")],
                            overrides={"a.txt": Override(agency="石家庄市教育局", year=2019)})
    a, b = (o.report for o in outcomes)
    assert (a.agency.name, a.year) == ("石家庄市教育局", 2019)
    assert not any(w["code"].startswith("missing") for w in a.warnings)
    assert b.agency is None


BAD_INPUTS = [
    ("empty.txt", b"", "为空"),
    ("random.txt", bytes(range(256)) * 40, None),
    ("legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, None),
    ("legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\1" * 2000, None),
    ("truncated.pdf", PDF.read_bytes()[:1500], None),
    ("hello.txt", b"hello world, no report here", None),
]


@pytest.mark.parametrize("name,data,phrase", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_fails_with_a_named_message_and_the_rest_of_the_batch_goes_in(settings, name, data, phrase):
    outcomes = ingest_files([(name, data), corpus(OLD_2016)])
    bad, good = outcomes
    assert bad.status == OutcomeStatus.FAILED
    assert name in bad.message and len(bad.message) > len(name) + 4
    if phrase:
        assert phrase in bad.message
    assert good.status == OutcomeStatus.CREATED
    assert Report.objects.count() == 1 and Figure.objects.exclude(report=good.report).count() == 0
    assert len(stored_files(settings)) == 1


def test_file_over_the_size_limit_is_refused_with_the_limit_named(settings):
    settings.REPORT_MAX_FILE_BYTES = 1000
    name, data = corpus(OLD_2016)
    [outcome] = ingest_files([(name, data)])
    assert outcome.status == OutcomeStatus.FAILED and name in outcome.message and "超过上限" in outcome.message
    assert Report.objects.count() == 0 and stored_files(settings) == []


def test_gbk_text_without_bom_is_read_and_stored(settings):
    text = OLD_2016.read_text(encoding="utf-8")
    [outcome] = ingest_files([("gbk-report.txt", text.encode("gbk"))])
    assert outcome.status == OutcomeStatus.CREATED, outcome.message
    assert outcome.report.text.count("政府信息公开") >= 3
    assert outcome.report.encoding.lower() in {"gb18030", "gbk", "gb2312"}


def test_zip_members_each_get_an_outcome_and_hostile_members_are_refused(settings):
    bomb = b"\0" * (8 * 1024 * 1024)
    data = make_zip([("reports/", b""), ("reports/" + OLD_2016.name, OLD_2016.read_bytes()),
                     ("../../x.txt", OLD_2016.read_bytes()), ("inner.zip", make_zip([("a.txt", b"a")])),
                     ("bomb.txt", bomb), ("notes.md", b"# notes"), ("__MACOSX/._x", b"x")])
    outcomes = by_name(ingest_files([("batch.zip", data), corpus(STD_2022)]))
    assert {k: o.status for k, o in outcomes.items()} == {
        f"batch.zip/reports/{OLD_2016.name}": "created", "batch.zip/../../x.txt": "failed",
        "batch.zip/inner.zip": "failed", "batch.zip/bomb.txt": "failed", "batch.zip/notes.md": "skipped",
        STD_2022.name: "created",
    }
    assert "路径不安全" in outcomes["batch.zip/../../x.txt"].message
    assert "嵌套" in outcomes["batch.zip/inner.zip"].message
    assert "压缩" in outcomes["batch.zip/bomb.txt"].message
    assert Report.objects.count() == 2 and len(stored_files(settings)) == 2
    assert all(".." not in f for f in stored_files(settings))


def test_archive_over_the_total_limit_fails_as_one_outcome(settings):
    settings.REPORT_MAX_ARCHIVE_BYTES = 5000
    data = make_zip([("a.txt", OLD_2016.read_bytes()), ("b.txt", STD_2022.read_bytes())])
    [outcome] = ingest_files([("big.zip", data)])
    assert outcome.status == OutcomeStatus.FAILED and "big.zip" in outcome.message
    assert Report.objects.count() == 0


def test_same_bytes_again_is_a_duplicate_naming_the_existing_report(settings):
    first = ingest_files([corpus(OLD_2016)])[0].report
    [again] = ingest_files([("renamed.txt", OLD_2016.read_bytes())])
    assert again.status == OutcomeStatus.DUPLICATE and again.existing == first and again.report is None
    assert f"#{first.pk}" in again.message
    assert Report.objects.count() == 1 and len(stored_files(settings)) == 1


def _other_version(path):
    return path.read_bytes() + "\n（更正版）".encode()


def test_same_agency_and_year_is_already_present_unless_replace_is_asked(settings):
    same = Override(agency="河北省科学技术厅", year=2016)
    first = ingest_files([corpus(OLD_2016)], overrides={OLD_2016.name: same})[0].report
    [again] = ingest_files([("v2.txt", _other_version(OLD_2016))], overrides={"v2.txt": same})
    assert again.status == OutcomeStatus.ALREADY_PRESENT and again.existing == first
    assert "2016" in again.message and "v2.txt" in again.message
    assert Report.objects.count() == 1 and len(stored_files(settings)) == 1


def test_replace_keeps_the_old_version_retrievable_and_links_it(settings, admin_user):
    same = Override(agency="河北省科学技术厅", year=2016)
    old = ingest_files([corpus(OLD_2016)], overrides={OLD_2016.name: same})[0].report
    [outcome] = ingest_files([("v2.txt", _other_version(OLD_2016))], uploaded_by=admin_user, replace=True,
                             overrides={"v2.txt": same})
    assert outcome.status == OutcomeStatus.REPLACED and outcome.existing == old
    new = outcome.report
    old.refresh_from_db()
    assert old.is_current is False and old.replaced_by == new and new.is_current
    assert Report.objects.current().get(agency=new.agency, year=2016) == new
    assert old.file.read() == OLD_2016.read_bytes()
    assert old.events.filter(action=ReportEvent.Action.REPLACED).exists()
    assert new.events.filter(action=ReportEvent.Action.REPLACED, user=admin_user).exists()


def test_dry_run_reports_outcomes_but_writes_nothing(settings):
    outcomes = ingest_files([corpus(OLD_2016), ("empty.txt", b"")], dry_run=True,
                            overrides={OLD_2016.name: Override(agency="一个新机关", year=2016)})
    assert [o.status for o in outcomes] == [OutcomeStatus.CREATED, OutcomeStatus.FAILED]
    assert outcomes[0].dry_run and outcomes[0].report is None and "试运行" in outcomes[0].message
    assert Report.objects.count() == 0 and Agency.objects.count() == 0 and ReportEvent.objects.count() == 0
    assert stored_files(settings) == []


def test_agency_names_differing_in_spacing_width_or_script_make_one_agency():
    names = ["河北省科学技术厅", "河北省 科学技术厅", "河北省科學技術廳", "河北省科学技术厅\u3000"]
    for i, agency in enumerate(names):
        ingest_files([(f"{i}.txt", _other_version(OLD_2016) + str(i).encode())],
                     overrides={f"{i}.txt": Override(agency=agency, year=2010 + i)})
    assert Agency.objects.count() == 1
    assert Report.objects.filter(agency__name="河北省科学技术厅").count() == 4


def test_kinds_that_are_never_reports_are_skipped_not_failed():
    outcomes = ingest_files([("truth.json", b"{}"), ("README.md", b"# x"), ("scan.png", b"\x89PNG")])
    assert [o.status for o in outcomes] == [OutcomeStatus.SKIPPED] * 3
    assert all(o.ok for o in outcomes) and Report.objects.count() == 0


def test_a_parser_crash_fails_that_file_only(monkeypatch, settings):
    real = ingest.parse_report

    def crash_on_a(data, *, filename, divisions):
        if filename == "a.txt":
            raise RuntimeError("boom")
        return real(data, filename=filename, divisions=divisions)

    monkeypatch.setattr(ingest, "parse_report", crash_on_a)
    outcomes = ingest_files([("a.txt", b"x"), corpus(OLD_2016)])
    assert [o.status for o in outcomes] == [OutcomeStatus.FAILED, OutcomeStatus.CREATED]
    assert "a.txt" in outcomes[0].message and "boom" in outcomes[0].message


def test_a_database_failure_after_the_file_is_stored_leaves_no_row_and_the_file_for_cleanup(monkeypatch, settings):
    """Issue 9: the original is stored before the transaction and ingest never deletes a file;
    a file no committed row names is what cleanup_files removes."""
    def fail(ids):
        raise RuntimeError("db gone")

    monkeypatch.setattr(ingest, "refresh_metrics", fail)
    with pytest.raises(RuntimeError):
        ingest_files([corpus(OLD_2016)])
    assert Report.objects.count() == 0
    [stored] = stored_files(settings)
    assert [os.path.join(settings.MEDIA_ROOT, n) for n in originals.unreferenced(older_than=timedelta(0))] == [stored]


def test_an_abort_right_after_the_commit_keeps_the_file_the_committed_row_names(monkeypatch, settings):
    """Issue 9: a worker aborted inside commit() after the database had committed deleted the
    stored file of a saved report (its download gave 404)."""
    real = ingest._write

    def commit_then_abort(*args, **kwargs):
        real(*args, **kwargs)
        raise SystemExit("worker aborted")

    monkeypatch.setattr(ingest, "_write", commit_then_abort)
    with pytest.raises(SystemExit):
        ingest_files([corpus(OLD_2016)])
    report = Report.objects.get()
    assert report.file.read() == OLD_2016.read_bytes()
    assert list(originals.unreferenced(older_than=timedelta(0))) == []


def test_outcome_counts_follow_status_order():
    outs = [Outcome("a", "failed", ""), Outcome("b", "created", ""), Outcome("c", "failed", "")]
    assert ingest.count_by_status(outs) == {"created": 1, "failed": 2}


def test_check_warnings_of_a_real_report_become_findings():
    """std-2023-hongze: table 4's 总计 cells (0) contradict their parts (SOURCES.md)."""
    report = ingest_files([corpus(PDF)])[0].report
    checks = [(w["code"], w["message"]) for w in report.warnings if w["code"] in ingest.check_rules()]
    assert checks, report.warnings
    assert sorted(report.findings.values_list("rule", "message")) == sorted(checks)
    assert report.status == Status.NEEDS_REVIEW
    assert report.figures.filter(page__isnull=False).exists()  # PDF figures keep their page


def test_a_word_report_is_one_report_alone_or_inside_a_zip(settings):
    """Issue 9: a .docx is a zip container, and ingest expanded it as an archive, failing each of
    its XML parts ("文件中没有可读的报告正文")."""
    docx = make_docx(STD_2022.read_text(encoding="utf-8"))
    [alone] = ingest_files([("std-2022.docx", docx)])
    assert alone.status == OutcomeStatus.CREATED, alone.message
    assert alone.report.file_kind == "docx" and alone.report.figures.exists()
    other = make_docx(OLD_2016.read_text(encoding="utf-8"))
    [member] = ingest_files([("folder.zip", make_zip([("reports/old-2016.docx", other)]))])
    assert (member.filename, member.status) == ("folder.zip/reports/old-2016.docx", OutcomeStatus.CREATED)
    assert Report.objects.count() == 2 and len(stored_files(settings)) == 2
