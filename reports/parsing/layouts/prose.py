"""Rules for figures stated in sentences ("共受理政府信息公开申请428起", "未收取任何费用").

Only figures about disclosure requests count: a review or lawsuit count is taken only where the
clause ties it to 政府信息公开 / 依申请公开 (or continues a clause that does), so "办理行政复议
案件1件,其中因政府信息公开引发的0件" gives 0. Zero figures stated in words ("未收到政府信息公开
申请", "没有因政府信息公开而被提起的行政复议或行政诉讼") give 0. Approximate counts (400余条),
cumulative counts (累计主动公开), parts of a total (各乡镇主动公开…), reviews and lawsuits given
only combined, and codes the prose states twice with different values are left out with a
warning where useful: a wrong number is worse than a missing one.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal

from reports.parsing.metrics import CUMULATIVE_SUFFIX, UNIT_TO_YUAN
from reports.parsing.result import Figure, Warning_
from reports.parsing.result import fmt_value as _fmt

# --- vocabulary (data, not code) --------------------------------------------------------------
# A count: never followed by 余/多 (approximate), never the tail of a longer number ("1,234").
NUM = r"(?<!\d)(?<!\d[,.])(?P<n>\d{1,3}(?:,\d{3})+|\d+)\s*(?:件|起|条|宗|份|个)"
MONEY = r"(?<!\d)(?<!\d[,.])(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>万元|元)"
# What a disclosure request is called: 政府信息公开(的信函)申请, 依申请公开(信息), 政府信息依申请公开 ...
REQUEST = (r"(?:(?:政府)?信息公开(?:的)?[\u4e00-\u9fff]{0,4}?申请|政府信息依申请公开|依申请信息公开"
           r"|依申请公开(?:政府)?(?:信息)?(?:事项)?|申请公开(?:政府)?信息|申请事项)")
RECEIVE = r"(?:收到|受理|办理|接到|接收)"
NEGATION = r"(?:未|没有|无)"
# A clause is about disclosure when one of these precedes its review/lawsuit words.
DISCLOSURE = r"(?:信息公开|依申请公开)"
REVIEW, LITIGATION = "行政复议", "行政诉讼"
CASES = r"(?:案件|申请)?"

# Counts that need a request context (the sentence mentions 申请, or its section is 依申请公开).
REQUEST_RULES = (
    ("requests_received", re.compile(
        rf"{RECEIVE}(?:了)?(?:有关)?(?:的)?{REQUEST}(?:共计|共|总计)?\s*{NUM}")),
    ("outcome_total", re.compile(rf"办理答复(?:共)?\s*{NUM}")),
    ("already_public", re.compile(rf"属于已主动公开(?:范围)?(?:的)?\s*{NUM}")),
    ("partial", re.compile(rf"(?:同意)?部分公开(?:的)?(?:答复)?\s*{NUM}")),
    ("denied", re.compile(rf"(?:不予公开|不同意公开)(?:的)?(?:答复)?\s*{NUM}")),
    ("granted", re.compile(rf"(?<![不部分])(?:同意公开|予以公开)(?:的)?(?:答复)?\s*{NUM}")),
    ("not_this_agency", re.compile(rf"(?:非本机关|不属于本(?:行政)?机关(?:公开)?(?:范围)?)(?:的)?\s*{NUM}")),
    ("not_held", re.compile(rf"(?:申请)?(?:信息)?不存在(?:的)?\s*{NUM}")),
    # number first: "366 起按申请内容予以公开", "5起经审查不予公开" (seed 001)
    ("partial", re.compile(rf"{NUM}[^,，;；。、\d]{{0,8}}?部分公开")),
    ("denied", re.compile(rf"{NUM}[^,，;；。、\d]{{0,8}}?不予公开")),
    ("granted", re.compile(rf"{NUM}[^,，;；。、\d]{{0,8}}?(?<![不分])予以公开")),
)
# A count that belongs to a part (各乡镇收到…, 其中某科…) is not the report's total; 各级 (all
# levels) still is.
PART_SUBJECT = re.compile(r"各(?!级)|其中[^,，]*?(?:部门|乡镇|单位|科室|处室)")
REQUESTS_NONE = re.compile(rf"{NEGATION}(?:收到|受理|接到|发生)(?:任何)?(?:有关)?(?:的)?{REQUEST}")
GENERIC_REQUEST = re.compile(r"申请事项")  # only inside a 依申请公开 section

FEE_RULES = (
    # 收取信息公开费362元 (seed 000), 收取政府信息公开信息处理费 3940 元 (std-2024-huaian)
    re.compile(rf"收取(?:了)?(?:(?:政府)?信息公开(?:的)?(?:信息处理费|处理费|费用|费)|信息处理费)"
               rf"(?:共计|共|合计)?\s*{MONEY}"),
)
FEES_NONE = (
    re.compile(r"未(?:向申请人)?收取(?:任何)?(?:与?[^,，;；。]{0,12}?相关的)?"
               r"(?:政府信息公开|信息公开|信息处理)?(?:的)?(?:费用|信息处理费|处理费)"),
    re.compile(r"未收取和减免任何[^,，;；。]{0,15}费用"),
    re.compile(r"无(?:向[^,，;；。]{0,12})?(?:收取|进行收费)[^,，;；。]{0,8}情况"),
    re.compile(r"未发生(?:有关)?(?:政府)?信息公开(?:方面)?的收费"),
    re.compile(r"全部免费(?:为申请人)?提供"),
    # the 收费及减免情况 section of the Fujian template: "无收费及减免情况" (old-2012-pt-gtj …)
    re.compile(r"无(?:政府信息公开)?(?:的)?收费(?:及|和)减免"),
    # "本年度没有产生信息公开处理费" (std-2021-pt-zhz, std-2023-pt-jtj, std-2023-pt-nyn)
    re.compile(r"(?:没有|未)产生(?:任何)?(?:政府)?信息公开(?:信息)?处理费"),
    re.compile(r"从未(?:进行|收取)(?:过)?(?:任何)?(?:费用|收费)"),
)
FEE_CONTEXT = re.compile(r"申请人|信息公开|信息处理费|收费")

PROACTIVE = re.compile(
    rf"主动公开(?:各类)?(?:政府)?信息(?:总数)?(?:共计|共|合计)?\s*{NUM}(?!以上)")
# Under a 主动公开 section heading a plain total counts too: "二、主动公开政府信息情况 … 2017年共
# 发布信息1669条" (old-2017-hebei-jyt); elsewhere "共发布信息" may be news items.
PROACTIVE_IN_SECTION = re.compile(rf"(?:全年)?共(?:发布|公开)(?:政府)?信息\s*{NUM}(?!以上)")
# "2015年累计主动公开信息612条，其中…300条、…312条": a year's 累计 whose listed parts add up to
# it is that year's total (issue 8, item 3); a 累计 "截至…" or "历年" is not.
PROACTIVE_YEAR_TOTAL = re.compile(
    rf"(?:(?P<year>今年|本年|全年|(?:19|20)\d\d\s*年(?:度)?)[^。;；,，]{{0,12}}?累计(?:主动)?(?:公开|发布)(?:各类)?"
    rf"(?:政府)?信息|主动公开(?:各类)?(?:政府)?信息累计)(?:共计|共)?\s*{NUM}")
# the year of a "主动公开政府信息累计947条" earlier in its sentence ("2017年，我厅网站…", old-2017-hebei-gxt)
YEAR_OF_SENTENCE = re.compile(r"今年|本年|全年|(?:19|20)\d\d\s*年(?:度)?")
# the parts listed after a year's 累计: "，其中…", or straight on ("，工作动态602条，领导活动110条…")
PARTS_LEAD = re.compile(r"[,，:：\s]*(?:其中[,，:：\s]*)?")
# "历年累计主动公开政府信息2027条": the 历年累计 figure, evidence for the table's jammed pair.
PROACTIVE_ALL_YEARS = re.compile(
    rf"历年累计(?:主动)?(?:公开|发布)(?:各类)?(?:政府)?信息(?:共计|共)?\s*{NUM}")
PROACTIVE_LISTED_PART = re.compile(rf"[\u4e00-\u9fff]{{1,16}}?{NUM}")
# "其中全文电子化主动公开信息35条" is part of the total before it (old-2013-pt-zfj)
PROACTIVE_PART = re.compile(r"各|累计|截至|截止|其中")

CASE_COUNT = {
    # "行政复议案件3件", or number first: "收到1份有关政府信息公开行政复议申请" (old-2013-pingtan-zone),
    # "办理2件…行政复议事项" in a clause the sentence ties to disclosure (issue 8, item 3), with
    # what the cases were between ("处理3件属维持具体行政行为的行政复议事项", old-2016-hebei-gxt)
    "review_total": (re.compile(rf"{REVIEW}{CASES}(?:共计|共)?\s*{NUM}"),
                     re.compile(rf"{NUM}(?:有关)?(?:政府)?{DISCLOSURE}(?:的)?{REVIEW}"),
                     re.compile(rf"{NUM}[^,，。;；\d]{{0,12}}?{REVIEW}(?:事项|案件|申请)")),
    "litigation_total": (re.compile(rf"{LITIGATION}{CASES}(?:共计|共)?\s*{NUM}"),
                         re.compile(rf"{NUM}(?:有关)?(?:政府)?{DISCLOSURE}(?:的)?{LITIGATION}"),
                         re.compile(rf"{NUM}[^,，。;；\d]{{0,12}}?{LITIGATION}(?:事项|案件)")),
}
# A clause that sets the subject of the clauses after it: "在依申请公开政府信息中，…办理2件…".
DISCLOSURE_SUBJECT = re.compile(rf"^\s*在[^,，]{{0,20}}?{DISCLOSURE}[^,，]{{0,12}}?(?:中|方面)\s*$")
# A count over several years is not the year's ("近3年共受理信息公开申请2件", old-2018-pt-jjf).
# ("今年以来" is this year; "自《条例》施行以来" is not).
SEVERAL_YEARS = re.compile(r"近\s*[\d一二三四五两]+\s*年|历年|(?:条例|《条例》)[^,，。]{0,8}?(?:施行|实施)以来")
# A kind of request ("收到3份以信函形式提出的信息公开申请"): received, when no total is stated.
REQUEST_KIND = re.compile(
    rf"(?:{RECEIVE}(?:了)?|和|及|、)\s*{NUM}\s*(?:以|通过)(?P<kind>[^,，。;；\d]{{1,10}}?)(?:形式|方式|渠道)"
    rf"(?:提出|提交|递交)?的{REQUEST}")
CASES_COMBINED = re.compile(
    rf"{REVIEW}(?:案件)?(?:和|及|与|、|或)(?:提起)?{LITIGATION}(?:案件)?(?:共计|共|合计)?\s*\d")
CASES_NONE = re.compile(rf"{NEGATION}(?:发生|收到|受理|因|有|提起|引起|出现)?")
CASE_WORDS = {"review_total": REVIEW, "litigation_total": LITIGATION}

HEADING = re.compile(r"(?:[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\))")
# Flattened pages run a section heading straight into its first sentence: a heading ends one.
SENTENCE_END = re.compile(rf"[。;；!?！？\n\r]|(?={HEADING.pattern})")
CLAUSE_END = re.compile(r"[，:：]|,(?!\d{3}(?!\d))")  # not the comma inside 1,234
# A heading's title ends at its first space or at 情况 ("五、因政府信息公开申请行政复议、提起行政
# 诉讼的情况2015年我区未收到…"); its words do not qualify the sentence after it.
HEADING_TITLE = re.compile(rf"\s*{HEADING.pattern}[^\s]{{0,40}}?(?:情况|\s)")
YEAR = re.compile(r"\d{4}\s*年(?:度)?")


def extract(text: str) -> tuple[list[Figure], list[Warning_]]:
    """Return the figures the report states in sentences, and warnings for figures left out."""
    found: list[Figure] = []
    warnings: list[Warning_] = []
    titles = _Titles(text)
    for start, end in _spans(SENTENCE_END, text, 0, len(text)):
        sentence = text[start:end]
        # cheap substring tests first: most sentences state nothing this module reads
        if not re.search(r"\d|未|没有|无|免费", sentence):
            continue
        if "申请" in sentence or "依申请" in titles.at(end):
            found += _request_figures(text, start, end, titles)
        if "费" in sentence:
            found += _fee_figures(text, start, end, titles)
        if "行政" in sentence:
            found += _case_figures(text, start, end, warnings, titles)
        if "主动公开" in sentence or "主动公开" in titles.section_at(start):
            found += _proactive_figures(text, start, end, titles, warnings)
    if not any(f.code == "requests_received" for f in found):
        found += _request_kinds(text, warnings)
    return _one_per_code(found, warnings), warnings


def _request_kinds(text, warnings):
    """Requests of each kind the report states ("收到3份以信函形式提出的信息公开申请"), added
    up as the requests received where no total is stated; a reviewer is asked to confirm."""
    kinds = {}
    for m in REQUEST_KIND.finditer(text):
        if SEVERAL_YEARS.search(text, _sentence_start(text, m.start()), m.start()):
            continue
        kinds.setdefault(m.group("kind"), m)
    if not kinds:
        return []
    matches = sorted(kinds.values(), key=lambda m: m.start())
    total = sum(_number(m.group("n")) for m in matches)
    start, end = matches[0].start(), matches[-1].end()
    warnings.append(Warning_(
        "prose_received_from_kinds",
        f"文字部分未给出收到申请总数，按所列各类申请（{'、'.join(m.group(0) for m in matches)[:60]}）"
        f"相加记为 {_fmt(total)}，请核对", ("requests_received",)))
    return [Figure("requests_received", total, text[start:end], start, end, "prose",
                   rule="prose.received_kinds")]


def _sentence_start(text, pos):
    found = max(text.rfind(ch, 0, pos) for ch in "。;；\n")
    return found + 1


def _spans(pattern, text, start, end):
    pos = start
    for m in pattern.finditer(text, start, end):
        if m.start() > pos:
            yield pos, m.start()
        pos = m.end()
    if end > pos:
        yield pos, end


class _Titles:
    """The heading (一、… / (三)…) or the line each position falls under, found once per text."""

    def __init__(self, text: str):
        self.text = text
        headings = [m.start() for m in HEADING.finditer(text)]
        self.sections = [0] + [h for h in headings if text[h] != "("]  # 一、二、… only
        self.starts = sorted(set([0] + headings + [m.end() for m in re.finditer(r"[\r\n]", text)]))

    def at(self, pos: int) -> str:
        at = self.starts[bisect_right(self.starts, pos) - 1]
        return self.text[at:at + 30]

    def section_at(self, pos: int) -> str:
        """The top-level section (一、… 二、…) heading over `pos`."""
        at = self.sections[bisect_right(self.sections, pos) - 1]
        return self.text[at:at + 30] if at or self.text[:1] in "一二三四五六七八九十" else ""


def _fig(code, value, text, start, end, rule) -> Figure:
    return Figure(code, _number(value), text[start:end], start, end, "prose", rule=rule)


def _number(digits) -> Decimal:
    return Decimal(str(digits).replace(",", ""))


def _request_figures(text, start, end, titles):
    out = []
    taken: list[tuple[int, int]] = []
    for code, rule in REQUEST_RULES:
        for m in rule.finditer(text, start, end):
            if re.search(r"复议|诉讼", m.group(0)) or _overlaps(m.span(), taken):
                continue
            if PART_SUBJECT.search(text[_clause_start(text, start, m.start()):m.start()]):
                continue
            if SEVERAL_YEARS.search(text, start, m.start()):
                continue
            if code == "requests_received" and GENERIC_REQUEST.search(m.group(0)) \
                    and "依申请" not in titles.at(m.start()):
                continue
            taken.append(m.span())
            rule_id = "prose.received" if code == "requests_received" else "prose.answers"
            out.append(_fig(code, m.group("n"), text, m.start(), m.end(), rule_id))
    for m in REQUESTS_NONE.finditer(text, start, end):
        if not re.search(r"复议|诉讼", m.group(0)):
            out.append(_fig("requests_received", 0, text, m.start(), m.end(), "prose.received_none"))
    return out


def _clause_start(text, start, pos):
    for m in CLAUSE_END.finditer(text, start, pos):
        start = m.end()
    return start


def _overlaps(span, taken):
    return any(span[0] < e and s < span[1] for s, e in taken)


def _fee_figures(text, start, end, titles):
    out = []
    for rule in FEE_RULES:
        for m in rule.finditer(text, start, end):
            value = _number(m.group("n")) * UNIT_TO_YUAN[m.group("unit")]
            out.append(Figure("fees_yuan", value, m.group(0), m.start(), m.end(), "prose",
                              rule="prose.fees"))
    sentence = text[start:end]
    if FEE_CONTEXT.search(sentence) or "收费" in titles.at(start):
        for rule in FEES_NONE:
            for m in rule.finditer(text, start, end):
                out.append(_fig("fees_yuan", 0, text, m.start(), m.end(), "prose.fees_none"))
    return out


def _case_figures(text, start, end, warnings, titles):
    """Review and lawsuit counts, clause by clause; a clause counts only when it (or the clause
    before it, which it continues) ties the cases to disclosure. A denial of any case at all
    ("未收到申请行政复议、提起行政诉讼") needs no such tie inside the report's review section
    (old-2011-pt-hyj: "四、行政复议和诉讼情况"): no case at all means no disclosure case."""
    out = []
    chained = False
    in_case_section = bool(re.search(r"复议|诉讼", titles.section_at(start)))
    title = HEADING_TITLE.match(text, start, end)
    if title:
        start = title.end()
    subject = False
    for c_start, c_end in _spans(CLAUSE_END, text, start, end):
        clause = text[c_start:c_end]
        words = [code for code, word in CASE_WORDS.items() if word in clause]
        if not words:
            chained = False
            subject = subject or bool(DISCLOSURE_SUBJECT.match(clause))
            continue
        first_word = min(clause.find(CASE_WORDS[c]) for c in words)
        qualified = bool(re.search(DISCLOSURE, clause[:first_word])) or chained or subject
        chained = qualified
        if not qualified:
            negation = CASES_NONE.search(clause)
            if in_case_section and negation and negation.start() < first_word \
                    and not re.search(r"\d", YEAR.sub("", clause)):
                out += [_fig(code, 0, text, c_start + negation.start(), c_end, "prose.cases_none")
                        for code in words]
            continue
        combined = CASES_COMBINED.search(clause)
        if combined:
            warnings.append(Warning_(
                "prose_combined_cases",
                f"文字部分只给出行政复议与行政诉讼的合计（“{clause.strip()[:50]}”）；两者均未记录",
                ("review_total", "litigation_total")))
            continue
        counted = False
        several = SEVERAL_YEARS.search(text, start, c_end)
        for code in words:
            m = next(filter(None, (r.search(text, c_start, c_end) for r in CASE_COUNT[code])), None)
            if m and several and m.group("n") != "0":
                counted = True  # a count over several years: not this year's
            elif m:
                counted = True
                out.append(_fig(code, m.group("n"), text, m.start(), m.end(), "prose.cases"))
        if counted or re.search(r"\d", YEAR.sub("", clause)):
            continue
        negation = CASES_NONE.search(clause)
        if negation and negation.start() < first_word:
            for code in words:
                out.append(_fig(code, 0, text, c_start + negation.start(), c_end, "prose.cases_none"))
    return out


def _proactive_figures(text, start, end, titles, warnings):
    out = []
    for m in PROACTIVE_ALL_YEARS.finditer(text, start, end):
        out.append(_fig("proactive_total" + CUMULATIVE_SUFFIX, m.group("n"), text, m.start(), m.end(),
                        "prose.proactive_cumulative"))
    for m in PROACTIVE_YEAR_TOTAL.finditer(text, start, end):
        if re.search(r"截至|截止|历年|以来", text[start:m.start()]):
            continue
        if not m.group("year") and not YEAR_OF_SENTENCE.search(text, start, m.start()):
            continue
        parts_at = PARTS_LEAD.match(text, m.end()).end()
        parts = [p for p in PROACTIVE_LISTED_PART.finditer(text, parts_at, end)]
        if len(parts) < 2:
            continue
        listed = sum(_number(p.group("n")) for p in parts)
        if listed == _number(m.group("n")):
            out.append(_fig("proactive_total", m.group("n"), text, m.start(), parts[-1].end(),
                            "prose.proactive_parts"))
        else:
            # a 累计 whose parts do not add up may be this year's or all years': not recorded
            warnings.append(Warning_(
                "prose_parts_disagree",
                f"文字部分称“{m.group(0)}”，但所列分项之和为 {_fmt(listed)}；不能确定是否为本年度数字，未记录",
                ("proactive_total",)))
    rules = [(PROACTIVE, "prose.proactive")]
    if "主动公开" in titles.section_at(start):
        rules.append((PROACTIVE_IN_SECTION, "prose.proactive_section"))
    for c_start, c_end in _spans(CLAUSE_END, text, start, end):
        for rule, rule_id in rules:
            for m in rule.finditer(text, c_start, c_end):
                if _proactive_part(text, start, c_start, m.start()):
                    continue
                out.append(_fig("proactive_total", m.group("n"), text, m.start(), m.end(), rule_id))
    return out


def _proactive_part(text, sentence_start, clause_start, at) -> bool:
    """A proactive count that is part of another: of a region (各乡镇…), cumulative, or the
    其中 of a proactive count stated before it in the sentence ("主动公开政府信息37条，其中全文
    电子化主动公开信息35条", old-2013-pt-zfj). The 其中 of the information an agency made is
    the proactive total ("制作、获取政府信息总数3978条，其中主动公开政府信息2026条":
    old-2011-pingtan-county, old-2012-pt-county)."""
    part = PROACTIVE_PART.search(text, clause_start, at)
    if not part:
        return False
    if part.group() != "其中" or PROACTIVE_PART.search(text, part.end(), at):
        return True
    return bool(PROACTIVE.search(text, sentence_start, clause_start))


def _one_per_code(found: list[Figure], warnings: list[Warning_]) -> list[Figure]:
    """The first statement of each code, unless the prose states the code with different values."""
    by_code: dict[str, list[Figure]] = {}
    for fig in sorted(found, key=lambda f: f.start):
        by_code.setdefault(fig.code, []).append(fig)
    out = []
    for code, figs in by_code.items():
        values = {f.value for f in figs}
        if len(values) > 1:
            warnings.append(Warning_(
                "prose_conflict",
                f"文字部分对 {code} 给出不同数值（{'、'.join(_fmt(v) for v in sorted(values))}）；未记录",
                (code,)))
            continue
        out.append(figs[0])
    return out
