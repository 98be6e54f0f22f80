"""The report text as HTML with each figure's evidence marked by its offsets (<mark id="ev-code">)."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Span:
    code: str
    start: int
    end: int


def valid_spans(figures, length):
    """Spans of the figures whose offsets lie inside a text of `length` characters; figures
    without offsets (manual entries, old parses) or with offsets past the end are left out."""
    spans = []
    for f in figures:
        if f.start is None or f.end is None or not 0 <= f.start < f.end <= length:
            continue
        spans.append(Span(f.code, f.start, f.end))
    return spans


def highlight(text: str, spans) -> SafeString:
    """Return `text` escaped, with every span marked, safe to insert into a template.

    Overlapping or identical spans (one table row states several figures) are cut at every
    boundary into pieces; each piece is one <mark> listing in data-codes every figure covering
    it, so marks never nest or cross. A figure's first piece carries id="ev-<code>" for the
    anchor links; when several figures start on the same piece the others get an empty
    <mark id="ev-<code>" class="ev-anchor"> just before it.
    """
    spans = sorted(spans, key=lambda s: (s.start, s.end, s.code))
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out = []
    anchored = set()
    for a, b in zip(cuts, cuts[1:]):
        piece = escape(text[a:b])
        covering = [s for s in spans if s.start <= a and b <= s.end]
        if not covering:
            out.append(piece)
            continue
        starting = [s.code for s in covering if s.start == a and s.code not in anchored]
        anchored.update(starting)
        for code in starting[1:]:
            out.append(f'<mark id="ev-{escape(code)}" class="ev-anchor"></mark>')
        ident = f' id="ev-{escape(starting[0])}"' if starting else ""
        codes = " ".join(escape(s.code) for s in covering)
        overlap = " ev-overlap" if len(covering) > 1 else ""
        out.append(f'<mark{ident} class="ev{overlap}" data-codes="{codes}">{piece}</mark>')
    return mark_safe("".join(out))
