"""Normalization of extracted text (minimal: NFKC per character with an offset map)."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Normalized:
    text: str
    script: str
    offsets: tuple[int, ...]


def normalize(text: str) -> Normalized:
    out, offsets = [], []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch)
        out.append(n)
        offsets.extend([i] * len(n))
    offsets.append(len(text))
    return Normalized(text="".join(out), script="simplified", offsets=tuple(offsets))
