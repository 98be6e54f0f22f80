"""Reports, their figures with evidence, consistency findings and the audit trail."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Layout(models.TextChoices):
    STANDARD_2021 = "standard_2021", _("2021年版模板")
    STANDARD_2019 = "standard_2019", _("2019年版模板")
    STAT_TABLE = "stat_table_pre2019", _("2019年前统计表")
    PROSE = "prose", _("文字叙述")
    MIXED = "mixed", _("表格与文字")
    NOT_A_REPORT = "not_a_report", _("非年度报告")
    UNKNOWN = "unknown", _("未识别")


class Status(models.TextChoices):
    PARSED = "parsed", _("已解析")
    NEEDS_REVIEW = "needs_review", _("待审核")
    REVIEWED = "reviewed", _("已审核")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class ReportQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def published(self):
        return self.filter(status=Status.PUBLISHED, is_current=True)

    def not_withdrawn(self):
        """Current reports published or still in review: what staff may see."""
        return self.current().exclude(status=Status.WITHDRAWN)

    def visible_to(self, user, *, include_unreviewed=False):
        """Published reports for everyone; staff may also ask for the unreviewed ones."""
        if include_unreviewed and user is not None and user.is_authenticated and user.is_staff:
            return self.not_withdrawn()
        return self.published()

    def in_region(self, region):
        field = {"province": "province", "prefecture": "prefecture", "county": "county"}[region.level]
        return self.filter(**{field: region})


def report_upload_to(instance, filename):
    return f"reports/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Report(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("机关"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="reports",
    )
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True, db_index=True)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    # Region of the report as parsed or set by staff; denormalized levels for filtering and GROUP BY.
    province = models.ForeignKey(
        "agencies.Region", verbose_name=_("省级"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    prefecture = models.ForeignKey(
        "agencies.Region", verbose_name=_("地级"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    county = models.ForeignKey(
        "agencies.Region", verbose_name=_("县级"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    file = models.FileField(_("原始文件"), upload_to=report_upload_to, max_length=300)
    original_filename = models.CharField(_("原文件名"), max_length=300)
    file_size = models.PositiveIntegerField(_("文件大小"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    file_kind = models.CharField(_("文件类型"), max_length=16, blank=True)
    encoding = models.CharField(_("编码"), max_length=32, blank=True)
    text = models.TextField(_("规范化文本"), blank=True)
    original_text = models.TextField(_("原文文本"), blank=True)
    # Map from normalized to original_text indexes as breakpoints (reports/offsets.py), so evidence
    # shows in the report's own characters.
    offsets = models.JSONField(default=list, blank=True)
    script = models.CharField(_("字形"), max_length=16, blank=True)
    layout = models.CharField(_("版式"), max_length=24, choices=Layout.choices, default=Layout.UNKNOWN)
    multi_year = models.BooleanField(_("多年度汇总"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PARSED, db_index=True
    )
    status_reason = models.TextField(_("状态说明"), blank=True)
    parser_version = models.CharField(_("解析器版本"), max_length=32, blank=True)
    warnings = models.JSONField(_("解析警告"), default=list, blank=True)
    warning_count = models.PositiveSmallIntegerField(_("警告数"), default=0, db_index=True)
    is_current = models.BooleanField(_("当前版本"), default=True)
    replaced_by = models.ForeignKey(
        "self", verbose_name=_("被替换为"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="replaced_versions",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="uploaded_reports",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # The date the report states for itself (signature date or a saved page's 发布时间 line), the
    # text stating it and its offsets in `text`; staff correct it like a figure (reports/review.py),
    # `issued_on_parsed` keeping what the parser read. Decides timeliness on /coverage/.
    issued_on = models.DateField(_("报告日期"), null=True, blank=True)
    issued_on_evidence = models.TextField(_("报告日期依据"), blank=True)
    issued_on_start = models.PositiveIntegerField(null=True, blank=True)
    issued_on_end = models.PositiveIntegerField(null=True, blank=True)
    issued_on_parsed = models.DateField(_("解析的报告日期"), null=True, blank=True)
    issued_on_corrected = models.BooleanField(_("报告日期人工更正"), default=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "agency__name"]
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year"], condition=Q(is_current=True),
                name="one_current_report_per_agency_year",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=2000, year__lte=2100),
                name="report_year_plausible",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "is_current", "year"], name="report_status_year_idx"),
            # /reports/ (issue 11): its default order (newest year, then newest report) read
            # backwards, so a page reads 50 entries, not every report of the year; the trailing
            # columns let the facet counts (reports/facets.py) and the count be index-only
            # scans (key columns, not INCLUDE, which SQLite lacks).
            models.Index(
                fields=["status", "is_current", "year", "id", "province", "layout", "warning_count"],
                name="report_list_idx",
            ),
            # /agencies/: "has a published report" for each agency, and its count, read here.
            models.Index(
                fields=["agency"], condition=Q(status="published", is_current=True),
                name="report_published_agency_idx",
            ),
        ]
        permissions = [
            ("review_report", _("Can review reports")),
            ("publish_report", _("Can publish reports")),
            ("reopen_report", _("Can reopen published reports")),
        ]

    def __str__(self):
        who = self.agency.name if self.agency_id else _("（未识别机关）")
        return f"{who} {self.year or '?'}"

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])


class Figure(models.Model):
    class Method(models.TextChoices):
        TABLE = "table", _("表格")
        PROSE = "prose", _("文字")
        MANUAL = "manual", _("人工")

    # No index of its own: the (report, code) unique constraint serves lookups by report, and
    # every extra index on this, the largest table, slows bulk imports (bench/ingest_bench.py).
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="figures", db_index=False)
    code = models.CharField(_("指标"), max_length=64)
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=2)
    evidence = models.TextField(_("依据文本"), blank=True)
    start = models.PositiveIntegerField(_("起始位置"), null=True, blank=True)
    end = models.PositiveIntegerField(_("结束位置"), null=True, blank=True)
    page = models.PositiveSmallIntegerField(_("页码"), null=True, blank=True)
    method = models.CharField(_("来源"), max_length=8, choices=Method.choices, default=Method.TABLE)
    # What the parser read; stays recorded when staff correct `value`.
    parsed_value = models.DecimalField(_("解析值"), max_digits=18, decimal_places=2, null=True, blank=True)
    corrected = models.BooleanField(_("人工更正"), default=False)
    # Set by a re-parse that reads something else than the staff-corrected value.
    reparse_value = models.DecimalField(
        _("重新解析值"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    removed = models.BooleanField(_("已删除"), default=False)

    class Meta:
        ordering = ["report", "code"]
        verbose_name = _("指标数据")
        verbose_name_plural = _("指标数据")
        constraints = [
            models.UniqueConstraint(fields=["report", "code"], name="one_figure_per_code"),
        ]
        indexes = [
            # Filters on figures by code ("has review or litigation", finer codes in the CSV);
            # charts read the per-report summary (ReportMetrics) instead. `value` is a key
            # column rather than INCLUDE, which SQLite does not support (models.W040).
            models.Index(
                fields=["code", "report", "value"], condition=Q(removed=False),
                name="figure_chart_idx",
            ),
        ]

    def __str__(self):
        return f"{self.code}={self.value}"


class Finding(models.Model):
    """A consistency-check warning about a report, and how a reviewer disposed of it."""

    class Disposition(models.TextChoices):
        OPEN = "open", _("待处理")
        DISCREPANCY = "discrepancy", _("报告本身不一致")
        RESOLVED = "resolved", _("已通过更正解决")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(_("检查规则"), max_length=32)
    message = models.TextField(_("说明"))
    codes = models.JSONField(_("涉及指标"), default=list, blank=True)
    # The other report a cross-year check compared this one with (reports/crossyear.py).
    related_report = models.ForeignKey(
        Report, verbose_name=_("相关报告"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    disposition = models.CharField(
        _("处理结果"), max_length=16, choices=Disposition.choices, default=Disposition.OPEN
    )
    note = models.TextField(_("处理说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")

    def __str__(self):
        return self.message


class ReportEvent(models.Model):
    """The audit trail: who did what to a report or one of its figures, when and why."""

    class Action(models.TextChoices):
        UPLOADED = "uploaded", _("上传")
        REPLACED = "replaced", _("替换")
        STATUS = "status", _("状态变更")
        CORRECTED = "corrected", _("更正数值")
        ADDED = "added", _("新增指标")
        REMOVED = "removed", _("删除指标")
        FINDING = "finding", _("处理检查发现")
        REPARSED = "reparsed", _("重新解析")
        METADATA = "metadata", _("修改元数据")
        OVERRIDE = "override", _("越过未处理发现发布")
        REOPENED = "reopened", _("重新打开")
        DATED = "dated", _("更正报告日期")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    code = models.CharField(_("指标"), max_length=64, blank=True)
    old_value = models.CharField(_("原值"), max_length=300, blank=True)
    new_value = models.CharField(_("新值"), max_length=300, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["report", "at", "id"]
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")

    def __str__(self):
        return f"{self.get_action_display()} {self.code}".strip()


class ReportMetrics(models.Model):
    """One row per report: its non-removed figures for the chart codes, one column per code.

    A summary kept in sync by reports/summary.py refresh_metrics(), which every writer of
    figures calls; charts, lists and exports read it instead of pivoting figures per request.
    Null: the report does not state the code (or staff removed the figure). The columns are
    reports.summary.SUMMARY_CODES: the CORE codes and the harmonized outcome codes.
    """

    report = models.OneToOneField(Report, on_delete=models.CASCADE, primary_key=True, related_name="metrics")
    requests_received = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    requests_carried_over = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    granted = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    partial = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    denied = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    unable = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    not_held = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    not_this_agency = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    not_processed = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    other_handled = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    already_public = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    outcome_total = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    carried_forward = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    review_total = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    review_corrected = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    litigation_total = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    litigation_corrected = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    fees_yuan = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    proactive_total = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    notified_to_amend = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    notified_other_channel = models.DecimalField(max_digits=18, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("报告指标汇总")
        verbose_name_plural = _("报告指标汇总")

    def __str__(self):
        return f"metrics of report {self.report_id}"


# --- Import batches (reports/imports.py): one upload or import_reports run, worked by the task workers.


class FileOutcome(models.TextChoices):
    """What became of one file of an upload (reports/ingest.py); pending while a worker has not
    finished it, cancelled when its batch was cancelled first."""

    CREATED = "created", _("已创建")
    DUPLICATE = "duplicate", _("重复文件")
    REPLACED = "replaced", _("已替换旧版本")
    ALREADY_PRESENT = "already_present", _("该机关该年度已有报告")
    SKIPPED = "skipped", _("已跳过")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")
    PENDING = "pending", _("等待处理")


class ImportBatch(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        FINISHED = "finished", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("后台上传")
        COMMAND = "command", _("命令行导入")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="import_batches",
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.UPLOAD)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    # What the uploader asked for every file of the batch (the upload form's options).
    replace = models.BooleanField(_("替换现有报告"), default=False)
    dry_run = models.BooleanField(_("试运行"), default=False)
    agency = models.CharField(_("指定发布机关"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("指定年度"), null=True, blank=True)
    total = models.PositiveIntegerField(_("文件数"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("取消人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        indexes = [models.Index(fields=["state"], name="importbatch_state_idx")]

    def __str__(self):
        return _("导入批次 #%(id)s") % {"id": self.pk}

    def get_absolute_url(self):
        return reverse("admin:reports_importbatch_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class ImportFile(models.Model):
    """One file of a batch (a member of an uploaded zip counts as a file, once a worker has
    expanded the zip) and its outcome.

    `blob` names the uploaded bytes in storage while the file waits for a worker; a worker claims
    a chunk of pending files by writing its token and a lease, and writes the outcome in the same
    transaction as the report, so each file is accounted for exactly once whatever crashes.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    # Upload order: the uploaded file's place, and a zip member's place inside its zip (a zip is
    # one row until a worker expands it into its members).
    position = models.PositiveIntegerField(_("序号"))
    member = models.PositiveIntegerField(default=0)
    # Workers take files in (rank, position, member) order: zips first, so that the batch soon
    # knows its total, then the files, exact-text formats first, because of several files for one
    # agency-year the first written is kept (reports/ingest.py preference()).
    rank = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("文件"), max_length=500)
    blob = models.CharField(_("暂存文件"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("文件大小"), default=0)
    status = models.CharField(_("结果"), max_length=16, choices=FileOutcome.choices, default=FileOutcome.PENDING)
    message = models.TextField(_("说明"), blank=True)
    report = models.ForeignKey(
        Report, verbose_name=_("报告"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    existing = models.ForeignKey(
        Report, verbose_name=_("已有报告"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    claimed_by = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "position", "member"]
        verbose_name = _("导入文件")
        verbose_name_plural = _("导入文件")
        constraints = [
            models.UniqueConstraint(fields=["batch", "position", "member"], name="importfile_batch_position_unique"),
        ]
        indexes = [
            models.Index(fields=["batch", "status", "rank", "position"], name="importfile_batch_status_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def detail(self) -> str:
        """The message without the file name it starts with (shown beside the name anyway):
        "name：…" as ingest writes it, or "basename: …" as the parser does."""
        for name in (self.name, self.name.rsplit("/", 1)[-1]):
            if self.message.startswith(name):
                rest = self.message[len(name):]
                if rest[:1] in ("：", ":"):
                    return rest[1:].lstrip()
        return self.message


class CoverageCount(models.Model):
    """A rollup of /coverage/: how many agencies of one region (the agency's own region; None:
    agencies without one) were in each state for a year, as an audience sees them.

    Kept exact by reports/coverage_counts.py, which recomputes a region's rows whenever a
    report, agency or reporting expectation of it changes (signals, in the writer's
    transaction), and rebuilt by `manage.py rebuild_coverage_counts`. Region counts then read
    a few thousand rows instead of pivoting every report of the years shown (bench/pages_bench.py).
    An expected report that is absent is stored as MISSING; the page turns it into "not yet due"
    while its deadline, which `government` decides, has not passed.
    """

    class Audience(models.IntegerChoices):
        PUBLIC = 0, _("公众（仅已发布报告）")
        STAFF = 1, _("工作人员（含审核中的报告）")

    class Grain(models.IntegerChoices):
        # The agencies of `region` itself; or, summed from those rows, of every region in the
        # prefecture-level or province-level group `region` (a country's or a province's page
        # then reads a few dozen rows a year, however many counties report).
        REGION = 0, _("本区划")
        PREFECTURE = 1, _("地级汇总")
        PROVINCE = 2, _("省级汇总")

    grain = models.PositiveSmallIntegerField(choices=Grain.choices, default=Grain.REGION)
    region = models.ForeignKey(
        "agencies.Region", null=True, on_delete=models.CASCADE, related_name="+", db_index=False,
    )
    year = models.PositiveSmallIntegerField()
    audience = models.PositiveSmallIntegerField(choices=Audience.choices)
    state = models.PositiveSmallIntegerField()  # reports.timeliness.State
    government = models.BooleanField()
    wrong_template = models.BooleanField()
    agencies = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("发布情况统计")
        verbose_name_plural = _("发布情况统计")
        indexes = [
            models.Index(fields=["audience", "grain", "year", "region"], name="coveragecount_lookup_idx"),
            models.Index(fields=["grain", "region", "year"], name="coveragecount_region_idx"),
        ]


class CoverageHorizon(models.Model):
    """The last year the CoverageCount rollup was built for (one row). Writers keep the years up
    to it; a page showing a later year counts live until `rebuild_coverage_counts` runs in the
    new year (a partial year would count some regions and not others)."""

    last_year = models.PositiveSmallIntegerField()
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("发布情况统计年度范围")
        verbose_name_plural = _("发布情况统计年度范围")


# --- Rollups (reports/rollups.py): the sums and counts of the chart pages, pre-aggregated.

# Codes summed per cell: the ReportMetrics columns (reports/summary.py SUMMARY_CODES, spelled
# here from the catalog because summary.py imports this module).
def _rollup_codes():
    from reports.parsing.metrics import CORE_CODES, HARMONIZED, HARMONIZED_CODES
    from reports.rates import PAIRED

    codes = CORE_CODES + tuple(c for c in HARMONIZED_CODES if c not in CORE_CODES)
    return codes, tuple(name for name, *_ in HARMONIZED), tuple(PAIRED)


class RollupScope(models.IntegerChoices):
    """Which reports a rollup row sums: what everyone sees, or what staff see with 包含未发布."""

    PUBLISHED = 0, _("已发布")
    STAFF = 1, _("当前且未撤回")


class RollupGrain(models.IntegerChoices):
    """How fine a ReportRollup row is: the sum of a province's or a prefecture's cells, or one
    cell. A query reads the coarsest grain its grouping and region filters allow, so that a
    chart by province sums 31 rows a year, not every county's."""

    PROVINCE = 0, _("省级")
    PREFECTURE = 1, _("地级")
    CELL = 2, _("区划单元")


class ReportRollup(models.Model):
    """One row per scope, finest region cell (province, prefecture, county; 0 = none) and year:
    the count, agency counts and per-code sums and counts of the scope's current reports there;
    and per scope, province (prefecture) and year the sums of those rows (grain).

    Kept exact by reports/rollups.py refresh_rollups(), called by every writer; rebuilt by
    `manage.py rebuild_rollups`. Reports without a year are not rolled up (a chart always has
    a year; reports/queries.py answers other selections live).
    """

    grain = models.PositiveSmallIntegerField(choices=RollupGrain.choices)
    scope = models.PositiveSmallIntegerField(choices=RollupScope.choices)
    province_id = models.IntegerField()
    prefecture_id = models.IntegerField()
    county_id = models.IntegerField()
    year = models.PositiveSmallIntegerField()
    n_reports = models.IntegerField()
    # Current reports with an agency: one per agency and year (one_current_report_per_agency_year),
    # so these add up over cells of one year.
    n_agencies = models.IntegerField()
    # g_<level>_<k>: agencies of the row whose previous report (same scope) in the same region
    # at that level (nation: anywhere) is k years older; _first: none; _far: more than
    # ROLLUP_GAPS years. k = 1 is continuing_agencies(); with the rest the distinct agencies
    # of a range L..H are a SUM: rows of L..H with k > year - L (reports/rollup_queries.py).
    n_outcomes = models.IntegerField()

    class Meta:
        verbose_name = _("汇总单元")
        verbose_name_plural = _("汇总单元")
        indexes = [
            models.Index(fields=["grain", "scope", "year", "province_id"], name="rollup_grain_year_idx"),
            models.Index(fields=["grain", "province_id", "prefecture_id", "county_id", "year"],
                         name="rollup_cell_idx"),
        ]

    def __str__(self):
        return f"rollup {self.grain} {self.scope} {self.province_id}/{self.prefecture_id}/{self.county_id} {self.year}"


# Levels whose "previous report in the same region" the gap columns count, and how many years
# apart they tell; a range longer than that is answered from RollupAgencyYears.
ROLLUP_GAP_LEVELS = ("nation", "province", "prefecture", "county")
ROLLUP_GAPS = 20


def rollup_gap_buckets():
    return ("first", *map(str, range(1, ROLLUP_GAPS + 1)), "far")


def _add_rollup_columns():
    codes, categories, paired = _rollup_codes()
    # s_ sum and n_ count of reports stating a code; h_/hn_ of a harmonized outcome category
    # (two share a code's name); p_ a PAIRED sum (reports/rates.py).
    for prefix, count, names in (("s", "n", codes), ("h", "hn", categories)):
        for name in names:
            ReportRollup.add_to_class(f"{prefix}_{name}", models.DecimalField(max_digits=20, decimal_places=2, null=True))
            ReportRollup.add_to_class(f"{count}_{name}", models.IntegerField())
    for name in paired:
        ReportRollup.add_to_class(f"p_{name}", models.DecimalField(max_digits=20, decimal_places=2, null=True))
    for level in ROLLUP_GAP_LEVELS:
        for bucket in rollup_gap_buckets():
            ReportRollup.add_to_class(f"g_{level}_{bucket}", models.IntegerField())


_add_rollup_columns()


class RollupAgencyYears(models.Model):
    """Agencies of a cell by the set of years they reported there (bit year - 2000; bit 62 holds
    2062 and later), so that the distinct agencies over a year range are a SUM, not a
    COUNT(DISTINCT) over reports: SUM(n) WHERE mask & range <> 0. Read for the selections the
    gap columns of ReportRollup cannot answer (reports/rollup_queries.py gap_level()): its rows
    grow with the variety of agencies' year patterns, those do not.

    An agency whose reports (in the scope) all lie in one cell is counted in a row with
    agency_id 0; one with reports in several cells has a row per cell with its id, counted
    DISTINCT (few), so that no agency counts twice in a larger region.
    """

    scope = models.PositiveSmallIntegerField(choices=RollupScope.choices)
    province_id = models.IntegerField()
    prefecture_id = models.IntegerField()
    county_id = models.IntegerField()
    agency_id = models.IntegerField()
    mask = models.BigIntegerField()
    n = models.IntegerField()

    class Meta:
        verbose_name = _("汇总单元机关年度")
        verbose_name_plural = _("汇总单元机关年度")
        indexes = [
            models.Index(fields=["scope", "province_id", "prefecture_id", "county_id"],
                         name="rollup_agencies_cell_idx"),
            # The few agencies counted by id: found without reading the aggregated rows.
            models.Index(fields=["scope", "agency_id"], condition=Q(agency_id__gt=0),
                         name="rollup_agencies_moved_idx"),
        ]

    def __str__(self):
        return f"agencies {self.scope} {self.province_id}/{self.prefecture_id}/{self.county_id} {self.mask:b}"
