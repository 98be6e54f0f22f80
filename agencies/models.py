"""Administrative divisions (GB/T 2260) and the agencies that publish reports."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.english_names import localized, region_path
from agencies.names import normalize_name


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("地级")
        COUNTY = "county", _("县级")

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=64, db_index=True)
    # Shown on English pages (agencies/english_names.py); provinces and prefectures only.
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # Denormalized ancestors so that filters and GROUP BY need no recursive joins.
    province = models.ForeignKey(
        "self", verbose_name=_("省级"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    prefecture = models.ForeignKey(
        "self", verbose_name=_("地级"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=["province", "prefecture", "county"]),
                name="region_level_valid",
            ),
        ]

    def __str__(self):
        return self.local_name

    @property
    def local_name(self):
        """The name in the active language: English on English pages when there is one."""
        return localized(self.name, self.name_en)

    @property
    def full_name(self):
        """Province, prefecture and this region: 浙江省杭州市西湖区, or 西湖区, Hangzhou, Zhejiang."""
        return region_path(self._chain())

    @property
    def chinese_path(self):
        """浙江省杭州市西湖区 whatever the page's language (as lists and documents write it)."""
        return region_path(self._chain(), language="zh-hans")

    def _chain(self):
        chain = [r for r in (self.province, self.prefecture) if r and r.pk != self.pk] + [self]
        return [(r.name, r.name_en) for r in chain]


class RegionName(models.Model):
    """A name a region bore at some time (divisions-history.csv), so that 2008-2018 reports
    naming 崇文区 or 富阳市 still resolve to today's region."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="names")
    code = models.CharField(max_length=6)
    name = models.CharField(max_length=64, db_index=True)
    level = models.CharField(max_length=16, choices=Region.Level.choices)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code", "start_year"]
        verbose_name = _("历史名称")
        verbose_name_plural = _("历史名称")
        constraints = [
            models.UniqueConstraint(fields=["code", "start_year"], name="regionname_code_start_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.start_year}–{self.end_year or ''})"


class Agency(models.Model):
    class Level(models.TextChoices):
        CENTRAL = "central", _("中央")
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("地级")
        COUNTY = "county", _("县级")
        TOWNSHIP = "township", _("乡镇级")
        UNKNOWN = "unknown", _("未知")

    name = models.CharField(_("名称"), max_length=200)
    # Spacing, full-width and traditional/simplified variants collapse to one key (agencies/names.py).
    normalized_name = models.CharField(_("规范化名称"), max_length=200, unique=True, editable=False)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="agencies",
    )
    level = models.CharField(
        _("行政级别"), max_length=16, choices=Level.choices, default=Level.UNKNOWN, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("机关")
        verbose_name_plural = _("机关")
        # /agencies/ reads its page in name order from here, not by sorting every agency (issue 11).
        indexes = [models.Index(fields=["name", "id"], name="agency_name_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agencies:detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)


class AgencyAlias(models.Model):
    """Another name under which an agency publishes (e.g. 河北省科技厅 for 河北省科学技术厅)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("别名"), max_length=200)
    normalized_name = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        verbose_name = _("机关别名")
        verbose_name_plural = _("机关别名")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)


class ReportingExpectation(models.Model):
    """Staff's word on the years an agency must publish a report (/coverage/).

    Without one, an agency is expected for a year when it reported for either of the two years
    before (reports/completeness.py). `first_year` adds it from that year on even without past
    reports (a list of the agencies under a region, agencies/expected.py); `last_year` ends every
    expectation after that year, whatever it reported before (merged or abolished agencies).
    `government` says whether the agency's report is a people's government's own (due 3月31日
    under the 2019 Regulations art. 49, not 1月31日); unset, a name ending in 人民政府 decides.
    """

    class EndReason(models.TextChoices):
        MERGED = "merged", _("已合并")
        ABOLISHED = "abolished", _("已撤销")
        OTHER = "other", _("其他原因")

    agency = models.OneToOneField(
        Agency, verbose_name=_("机关"), on_delete=models.CASCADE, related_name="expectation",
    )
    first_year = models.PositiveSmallIntegerField(_("起始应报年度"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("最后应报年度"), null=True, blank=True)
    end_reason = models.CharField(_("不再应报的原因"), max_length=16, choices=EndReason.choices, blank=True)
    government = models.BooleanField(
        _("本级政府报告"), null=True, blank=True,
        help_text=_("是：按本级人民政府报告适用 3 月 31 日期限（如开发区、实验区管委会的全区报告）；"
                    "留空：名称以“人民政府”结尾的视为本级政府。"),
    )
    note = models.TextField(_("说明"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["agency__name"]
        verbose_name = _("应报机关")
        verbose_name_plural = _("应报机关")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_year__isnull=False) | Q(last_year__isnull=False) | Q(government__isnull=False),
                name="expectation_states_something",
            ),
            models.CheckConstraint(
                condition=(Q(first_year__isnull=True) | Q(first_year__gte=2008, first_year__lte=2100))
                & (Q(last_year__isnull=True) | Q(last_year__gte=2007, last_year__lte=2100)),
                name="expectation_years_plausible",
            ),
            models.CheckConstraint(
                condition=Q(first_year__isnull=True) | Q(last_year__isnull=True)
                | Q(first_year__lte=models.F("last_year")),
                name="expectation_first_before_last",
            ),
        ]

    def __str__(self):
        years = f"{self.first_year or ''}–{self.last_year or ''}"
        return f"{self.agency} ({years})"
