"""The date a report states for itself (issue 9): its signature date, else a saved page's
"发布时间" line, with the text that states it and that text's offsets in the normalized text.

- The signature is the agency's name (or a line of its own) followed by a full date, standing at
  the end of the text or before the appended tables ("平潭县环境保护局 二○一○年四月十日 附表:"
  old-2009-pt-hbj). Dates inside sentences ("统计期限自2016年1月1日起") are not signatures.
- Dates are written in digits or in Chinese numerals ("二○一三年三月十日", old-2012-pt-gtj).
- A warning when the signature and the page's publication date disagree (published before it
  was signed, or more than PUBLISHED_WITHIN days after), or when the date is implausible for
  the year reported on (before that year's end, or more than a year after it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from reports.parsing.result import Warning_

# A report is published within weeks of its signature; the regulations give 1-3 months.
PUBLISHED_WITHIN = 60

_CN = {"〇": 0, "○": 0, "零": 0, "Ο": 0, "O": 0, "o": 0, "0": 0, "一": 1, "二": 2, "三": 3,
       "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = r"(?P<y>(?:19|20)\d\d|[一二][〇○零Ο0O][〇○零Ο0O一二三四五六七八九]{2})"
_MONTH = r"(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?P<d>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
DATE = re.compile(rf"{_YEAR}\s*年\s*{_MONTH}\s*月\s*{_DAY}\s*日")
# What stands just before a signature date: the end of the signing agency's name, a line break,
# or, in dumps that flattened the page to one line, the last sentence's full stop
# ("…考核工作常规化、日常化。 二○一三年三月十日 附件下载", old-2012-pt-gtj).
_SIGNER_END = set("局厅府委会室办院心所站队处区县市省部署组。\n")
# What may follow a signature: the end, a line break, appended tables.
_AFTER_SIGNATURE = re.compile(r"\s*(?:$|\n|附)")
# "发布时间: 2024-01-31 18:05" (crawler header of a saved page), "发布日期：2020年1月20日".
PUBLISHED = re.compile(r"(?:发布|发文|成文)(?:时间|日期)\s*[:：]?\s*(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*"
                       r"(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})")
# Where a page's publication line may stand: its header, before the report body.
_PUBLISHED_WITHIN_CHARS = 1500


@dataclass(frozen=True)
class StatedDate:
    value: date
    evidence: str
    start: int
    end: int


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, units = token.partition("十")
        return (_CN[tens] if tens else 1) * 10 + (_CN[units] if units else 0)
    return int("".join(str(_CN[ch]) for ch in token))


def _date(m) -> date | None:
    try:
        return date(_number(m.group("y")), _number(m.group("m")), _number(m.group("d")))
    except (ValueError, KeyError):
        return None


def signature_date(text: str) -> StatedDate | None:
    """The last full date that follows a signer's name (or starts a line) and ends the text or
    comes before the appended tables."""
    found = None
    for m in DATE.finditer(text):
        before = text[:m.start()].rstrip(" \t")
        if before and before[-1] not in _SIGNER_END:
            continue
        if not _AFTER_SIGNATURE.match(text, m.end()):
            continue
        value = _date(m)
        if value is not None:
            found = StatedDate(value, m.group(), m.start(), m.end())
    return found


def published_date(text: str) -> StatedDate | None:
    """The publication date a saved page prints in its header."""
    m = PUBLISHED.search(text, 0, _PUBLISHED_WITHIN_CHARS)
    value = _date(m) if m else None
    return StatedDate(value, m.group(), m.start(), m.end()) if value else None


def stated_date(text: str, *, year: int | None) -> tuple[StatedDate | None, list[Warning_]]:
    """(the date the report states for itself, warnings about it)."""
    signed, published = signature_date(text), published_date(text)
    chosen = signed or published
    warnings: list[Warning_] = []
    if signed and published:
        days = (published.value - signed.value).days
        if days < 0 or days > PUBLISHED_WITHIN:
            warnings.append(Warning_(
                "issued_on_disagrees",
                f"落款日期 {signed.value.isoformat()}（“{signed.evidence}”）与网页发布时间 "
                f"{published.value.isoformat()} 不一致；采用落款日期"))
    if chosen and year:
        if chosen.value <= date(year, 12, 31):
            warnings.append(Warning_(
                "issued_on_implausible",
                f"报告日期 {chosen.value.isoformat()}（“{chosen.evidence}”）早于 {year} 年度结束，请核对年度或日期"))
        elif chosen.value.year > year + 1:
            warnings.append(Warning_(
                "issued_on_implausible",
                f"报告日期 {chosen.value.isoformat()}（“{chosen.evidence}”）晚于 {year} 年度一年以上，请核对年度或日期"))
    return chosen, warnings
