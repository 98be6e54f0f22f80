"""Report parser: bytes of one published report in, a ParseResult out. Pure Python, no Django.

The pipeline reads top to bottom:
    decode.extract_text   bytes -> text (encoding detection; HTML/DOCX/PDF keep table rows)
    normalize.normalize   traditional -> simplified (only when traditional), NFKC, no pinyin,
                          with a map back to the original offsets
    detect.detect_layout  standard_2021 / standard_2019 / stat_table_pre2019 / prose / mixed
    metadata.extract      agency, year, region (through the divisions gazetteer)
    layouts.extract       figures with evidence, per layout
    checks.run_checks     template identity, sums, year sanity -> warnings
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace

from agencies.divisions import default_gazetteer
from reports.parsing import checks, decode, detect, layouts, metadata, normalize
from reports.parsing.result import Figure, Metadata, ParseResult, PriorYear, Warning_

PARSER_VERSION = "1.1.0"

__all__ = ["PARSER_VERSION", "Figure", "Metadata", "ParseResult", "PriorYear", "Warning_",
           "parse_report"]


def parse_report(data: bytes, *, filename: str, divisions=None, prior: PriorYear | None = None) -> ParseResult:
    """Parse one report file. A file that cannot be read gives ok=False with an error naming it;
    anything else is a bug and raises. `divisions` is the gazetteer (agencies.divisions); the
    bundled one is used when none is given, since agency names are cut at region names.
    `prior` is last year's report of the same agency (ingest knows it; the standalone command
    does not): its cumulative figures can make a jammed this-year/cumulative pair unique."""
    if divisions is None:
        divisions = default_gazetteer()
    try:
        extracted = decode.extract_text(data, filename=filename)
    except decode.UnreadableDocument as exc:
        return ParseResult(filename=filename, ok=False, error=f"{filename}: {exc}",
                           parser_version=PARSER_VERSION)
    norm = normalize.normalize(extracted.text)
    layout = detect.detect_layout(norm.text)
    meta = metadata.extract_metadata(norm.text, divisions=divisions)
    other_kind = detect.not_a_report(meta.title)
    if other_kind:
        # A notice or letter about disclosure work states no report figures: none are read,
        # and the warning sends it to review (issue 8, item 6).
        layout, figures = detect.NOT_A_REPORT, []
        warnings = [Warning_("not_a_report", f"{other_kind}；未读取任何指标，请核对是否上传错了文件")]
        # its date is not a report's date: no verdict on it against a reporting year
        meta = replace(meta, warnings=tuple(w for w in meta.warnings if not w.code.startswith("issued_on")))
    else:
        figures, warnings = layouts.extract(layout, norm.text, prior=prior)
    warnings = list(meta.warnings) + list(extracted.warnings) + list(warnings)
    warnings += checks.run_checks(figures, year=meta.year, multi_year=meta.multi_year)
    if extracted.page_starts:
        figures = [_with_page(f, norm.offsets, extracted.page_starts) for f in figures]
    return ParseResult(
        filename=filename,
        ok=True,
        text=norm.text,
        original_text=extracted.text,
        offsets=norm.offsets,
        script=norm.script,
        layout=layout,
        file_kind=extracted.kind,
        encoding=extracted.encoding,
        metadata=meta,
        figures=tuple(figures),
        warnings=tuple(warnings),
        parser_version=PARSER_VERSION,
    )


def _with_page(fig: Figure, offsets, page_starts) -> Figure:
    original = offsets[fig.start] if offsets else fig.start
    # page_starts holds where pages 2, 3, ... begin, so text before the first start is page 1.
    return replace(fig, page=bisect_right(page_starts, original) + 1)
