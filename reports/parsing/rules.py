"""The rules that read figures: the id each Figure records in `rule`, with what the rule reads.

tests/parsing/test_corpus.py lists, per corpus report, the rules its figures came from, and
checks that every rule here is exercised by real reports (issue 8).
"""
from __future__ import annotations

RULES: dict[str, str] = {
    # layouts/standard.py: the 2019/2021 templates
    "std.row": "a table 三 row whose cells are separated (| cells, spaces, one per line)",
    "std.row_split": "a table 三 row of digits run together, split where the row's sum makes it unique",
    "std.short_row": "a table 三 row whose blank cells were dropped: the total, where the last "
                     "number is the sum of the others in exactly one reading",
    "std.group_sum": "不予公开/无法提供/不予处理/其他处理 as the sum of their sub-rows",
    "std.table4": "table 四's fifteen review and lawsuit cells, separated",
    "std.table4_split": "table 四's cells run together, split by each group's 总计",
    # layouts/stat_table.py: the older statistics tables
    "old.row": "a one-column statistics-table row (label, unit, value)",
    "old.pair": "a this-year/cumulative row with both cells separated",
    "old.pair_digits": "a jammed this-year/cumulative pair with one split only (\"99\", \"03\")",
    "old.pair_prior": "a jammed pair split by last year's cumulative figure (ingest context)",
    "old.pair_parts": "a jammed total split where its numbered sub-rows add up in both columns",
    "old.pair_prose": "a jammed pair split where exactly one reading matches the prose figure",
    "old.closed_as_total": "申请办结数 as the outcome total when the outcome rows add up to it",
    # layouts/prose.py: figures stated in sentences
    "prose.received": "\"收到/受理…申请N件\"",
    "prose.received_none": "\"未收到…申请\": no request, 0",
    "prose.received_kinds": "requests of each kind (\"收到3份以信函形式提出的…申请\") added up, "
                            "where no total is stated (with a warning)",
    "prose.answers": "outcome counts in words (予以公开N件, N起部分公开 …)",
    "prose.fees": "\"收取…费N元/万元\"",
    "prose.fees_none": "no fee collected, in words",
    "prose.cases": "review or lawsuit counts tied to disclosure",
    "prose.cases_none": "no review or lawsuit, in words",
    "prose.proactive": "\"主动公开政府信息N条\"",
    "prose.proactive_section": "\"共发布信息N条\" under the 主动公开 section heading",
    "prose.proactive_cumulative": "\"历年累计主动公开政府信息N条\", the cumulative count",
    "prose.proactive_parts": "a year's \"累计…N条\" whose listed parts add up to N",
}
