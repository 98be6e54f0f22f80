"""The one writer of new reports: files in, one Outcome per file, one transaction per file.

Everything that adds reports (the admin upload page, `import_reports`, `load_demo`, tests)
calls ingest_files(). A file goes through, in order: kind and size checks, zip expansion
(reports/archive.py), the sha256 duplicate check, the parser, agency/year/region resolution,
the agency-year check, then the database writes and finally the stored file.
"""
from __future__ import annotations

import hashlib
import logging
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.divisions import default_gazetteer
from agencies.resolve import find_or_create_agency, resolve_region
from reports import archive, crossyear, issued
from reports.models import Figure, Finding, Report, ReportEvent, Status
from reports.offsets import compress as compress_offsets
from reports.parsing import checks as parsing_checks
from reports.parsing import parse_report
from reports.summary import refresh_metrics

log = logging.getLogger(__name__)

# Kinds that are never reports: listed as skipped rather than failed, so that importing a
# folder with its notes, ground truth or pictures is not an error.
NEVER_REPORTS = frozenset({
    ".json", ".md", ".markdown", ".rst", ".csv", ".tsv", ".yml", ".yaml", ".toml", ".ini", ".cfg",
    ".py", ".js", ".css", ".map", ".xml", ".sqlite3", ".db", ".log",
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".svg", ".webp", ".ico", ".heic",
    ".mp3", ".mp4", ".wav", ".avi", ".mov", ".exe", ".dll", ".so", ".bin",
})
NEVER_REPORT_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".gitkeep", ".gitignore"})

# Warning codes that become Findings a reviewer disposes of: the consistency checks, plus the
# layouts' prose-versus-table and table-printed-twice disagreements.
CHECK_RULE_CODES = frozenset(parsing_checks.RULE_CODES) | {"prose_disagrees", "table_conflict"}
MIN_CJK_CHARACTERS = 20  # below this nothing readable came out: not a report
_CJK = re.compile(r"[\u4e00-\u9fff]")


def check_rules() -> frozenset[str]:
    """The warning codes that are consistency-check findings."""
    return CHECK_RULE_CODES


class OutcomeStatus(models.TextChoices):
    CREATED = "created", gettext_lazy("已创建")
    DUPLICATE = "duplicate", gettext_lazy("重复文件")
    REPLACED = "replaced", gettext_lazy("已替换旧版本")
    ALREADY_PRESENT = "already_present", gettext_lazy("该机关该年度已有报告")
    SKIPPED = "skipped", gettext_lazy("已跳过")
    FAILED = "failed", gettext_lazy("失败")


@dataclass(frozen=True)
class Override:
    """What the uploader states about a file, taking precedence over what the parser found."""

    agency: str | None = None
    year: int | None = None


@dataclass
class Outcome:
    """What happened to one file. `report` is the report created (or replacing); `existing` the
    report already there (duplicate, already_present, or the one replaced). In a dry run nothing
    is saved and `report` is None."""

    filename: str
    status: str
    message: str
    report: Report | None = None
    existing: Report | None = None
    dry_run: bool = False
    warnings: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != OutcomeStatus.FAILED

    @property
    def report_id(self) -> int | None:
        return self.report.pk if self.report is not None else None

    @property
    def status_label(self) -> str:
        return str(OutcomeStatus(self.status).label)


class _Rollback(Exception):
    """Raised inside the per-file transaction of a dry run so that nothing is kept."""


def ingest_files(
    files: Iterable[tuple[str, bytes]],
    *,
    uploaded_by=None,
    replace: bool = False,
    dry_run: bool = False,
    overrides: Mapping[str, Override] | None = None,
) -> list[Outcome]:
    """Ingest (filename, bytes) pairs and return one Outcome per file, in order; a .zip gives one
    outcome per member (named "archive.zip/member"), or one failed outcome when refused whole.

    `replace` lets a file take over the agency-year of the current report (kept, marked not
    current, linked by replaced_by); without it such a file is `already_present`. `overrides`
    maps a filename (or an archive's name, for all its members) to the agency and year the
    uploader states. Failures never leave rows or stored files behind.
    """
    overrides = overrides or {}
    batch = _Batch(uploaded_by=uploaded_by, replace=replace, dry_run=dry_run)
    outcomes: list[Outcome] = []
    for name, data in files:
        if archive.is_zip(name, data) and not _never_report(name):
            outcomes.extend(_ingest_archive(name, data, batch, override=overrides.get(name)))
        else:
            outcomes.append(_ingest_one(name, data, batch, override=overrides.get(name)))
    return outcomes


@dataclass
class _Batch:
    """What every file of one ingest_files() call shares."""

    uploaded_by: object
    replace: bool
    dry_run: bool
    # Regions are reference data and a bulk import names the same few over and over.
    regions: dict = field(default_factory=dict)

    def region(self, meta):
        key = (meta.region_code, meta.province, meta.city, meta.county)
        if key not in self.regions:
            self.regions[key] = resolve_region(meta)
        return self.regions[key]


def _ingest_archive(name, data, batch, *, override) -> list[Outcome]:
    if len(data) > settings.REPORT_MAX_ARCHIVE_BYTES:
        return [_failed(name, _("压缩包超过大小上限 %(max)s (archive too large)")
                        % {"max": _size(settings.REPORT_MAX_ARCHIVE_BYTES)})]
    try:
        members = archive.expand(data, limits=archive.Limits.from_settings())
    except archive.ArchiveRefused as exc:
        return [_failed(name, str(exc))]
    if not members:
        return [Outcome(name, OutcomeStatus.SKIPPED, _("%(name)s：压缩包内没有文件 (empty archive)") % {"name": name})]
    outcomes = []
    for member in members:
        shown = f"{name}/{member.name}"
        if isinstance(member, archive.RefusedMember):
            outcomes.append(_failed(shown, member.reason))
        else:
            outcomes.append(_ingest_one(shown, member.data, batch, override=override))
    return outcomes


def _ingest_one(name, data, batch, *, override) -> Outcome:
    dry_run = batch.dry_run
    if _never_report(name):
        return Outcome(name, OutcomeStatus.SKIPPED,
                       _("%(name)s：不是报告文件类型，已跳过 (not a report file type, skipped)") % {"name": name})
    if not data:
        return _failed(name, _("文件为空 (the file is empty)"))
    if len(data) > settings.REPORT_MAX_FILE_BYTES:
        return _failed(name, _("文件大小 %(size)s 超过上限 %(max)s (file too large)")
                       % {"size": _size(len(data)), "max": _size(settings.REPORT_MAX_FILE_BYTES)})
    sha256 = hashlib.sha256(data).hexdigest()
    existing = Report.objects.filter(sha256=sha256).select_related("agency").first()
    if existing is not None:
        return Outcome(name, OutcomeStatus.DUPLICATE,
                       _("%(name)s：与已有报告“%(report)s”（#%(id)d）内容相同，未重复导入 (duplicate)")
                       % {"name": name, "report": existing, "id": existing.pk},
                       existing=existing, dry_run=dry_run)
    basename = posixpath.basename(name.replace("\\", "/"))
    try:
        result = parse_report(data, filename=basename, divisions=default_gazetteer())
    except Exception as exc:  # a parser bug must not lose the rest of the batch; it is logged in full
        log.exception("parser crashed on %s", name)
        return _failed(name, _("解析器内部错误，请将文件转交维护人员 (parser error): %(err)s") % {"err": exc})
    if not result.ok:
        return _failed(name, result.error or _("无法读取文件 (unreadable)"), prefixed=bool(result.error))
    result = crossyear.parse_with_prior(result, data, filename=basename, divisions=default_gazetteer(),
                                        agency_name=override.agency if override else None,
                                        year=override.year if override else None)
    if len(_CJK.findall(result.text, 0, 20_000)) < MIN_CJK_CHARACTERS:
        return _failed(name, _("文件中没有可读的报告正文（几乎没有中文文字），请检查文件是否损坏或为扫描件"
                               " (no readable report text)"))
    stored = None
    try:
        with transaction.atomic():
            outcome = _store(name, basename, data, sha256, result, batch, override=override)
            if dry_run:
                raise _Rollback
            if outcome.report is not None:
                # The file goes to storage last, once every row is written; should the commit
                # still fail, the except clauses below delete it again.
                stored = _save_file(outcome.report, basename, data)
    except _Rollback:
        outcome.report = None
        head = _("%(name)s：") % {"name": name}
        rest = outcome.message[len(head):] if outcome.message.startswith(head) else outcome.message
        outcome.message = head + _("（试运行，未保存）") + rest
    except IntegrityError:
        _delete_stored(stored)
        # Two uploads of the same file or agency-year raced; the database constraint decided.
        existing = Report.objects.filter(sha256=sha256).first()
        if existing is not None:
            return Outcome(name, OutcomeStatus.DUPLICATE, _("%(name)s：重复文件 (duplicate)") % {"name": name},
                           existing=existing)
        return _failed(name, _("该机关该年度的报告刚被另一次上传占用，请重试 (concurrent upload)"))
    except BaseException:
        _delete_stored(stored)
        raise
    return outcome


def _store(name, basename, data, sha256, result, batch, *, override) -> Outcome:
    uploaded_by, replace, dry_run = batch.uploaded_by, batch.replace, batch.dry_run
    meta = result.metadata
    warnings = [_warning_dict(w) for w in result.warnings]
    agency_name = (override.agency if override and override.agency else meta.agency) or ""
    year = override.year if override and override.year else meta.year
    if not agency_name.strip():
        warnings.append({"code": "missing_agency", "figures": [],
                         "message": _("未能识别发布机关，请在后台补充 (agency not found)")})
    if not year:
        warnings.append({"code": "missing_year", "figures": [],
                         "message": _("未能识别报告年度，请在后台补充 (year not found)")})
    elif not 2000 <= year <= 2100:
        warnings.append({"code": "implausible_year", "figures": [],
                         "message": _("年度 %(year)d 不合理，已留空，请在后台补充 (implausible year)") % {"year": year}})
        year = None
    region = batch.region(meta)
    agency = find_or_create_agency(agency_name, region=region) if agency_name.strip() else None
    if region is None and agency is not None:
        region = agency.region

    previous = None
    if agency is not None and year:
        previous = Report.objects.current().filter(agency=agency, year=year).first()
        if previous is not None and not replace:
            # Nothing of this file is kept; a newly created agency is rolled back with it.
            transaction.set_rollback(True)
            return Outcome(name, OutcomeStatus.ALREADY_PRESENT,
                           _("%(name)s：%(agency)s %(year)d 年度已有报告（#%(id)d），未导入；如需替换请勾选“替换” "
                             "(already present for this agency and year)")
                           % {"name": name, "agency": agency.name, "year": year, "id": previous.pk},
                           existing=previous, dry_run=dry_run, warnings=warnings)
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current", "updated_at"])

    report = Report(
        agency=agency, year=year, title=_title(meta, agency, year, basename),
        province=_level(region, "province"), prefecture=_level(region, "prefecture"),
        county=region if region is not None and region.level == "county" else None,
        original_filename=basename[:300], file_size=len(data), sha256=sha256,
        file_kind=(result.file_kind or "")[:16], encoding=(result.encoding or "")[:32],
        text=result.text, original_text=result.original_text, offsets=compress_offsets(result.offsets),
        script=result.script or "", layout=result.layout or "unknown", multi_year=bool(meta.multi_year),
        status=Status.NEEDS_REVIEW if warnings else Status.PARSED,
        parser_version=result.parser_version, warnings=warnings,
        warning_count=min(len(warnings), 32767), uploaded_by=uploaded_by,
        **issued.parsed_fields(meta, result.text),
    )
    report.save()
    Figure.objects.bulk_create(_figures(report, result.figures))
    refresh_metrics([report.pk])
    rules = check_rules()
    Finding.objects.bulk_create([
        Finding(report=report, rule=w["code"][:32], message=w["message"], codes=w["figures"])
        for w in warnings if w["code"] in rules
    ] + crossyear.findings(report, result.figures))
    ReportEvent.objects.create(report=report, action=ReportEvent.Action.UPLOADED, user=uploaded_by,
                               new_value=basename[:300], details={"sha256": sha256, "file": name[:300]})
    if previous is not None:
        previous.replaced_by = report
        previous.save(update_fields=["replaced_by", "updated_at"])
        for target, details in ((report, {"replaces": previous.pk}), (previous, {"replaced_by": report.pk})):
            ReportEvent.objects.create(report=target, action=ReportEvent.Action.REPLACED, user=uploaded_by,
                                       old_value=str(previous.pk), new_value=str(report.pk), details=details)
    what = (_("已替换旧版本 #%(old)d") % {"old": previous.pk}) if previous is not None else _("已创建")
    message = _("%(name)s：%(what)s —— %(report)s，%(n)d 项指标，%(w)d 条警告") % {
        "name": name, "what": what, "report": report, "n": len(result.figures), "w": len(warnings)}
    return Outcome(name, OutcomeStatus.REPLACED if previous is not None else OutcomeStatus.CREATED,
                   message, report=report, existing=previous, dry_run=dry_run, warnings=warnings)


def _save_file(report: Report, basename: str, data: bytes) -> str:
    """Write the original bytes to storage and record the stored name on the row; return it."""
    report.file.save(_storage_name(basename), ContentFile(data), save=False)
    try:
        Report.objects.filter(pk=report.pk).update(file=report.file.name)
    except BaseException:
        _delete_stored(report.file.name)
        raise
    return report.file.name


def _delete_stored(stored_name: str | None) -> None:
    if stored_name:
        from django.core.files.storage import default_storage

        default_storage.delete(stored_name)


def _figures(report, figures) -> list[Figure]:
    out, seen = [], set()
    methods = set(Figure.Method.values)
    for f in figures:
        if f.code in seen:
            continue  # the parser states each code once; a repeat would break one_figure_per_code
        seen.add(f.code)
        value = Decimal(f.value)
        out.append(Figure(report=report, code=f.code[:64], value=value, parsed_value=value,
                          evidence=f.evidence or "", start=f.start, end=f.end, page=f.page,
                          method=f.method if f.method in methods else Figure.Method.TABLE))
    return out


def _warning_dict(w) -> dict:
    return {"code": w.code, "message": w.message, "figures": list(w.figures)}


def _title(meta, agency, year, basename) -> str:
    if meta.title:
        return meta.title[:300]
    if agency is not None and year:
        return f"{agency.name}{year}年政府信息公开工作年度报告"[:300]
    return basename[:300]


def _level(region, level):
    if region is None:
        return None
    return region if region.level == level else getattr(region, level)


def _storage_name(basename: str) -> str:
    stem, dot, ext = basename.rpartition(".")
    if not dot:
        stem, ext = basename, ""
    return (stem[:150] + (f".{ext[:10]}" if ext else "")) or "report"


def _never_report(name: str) -> bool:
    base = posixpath.basename(name.replace("\\", "/"))
    ext = posixpath.splitext(base)[1].lower()
    return base in NEVER_REPORT_NAMES or ext in NEVER_REPORTS


def _failed(name: str, reason: str, *, prefixed: bool = False) -> Outcome:
    """A failure whose message names the file (the parser's own errors already do)."""
    if prefixed and name.rsplit("/", 1)[-1] in reason:
        message = reason
    else:
        message = _("%(name)s：%(reason)s") % {"name": name, "reason": reason}
    return Outcome(name, OutcomeStatus.FAILED, message)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n} B"


def count_by_status(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """{status: number of outcomes}, in OutcomeStatus order, statuses that occurred only."""
    counts = {s: 0 for s in OutcomeStatus.values}
    for o in outcomes:
        counts[o.status] += 1
    return {s: n for s, n in counts.items() if n}
