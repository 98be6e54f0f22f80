"""English names of provinces and prefectures (agencies/data/region-names-en.csv) and which name a page shows.

English pages show a region's English name when it has one; counties have none (the data file
covers provinces and prefectures, SOURCES.md) and keep their Chinese name.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language

NAMES_FILE = Path(__file__).resolve().parent / "data" / "region-names-en.csv"


def read_english_names(path: Path = NAMES_FILE) -> dict[str, str]:
    """Return {GB/T 2260 code: English name}."""
    with open(path, encoding="utf-8", newline="") as f:
        return {row["code"]: row["name_en"] for row in csv.DictReader(f)}


@lru_cache(maxsize=1)
def english_names() -> dict[str, str]:
    return read_english_names()


def is_english(language: str | None = None) -> bool:
    return (language or get_language() or "zh-hans").startswith("en")


def localized(name: str | None, name_en: str | None, language: str | None = None) -> str | None:
    """The name a page in `language` (default: the active one) shows: English when it has one."""
    return name_en if name_en and is_english(language) else name


def region_path(chain, language: str | None = None) -> str:
    """A region with the regions above it, `chain` being (name, name_en) pairs from the province
    down: 浙江省杭州市西湖区, or on English pages 西湖区, Hangzhou, Zhejiang."""
    if is_english(language):
        return ", ".join(localized(name, name_en, language) for name, name_en in reversed(chain))
    return "".join(name for name, _en in chain)
