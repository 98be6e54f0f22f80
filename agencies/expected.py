"""Staff's list of the agencies that must report: a CSV of names per region, matched through the agency resolver.

One row per agency: its region (GB/T 2260 code or name), its name, the first year it must report
and optionally the last. Names are matched by agencies/resolve.py (normalized names and aliases);
an unknown name becomes a new agency in the row's region. Every row gets one RowOutcome: a
refused row writes nothing, the accepted rows go in together (one transaction, bulk statements:
a province's list of thousands of agencies takes seconds, not minutes). A file that cannot be
read as such a table (encoding, Excel workbook, missing columns) is refused whole, before
anything is written.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, AgencyAlias, Region, ReportingExpectation
from agencies.names import normalize_name
from agencies.resolve import find_agencies, infer_level, region_by_code, regions_named
from agencies.signals import bulk_written
from reports.parsing.decode import UnreadableDocument, decode_bytes
from reports.timeliness import FIRST_YEAR

MAX_BYTES = 5 * 1024 * 1024
# A province's list is a few thousand rows; each row is a handful of queries in the request.
MAX_ROWS = 10_000
LAST_YEAR = 2100
# Header names each column is recognised by, compared after normalize_header().
COLUMNS = {
    "region_code": ("区划代码", "行政区划代码", "地区代码", "regioncode", "code"),
    "region": ("区划", "地区", "行政区划", "所在地区", "区划名称", "地区名称", "region", "regionname"),
    "agency": ("机关", "机关名称", "单位", "单位名称", "部门", "部门名称", "agency", "agencyname", "name"),
    "first_year": ("起始年度", "起始应报年度", "首个应报年度", "应报起始年度", "firstyear", "from"),
    "last_year": ("最后年度", "最后应报年度", "截止年度", "应报截止年度", "lastyear", "until"),
    "aliases": ("别名", "其他名称", "aliases", "alias"),
}
ALIAS_SEPARATORS = re.compile(r"[;；、|]")
TEXT_ENCODINGS = ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030", "big5", "cp950")


class FileRefused(Exception):
    """The file is not a readable table of agencies; nothing was written. The message names it."""


class RowStatus(models.TextChoices):
    CREATED = "created", gettext_lazy("新建机关")
    MATCHED = "matched", gettext_lazy("已匹配")
    UNCHANGED = "unchanged", gettext_lazy("无变化")
    REFUSED = "refused", gettext_lazy("已拒绝")


@dataclass
class RowOutcome:
    """What one data row did. `line` is the line number in the file (the header is line 1)."""

    line: int
    status: str
    name: str
    message: str
    agency: Agency | None = None
    region: Region | None = None

    @property
    def status_label(self) -> str:
        return str(RowStatus(self.status).label)


@dataclass
class ImportResult:
    filename: str
    encoding: str
    rows: list[RowOutcome] = field(default_factory=list)
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        """{status: rows}, in RowStatus order, statuses that occurred only."""
        counts = {s: 0 for s in RowStatus.values}
        for row in self.rows:
            counts[row.status] += 1
        return {s: n for s, n in counts.items() if n}


class _RowRefused(Exception):
    pass


def import_expected(data: bytes, *, filename: str, user=None, dry_run: bool = False) -> ImportResult:
    """Read a CSV of expected agencies and apply its rows; return one outcome per data row.

    Every row is first matched against the database (a few bulk reads) and against the rows
    before it; a refused row plans nothing. The accepted rows are then written together in one
    transaction (a dry run stops before). Raises FileRefused, with nothing written, when the file
    is empty, too large, a workbook, not decodable as text, lacks the agency, first-year and
    region columns, or when the same agencies changed meanwhile.
    """
    text, encoding = read_text(data, filename=filename)
    header, records = parse_table(text, filename=filename)
    plan = _Plan(user=user, filename=filename)
    result = ImportResult(filename=filename, encoding=encoding, dry_run=dry_run,
                          rows=plan.match(header, records))
    if not dry_run:
        try:
            plan.write()
        except IntegrityError:
            raise FileRefused(_("%(name)s：导入期间另一位用户修改了相同的机关，未写入任何内容；请重新上传。")
                              % {"name": filename}) from None
    return result


def read_text(data: bytes, *, filename: str) -> tuple[str, str]:
    """The file's text and encoding; FileRefused when it is not a text file we can read exactly.

    Detection is the parser's (reports/parsing/decode.py: BOMs, UTF-8, GB18030 vs Big5); the
    bytes must then decode without a single error, as a replaced character would change a name.
    """
    if not data:
        raise FileRefused(_("%(name)s：文件为空。") % {"name": filename})
    if len(data) > MAX_BYTES:
        raise FileRefused(_("%(name)s：文件超过 %(max)d MB 的上限。") % {"name": filename, "max": MAX_BYTES // 2**20})
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise FileRefused(_("%(name)s：这是 Excel 工作簿，不是 CSV；请在 Excel 中“另存为”CSV UTF-8（逗号分隔）后上传。")
                          % {"name": filename})
    try:
        _text, encoding = decode_bytes(data)
    except UnreadableDocument:
        encoding = ""
    encoding = encoding.lower()
    try:
        if encoding not in TEXT_ENCODINGS:
            raise UnicodeDecodeError(encoding or "?", data, 0, 1, "no text encoding")
        text = data.decode({"utf-8": "utf-8-sig"}.get(encoding, encoding))
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise FileRefused(
            _("%(name)s：编码无法识别或第 %(line)d 行附近有无效字节（已识别为 %(enc)s）；请另存为 UTF-8 编码的 CSV 后上传。")
            % {"name": filename, "line": line, "enc": encoding or "?"}) from None
    if "\x00" in text:
        raise FileRefused(_("%(name)s：不是文本文件。") % {"name": filename})
    return text.lstrip("\ufeff"), encoding


def normalize_header(text: str) -> str:
    """'区划代码（必填）' and ' Region code ' both reduce to the bare name."""
    text = unicodedata.normalize("NFKC", text or "").strip().lower()
    text = re.sub(r"[(（\[].*?[)）\]]", "", text)
    return re.sub(r"[\s_\-*]", "", text)


def parse_table(text: str, *, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Return (column keys per header cell, [(line number, cells)] of the non-blank data rows).

    The delimiter is whichever of comma, tab, semicolon names most known columns in the header
    (Excel writes tabs for "Unicode text"). Unknown columns are ignored; FileRefused when the
    required ones are missing or the file has no data row.
    """
    first = text.split("\n", 1)[0]
    best = None
    for delimiter in (",", "\t", ";"):
        keys = [_column(cell) for cell in next(csv.reader([first], delimiter=delimiter), [])]
        known = sum(1 for k in keys if k)
        if best is None or known > best[0]:
            best = (known, delimiter)
    delimiter = best[1]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []  # (line where the row starts, cells): a quoted cell may span lines
    try:
        start = 1
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileRefused(_("%(name)s：CSV 格式错误（第 %(line)d 行）：%(err)s")
                          % {"name": filename, "line": reader.line_num, "err": exc}) from None
    if not rows:
        raise FileRefused(_("%(name)s：文件为空。") % {"name": filename})
    header = [_column(cell) for cell in rows[0][1]]
    missing = [label for key, label in (("agency", _("机关名称")), ("first_year", _("起始应报年度")))
               if key not in header]
    if "region_code" not in header and "region" not in header:
        missing.append(_("区划代码或区划名称"))
    if missing:
        raise FileRefused(_("%(name)s：第 1 行（表头）缺少列：%(cols)s。可用的表头见页面说明。")
                          % {"name": filename, "cols": _("、").join(str(m) for m in missing)})
    duplicated = sorted({k for k in header if k and header.count(k) > 1})
    if duplicated:
        raise FileRefused(_("%(name)s：表头中有重复的列：%(cols)s。") % {"name": filename, "cols": ", ".join(duplicated)})
    records = [(line, cells) for line, cells in rows[1:] if any(c.strip() for c in cells)]
    if not records:
        raise FileRefused(_("%(name)s：表头之后没有数据行。") % {"name": filename})
    if len(records) > MAX_ROWS:
        raise FileRefused(_("%(name)s：共 %(n)d 行，超过每次 %(max)d 行的上限；请分批上传。")
                          % {"name": filename, "n": len(records), "max": MAX_ROWS})
    return header, records


def _column(cell: str) -> str | None:
    key = normalize_header(cell)
    return next((name for name, labels in COLUMNS.items() if key in labels), None)


class _Plan:
    """What the accepted rows will write, matched with bulk reads: names and aliases through the
    resolver's keys, expectations of the agencies found, regions cached (a list names the same
    few). Rows are checked against the rows before them too (the same agency twice, an alias that
    names another listed agency)."""

    def __init__(self, *, user, filename):
        self.user, self.filename = user, filename
        self.regions: dict[tuple[str, str], Region] = {}
        self.known: dict[str, Agency] = {}            # key of a name or alias -> agency
        self.expectations: dict[int, ReportingExpectation] = {}
        self.seen: dict[str, int] = {}                # agency key -> the line that listed it
        self.new_agencies: list[Agency] = []
        self.new_aliases: list[AgencyAlias] = []
        self.filled: list[Agency] = []                # agencies given the region they lacked
        self.new_expectations: list[ReportingExpectation] = []
        self.changed_expectations: list[ReportingExpectation] = []

    def match(self, header, records) -> list[RowOutcome]:
        rows = [(line, dict(zip(header, cells)), cells) for line, cells in records]
        names = [v.get("agency") or "" for _line, v, _c in rows]
        names += [a for _line, v, _c in rows for a in ALIAS_SEPARATORS.split(v.get("aliases") or "")]
        for i in range(0, len(names), 5000):  # bounded IN lists
            self.known.update(find_agencies(names[i:i + 5000]))
        ids = {a.pk for a in self.known.values()}
        self.expectations = {e.agency_id: e for e in ReportingExpectation.objects.filter(agency__in=ids)}
        return [self.row(line, header, values, cells) for line, values, cells in rows]

    def row(self, line, header, values, cells) -> RowOutcome:
        name = re.sub(r"\s+", " ", (values.get("agency") or "")).strip()
        wide = _("该行有 %(n)d 列，多于表头的 %(m)d 列（名称中可能有未加引号的逗号）。") % {
            "n": len(cells), "m": len(header)} if len(cells) > len(header) else ""
        try:
            if wide and any(c.strip() for c in cells[len(header):]):
                raise _RowRefused(wide)
            return self._row(line, name, values)
        except _RowRefused as exc:
            message = str(exc) if not wide or str(exc) == wide else f"{exc}{wide}"
            return RowOutcome(line, RowStatus.REFUSED, name, message)

    def _row(self, line, name, values) -> RowOutcome:
        """Check one row and, only once every check passed, add its writes to the plan."""
        key = normalize_name(name)
        if not key:
            raise _RowRefused(_("缺少机关名称。"))
        first = _year(values.get("first_year"), _("起始应报年度"), required=True)
        last = _year(values.get("last_year"), _("最后应报年度"), required=False)
        if last is not None and last < first:
            raise _RowRefused(_("最后应报年度 %(last)d 早于起始年度 %(first)d。") % {"last": last, "first": first})
        region = self._region((values.get("region_code") or "").strip(), (values.get("region") or "").strip())
        notes, changes = [], []
        agency, fill = self.known.get(key), None
        if agency is None:
            if region is None:
                raise _RowRefused(_("没有名为“%(name)s”的机关；新建机关须填写区划。") % {"name": name})
            agency = Agency(name=name, normalized_name=key, region=region, level=infer_level(name, region))
            status = RowStatus.CREATED
            changes.append(_("已新建机关（%(region)s）") % {"region": region.full_name})
        else:
            status = RowStatus.MATCHED
            if agency.name != name:
                notes.append(_("按名称或别名匹配到“%(agency)s”") % {"agency": agency.name})
            fill = self._fit_region(agency, region, notes)
            if fill:
                changes.append(_("补充区划：%(region)s") % {"region": region.full_name})
        if agency.normalized_name in self.seen:
            raise _RowRefused(_("与第 %(line)d 行是同一机关“%(agency)s”。")
                              % {"line": self.seen[agency.normalized_name], "agency": agency.name})
        aliases = self._aliases(agency, values.get("aliases") or "")
        if aliases:
            changes.append(_("新增别名：%(aliases)s") % {"aliases": _("、").join(a.name for a in aliases)})
        expectation, said = self._expect(agency, first, last, line)
        changes += said
        # Every check passed: the row's writes join the plan.
        self.seen[agency.normalized_name] = line
        if status == RowStatus.CREATED:
            self.new_agencies.append(agency)
            self.known[key] = agency
        if fill:
            agency.region = region
            if agency.level == Agency.Level.UNKNOWN:
                agency.level = region.level
            self.filled.append(agency)
        for alias in aliases:
            self.new_aliases.append(alias)
            self.known[alias.normalized_name] = agency
        if expectation is not None:
            (self.new_expectations if expectation.pk is None else self.changed_expectations).append(expectation)
        if status == RowStatus.MATCHED and not changes:
            status = RowStatus.UNCHANGED
            notes.append(_("应报年度已是 %(years)s") % {"years": _years(first, last)})
        message = _("；").join(str(n) for n in notes + changes)
        return RowOutcome(line, status, name, message, agency=agency, region=region)

    def write(self) -> None:
        """Everything the accepted rows planned, in one transaction and a few statements."""
        now = timezone.now()
        with transaction.atomic():
            # bulk_create skips Agency.save() and AgencyAlias.save(): normalized_name is set above.
            Agency.objects.bulk_create(self.new_agencies)
            Agency.objects.bulk_update(self.filled, ["region", "level"])
            AgencyAlias.objects.bulk_create(self.new_aliases)
            ReportingExpectation.objects.bulk_create(self.new_expectations)
            for expectation in self.changed_expectations:
                expectation.updated_at = now  # auto_now is not applied by bulk_update
            ReportingExpectation.objects.bulk_update(
                self.changed_expectations, ["first_year", "last_year", "updated_by", "updated_at"])
            # Agencies that had no region now have one; expectations add or end expected years.
            bulk_written.send(
                sender=ReportingExpectation,
                agencies=[e.agency_id for e in self.new_expectations + self.changed_expectations]
                + [a.pk for a in self.filled],
                regions=[None] if self.filled else [])

    def _region(self, code, name) -> Region | None:
        if not code and not name:
            return None
        key = (code, name)
        if key not in self.regions:
            self.regions[key] = _find_region(code, name)
        return self.regions[key]

    def _fit_region(self, agency, region, notes) -> bool:
        """Check a matched agency lies in the row's region; True when it has none and takes the
        row's. An agency's existing region is never moved by a list (staff do that in the admin)."""
        if region is None or agency.region_id == region.pk:
            return False
        current = agency.region
        if current is None:
            return True
        if _within(current, region):
            return False  # a list per prefecture names agencies of its counties
        if _within(region, current):
            notes.append(_("机关现属%(theirs)s，未改为%(ours)s") % {"theirs": current.full_name, "ours": region.full_name})
            return False
        raise _RowRefused(
            _("同名机关“%(agency)s”属于%(theirs)s，与本行的%(ours)s不符：请使用含地名的全称，或在后台为正确的机关添加别名。")
            % {"agency": agency.name, "theirs": current.full_name, "ours": region.full_name})

    def _aliases(self, agency, cell) -> list[AgencyAlias]:
        """The row's aliases the agency does not have yet (unsaved); refused when one is the name
        or alias of another agency, listed before or in the database."""
        added = {}
        for alias in (a.strip() for a in ALIAS_SEPARATORS.split(cell)):
            key = normalize_name(alias)
            if not key or key == agency.normalized_name or key in added:
                continue
            owner = self.known.get(key)
            if owner is not None and not (owner is agency or (owner.pk is not None and owner.pk == agency.pk)):
                raise _RowRefused(_("别名“%(alias)s”已是机关“%(agency)s”的名称或别名。")
                                  % {"alias": alias, "agency": owner.name})
            if owner is None:
                added[key] = AgencyAlias(agency=agency, name=alias, normalized_name=key)
        return list(added.values())

    def _expect(self, agency, first, last, line) -> tuple[ReportingExpectation | None, list[str]]:
        """The expectation to write (new or changed; None when unchanged) and what it says."""
        expectation = self.expectations.get(agency.pk) if agency.pk is not None else None
        if expectation is None:
            return ReportingExpectation(
                agency=agency, first_year=first, last_year=last, updated_by=self.user,
                note=_("清单导入：%(file)s 第 %(line)d 行") % {"file": self.filename, "line": line},
            ), [_("应报年度 %(years)s") % {"years": _years(first, last)}]
        old = (expectation.first_year, expectation.last_year)
        # A blank last year keeps one set earlier (an agency marked merged or abolished).
        last = last if last is not None else expectation.last_year
        if last is not None and first > last:
            raise _RowRefused(
                _("该机关已标记为 %(last)d 年后不再应报（%(reason)s），与起始年度 %(first)d 冲突：请在后台“应报机关”中修改。")
                % {"last": last, "first": first,
                   "reason": expectation.get_end_reason_display() or expectation.note or "—"})
        if old == (first, last):
            return None, []
        expectation.first_year, expectation.last_year, expectation.updated_by = first, last, self.user
        return expectation, [_("应报年度由 %(old)s 改为 %(new)s") % {"old": _years(*old), "new": _years(first, last)}]


def _find_region(code: str, name: str) -> Region:
    if code:
        if not re.fullmatch(r"\d{6}", code):
            raise _RowRefused(_("区划代码“%(code)s”不是 6 位数字。") % {"code": code})
        region = region_by_code(code)
        if region is None:
            raise _RowRefused(_("区划代码 %(code)s 不存在。") % {"code": code})
        if name and name not in (region.name, region.chinese_path) and not region.names.filter(name=name).exists():
            raise _RowRefused(_("区划代码 %(code)s 是%(region)s，与区划名称“%(name)s”不符。")
                              % {"code": code, "region": region.full_name, "name": name})
        return region
    found = regions_named(name)
    if not found:
        # A full name (福建省福州市平潭县): the region named by one of its endings, whose path it is.
        full = re.sub(r"\s+", "", name)
        endings = [full[i:] for i in range(1, len(full) - 1)]
        found = [r for r in Region.objects.filter(name__in=endings).select_related("province", "prefecture")
                 if r.chinese_path == full]
    if not found:
        raise _RowRefused(_("没有名为“%(name)s”的区划。") % {"name": name})
    if len(found) > 1:
        raise _RowRefused(_("区划名称“%(name)s”不唯一（%(where)s），请填写区划代码。")
                          % {"name": name, "where": _("、").join(f"{r.full_name} {r.code}" for r in found[:5])})
    return found[0]


def _within(inner: Region, outer: Region) -> bool:
    """True when `inner` is `outer` or lies inside it."""
    return inner.pk == outer.pk or outer.pk in (inner.province_id, inner.prefecture_id, inner.parent_id)


# Years written in Chinese numerals, as in document dates (二〇二〇年).
CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def _year(cell, label, *, required) -> int | None:
    cell = unicodedata.normalize("NFKC", str(cell or "")).strip().removesuffix("年").translate(CHINESE_DIGITS)
    if not cell:
        if required:
            raise _RowRefused(_("缺少%(label)s。") % {"label": label})
        return None
    if not re.fullmatch(r"\d{4}", cell) or not FIRST_YEAR <= int(cell) <= LAST_YEAR:
        raise _RowRefused(_("%(label)s“%(value)s”不是 %(min)d–%(max)d 之间的年份。")
                          % {"label": label, "value": cell, "min": FIRST_YEAR, "max": LAST_YEAR})
    return int(cell)


def _years(first, last) -> str:
    return f"{first or ''}–{last or ''}"
