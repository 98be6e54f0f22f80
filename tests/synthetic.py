"""Synthetic report files made from the corpus texts, each with its own agency name (tests, bench/)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
# Digits written as characters, so that a number inside an agency name stays part of the name.
_DIGITS = "甲乙丙丁戊己庚辛壬癸"


def reports(n: int, *, run: str = "", spread: bool = False) -> list[tuple[str, bytes]]:
    """`n` (name, bytes) text reports: corpus texts whose agency is renamed to one of its own per
    file (河北省教育厅 -> 河北省教育<code>厅), so each file is a new agency-year with new bytes.
    `run` (digits) keeps names apart between runs on one database.

    By default every agency stays in its source's region (平潭 or 河北省: thousands of agencies
    in one region). `spread` moves them, as a province's year of uploads is spread: about 40
    agencies per region over the province, prefectures and counties of 河北 and 浙江
    (石家庄市长安区教育<code>厅: the region's name in place of the source's)."""
    sources = _sources()
    regions = _regions() if spread else ()
    out = []
    for i in range(n):
        path, text, agency = sources[i % len(sources)]
        code = "".join(_DIGITS[int(d)] for d in f"{run}{i:06d}")
        name = agency[:-1] + code + agency[-1]
        if regions:
            core = name[len(_region_prefix(agency)):] or "人民政府" + code
            name = regions[(i // AGENCIES_PER_REGION) % len(regions)] + core
        out.append((f"{run}{i:06d}-{path.name}", text.replace(agency, name).encode()))
    return out


AGENCIES_PER_REGION = 40
# The regions the corpus's agencies are named after (longest first), replaced when spreading.
_SOURCE_REGIONS = ("平潭综合实验区", "呼和浩特市", "平潭县", "河北省", "浙江省")


def _region_prefix(agency: str) -> str:
    return next((r for r in _SOURCE_REGIONS if agency.startswith(r)), "")


@lru_cache(maxsize=1)
def _regions() -> tuple[str, ...]:
    """Full names of 河北's and 浙江's province, prefectures and counties, each unambiguous as a
    prefix of an agency's name (a county under its prefecture's name: 石家庄市长安区)."""
    from agencies.divisions import default_gazetteer

    g = default_gazetteer()
    out = []
    for d in sorted(g.by_code.values(), key=lambda d: d.code):
        if d.code[:2] not in ("13", "33"):
            continue
        if d.level == "county":
            parent = g.prefecture_of(d.code)
            out.append((parent.name if parent else "") + d.name)
        else:
            out.append(d.name)
    return tuple(out)


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
