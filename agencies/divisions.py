"""Pure lookup over the GB/T 2260 divisions table, old names included. No Django import."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province / prefecture / county
    parent_code: str | None


class Gazetteer:
    """Current divisions by code, and every name (current or historical) to its codes."""

    def __init__(self, divisions, history=()):
        self.by_code: dict[str, Division] = {d.code: d for d in divisions}
        self.by_name: dict[str, list[str]] = {}
        for d in divisions:
            self.by_name.setdefault(d.name, []).append(d.code)
        self.history = list(history)

    def get(self, code):
        return self.by_code.get(code)

    def lookup(self, name: str) -> list[Division]:
        return [self.by_code[c] for c in self.by_name.get(name, ()) if c in self.by_code]

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
