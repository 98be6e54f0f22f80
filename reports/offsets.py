"""Compact storage of the normalized→original offset map kept with each report.

The parser maps every normalized character to its index in the original text; the map is
mostly runs of constant shift, so it is stored as the breakpoints [[n, o], ...] where the shift
o - n changes. A 10,000-character report then stores tens of pairs instead of 10,001 ints,
which keeps bulk imports and report pages light.
"""
from __future__ import annotations

from bisect import bisect_right


def compress(offsets) -> list[list[int]]:
    """Return the breakpoints of a full offset map (one entry per normalized index + 1)."""
    breaks: list[list[int]] = []
    shift = None
    for n, o in enumerate(offsets):
        if o - n != shift:
            shift = o - n
            breaks.append([n, o])
    return breaks


def original_index(breaks, n: int) -> int:
    """Return the original-text index of normalized index `n` (identity when no map is kept)."""
    if not breaks:
        return n
    i = bisect_right(breaks, [n, float("inf")]) - 1
    if i < 0:
        return n
    bn, bo = breaks[i]
    return bo + (n - bn)


def original_span(breaks, start: int, end: int) -> tuple[int, int]:
    return original_index(breaks, start), original_index(breaks, end)
