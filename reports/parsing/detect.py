"""Layout detection from the normalized text."""
from __future__ import annotations


def detect_layout(text: str) -> str:
    if "本年新收" in text and "结转下年度" in text:
        return "standard_2021"
    if "收到申请数" in text:
        return "stat_table_pre2019"
    return "prose"
