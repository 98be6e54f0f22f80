"""Pure lookup over the GB/T 2260 divisions table, old names included. No Django import.

A name resolves to current divisions through, in order: the current full name (福州市),
a historical name mapped along `new_codes` to the code in use today (崇文区 -> 东城区 110101),
and a short name (河北 -> 河北省, 内蒙古 -> 内蒙古自治区, 福州 -> 福州市, 平潭 -> 平潭县).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

LEVELS = ("province", "prefecture", "county")

# Provinces whose short name is not "the name minus 省/市".
_PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏", "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆", "香港特别行政区": "香港", "澳门特别行政区": "澳门",
}
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "矿区",
             "新区", "省", "市", "县", "区", "旗", "盟")
_ETHNIC = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,12}?族)+(?:自治州|自治县|自治旗)$")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province / prefecture / county
    parent_code: str | None


@dataclass(frozen=True)
class Region:
    """The current divisions a name resolves to, most specific last; `historical` tells
    whether an old name led there."""

    province: Division | None
    prefecture: Division | None
    county: Division | None
    historical: bool = False

    @property
    def code(self) -> str | None:
        best = self.county or self.prefecture or self.province
        return best.code if best else None


def short_name(name: str, level: str) -> str | None:
    """The name without its administrative suffix (河北省 -> 河北, 延边朝鲜族自治州 -> 延边), or
    None when that would leave fewer than two characters (东区, 和县)."""
    if level == "province" and name in _PROVINCE_SHORT:
        return _PROVINCE_SHORT[name]
    m = _ETHNIC.match(name)
    if m:
        return m.group(1)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


class Gazetteer:
    """Current divisions by code, and every name (current, short or historical) to its codes."""

    def __init__(self, divisions, history=()):
        self.by_code: dict[str, Division] = {d.code: d for d in divisions}
        self.by_name: dict[str, list[str]] = {}
        for d in divisions:
            self.by_name.setdefault(d.name, []).append(d.code)
        self.history = list(history)
        self.by_short: dict[str, list[str]] = {}
        for d in divisions:
            short = short_name(d.name, d.level)
            if short and short not in self.by_name:
                self.by_short.setdefault(short, []).append(d.code)
        history_by_code: dict[str, list[dict]] = {}
        for rec in self.history:
            history_by_code.setdefault(rec["code"], []).append(rec)
        self.by_old_name: dict[str, list[str]] = {}
        for rec in self.history:
            if rec["name"] in self.by_name and rec["code"] in self.by_code:
                continue
            current = self._current_code(rec["code"], history_by_code, set())
            if current and current not in self.by_old_name.get(rec["name"], ()):
                self.by_old_name.setdefault(rec["name"], []).append(current)
        self.max_name_length = max((len(n) for n in self.by_name), default=0)

    def _current_code(self, code: str, history_by_code: dict, seen: set) -> str | None:
        if code in self.by_code:
            return code
        if code in seen:
            return None
        seen.add(code)
        for rec in history_by_code.get(code, ()):
            for successor in re.split(r"[;,]", rec.get("new_codes") or ""):
                successor = re.sub(r"\[.*?\]", "", successor).strip()  # "130102[2001]": since 2001
                if successor:
                    found = self._current_code(successor, history_by_code, seen)
                    if found:
                        return found
        return None

    def get(self, code):
        return self.by_code.get(code)

    def lookup(self, name: str) -> list[Division]:
        """Current divisions with exactly this current name."""
        return [self.by_code[c] for c in self.by_name.get(name, ()) if c in self.by_code]

    def resolve(self, name: str) -> tuple[list[Division], bool]:
        """Current divisions a name can mean, and whether only a historical name matched.
        Full current names first, then historical names, then short names."""
        if name in self.by_name:
            return self.lookup(name), False
        if name in self.by_old_name:
            return [self.by_code[c] for c in self.by_old_name[name]], True
        if name in self.by_short:
            return [self.by_code[c] for c in self.by_short[name]], False
        return [], False

    def is_name(self, name: str) -> bool:
        return name in self.by_name or name in self.by_old_name or name in self.by_short

    def province_of(self, code: str) -> Division | None:
        return self.by_code.get(code[:2] + "0000")

    def prefecture_of(self, code: str) -> Division | None:
        d = self.by_code.get(code)
        if d is None or d.level == "province":
            return None
        if d.level == "prefecture":
            return d
        parent = self.by_code.get(d.parent_code or "")
        return parent if parent and parent.level == "prefecture" else None

    def region_of(self, code: str, *, historical: bool = False) -> Region:
        """The province / prefecture / county chain of a current code."""
        d = self.by_code.get(code)
        if d is None:
            return Region(None, None, None, historical)
        county = d if d.level == "county" else None
        return Region(self.province_of(code), self.prefecture_of(code), county, historical)

    def contains(self, outer: str, inner: str) -> bool:
        """True when division `inner` lies within (or is) division `outer`."""
        if outer == inner:
            return True
        d = self.by_code.get(inner)
        seen = 0
        while d is not None and d.parent_code and seen < 4:
            if d.parent_code == outer:
                return True
            d = self.by_code.get(d.parent_code)
            seen += 1
        return False

    def names_at(self, text: str, start: int, *, max_length: int | None = None) -> list[str]:
        """Names (any kind) that begin at text[start], longest first."""
        limit = min(max_length or self.max_name_length, len(text) - start)
        found = []
        for n in range(limit, 1, -1):
            piece = text[start:start + n]
            if self.is_name(piece):
                found.append(piece)
        return found


def read_divisions(path: Path = DATA_DIR / "divisions.csv") -> list[Division]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [Division(r["code"], r["name"], r["level"], r["parent_code"] or None)
                for r in csv.DictReader(fh)]


def read_history(path: Path = DATA_DIR / "divisions-history.csv") -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer(read_divisions(), read_history())
