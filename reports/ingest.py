"""The one writer of new reports: files in, one Outcome per file, several files per transaction.

Everything that adds reports goes through here: ingest_files() in-process (load_demo, tests),
and the import workers chunk by chunk through ingest_chunk() (reports/imports.py). A file goes
through, in order: kind and size checks and zip expansion (expand_upload), the sha256
duplicate check, the parser, agency/year/region resolution and the agency-year check, the
original file stored by content (reports/originals.py), then the database writes: one
transaction per chunk of files, a savepoint per file. Each check is one query per chunk.

No file is ever deleted here: a file stored for a row that is then not written (a race, a
crash) is left for `manage.py cleanup_files`, so a committed row never points to nothing.
"""
from __future__ import annotations

import hashlib
import logging
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DataError, IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from agencies.divisions import default_gazetteer
from agencies.names import normalize_name
from agencies.resolve import adopt_region, create_agencies, find_agencies, resolve_region
from reports import archive, coverage_counts, crossyear, issued, originals
from reports.models import FileOutcome, Figure, Finding, Report, ReportEvent, Status
from reports.offsets import compress as compress_offsets
from reports.parse_rows import figure_rows, new_findings, warning_dict
from reports.parsing import checks as parsing_checks
from reports.parsing import parse_report
from reports.rollups import refresh_rollups
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

# The outcomes of a file; an import batch's files are also pending or cancelled (models.py).
OutcomeStatus = FileOutcome


def check_rules() -> frozenset[str]:
    """The warning codes that are consistency-check findings."""
    return CHECK_RULE_CODES


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


@dataclass
class Item:
    """One file on its way through ingest. `key` is the caller's handle on it (an import batch's
    ImportFile id); `outcome` is set as soon as the file's fate is known."""

    name: str
    data: bytes = b""
    override: Override | None = None
    key: object = None
    outcome: Outcome | None = None
    sha256: str = ""
    result: object = None  # the ParseResult
    twin: Item | None = None  # an earlier file of the chunk with the same bytes
    agency_name: str = ""
    year: int | None = None
    region: object = None
    agency: object = None
    warnings: list[dict] = field(default_factory=list)
    stored: str = ""  # the storage name of the original, once saved

    @property
    def basename(self) -> str:
        return posixpath.basename(self.name.replace("\\", "/"))

    @property
    def agency_year(self):
        key = normalize_name(self.agency_name) if self.agency_name.strip() else ""
        return (key, self.year) if key and self.year else None


@dataclass
class Context:
    """What every file of one import shares: the uploader's choices and reference-data caches."""

    uploaded_by: object = None
    replace: bool = False
    dry_run: bool = False
    # Regions are reference data and a bulk import names the same few over and over.
    regions: dict = field(default_factory=dict)

    def region(self, meta):
        key = (meta.region_code, meta.province, meta.city, meta.county)
        if key not in self.regions:
            self.regions[key] = resolve_region(meta)
        return self.regions[key]


class _Rollback(Exception):
    """Raised inside a dry run's transaction so that no report is kept."""


def ingest_files(
    files: Iterable[tuple[str, bytes]],
    *,
    uploaded_by=None,
    replace: bool = False,
    dry_run: bool = False,
    overrides: Mapping[str, Override] | None = None,
) -> list[Outcome]:
    """Ingest (filename, bytes) pairs in this process and return one Outcome per file, in order;
    a .zip gives one outcome per member (named "archive.zip/member"), or one failed outcome when
    refused whole. (Uploads and import_reports go through an import batch instead, which runs
    the same chunks in the task workers: reports/imports.py.)

    `replace` lets a file take over the agency-year of the current report (kept, marked not
    current, linked by replaced_by); without it such a file is `already_present`. `overrides`
    maps a filename (or an archive's name, for all its members) to the agency and year the
    uploader states. A failed file leaves no row behind.
    """
    overrides = overrides or {}
    context = Context(uploaded_by=uploaded_by, replace=replace, dry_run=dry_run)
    items = [item for name, data in files for item in expand_upload(name, data, override=overrides.get(name))]
    size = max(1, settings.REPORT_IMPORT_CHUNK)
    for at in range(0, len(items), size):
        ingest_chunk(items[at:at + size], context)
    return [item.outcome for item in items]


# Of several files of one upload for the same agency and year, the first written is kept and the
# others are already_present. Workers take exact-text formats first, rank by rank (imports.py):
# saved web pages and text dumps hold the report's own characters, Word files nearly so, while
# PDF text layers lose some (corpus derived/: U+2EA0 for 民). Within a rank, upload order.
_PREFERENCE = {".html": 0, ".htm": 0, ".shtml": 0, ".xhtml": 0, ".txt": 0, ".docx": 1, ".pdf": 2}


def preference(name: str) -> int:
    """The rank in which an import batch's workers take a file: 0 first (imports.py puts zips,
    which it expands into files, before all of these)."""
    return _PREFERENCE.get(posixpath.splitext(name.lower())[1], 1)


def is_archive_upload(name: str, data: bytes) -> bool:
    """An uploaded file to expand into its members: a zip archive (not a document such as .docx)."""
    return archive.is_archive(name, data) and not _never_report(name)


def expand_upload(name: str, data: bytes, *, override: Override | None = None) -> list[Item]:
    """One uploaded file as the Items to ingest: itself, or the members of a zip archive (a
    document such as .docx is not an archive). Files refused on sight (a kind that is never a
    report, empty, too large, an unsafe or refused archive) come with their outcome set; an
    archive refused whole is one Item of the archive's name."""
    if is_archive_upload(name, data):
        return _expand_archive(name, data, override)
    return [_screened(Item(name, data, override))]


def _expand_archive(name, data, override) -> list[Item]:
    if len(data) > settings.REPORT_MAX_ARCHIVE_BYTES:
        return [_decided(name, _failed(name, _("压缩包超过大小上限 %(max)s (archive too large)")
                                       % {"max": _size(settings.REPORT_MAX_ARCHIVE_BYTES)}))]
    try:
        members = archive.expand(data, limits=archive.Limits.from_settings())
    except archive.ArchiveRefused as exc:
        return [_decided(name, _failed(name, str(exc)))]
    if not members:
        return [_decided(name, Outcome(name, OutcomeStatus.SKIPPED,
                                       _("%(name)s：压缩包内没有文件 (empty archive)") % {"name": name}))]
    items = []
    for member in members:
        shown = f"{name}/{member.name}"
        if isinstance(member, archive.RefusedMember):
            items.append(_decided(shown, _failed(shown, member.reason)))
        else:
            items.append(_screened(Item(shown, member.data, override)))
    return items


def _decided(name, outcome) -> Item:
    return Item(name, outcome=outcome)


def _screened(item: Item) -> Item:
    """Set the outcome of a file refused by its kind or size alone."""
    name, data = item.name, item.data
    if _never_report(name):
        item.outcome = Outcome(name, OutcomeStatus.SKIPPED,
                               _("%(name)s：不是报告文件类型，已跳过 (not a report file type, skipped)") % {"name": name})
    elif not data:
        item.outcome = _failed(name, _("文件为空 (the file is empty)"))
    elif len(data) > settings.REPORT_MAX_FILE_BYTES:
        item.outcome = _failed(name, _("文件大小 %(size)s 超过上限 %(max)s (file too large)")
                               % {"size": _size(len(data)), "max": _size(settings.REPORT_MAX_FILE_BYTES)})
    return item


def ingest_chunk(items: list[Item], context: Context, *, claim=None) -> None:
    """Take a chunk of items to their outcomes (set on each item): the checks for the whole
    chunk at once, each file parsed, the originals stored, then one transaction with a savepoint
    per file. Items arriving with an outcome are left as they are.

    `claim` lets an import batch keep the chunk's bookkeeping in the same transaction: its
    keep(items) runs first and returns the keys of the items still to be written (the others are
    left without an outcome: cancelled, or taken over by another worker), its save(items) last.
    """
    todo = [i for i in items if i.outcome is None]
    for item in todo:
        item.sha256 = item.sha256 or hashlib.sha256(item.data).hexdigest()
    _mark_duplicates(todo, context)
    for item in todo:
        if item.outcome is None and item.twin is None:
            _parse(item)
    parsed = [i for i in todo if i.outcome is None and i.twin is None]
    _resolve(parsed, context)
    current = _mark_already_present(parsed, context)
    if not context.dry_run:
        for item in _first_per_agency_year(i for i in parsed if i.outcome is None):
            # Before the transaction, so that the row, once committed, never names a file not there.
            item.stored = originals.store(item.sha256, item.basename, item.data)
    before = [(item, item.outcome, item.agency) for item in items]
    try:
        _write(items, context, dict(current), claim=claim)
    except (IntegrityError, DataError):
        # One file the database refuses (a value out of range, a race not caught per file) must
        # not hold back the rest: write each file of the chunk on its own. (Other database errors,
        # such as a lost connection, propagate: the chunk stays claimed and is taken up again.)
        log.warning("chunk of %d files refused; writing them one by one", len(items), exc_info=True)
        for item, outcome, agency in before:
            item.outcome, item.agency = outcome, agency
        written = dict(current)  # so that a later file of the chunk sees an earlier one's report
        for item in items:
            try:
                _write([item], context, attempt := dict(written), claim=claim)
                written = attempt
            except (IntegrityError, DataError) as exc:
                log.exception("database refused %s", item.name)
                item.outcome = _failed(item.name, _("数据库拒绝写入此文件，请将文件转交维护人员 (database error): %(err)s")
                                       % {"err": exc})
                if claim is not None:
                    with transaction.atomic():
                        if claim.keep([item]):
                            claim.save([item])


def _mark_duplicates(items: list[Item], context: Context) -> None:
    """Files whose bytes a report already holds are duplicates, found in one query; a file of
    the chunk with the same bytes as an earlier one follows that one (its twin)."""
    shas = {i.sha256 for i in items}
    existing = {r.sha256: r for r in Report.objects.filter(sha256__in=shas).select_related("agency")} if shas else {}
    first: dict[str, Item] = {}
    for item in items:
        report = existing.get(item.sha256)
        if report is not None:
            item.outcome = Outcome(
                item.name, OutcomeStatus.DUPLICATE,
                _("%(name)s：与已有报告“%(report)s”（#%(id)d）内容相同，未重复导入 (duplicate)")
                % {"name": item.name, "report": report, "id": report.pk},
                existing=report, dry_run=context.dry_run)
        elif item.sha256 in first:
            item.twin = first[item.sha256]
        else:
            first[item.sha256] = item


def _parse(item: Item) -> None:
    name, override = item.name, item.override
    try:
        result = parse_report(item.data, filename=item.basename, divisions=default_gazetteer())
        if result.ok:
            # Parsed again with last year's figures where a jammed old-table pair was left open.
            result = crossyear.parse_with_prior(
                result, item.data, filename=item.basename, divisions=default_gazetteer(),
                agency_name=override.agency if override else None, year=override.year if override else None)
    except Exception as exc:  # a parser bug must not lose the rest of the batch; it is logged in full
        log.exception("parser crashed on %s", name)
        item.outcome = _failed(name, _("解析器内部错误，请将文件转交维护人员 (parser error): %(err)s") % {"err": exc})
        return
    if not result.ok:
        item.outcome = _failed(name, result.error or _("无法读取文件 (unreadable)"), prefixed=bool(result.error))
    elif len(_CJK.findall(result.text, 0, 20_000)) < MIN_CJK_CHARACTERS:
        item.outcome = _failed(name, _("文件中没有可读的报告正文（几乎没有中文文字），请检查文件是否损坏或为扫描件"
                                       " (no readable report text)"))
    else:
        item.result = result


def _resolve(items: list[Item], context: Context) -> None:
    """Agency, year, region and the warnings of each parsed file; agencies found in two queries."""
    for item in items:
        meta, override = item.result.metadata, item.override
        item.warnings = [warning_dict(w) for w in item.result.warnings]
        item.agency_name = ((override.agency if override and override.agency else meta.agency) or "").strip()
        year = override.year if override and override.year else meta.year
        if not item.agency_name:
            item.warnings.append({"code": "missing_agency", "figures": [],
                                  "message": _("未能识别发布机关，请在后台补充 (agency not found)")})
        if not year:
            item.warnings.append({"code": "missing_year", "figures": [],
                                  "message": _("未能识别报告年度，请在后台补充 (year not found)")})
        elif not 2000 <= year <= 2100:
            item.warnings.append({"code": "implausible_year", "figures": [],
                                  "message": _("年度 %(year)d 不合理，已留空，请在后台补充 (implausible year)") % {"year": year}})
            year = None
        item.year = year
        item.region = context.region(meta)
    known = find_agencies(i.agency_name for i in items if i.agency_name)
    for item in items:
        if item.agency_name:
            item.agency = known.get(normalize_name(item.agency_name))


def _mark_already_present(items: list[Item], context: Context) -> dict:
    """{(agency id, year): current report} for the chunk's known agencies, in one query; without
    `replace`, a file whose agency-year has a current report is already_present."""
    pairs = {(i.agency.pk, i.year) for i in items if i.agency is not None and i.year}
    current = {}
    if pairs:
        rows = Report.objects.current().filter(
            agency_id__in={a for a, _ in pairs}, year__in={y for _, y in pairs}).select_related("agency")
        current = {(r.agency_id, r.year): r for r in rows if (r.agency_id, r.year) in pairs}
    if not context.replace:
        for item in items:
            previous = current.get((item.agency.pk, item.year)) if item.agency is not None else None
            if previous is not None:
                item.outcome = _already_present(item, previous, context)
    return current


def _first_per_agency_year(items) -> list[Item]:
    """The files that will be written: without replace, only the first of the chunk per agency-year."""
    seen, out = set(), []
    for item in items:
        key = item.agency_year
        if key is None or key not in seen:
            out.append(item)
        if key is not None:
            seen.add(key)
    return out


def _write(items: list[Item], context: Context, current: dict, *, claim) -> None:
    with transaction.atomic():
        if claim is not None:
            kept = claim.keep(items)
            for item in items:
                if item.key not in kept:
                    item.outcome = None
            items = [i for i in items if i.key in kept]
        new: list[Report] = []
        try:
            # The chunk's /coverage/ recount runs once, after its reports (coverage_counts.py).
            with transaction.atomic(), coverage_counts.deferred():
                _write_reports(items, context, current, new)
                if context.dry_run:
                    raise _Rollback
        except _Rollback:
            rolled_back = {id(r) for r in new}
            for item in items:
                _mark_dry_run(item.outcome, rolled_back)
        if claim is not None:
            claim.save(items)


def _write_reports(items: list[Item], context: Context, current: dict, new: list) -> None:
    """Insert each new report in its own savepoint (appended to `new`), then the rows of all of
    them in bulk."""
    todo = [i for i in items if i.outcome is None and i.twin is None]
    # The chunk's new agencies in one statement (rolled back with a dry run).
    known = create_agencies({i.agency_name: i.region for i in reversed(todo) if i.agency_name},
                            known={normalize_name(i.agency_name): i.agency for i in todo if i.agency is not None})
    written: list[Item] = []
    events: list[ReportEvent] = []
    for item in items:
        if item.outcome is not None or item.twin is not None:
            continue
        try:
            with transaction.atomic():
                _write_report(item, context, current, known, events)
        except IntegrityError:
            item.outcome = _race_outcome(item, context)
            continue
        report = item.outcome.report
        if report is not None:
            written.append(item)
            new.append(report)
            if item.agency is not None and item.year:
                current[(item.agency.pk, item.year)] = report
    for item in items:
        if item.twin is not None and item.outcome is None and item.twin.outcome is not None:
            item.outcome = _twin_outcome(item, context)
    if not written:
        return
    # --- The rows every new report gets. A report's agency and year are known here, and its
    # figures, warnings and findings are built from the parse result (reports/parse_rows.py),
    # as a re-parse builds them.
    rules = check_rules()
    insert_figures([row for item in written for row in figure_rows(item.outcome.report.pk, item.result.figures)])
    # The cross-year checks, once the chunk's figures are in: reports of one agency in one chunk
    # see each other, and every report's neighbouring years come in one query.
    around = crossyear.neighbours_of([item.outcome.report for item in written])
    findings = []
    for item in written:
        report = item.outcome.report
        findings += new_findings(report, item.warnings, rules)
        findings += crossyear.findings(report, item.result.figures, around=around.get(report.pk, (None, None)))
        events.append(ReportEvent(report=report, action=ReportEvent.Action.UPLOADED, user=context.uploaded_by,
                                  new_value=item.basename[:300],
                                  details={"sha256": item.sha256, "file": item.name[:300]}))
    Finding.objects.bulk_create(findings)
    ReportEvent.objects.bulk_create(events)
    refresh_metrics([item.outcome.report.pk for item in written])
    # Once per chunk: the new reports' cells, and those of the versions they replaced.
    refresh_rollups([r.pk for item in written for r in (item.outcome.report, item.outcome.existing) if r is not None])


# Every Figure column but the key, with the value a new figure has when figure_rows() leaves it out.
_FIGURE_COLUMNS = (("report_id", None), ("code", None), ("value", None), ("parsed_value", None),
                   ("evidence", ""), ("start", None), ("end", None), ("page", None), ("method", None),
                   ("corrected", False), ("reparse_value", None), ("removed", False))


def insert_figures(rows: list[dict]) -> None:
    """Insert new figures (figure_rows() dicts) with one executemany. A chunk's reports have
    thousands of figures: building them as model instances and letting bulk_create prepare each
    value was a third of import time. The values are plain ints, strings, Decimals and None,
    which both database drivers take as they are."""
    if not rows:
        return
    qn = connection.ops.quote_name
    fields = [Figure._meta.get_field(name.removesuffix("_id")) for name, _default in _FIGURE_COLUMNS]
    sql = (f"INSERT INTO {qn(Figure._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[row.get(name, default) for name, default in _FIGURE_COLUMNS] for row in rows])


def _write_report(item: Item, context: Context, current: dict, known: dict, events: list) -> None:
    """Write one file's report row (inside its savepoint) and set its outcome; the events of a
    replacement go to `events`."""
    name, result, year = item.name, item.result, item.year
    agency = known[normalize_name(item.agency_name)] if item.agency_name else None
    if agency is not None:
        adopt_region(agency, item.region)
    item.agency = agency
    region = item.region if item.region is not None else (agency.region if agency is not None else None)
    previous = current.get((agency.pk, year)) if agency is not None and year else None
    if previous is not None and not context.replace:
        item.outcome = _already_present(item, previous, context)
        return
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    if not item.stored and not context.dry_run:
        item.stored = originals.store(item.sha256, item.basename, item.data)
    # The report's agency, year and region are settled here, before its row is built: a check
    # that needs them (e.g. against the agency's other years) adds to item.warnings at this
    # point, and the status, findings and Report.warnings follow.
    meta, warnings = result.metadata, item.warnings
    report = Report(
        agency=agency, year=year, title=_title(meta, agency, year, item.basename),
        province=_level(region, "province"), prefecture=_level(region, "prefecture"),
        county=region if region is not None and region.level == "county" else None,
        file=item.stored, original_filename=item.basename[:300], file_size=len(item.data), sha256=item.sha256,
        file_kind=(result.file_kind or "")[:16], encoding=(result.encoding or "")[:32],
        text=result.text, original_text=result.original_text, offsets=compress_offsets(result.offsets),
        script=result.script or "", layout=result.layout or "unknown", multi_year=bool(meta.multi_year),
        status=Status.NEEDS_REVIEW if warnings else Status.PARSED,
        parser_version=result.parser_version, warnings=warnings,
        warning_count=min(len(warnings), 32767), uploaded_by=context.uploaded_by,
        **issued.parsed_fields(meta, result.text),
    )
    report.save()
    if previous is not None:
        previous.replaced_by = report
        previous.save(update_fields=["replaced_by", "updated_at"])
        for target, details in ((report, {"replaces": previous.pk}), (previous, {"replaced_by": report.pk})):
            events.append(ReportEvent(report=target, action=ReportEvent.Action.REPLACED, user=context.uploaded_by,
                                      old_value=str(previous.pk), new_value=str(report.pk), details=details))
    what = (_("已替换旧版本 #%(old)d") % {"old": previous.pk}) if previous is not None else _("已创建")
    message = _("%(name)s：%(what)s —— %(report)s，%(n)d 项指标，%(w)d 条警告") % {
        "name": name, "what": what, "report": report, "n": len(result.figures), "w": len(warnings)}
    item.outcome = Outcome(name, OutcomeStatus.REPLACED if previous is not None else OutcomeStatus.CREATED,
                           message, report=report, existing=previous, dry_run=context.dry_run, warnings=warnings)


def _already_present(item: Item, previous: Report, context: Context) -> Outcome:
    return Outcome(item.name, OutcomeStatus.ALREADY_PRESENT,
                   _("%(name)s：%(agency)s %(year)d 年度已有报告（#%(id)d），未导入；如需替换请勾选“替换” "
                     "(already present for this agency and year)")
                   % {"name": item.name, "agency": previous.agency.name, "year": item.year, "id": previous.pk},
                   existing=previous, dry_run=context.dry_run, warnings=item.warnings)


def _race_outcome(item: Item, context: Context) -> Outcome:
    """Another worker wrote the same bytes or agency-year first (it committed while this chunk
    was being written); the database constraint decided, and this file is accounted as such."""
    existing = Report.objects.filter(sha256=item.sha256).select_related("agency").first()
    if existing is not None:
        return Outcome(item.name, OutcomeStatus.DUPLICATE, _("%(name)s：重复文件 (duplicate)") % {"name": item.name},
                       existing=existing, dry_run=context.dry_run)
    if item.agency is not None and item.year:
        current = Report.objects.current().filter(agency=item.agency, year=item.year).select_related("agency").first()
        if current is not None:
            return _already_present(item, current, context)
    return _failed(item.name, _("该机关该年度的报告刚被另一次上传占用，请重试 (concurrent upload)"))


def _twin_outcome(item: Item, context: Context) -> Outcome:
    """A second copy of the same bytes in one chunk: a duplicate of the first once it is written,
    else the first one's fate under this name."""
    first = item.twin.outcome
    if first.report is not None or (context.dry_run and first.status in (OutcomeStatus.CREATED, OutcomeStatus.REPLACED)):
        return Outcome(item.name, OutcomeStatus.DUPLICATE,
                       _("%(name)s：与同批文件“%(other)s”内容相同，未重复导入 (duplicate)")
                       % {"name": item.name, "other": item.twin.name},
                       existing=first.report, dry_run=context.dry_run)
    head = _("%(name)s：") % {"name": item.twin.name}
    rest = first.message[len(head):] if first.message.startswith(head) else first.message
    return Outcome(item.name, first.status, _("%(name)s：") % {"name": item.name} + rest,
                   existing=first.existing, dry_run=context.dry_run, warnings=first.warnings)


def _mark_dry_run(outcome: Outcome | None, rolled_back: set) -> None:
    if outcome is None:
        return
    if outcome.existing is not None and id(outcome.existing) in rolled_back:
        outcome.existing = None  # a report of this very dry run, which was not kept
    if outcome.report is None:
        return
    outcome.report = None
    head = _("%(name)s：") % {"name": outcome.filename}
    rest = outcome.message[len(head):] if outcome.message.startswith(head) else outcome.message
    outcome.message = head + _("（试运行，未保存）") + rest


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
