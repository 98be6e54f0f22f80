"""The metric catalog: the one vocabulary of codes shared by parser, database, charts, CSV and tests.

Definitions follow ../shared/corpus/SCHEMA.md. Finer codes extend a base code with a suffix
(denied_state_secret, requests_received_natural_person, review_upheld ...; an older table's
历年累计 column as proactive_total_cumulative ...); FINER maps each to its base. The table
labels of every era live here too (STANDARD_ROW_KEYS, OLD_TABLE_ROWS): the layouts read rows by
them and detect.py counts them, so a label is spelled once.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Metric:
    code: str
    zh: str
    en: str
    unit: str = "件"  # "件" for request counts, "元" for money, "条" for items


CORE = (
    Metric("requests_received", "本年新收申请数", "New requests received"),
    Metric("requests_carried_over", "上年结转申请数", "Requests carried over from last year"),
    Metric("granted", "予以公开", "Granted"),
    Metric("partial", "部分公开", "Partly granted"),
    Metric("denied", "不予公开", "Denied"),
    Metric("unable", "无法提供", "Unable to provide"),
    Metric("not_held", "本机关不掌握相关政府信息 / 信息不存在", "Information not held"),
    Metric("not_this_agency", "不属于本行政机关公开", "Not this agency's information"),
    Metric("not_processed", "不予处理", "Not processed"),
    Metric("other_handled", "其他处理", "Otherwise handled"),
    Metric("already_public", "属于已主动公开范围", "Already published proactively"),
    Metric("outcome_total", "办理结果总计", "Outcomes, total"),
    Metric("carried_forward", "结转下年度继续办理", "Carried forward to next year"),
    Metric("review_total", "行政复议总数", "Administrative reviews, total"),
    Metric("review_corrected", "行政复议结果纠正", "Reviews ending in correction"),
    Metric("litigation_total", "行政诉讼总数", "Lawsuits, total"),
    Metric("litigation_corrected", "行政诉讼结果纠正", "Lawsuits ending in correction"),
    Metric("fees_yuan", "收取费用（元）", "Fees collected (yuan)", unit="元"),
    Metric("proactive_total", "主动公开政府信息数", "Items published proactively", unit="条"),
)
CORE_CODES = tuple(m.code for m in CORE)
BY_CODE = {m.code: m for m in CORE}

# Applicant-type columns of the 2019/2021 table, in printed order; 总计 is the base code itself.
APPLICANT_COLUMNS = (
    ("natural_person", "自然人", "Natural persons"),
    ("business", "商业企业", "Businesses"),
    ("research", "科研机构", "Research institutions"),
    ("public_interest", "社会公益组织", "Public-interest organisations"),
    ("legal_service", "法律服务机构", "Legal-service organisations"),
    ("other_org", "其他", "Other organisations"),
)

# Rows of the standard table that carry the applicant-type columns as finer codes
# (f"{base}_{suffix}"); the sub-rows (denial reasons ...) carry only their 总计.
APPLICANT_BASES = ("requests_received", "requests_carried_over", "granted", "partial", "denied",
                   "unable", "not_processed", "other_handled", "outcome_total", "carried_forward")

# Finer rows of the standard table, each under the group code it adds up to.
DENIAL_REASONS = (
    ("denied_state_secret", "属于国家秘密", "State secret"),
    ("denied_prohibited", "其他法律行政法规禁止公开", "Prohibited by other laws"),
    ("denied_security", "危及“三安全一稳定”", "Endangers security or stability"),
    ("denied_third_party", "保护第三方合法权益", "Third-party rights"),
    ("denied_internal", "属于三类内部事务信息", "Internal affairs"),
    ("denied_process", "属于四类过程性信息", "Process information"),
    ("denied_enforcement", "属于行政执法案卷", "Enforcement case files"),
    ("denied_query", "属于行政查询事项", "Administrative query matters"),
)
UNABLE_REASONS = (
    ("not_held", "本机关不掌握相关政府信息", "Not held"),
    ("unable_needs_creation", "没有现成信息需要另行制作", "Would need to be created"),
    ("unable_unclear", "补正后申请内容仍不明确", "Still unclear after correction"),
)
NOT_PROCESSED_REASONS = (
    ("not_processed_petition", "信访举报投诉类申请", "Petitions and complaints"),
    ("not_processed_repeat", "重复申请", "Repeated requests"),
    ("not_processed_publication", "要求提供公开出版物", "Published materials"),
    ("not_processed_excessive", "无正当理由大量反复申请", "Excessive repeated requests"),
    ("not_processed_confirm", "要求行政机关确认或重新出具已获取信息", "Confirmation of held information"),
)
OTHER_HANDLED_REASONS = (
    ("other_handled_no_correction", "申请人无正当理由逾期不补正", "Applicant did not complete the request"),
    ("other_handled_unpaid", "申请人逾期未按收费通知要求缴纳费用", "Fees not paid"),
    ("other_handled_other", "其他", "Other"),
)
SUB_ROWS = {
    "denied": DENIAL_REASONS,
    "unable": UNABLE_REASONS,
    "not_processed": NOT_PROCESSED_REASONS,
    "other_handled": OTHER_HANDLED_REASONS,
}

# Section 四 of the standard template: 15 numbers in printed order.
REVIEW_LITIGATION_COLUMNS = (
    "review_upheld", "review_corrected", "review_other", "review_pending", "review_total",
    "litigation_direct_upheld", "litigation_direct_corrected", "litigation_direct_other",
    "litigation_direct_pending", "litigation_direct_total",
    "litigation_after_review_upheld", "litigation_after_review_corrected",
    "litigation_after_review_other", "litigation_after_review_pending",
    "litigation_after_review_total",
)

# Older statistics tables (2008-2018) only.
OLD_TABLE_EXTRA = (
    ("requests_closed", "申请办结数", "Requests closed"),
    ("notified_to_amend", "告知作出更改补充数", "Told to amend the request"),
    ("notified_other_channel", "告知通过其他途径办理数", "Referred to another procedure"),
    ("complaints", "举报投诉数量", "Complaints"),
    ("review_upheld", "维持具体行政行为数", "Reviews upheld"),
    ("review_other", "其他情形数", "Reviews, other outcome"),
)

OUTCOME_CODES = (
    "granted", "partial", "denied", "unable", "not_held", "not_this_agency", "not_processed",
    "other_handled", "already_public",
)


# Chinese names of the section 四 columns: the group, then the outcome column.
CASE_GROUP_ZH = (("litigation_after_review_", "复议后起诉"), ("litigation_direct_", "未经复议直接起诉"),
                 ("review_", "行政复议"))
CASE_COLUMN_ZH = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果",
                  "pending": "尚未审结", "total": "总计"}


def _case_zh(code: str) -> str:
    for prefix, group in CASE_GROUP_ZH:
        if code.startswith(prefix):
            return f"{group}{CASE_COLUMN_ZH.get(code[len(prefix):], '')}"
    return code


def finer_codes() -> dict[str, tuple[str, str, str]]:
    """Return {code: (base code, zh, en)} for every finer code the parser may emit."""
    out: dict[str, tuple[str, str, str]] = {}
    for base in APPLICANT_BASES:
        for suffix, zh, en in APPLICANT_COLUMNS:
            out[f"{base}_{suffix}"] = (base, f"{BY_CODE[base].zh}（{zh}）", f"{BY_CODE[base].en} ({en})")
    for base, rows in SUB_ROWS.items():
        for code, zh, en in rows:
            if code not in BY_CODE:
                out[code] = (base, zh, en)
    for code in REVIEW_LITIGATION_COLUMNS:
        if code not in BY_CODE:
            base = "review_total" if code.startswith("review") else "litigation_total"
            out[code] = (base, _case_zh(code), code.replace("_", " "))
    for code, zh, en in OLD_TABLE_EXTRA:
        out.setdefault(code, ("", zh, en))
    return out


FINER = finer_codes()


def is_known(code: str) -> bool:
    return code in BY_CODE or code in FINER


def label(code: str, lang: str = "zh") -> str:
    if code in BY_CODE:
        return BY_CODE[code].zh if lang.startswith("zh") else BY_CODE[code].en
    if code in FINER:
        return FINER[code][1] if lang.startswith("zh") else FINER[code][2]
    return code


# Harmonized outcome mix across eras (DESIGN.md, shown on /methodology/).
# category -> alternatives, each a tuple of codes to add up; per report the first alternative
# with any stated code is used. Old reports have no `unable`: not_held + not_this_agency
# (+ 告知作出更改补充) stand in; taking `unable` first avoids counting not_held twice in
# 2019/2021 reports, where not_held is a sub-row of unable.
HARMONIZED = (
    ("disclosed", "予以公开", "Disclosed", (("granted", "already_public"),)),
    ("partial", "部分公开", "Partly disclosed", (("partial",),)),
    ("withheld", "不予公开", "Withheld", (("denied",),)),
    ("not_available", "无法提供", "Not available",
     (("unable",), ("not_held", "not_this_agency", "notified_to_amend"))),
    ("not_processed", "不予处理", "Not processed", (("not_processed",),)),
    ("other", "其他处理", "Other", (("other_handled", "notified_other_channel"),)),
)
HARMONIZED_CODES = tuple(sorted({c for *_, alts in HARMONIZED for alt in alts for c in alt}))


# ---------------------------------------------------------------------------
# Row labels of the 2019/2021 template's table 三 (read by layouts/standard.py), as key phrases
# per metric code. A key is short on purpose: it must survive typos elsewhere in the label
# (std-2023-hongze prints "其他法律行政止公开") and labels broken by spaces or line breaks
# ("本年度办 理结果"). Keys must not occur inside another row's label.
STANDARD_ROW_KEYS: dict[str, tuple[str, ...]] = {
    "requests_received": ("本年新收",),
    "requests_carried_over": ("上年结转",),
    "granted": ("予以公开",),
    "partial": ("部分公开",),
    "denied": ("不予公开",),
    "denied_state_secret": ("国家秘密",),
    "denied_prohibited": ("禁止公开", "其他法律"),
    "denied_security": ("三安全一稳定", "危及"),
    "denied_third_party": ("第三方",),
    "denied_internal": ("内部事务",),
    "denied_process": ("过程性",),
    "denied_enforcement": ("执法案卷",),
    "denied_query": ("行政查询",),
    "unable": ("无法提供",),
    "not_held": ("不掌握",),
    "unable_needs_creation": ("另行制作", "没有现成"),
    "unable_unclear": ("仍不明确", "补正后申请"),
    "not_processed": ("不予处理",),
    "not_processed_petition": ("信访", "举报投诉"),
    "not_processed_repeat": ("重复申请",),
    "not_processed_publication": ("出版物",),
    "not_processed_excessive": ("大量反复",),
    "not_processed_confirm": ("重新出具", "确认或"),
    "other_handled": ("其他处理",),
    "other_handled_no_correction": ("逾期不补正",),
    "other_handled_unpaid": ("缴纳费用", "收费通知"),
    # "其他" alone is everywhere (column header, 其他法律, 其他情形): only with its ordinal
    "other_handled_other": ("3.其他", "3、其他", "(3)其他"),
    "outcome_total": ("(七)总计", "总计"),
    "carried_forward": ("结转下年度", "继续办理"),
}
# Column and group headers only table 三 prints; with STANDARD_TABLE_ROWS' first keys they are
# the labels detect.py counts to tell a standard table is present.
STANDARD_TABLE_HEADERS = ("本年度办理结果", "申请人情况", "法律服务机构", "社会公益组织")
STANDARD_TABLE_ROWS = ("requests_received", "requests_carried_over", "granted", "not_processed",
                       "carried_forward")


# ---------------------------------------------------------------------------
# Row labels of the older statistics tables (统计表, 2008-2018), read by layouts/stat_table.py.
# Each code lists the labels provinces printed for it; the longest label is tried first, so
# 不同意公开答复数 is never read as 同意公开答复数. Labels are matched with any whitespace
# between characters (HTML cells print "主动公开 文件 数").
OLD_TABLE_ROWS = (
    ("proactive_total", ("主动公开政府信息数", "主动公开信息数", "主动公开文件数")),
    ("requests_received", ("收到申请数", "受理依申请公开信息总数", "受理政府信息依申请公开总数",
                           "受理政府信息公开申请总数")),
    ("requests_closed", ("申请办结数",)),
    ("outcome_total", ("申请答复数", "对申请的答复总数", "对申请的答复数")),
    ("already_public", ("属于已主动公开范围数",)),
    ("granted", ("同意公开答复数",)),
    ("partial", ("同意部分公开答复数",)),
    ("denied", ("不同意公开答复数", "否决公开答复数", "否决公开答复总数", "不予公开答复数")),
    ("not_this_agency", ("不属于本行政机关公开数",)),
    ("not_held", ("申请信息不存在数",)),
    ("notified_to_amend", ("告知作出更改补充数",)),
    ("notified_other_channel", ("告知通过其他途径办理数", "告知通过转其他途径办理数")),
    ("other_handled", ("其他类型答复数",)),
    ("review_total", ("行政复议数量", "行政复议数")),
    ("litigation_total", ("行政诉讼数量", "行政诉讼数")),
    ("complaints", ("举报投诉数量",)),
    ("fees_yuan", ("依申请公开信息收取的费用",)),
)
# Headers of the older tables, and labels that also read as prose ("主动公开政府信息数为…"),
# which detect.py does not count as signs of a table.
OLD_TABLE_HEADERS = ("指标名称", "计量单位", "历年累计", "依申请公开总数")
OLD_TABLE_PROSE_LABELS = ("主动公开政府信息数", "行政复议数", "行政诉讼数")
# Rows under 行政复议数量 / 行政诉讼数量: the code is the group's prefix + suffix
# (review_corrected, litigation_corrected ...); codes the catalog lacks are not emitted.
OLD_TABLE_CASE_ROWS = (
    ("upheld", ("维持具体行政行为或者驳回原告诉讼请求数", "维持具体行政行为数")),
    ("corrected", ("被依法纠错数",)),
    ("other", ("其他情形数",)),
)
OLD_TABLE_CASE_GROUPS = {"review_total": "review", "litigation_total": "litigation"}
# The 申请办结数 row is outcome_total only where no 申请答复数 row exists and it equals the
# sum of the outcome rows (SCHEMA.md: "when it is the total of outcomes").
OLD_TABLE_OUTCOME_PARTS = (
    "already_public", "granted", "partial", "denied", "not_this_agency", "not_held",
    "notified_to_amend", "notified_other_channel", "other_handled",
)
# Units printed in the 单位 column; money in 万元 is converted to yuan.
OLD_TABLE_UNITS = ("万元", "人次", "元", "条", "件", "个", "次", "人", "篇", "项")
UNIT_TO_YUAN = {"万元": Decimal(10000), "元": Decimal(1)}
# The 历年累计 (cumulative) column of the older tables is kept under "<code>_cumulative": next
# year's parse reads it to split jammed pairs, and the cross-year checks compare it.
CUMULATIVE_SUFFIX = "_cumulative"


def _cumulative_codes() -> dict[str, tuple[str, str, str]]:
    out = {}
    rows = [code for code, _labels in OLD_TABLE_ROWS]
    rows += [f"{group}_{suffix}" for group in OLD_TABLE_CASE_GROUPS.values()
             for suffix, _labels in OLD_TABLE_CASE_ROWS]
    for code in rows:
        if not is_known(code):
            continue
        base = code if code in BY_CODE else FINER[code][0]
        out[code + CUMULATIVE_SUFFIX] = (base or code, f"{label(code)}（历年累计）",
                                         f"{label(code, 'en')} (cumulative)")
    return out


CUMULATIVE = _cumulative_codes()
FINER.update(CUMULATIVE)
ALL_CODES = CORE_CODES + tuple(c for c in FINER if c not in BY_CODE)
