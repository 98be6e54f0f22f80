"""Re-parse stored reports after the parser improved, keeping every figure staff touched."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reports import crossyear, ingest, issued, review
from reports.models import Figure, Finding, Report, ReportEvent, Status
from reports.offsets import compress as compress_offsets
from reports.parse_rows import figure_fields, first_per_code, new_findings, warning_dict
from reports.parsing import parse_report
from reports.rollups import refresh_rollups
from reports.summary import refresh_metrics


class ReparseError(Exception):
    """The stored file is missing or unreadable; nothing was changed."""


@dataclass
class ReparseSummary:
    """What one re-parse changed. `conflicts` counts staff-kept figures the new parse disagrees
    with (their reparse_value is set, or the new parse no longer finds the code)."""

    report_id: int
    label: str
    changed: int = 0
    added: int = 0
    removed: int = 0
    conflicts: int = 0
    findings_opened: int = 0
    findings_closed: int = 0
    skipped: str = ""
    details: dict = field(default_factory=dict)

    @property
    def line(self) -> str:
        head = f"#{self.report_id} {self.label}"
        if self.skipped:
            return f"{head}: skipped ({self.skipped})"
        return (f"{head}: {self.changed} changed, {self.added} added, {self.removed} removed, "
                f"{self.conflicts} conflicts; findings +{self.findings_opened} -{self.findings_closed}")


def reparse_report(report: Report, *, user=None, divisions=None) -> ReparseSummary:
    """Parse the stored original file again and merge the result into the report.

    - untouched parser figures take the new value, evidence and offsets;
    - codes the new parse adds become new figures;
    - untouched figures whose code the new parse no longer finds are deleted (hard: nobody chose
      them, the "reparsed" event keeps their old value and evidence, and a later parse that finds
      them again simply re-adds them; soft removal is kept for staff decisions only);
    - corrected and manual figures keep the staff value; reparse_value is set where the new parse
      reads something else (cleared where it agrees); staff-removed figures stay removed;
    - text, warnings, layout, parser_version follow the new parse; metadata (agency, year, region)
      is left alone because staff may have set it;
    - open findings are replaced by the new warnings; disposed ones are kept, and a warning that
      repeats a disposed finding does not open it again;
    - a parsed report with warnings, or a reviewed one whose figures changed, goes (back) to
      needs_review.

    A published report is skipped (publishing locks it). Raises ReparseError when the stored file
    cannot be read or parsed; then nothing changes.
    """
    summary = ReparseSummary(report_id=report.pk, label=str(report))
    if report.status == Status.PUBLISHED:
        summary.skipped = _("已发布，需先重新打开")
        return summary
    data = _read_file(report)
    if divisions is None:
        from agencies.divisions import default_gazetteer

        divisions = default_gazetteer()
    filename = report.original_filename or report.file.name
    result = parse_report(data, filename=filename, divisions=divisions)
    if result.ok:
        result = crossyear.parse_with_prior(result, data, filename=filename, divisions=divisions,
                                            agency_id=report.agency_id, year=report.year)
    if not result.ok:
        raise ReparseError(result.error or _("无法解析"))

    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
        try:
            review.ensure_unlocked(report)
        except ValidationError:
            summary.skipped = _("已发布，需先重新打开")
            return summary
        old_text, old_version = report.text, report.parser_version
        _merge_figures(report, result, old_text, summary)
        refresh_metrics([report.pk])
        refresh_rollups([report.pk])
        _refresh_findings(report, result, summary)
        report.text = result.text
        report.original_text = result.original_text
        report.offsets = compress_offsets(result.offsets)
        report.script = result.script or ""
        report.layout = result.layout or report.layout
        report.file_kind = result.file_kind or report.file_kind
        report.encoding = result.encoding or report.encoding
        report.multi_year = result.metadata.multi_year
        dated = issued.merge_reparse(report, result.metadata, result.text)
        if dated:
            summary.details["issued_on"] = dated
        report.parser_version = result.parser_version
        report.warnings = warnings_json(report, result)
        report.warning_count = min(len(report.warnings), 32767)
        report.save()
        summary.details.update({
            "parser_version": [old_version, result.parser_version],
            "text_changed": old_text != result.text,
            "summary": summary.line,
        })
        ReportEvent.objects.create(
            report=report, action=ReportEvent.Action.REPARSED, user=user,
            old_value=old_version, new_value=result.parser_version, details=summary.details,
        )
        if report.status == Status.PARSED and report.warnings:
            review.transition(report, Status.NEEDS_REVIEW, user=None, reason=_("重新解析后检查发现问题"))
        elif report.status == Status.REVIEWED and (summary.changed or summary.added or summary.removed):
            # A reviewer checked other numbers than the ones the report now holds.
            review.transition(report, Status.NEEDS_REVIEW, user=None, reason=_("重新解析改变了指标，需重新审核"))
    return summary


# Warnings ingest adds about missing metadata (reports/ingest.py); re-parsing leaves metadata
# alone, so each stays while its field is still empty.
METADATA_WARNINGS = {"missing_agency": "agency_id", "missing_year": "year", "implausible_year": "year"}


def warnings_json(report: Report, result) -> list[dict]:
    """Report.warnings after a re-parse: the parser's warnings, in ingest's shape, plus the
    metadata warnings that still apply."""
    kept = [
        w for w in report.warnings or []
        if isinstance(w, dict) and w.get("code") in METADATA_WARNINGS
        and getattr(report, METADATA_WARNINGS[w["code"]]) is None
    ]
    return [warning_dict(w) for w in result.warnings] + kept


def _read_file(report: Report) -> bytes:
    if not report.file:
        raise ReparseError(_("报告 #%(id)s 没有原始文件") % {"id": report.pk})
    try:
        with report.file.open("rb") as fh:
            return fh.read()
    except OSError as exc:
        raise ReparseError(_("报告 #%(id)s 的原始文件无法读取：%(err)s") % {"id": report.pk, "err": exc}) from exc


def _merge_figures(report: Report, result, old_text: str, summary: ReparseSummary) -> None:
    new = first_per_code(result.figures)
    existing = {f.code: f for f in report.figures.select_for_update(of=("self",))}
    changed, added, removed, conflicts = [], [], [], []
    for code, fig in new.items():
        current = existing.get(code)
        if current is None:
            Figure.objects.create(report=report, code=code, **figure_fields(fig))
            added.append({"code": code, "value": review.format_value(fig.value)})
        elif current.removed:
            _relocate(current, old_text, result.text)
        elif current.corrected or current.method == Figure.Method.MANUAL:
            if current.corrected:
                # The staff value stands, but the row the parser now reads is the better evidence.
                current.evidence, current.start, current.end = fig.evidence, fig.start, fig.end
                current.page = fig.page
            else:
                _relocate(current, old_text, result.text)
            disagrees = fig.value != current.value
            current.reparse_value = fig.value if disagrees else None
            current.save()
            if disagrees:
                conflicts.append({"code": code, "staff": review.format_value(current.value),
                                  "parsed": review.format_value(fig.value)})
        else:
            if current.value != fig.value:
                changed.append({"code": code, "old": review.format_value(current.value), "new": review.format_value(fig.value)})
            for name, value in figure_fields(fig).items():
                setattr(current, name, value)
            current.reparse_value = None
            current.save()
    for code, current in existing.items():
        if code in new:
            continue
        if current.removed or current.corrected or current.method == Figure.Method.MANUAL:
            _relocate(current, old_text, result.text)
            current.save()
            if current.corrected and not current.removed:
                conflicts.append({"code": code, "staff": review.format_value(current.value), "parsed": None})
        else:
            removed.append({"code": code, "value": review.format_value(current.value), "evidence": current.evidence})
            current.delete()
    summary.changed, summary.added = len(changed), len(added)
    summary.removed, summary.conflicts = len(removed), len(conflicts)
    summary.details.update({"changed": changed, "added": added, "removed": removed, "conflicts": conflicts})


def _relocate(figure: Figure, old_text: str, new_text: str) -> None:
    """Keep a staff-chosen evidence span pointing at the same words when the text changed."""
    if old_text == new_text or not figure.evidence:
        return
    if figure.start is not None and new_text[figure.start:figure.end] == figure.evidence:
        return
    hits, at = [], new_text.find(figure.evidence)
    while at != -1:
        hits.append(at)
        at = new_text.find(figure.evidence, at + 1)
    if hits:
        near = min(hits, key=lambda h: abs(h - (figure.start or 0)))
        figure.start, figure.end = near, near + len(figure.evidence)
    else:
        # The words are gone from the new text; keep them as evidence but drop the stale span.
        figure.start = figure.end = None


def _refresh_findings(report: Report, result, summary: ReparseSummary) -> None:
    """Open findings follow the new warnings; disposed findings stay as the reviewer left them."""
    def key(rule, message, codes):
        return rule, message, tuple(codes or ())

    disposed, still_open = set(), {}
    for finding in report.findings.all():
        k = key(finding.rule, finding.message, finding.codes)
        if finding.disposition == Finding.Disposition.OPEN:
            still_open[k] = finding
        else:
            disposed.add(k)
    fresh, kept = [], set()
    rules = ingest.check_rules()  # only consistency-check warnings become findings, as at ingest
    candidates = new_findings(report, [warning_dict(w) for w in result.warnings], rules)
    # cross-year checks against the figures as they now stand (staff values kept)
    candidates += crossyear.findings(report, list(report.figures.all()))
    for finding in candidates:
        k = key(finding.rule, finding.message, finding.codes)
        if k in disposed or k in kept:
            continue
        if k in still_open:
            kept.add(k)
            continue
        kept.add(k)
        fresh.append(finding)
    stale = [f.pk for k, f in still_open.items() if k not in kept]
    Finding.objects.filter(pk__in=stale).delete()
    Finding.objects.bulk_create(fresh)
    summary.findings_opened, summary.findings_closed = len(fresh), len(stale)
