"""Synthetic report files made from the corpus texts, each with its own agency name (tests, bench/)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
# Digits written as characters, so that a number inside an agency name stays part of the name.
_DIGITS = "甲乙丙丁戊己庚辛壬癸"


def reports(n: int, *, run: str = "") -> list[tuple[str, bytes]]:
    """`n` (name, bytes) text reports: corpus texts whose agency is renamed to one of its own per
    file (河北省教育厅 -> 河北省教育<code>厅), so each file is a new agency-year with new bytes.
    `run` (digits) keeps names apart between runs on one database."""
    sources = _sources()
    out = []
    for i in range(n):
        path, text, agency = sources[i % len(sources)]
        code = "".join(_DIGITS[int(d)] for d in f"{run}{i:06d}")
        name = agency[:-1] + code + agency[-1]
        out.append((f"{run}{i:06d}-{path.name}", text.replace(agency, name).encode()))
    return out


@lru_cache(maxsize=1)
def _sources() -> tuple[tuple[Path, str, str], ...]:
    """Corpus texts whose agency, once renamed, the parser still reads as renamed (some name
    their agency in ways a plain replacement does not reach)."""
    from reports.parsing import parse_report

    found = []
    for path in sorted(CORPUS_DIR.rglob("*.txt")):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # a GB18030 or Big5 corpus file (heldout/drv-*): renamed only in UTF-8 texts
        agency = parse_report(path.read_bytes(), filename=path.name).metadata.agency
        if not agency or len(agency) < 3:
            continue
        probe = agency[:-1] + "甲乙" + agency[-1]
        if parse_report(text.replace(agency, probe).encode(), filename=path.name).metadata.agency == probe:
            found.append((path, text, agency))
    return tuple(found)
