"""The parser's output: frozen dataclasses that carry every figure with its provenance."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


def fmt_value(value) -> str:
    """A figure value as people write it: 362, not 362.00 or 3.62E+2."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@dataclass(frozen=True)
class Figure:
    """One stated figure: the metric code, its value, and the text that states it.

    `evidence` is the source line (or row) in the normalized text; `start`/`end` are the
    offsets of that evidence in `ParseResult.text`. `page` is the 1-based PDF page, if any.
    `method` is "table" or "prose"; `rule` names the rule that read it (reports/parsing/rules.py),
    so tests and reviewers can see which rules each report exercises.
    """

    code: str
    value: Decimal
    evidence: str
    start: int
    end: int
    method: str = "table"
    page: int | None = None
    rule: str = ""


@dataclass(frozen=True)
class Warning_:
    """A doubt or a failed check. `code` names the rule (e.g. "identity"), `figures` the codes involved."""

    code: str
    message: str
    figures: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class PriorYear:
    """Context from last year's report of the same agency, given to parse_report at ingest:
    its year and the cumulative (历年累计) figures it stated, by this year's code
    ({"proactive_total": Decimal(3610)} from last year's "proactive_total_cumulative")."""

    year: int
    cumulative: Mapping[str, Decimal] = field(default_factory=dict)

    @classmethod
    def from_figures(cls, year: int, values: Mapping[str, Decimal]) -> "PriorYear":
        """The context given by last year's figures ({code: value}, as stored)."""
        from reports.parsing.metrics import CUMULATIVE_SUFFIX

        return cls(year, {code[:-len(CUMULATIVE_SUFFIX)]: Decimal(value)
                          for code, value in values.items() if code.endswith(CUMULATIVE_SUFFIX)})


@dataclass(frozen=True)
class Metadata:
    agency: str | None = None
    year: int | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    region_code: str | None = None  # most specific GB/T 2260 code resolved, if any
    multi_year: bool = False
    title: str | None = None
    # The date the report states for itself (signature date, or a saved page's 发布时间 line),
    # with the text that states it and that text's offsets in ParseResult.text.
    issued_on: date | None = None
    issued_on_evidence: str = ""
    issued_on_start: int | None = None
    issued_on_end: int | None = None
    warnings: tuple[Warning_, ...] = ()


@dataclass(frozen=True)
class ParseResult:
    """Everything the parser learned from one file. `ok=False` means the file could not be read;
    `error` then says why in words the uploader can act on, naming the file."""

    filename: str
    ok: bool
    error: str | None = None
    text: str = ""
    original_text: str = ""
    script: str | None = None
    layout: str | None = None
    file_kind: str | None = None
    encoding: str | None = None
    metadata: Metadata = field(default_factory=Metadata)
    figures: tuple[Figure, ...] = ()
    warnings: tuple[Warning_, ...] = ()
    parser_version: str = ""
    # offsets[i] is the index in original_text of normalized character i (len(text) + 1 entries),
    # so evidence can be shown in the report's own characters.
    offsets: tuple[int, ...] = ()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if not self.offsets:
            return start, end
        return self.offsets[start], self.offsets[end]

    def original_evidence(self, fig: "Figure") -> str:
        s, e = self.original_span(fig.start, fig.end)
        return self.original_text[s:e]

    @property
    def metrics(self) -> dict[str, Decimal]:
        return {f.code: f.value for f in self.figures}

    def figure(self, code: str) -> Figure | None:
        return next((f for f in self.figures if f.code == code), None)
