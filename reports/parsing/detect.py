"""Layout detection from the normalized text: which table family (if any) the report uses.

- standard_2019 / standard_2021: the national templates (国办公开办函〔2019〕60号 for reports on
  2019 and 2020, 〔2021〕30号 from 2021). Both print section 三 (本年新收 / 上年结转 /
  本年度办理结果 / 结转下年度); 2021 adds the (六)其他处理 sub-rows (逾期不补正 …) and changes
  section 二's columns (本年制发件数 / 现行有效件数 / 本年收费金额 instead of 本年新制作数量 /
  对外公开总数量 / 采购总金额). A template report whose tables were lost in the dump is still
  recognised by its section headings (std-2019-hebei-kjt, std-2022-hebei-rst).
- stat_table_pre2019: the older statistics table (收到申请数 / 同意公开答复数 / 行政复议数量 …).
- mixed: both table families in one text.
- prose: anything else.
"""
from __future__ import annotations

import re

from reports.parsing.metadata import report_year
from reports.parsing.metrics import (
    OLD_TABLE_HEADERS, OLD_TABLE_PROSE_LABELS, OLD_TABLE_ROWS, STANDARD_ROW_KEYS,
    STANDARD_TABLE_HEADERS, STANDARD_TABLE_ROWS,
)

LAYOUTS = ("standard_2021", "standard_2019", "stat_table_pre2019", "prose", "mixed")
# Not a layout of a report: a notice, letter or guide uploaded by mistake (not_a_report()).
NOT_A_REPORT = "not_a_report"

# Labels of the template's section 三 table (any three of them mean a table is present).
STANDARD_TABLE = tuple(STANDARD_ROW_KEYS[c][0] for c in STANDARD_TABLE_ROWS) + STANDARD_TABLE_HEADERS
# Section headings only the 2019/2021 templates print.
STANDARD_HEADINGS = ("收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
                     "主动公开政府信息情况第二十条", "第二十条第(一)项")
V2021 = ("逾期不补正", "逾期未按收费通知", "本年制发件数", "本年废止件数", "现行有效件数",
         "本年收费金额", "国办公开办函〔2021〕30号", "行政规范性文件")
V2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
         "采购总金额", "政府集中采购", "第二十条第(九)项")
# Row labels of the pre-2019 statistics tables (provincial variants included) and their headers.
OLD_TABLE = tuple(label for _code, labels in OLD_TABLE_ROWS for label in labels
                  if label not in OLD_TABLE_PROSE_LABELS) + OLD_TABLE_HEADERS


def _hits(compact: str, labels) -> int:
    return sum(1 for label in labels if label in compact)


def detect_layout(text: str) -> str:
    """Return one of LAYOUTS for a normalized report text."""
    # Labels broken by spaces or line breaks ("本年度办 理结果") still count.
    compact = text.replace(" ", "").replace("\n", "")
    table = _hits(compact, STANDARD_TABLE)
    headings = _hits(compact, STANDARD_HEADINGS)
    old = _hits(compact, OLD_TABLE)
    standard_table = table >= 3
    old_table = old >= 3
    if standard_table and old_table:
        return "mixed"
    if standard_table or (headings and not old_table):
        return _template_version(compact, text)
    if old_table:
        return "stat_table_pre2019"
    return "prose"


def _template_version(compact: str, text: str) -> str:
    v21, v19 = _hits(compact, V2021), _hits(compact, V2019)
    if v21 != v19:
        return "standard_2021" if v21 > v19 else "standard_2019"
    # No distinguishing rows survived: the template in force for the year reported on decides.
    year = report_year(text)
    return "standard_2019" if year is not None and year <= 2020 else "standard_2021"


# What a document that is not an annual report calls itself at the end of its title: a notice,
# a letter, measures, a guide, a catalogue … (issue 8, item 6).
_OTHER_KIND = re.compile(r"(?:通知|函|意见|办法|规定|细则|指南|目录|批复|决定|公告|通告|方案|要点|条例|"
                         r"解释|制度|规则|命令|令|计划|规划|简报|公示|纪要|讲话)\s*$")
# A letter or notice that carries the report ("关于报送《2015年政府信息公开工作年度报告》的函",
# "关于公布2015年度政府信息公开工作年度报告的通知") is the report.
_CARRIES_REPORT = re.compile(r"《[^》]*(?:报告|年报|总结)[^》]*》|(?:19|20)\d\d\s*年度?[^《》]{0,20}?"
                             r"(?:信息公开|政务公开)[^《》]{0,10}?(?:报告|年报|总结)")
# "关于报备…目录的报告" reports something else to a superior: an annual report names a year.
_REPORT_ON_A_YEAR = re.compile(r"(?:19|20)\d\d\s*年|年度|年报")


def not_a_report(title: str | None) -> str | None:
    """Why a document is not an annual disclosure report, judged by its title (None when it may
    be one, or has no title): the title names another kind of document, or a report to a
    superior about something other than a year's work."""
    if not title:
        return None
    title = "".join(title.split())
    if _CARRIES_REPORT.search(title):
        return None
    if _OTHER_KIND.search(title):
        return f"标题“{title[:60]}”表明这是{_OTHER_KIND.search(title).group()}，不是年度报告"
    if title.startswith("关于") and title.endswith("报告") and not _REPORT_ON_A_YEAR.search(title):
        return f"标题“{title[:60]}”是就其他事项的报告，没有报告年度"
    return None
