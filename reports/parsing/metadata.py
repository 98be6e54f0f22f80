"""Agency, year and region of a report, read from its title, signature and self-references.

Where the agency comes from, in order of trust (the first that yields a valid name wins):
1. the title: a crawler "标题:" line, an HTML page title, or an early line ending in 报告/总结
   ("平潭县人民政府2011年政府信息公开工作年度报告", "2013年北京市国土资源局海淀分局政府信息公开工作报告",
   "浙江省国土资源厅关于报送《…》的函"; a PDF title page puts the agency on the line above);
2. the signature: the name right before the closing date ("河北省教育厅\n2014年1月16日");
3. self-descriptions: "由河北省教育厅编制", "发布河北省教育厅2021年政府信息公开工作年度报告";
4. full names in the body whose ending matches the report's self-reference (我厅 -> …厅);
5. a provincial department's short name ("省人社厅") expanded with the province the text names.
None when the report never names itself (seed 004). Region: the divisions named in the agency
(平潭综合实验区 -> 平潭县 -> 福州市, 福建省), else a province inferred from cited provincial
regulations (《安徽省…》), with a warning.
"""
from __future__ import annotations

import re
from collections import Counter

from reports.parsing.issued import stated_date
from reports.parsing.result import Metadata, Warning_

YEAR_MIN, YEAR_MAX = 2000, 2100

_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "Ο": "0", "O": "0", "o": "0", "一": "1", "二": "2",
              "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"[一二][〇○零Ο九][〇○零Ο一二三四五六七八九]{2}(?=\s*年)")
_YEAR = r"(?:19|20)\d\d"

_HEADER_LINE = re.compile(r"^(标题|发布时间|发布日期|文号|发布机构|栏目|原文链接|本地目录|来源|时间|索引号|"
                          r"主题分类|发文日期|成文日期|页面链接与图片详见)\s*[:：]")
_BODY_MARK = re.compile(r"^=+\s*正文\s*=+$")
# A site's breadcrumb ("当前位置：首页>…>政府信息公开年报", "首页 > 政务公开 > 政府信息公开年报")
# names the column, not the report.
_BREADCRUMB = re.compile(r"^\s*(?:(?:当前位置|您现在的位置|你的位置|您的位置)\s*[:：]|首页\s*[>＞»/|])")

# What an agency name ends with (longest first where they overlap).
_AGENCY_END = re.compile(
    r"(人民政府办公厅|人民政府办公室|人民政府|管理委员会|管委会|委员会|办公厅|办公室|综合实验区|实验区|示范区|"
    r"开发区|高新区|新区|分局|总局|支队|大队|中心|政府|[厅局委署院所站队处办会区县市省旗州部])$")
_AGENCY_CHARS = r"[\u4e00-\u9fffX×]"
_CENTRAL_PREFIX = re.compile(r"^(国家[\u4e00-\u9fff]{0,10}?(总局|局|署|委员会|部)|中华人民共和国|国务院|中国)")
_SELF_REF = re.compile(r"我(厅|局|委|办|区|县|市|院|署|中心|府)")
_SELF_SUFFIX = {"厅": ("厅",), "局": ("局", "分局"), "委": ("委", "委员会"), "办": ("办", "办公室"),
                "区": ("区", "管委会", "管理委员会", "人民政府", "政府"),
                "县": ("县", "人民政府", "政府"), "市": ("市", "人民政府", "政府"), "府": ("人民政府", "政府"),
                "院": ("院",), "署": ("署",), "中心": ("中心",)}
_TITLE = re.compile(
    rf"^(?P<pre>.*?)(?P<y1>{_YEAR})\s*(?:年度?)?\s*(?:[-—–~至到]\s*(?P<y2>{_YEAR})\s*)?年?度?\s*(?P<post>.*?)"
    r"(?:政府信息公开|政务公开|信息公开|政府信息)")
_REPORT_WORDS = re.compile(r"(报告|总结|年报)")
_LETTER = re.compile(rf"^(?P<name>{_AGENCY_CHARS}{{2,40}}?)关于(?:报送|印发|公布|发布)")
_ISSUER = re.compile(rf"【(?:颁发部门|发布机构|发文机关)】\s*(?P<name>{_AGENCY_CHARS}{{2,40}})")
_DATE_TAIL = re.compile(
    rf"(?P<name>{_AGENCY_CHARS}{{2,40}})[ \n]*(?P<y>{_YEAR})\s*年\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?")
_COMPILED_BY = re.compile(rf"由(?P<name>{_AGENCY_CHARS}{{2,40}}?)(?:负责)?(?:编制|编写|根据|汇总|组织编制)")
# Anchored on the year and read backwards: a leading lazy name would be tried at every position.
_NAMED_REPORT = re.compile(rf"(?P<y>{_YEAR})\s*年度?(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")
_NAME_BEFORE = re.compile(rf"{_AGENCY_CHARS}{{2,40}}$")
_MENTION = re.compile(rf"{_AGENCY_CHARS}{{2,8}}?(?:省|自治区|市|县|区|州|盟)[\u4e00-\u9fff]{{1,16}}?"
                      r"(?:人民政府|委员会|分局|[厅局委])")
_PERIOD = re.compile(rf"(?:统计|数据)(?:期限|时限|时间|区间|周期)[^。\n]{{0,12}}?(?P<y>{_YEAR})\s*年")
# "2016年政府信息公开年度报告" names this report, "2008-2016年…年度报告" a list of past ones.
_YEAR_REPORT = re.compile(rf"(?<![-—–~至到\d])(?P<y>{_YEAR})\s*年度?(?:我[厅局委办区县市])?(?:政府)?信息公开"
                          r"(?:工作)?(?:年度)?(?:报告|年报|总结)")
_YEAR_IN_BODY = re.compile(rf"(?P<y>{_YEAR})\s*年")
_RANGE = re.compile(rf"(?P<y1>{_YEAR})\s*年?\s*[-—–~至到]\s*(?P<y2>{_YEAR})\s*年(?!\s*\d{{1,2}}\s*月)")
_COVERAGE_WORDS = re.compile(r"本报告|本年度报告|统计|期间|以来|工作情况|工作总结")
_SINCE = re.compile(r"(?:条例|《条例》)[^。\n]{0,6}(?:施行|实施|颁布)以来")
_PUBLISHED = re.compile(rf"(?P<y>{_YEAR})\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日\s*$")

# Short names of provincial departments, for reports that call themselves only "省人社厅".
DEPARTMENT_SHORT = {
    "人社厅": "人力资源和社会保障厅", "人力资源社会保障厅": "人力资源和社会保障厅",
    "科技厅": "科学技术厅", "住建厅": "住房和城乡建设厅", "工信厅": "工业和信息化厅",
    "文旅厅": "文化和旅游厅", "交通厅": "交通运输厅", "卫健委": "卫生健康委员会",
    "发改委": "发展和改革委员会", "教育厅": "教育厅", "民政厅": "民政厅", "财政厅": "财政厅",
    "公安厅": "公安厅", "司法厅": "司法厅", "水利厅": "水利厅", "商务厅": "商务厅", "审计厅": "审计厅",
    "国土资源厅": "国土资源厅", "自然资源厅": "自然资源厅", "生态环境厅": "生态环境厅",
    "农业农村厅": "农业农村厅", "环保厅": "环境保护厅",
}
# "省交通运输厅" (the full department name after a bare 省) is expanded the same way (issue 8,
# item 4): the province is named elsewhere in the text.
DEPARTMENT_NAMES = {**{full: full for full in DEPARTMENT_SHORT.values()}, **DEPARTMENT_SHORT}
_DEPT_SHORT = re.compile("省(" + "|".join(sorted(DEPARTMENT_NAMES, key=len, reverse=True)) + ")")


def chinese_years_to_digits(text: str) -> str:
    """二〇一七年 -> 2017年 (length-preserving, so offsets stay valid)."""
    if not _CN_YEAR.search(text):
        return text
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS.get(c, c) for c in m.group()), text)


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Crawler header fields (标题, 发布时间, ...) and the body after them."""
    lines = text.split("\n")
    fields: dict[str, str] = {}
    body_start = 0
    first_field = None
    for i, line in enumerate(lines[:15]):
        stripped = line.strip()
        if _BODY_MARK.match(stripped):
            body_start = i + 1
            break
        m = _HEADER_LINE.match(stripped)
        if m:
            fields.setdefault(m.group(1), stripped[m.end():].strip())
            body_start = i + 1
            first_field = i if first_field is None else first_field
        elif stripped and fields:
            break
    # a page's own lines above its 发布时间 line (breadcrumb, title) stay in the body
    # (drv-docx-html-std-2023-pt-zone: the title sits above "发布时间：… 来源：…")
    return fields, "\n".join(lines[:first_field or 0] + lines[body_start:])


def report_year(text: str) -> int | None:
    """The year reported on (not the publication date), or None. Cheap enough for detect."""
    return _year(text)[0]


def extract_metadata(text: str, *, divisions=None) -> Metadata:
    """Agency, year, region, title and stated date of one normalized report text."""
    normalized = text
    text = chinese_years_to_digits(text)
    fields, body = split_header(text)
    title, title_prev = _title(fields, body)
    warnings: list[Warning_] = []
    year, multi_year, year_note = _year(text, fields=fields, body=body, title=title)
    if year_note:
        warnings.append(year_note)
    agency, agency_note = _agency(body, title, title_prev, divisions)
    if agency and not agency_note:
        agency, agency_note = _office_of_department(agency, body)
    if agency_note:
        warnings.append(agency_note)
    province = city = county = code = None
    if divisions is not None:
        region, region_note = _region(agency, body, divisions)
        if region_note:
            warnings.append(region_note)
        if region is not None:
            province = region.province.name if region.province else None
            city = region.prefecture.name if region.prefecture else None
            county = region.county.name if region.county else None
            code = region.code
    stated, stated_notes = stated_date(normalized, year=year)
    warnings += stated_notes
    return Metadata(agency=agency, year=year, province=province, city=city, county=county,
                    region_code=code, multi_year=multi_year, title=title,
                    issued_on=stated.value if stated else None,
                    issued_on_evidence=stated.evidence if stated else "",
                    issued_on_start=stated.start if stated else None,
                    issued_on_end=stated.end if stated else None, warnings=tuple(warnings))


# ---------------------------------------------------------------- title

def _title(fields: dict[str, str], body: str) -> tuple[str | None, str | None]:
    """The report's title and the line before it (PDF title pages put the agency there)."""
    if fields.get("标题"):
        return fields["标题"], None
    prev = None
    seen = 0
    lines = []  # the first seven lines that are neither blank nor a breadcrumb
    for line in body.split("\n", 200):
        line = line.strip()
        if line and not _BREADCRUMB.match(line):
            lines.append(line)
            if len(lines) == 7:
                break
    for i, line in enumerate(lines):
        seen += 1
        head = line[:80]
        if not _REPORT_WORDS.search(head) and i + 1 < len(lines) and len(lines[i + 1]) <= 10 \
                and re.search(r"信息公开|政务公开", head) and _REPORT_WORDS.search(head + lines[i + 1]):
            # a title wrapped by the page width ("…工作年度报" / "告", drv-pdf-html-std-2023-pt-zone)
            head = (head + lines[i + 1])[:80]
        m = _REPORT_WORDS.search(head)
        if m and re.search(r"信息公开|政务公开|年度报告|年报", head[:m.end()]) \
                and not re.search(r"[,，。;；!！?？]", head[:m.end()]):  # a title is not a sentence
            return head[:m.end()], prev
        if m and _LETTER.match(head):
            return head, prev
        if seen >= 6:
            break
        prev = line if len(line) <= 40 else None
    return None, None


# ---------------------------------------------------------------- year

def _year(text: str, *, fields=None, body=None, title=None):
    """(year, multi_year, warning). Title year, then the statistics period, then a
    "<year>年…报告" phrase, then the most frequent year; the publication date only last."""
    if fields is None:
        text = chinese_years_to_digits(text)
        fields, body = split_header(text)
        title, _ = _title(fields, body)
    head = body[:400]  # a coverage range is stated up front; later ranges cite other documents
    year = None
    multi = False
    if title:
        m = _TITLE.match(title)
        if m:
            year = int(m.group("y2") or m.group("y1"))
            multi = bool(m.group("y2")) and int(m.group("y2")) > int(m.group("y1"))
        else:
            m = re.search(rf"({_YEAR})\s*年", title)
            year = int(m.group(1)) if m else None
    if year is None:
        m = _PERIOD.search(body)
        if m:
            year = int(m.group("y"))
    if year is None:
        m = _YEAR_REPORT.search(body)
        if m:
            year = int(m.group("y"))
    note = None
    if not multi:
        r = _RANGE.search(title or "") or _coverage_range(head)
        if r and int(r.group("y2")) > int(r.group("y1")):
            multi, year = True, int(r.group("y2"))
        elif not (title and re.search(_YEAR, title)) and _SINCE.search(head):
            multi = True
    if year is None:
        # The closing date is the publication date, not the year reported on.
        dated = _PUBLISHED.search(body.rstrip()[-40:])
        counted = body.rstrip()[:-40] + body.rstrip()[-40:][:dated.start()] if dated else body
        counts = Counter(int(m.group("y")) for m in _YEAR_IN_BODY.finditer(counted))
        plausible = [(n, -_first(body, y), y) for y, n in counts.items() if YEAR_MIN <= y <= YEAR_MAX]
        if plausible:
            year = max(plausible)[2]
    if year is None:
        m = _PUBLISHED.search(body.rstrip()[-40:])
        if m:
            year = int(m.group("y")) - 1
            note = Warning_("year_from_date", f"报告未写明年度，按落款日期 {m.group('y')} 年推断为 {year} 年度",
                            ())
    if multi:
        note = Warning_("multi_year", f"报告汇总了多个年度的情况，记为截至 {year} 年；数字不是单一年度的", ())
    if year is not None and not (YEAR_MIN <= year <= YEAR_MAX):
        year = None
    return year, multi, note


def _coverage_range(head: str):
    """A year range in the opening text that says what the report covers ("本报告统计
    2008-2010年…"), not one that cites other documents ("我局2008-2016年年度报告已公开")."""
    for m in _RANGE.finditer(head):
        start = max(head.rfind("。", 0, m.start()), head.rfind("\n", 0, m.start())) + 1
        end = min((i for i in (head.find("。", m.end()), head.find("\n", m.end())) if i != -1), default=len(head))
        if _COVERAGE_WORDS.search(head[start:end]):
            return m
    return None


def _first(body: str, year: int) -> int:
    return body.find(str(year))


# ---------------------------------------------------------------- agency

def _agency(body: str, title: str | None, title_prev: str | None, divisions):
    """(agency, warning) following the order in the module docstring."""
    if title:
        name = _agency_from_title(title, divisions)
        if not name and title_prev:
            name = _clean_name(title_prev, divisions, whole=True)
        if name:
            return name, None
    m = _ISSUER.search(body[:600])
    if m:
        name = _clean_name(m.group("name"), divisions)
        if name:
            return name, None
    tail = body.rstrip()[-300:]
    signature = None
    for m in _DATE_TAIL.finditer(tail):
        signature = _clean_name(m.group("name"), divisions) or signature
    if signature:
        return signature, None
    for m in _COMPILED_BY.finditer(body):
        name = _clean_name(m.group("name"), divisions)
        if name and not name.endswith(("办公室", "办公厅")):
            return name, None
    for m in _NAMED_REPORT.finditer(body):
        before = _NAME_BEFORE.search(body, max(0, m.start() - 40), m.start())
        name = _clean_name(before.group(), divisions) if before else None
        if name and not name.endswith(("办公室", "办公厅")):
            return name, None
    name = _agency_from_mentions(body, divisions)
    if name:
        return name, None
    m = _DEPT_SHORT.search(body)
    if m and divisions is not None:
        province = _provinces_in(body, divisions)
        if province:
            full = province.most_common(1)[0][0] + DEPARTMENT_NAMES[m.group(1)]
            return full, Warning_("agency_from_short_name",
                                  f"报告只以“省{m.group(1)}”自称，未写省名，机构名称按文中的省名补全为“{full}”", ())
    return None, None


_DEPARTMENT_OFFICE = re.compile(r"^(?P<dept>.+(?P<end>[局厅委]))办公室$")


def _office_of_department(agency: str, body: str):
    """(agency, warning): a title naming a department's own office ("…综合执法局办公室", which
    compiles the report) where the report speaks as the department ("我局") is the
    department's report (old-2017-pt-zhz); a government office speaking as itself ("我办",
    平潭综合实验区管委会办公室) stays as it is."""
    m = _DEPARTMENT_OFFICE.match(agency)
    if not m:
        return agency, None
    refs = Counter(r.group(1) for r in _SELF_REF.finditer(body))
    if not refs or refs.most_common(1)[0][0] != m.group("end"):
        return agency, None
    dept = m.group("dept")
    return dept, Warning_("agency_from_office",
                          f"标题署名为“{agency}”，报告以“我{m.group('end')}”自称，机构记为“{dept}”")


def _agency_from_title(title: str, divisions) -> str | None:
    m = _LETTER.match(title)
    if m:
        return _clean_name(m.group("name"), divisions, whole=True)
    m = _TITLE.match(title)
    if not m:
        # "福州市教育局政府信息公开工作2018年度报告": the year comes after the subject.
        m = re.match(r"^(?P<pre>.*?)(?P<post>)(?:政府信息公开|政务公开|信息公开)", title)
        if not m:
            return None
    pre = re.sub(r"(关于|印发|公布|发布)$", "", m.group("pre").strip(" :：，,"))
    post = m.group("post").strip(" :：，,")
    for candidate in (pre, post):
        if candidate:
            name = _clean_name(candidate, divisions, whole=True)
            if name:
                return name
    return None


def _clean_name(raw: str, divisions, *, whole: bool = False) -> str | None:
    """The agency name inside `raw`: from the first place name (or XX) to an agency ending.
    `whole` accepts a title fragment that is a name on its own without a known place."""
    raw = re.sub(r"\s+", "", raw)
    if not raw or not _AGENCY_END.search(raw) or len(raw) > 40:
        return None
    if re.search(r"[,，。;；:：、《》“”\"()（）]", raw):
        raw = re.split(r"[,，。;；:：、《》“”\"()（）]", raw)[-1]
        if not raw or not _AGENCY_END.search(raw):
            return None
    start = _place_start(raw, divisions)
    if whole and start and _CENTRAL_PREFIX.match(raw[:start]):
        start = 0  # 国家税务总局深圳市税务局: a central body's local office keeps its full name
    if start is not None:
        name = raw[start:]
        return name if len(name) >= 3 and _AGENCY_END.search(name) else None
    if whole and 3 <= len(raw) <= 30 and not re.search(r"[我本该其]", raw[:1]):
        return raw
    return None


def _place_start(raw: str, divisions) -> int | None:
    """Index of the first place name (or anonymised XX) in raw, if any."""
    m = re.search(r"(XX|X{3,}|××|某)[省市县区州]", raw)
    xx = m.start() if m else None
    if divisions is None:
        m = re.search(r"[\u4e00-\u9fff]{2,8}?(省|自治区|市|县|区|州|盟|旗)", raw)
        found = m.start() if m else None
    else:
        found = None
        for i in range(len(raw) - 1):
            names = divisions.names_at(raw, i, max_length=9)
            if any(divisions.by_name.get(n) or divisions.by_old_name.get(n) for n in names):
                found = i
                break
            if names and (i == 0 or _is_province_short(names[0], divisions)):
                found = i
                break
    if xx is not None and (found is None or xx < found):
        return xx
    return found


def _is_province_short(name: str, divisions) -> bool:
    return any(divisions.by_code[c].level == "province" for c in divisions.by_short.get(name, ()))


def _agency_from_mentions(body: str, divisions) -> str | None:
    """The most frequent full agency name in the body whose ending fits how the report
    refers to itself (我厅 -> a 厅). Names inside 《》 count only as issuers ("《X关于…》")."""
    refs = Counter(m.group(1) for m in _SELF_REF.finditer(body))
    if not refs:
        return None
    endings = tuple(e for ref, _ in refs.most_common(1) for e in _SELF_SUFFIX[ref])
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _MENTION.finditer(body):
        name = _clean_name(m.group(), divisions)
        if not name or not name.endswith(endings) or name.endswith(("办公厅", "办公室")):
            continue
        if _inside_title_quotes(body, m.start()) and not body.startswith("关于", m.end()):
            continue
        counts[name] += 1
        first.setdefault(name, m.start())
    if not counts:
        return None
    # An abbreviation (河北省科技厅) counts towards the full name it abbreviates (河北省科学技术厅).
    for short in list(counts):
        for full in counts:
            if full != short and len(full) > len(short) and _is_abbreviation(short, full):
                counts[full] += counts.pop(short)
                break
    return max(counts, key=lambda n: (counts[n], len(n), -first[n]))


def _inside_title_quotes(body: str, pos: int) -> bool:
    opened = body.rfind("《", max(0, pos - 60), pos)
    return opened != -1 and body.rfind("》", opened, pos) == -1


def _is_abbreviation(short: str, full: str) -> bool:
    if short[0] != full[0] or short[-1] != full[-1]:
        return False
    it = iter(full)
    return all(ch in it for ch in short)


# ---------------------------------------------------------------- region

_PROVINCE_NAMES: dict[int, re.Pattern] = {}


def _province_pattern(divisions) -> re.Pattern:
    key = id(divisions)
    if key not in _PROVINCE_NAMES:
        names = [d.name for d in divisions.by_code.values() if d.level == "province"]
        shorts = [s for s, codes in divisions.by_short.items()
                  if any(divisions.by_code[c].level == "province" for c in codes)]
        alternation = "|".join(sorted(set(names + shorts), key=len, reverse=True))
        _PROVINCE_NAMES[key] = re.compile(f"《({alternation})")
    return _PROVINCE_NAMES[key]


def _provinces_in(body: str, divisions) -> Counter:
    """Provinces whose documents the report cites (《安徽省…》), by full name."""
    counts: Counter[str] = Counter()
    for m in _province_pattern(divisions).finditer(body):
        for d in divisions.resolve(m.group(1))[0]:
            if d.level == "province":
                counts[d.name] += 1
    return counts


def _region(agency: str | None, body: str, divisions):
    """(Region or None, warning). The divisions named in the agency name, left to right,
    each within the one before; else the province of cited provincial documents."""
    chain, ambiguous = _divisions_in_name(agency, body, divisions) if agency else ([], None)
    if ambiguous and not chain:
        return None, Warning_("region_ambiguous",
                              f"机构名称中的“{ambiguous}”对应多个行政区划，报告中没有可区分的上级地名，地区未确定", ())
    if chain:
        best = max(chain, key=lambda d: ("province", "prefecture", "county").index(d[0].level))
        region = divisions.region_of(best[0].code, historical=best[1])
        note = None
        if best[1]:
            note = Warning_("historical_region",
                            f"机构名称中的旧地名已按现行区划归入 {region.county.name if region.county else best[0].name}", ())
        return region, note
    counts = _provinces_in(body, divisions)
    if counts:
        name, _ = counts.most_common(1)[0]
        province = divisions.lookup(name)[0]
        cited = re.search(rf"《{re.escape(name)}[^》]{{0,30}}》", body) or re.search(
            rf"《{re.escape(name[:2])}[^》]{{0,30}}》", body)
        evidence = cited.group() if cited else name
        return divisions.region_of(province.code), Warning_(
            "region_inferred", f"报告未写明所属地区，按引用的{evidence}推断为{name}", ())
    return None, None


def _divisions_in_name(agency: str, body: str, divisions):
    """([(Division, historical)] named in the agency, each within the previous one; the first
    name that stayed ambiguous, if any)."""
    found: list = []
    ambiguous = None
    i = 0
    while i < len(agency) - 1:
        matched = False
        for piece in divisions.names_at(agency, i, max_length=9):
            cands, historical = divisions.resolve(piece)
            short = piece not in divisions.by_name and piece not in divisions.by_old_name
            if found:
                parent = found[-1][0]
                cands = [d for d in cands if divisions.contains(parent.code, d.code)]
            elif short and i > 0 and not _is_province_short(piece, divisions):
                cands = []  # a short name mid-word ("资源" in 国土资源局) is not a place
            if not cands:
                continue
            chosen = _pick(cands, body, divisions)
            if chosen is None:
                return found, piece
            found.append((chosen, historical))
            i += len(piece)
            matched = True
            break
        if not matched:
            i += 1
    return found, ambiguous


def _pick(cands, body: str, divisions):
    """Of several divisions with one name, the one whose parents the text mentions, else the
    highest level (河北 -> 河北省, not 天津市河北区); None when that still leaves a tie
    (鼓楼区 is in 南京, 福州, 徐州 and 开封)."""
    if len(cands) == 1:
        return cands[0]

    def score(d):
        mentioned = 0
        for parent in (divisions.province_of(d.code), divisions.prefecture_of(d.code)):
            if parent is not None and parent.code != d.code:
                mentioned += body.count(parent.name) + body.count(parent.name[:2])
        level = ("county", "prefecture", "province").index(d.level)
        return (mentioned, level)

    ranked = sorted(cands, key=score, reverse=True)
    if score(ranked[0]) == score(ranked[1]):
        return None
    return ranked[0]
