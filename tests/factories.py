"""factory_boy factories for synthetic agencies, reports and figures (real reports come from tests/corpus)."""
import hashlib
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from agencies.models import Agency, Region
from reports.models import Figure, Finding, Report, Status


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-for-tests-only")


class RegionFactory(factory.django.DjangoModelFactory):
    """Synthetic regions use codes in the unused 99xxxx range so they never clash with loaded divisions."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"99{n:04d}")
    name = factory.Sequence(lambda n: f"测试区划{n}")
    level = Region.Level.PROVINCE


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"测试市第{n}局")
    level = Agency.Level.PREFECTURE
    region = None


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    agency = factory.SubFactory(AgencyFactory)
    year = 2022
    title = factory.LazyAttribute(lambda r: f"{r.agency.name}{r.year}年政府信息公开工作年度报告")
    status = Status.PUBLISHED
    layout = "standard_2021"
    script = "simplified"
    text = factory.LazyAttribute(lambda r: r.title)
    original_text = factory.LazyAttribute(lambda r: r.title)
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"synthetic-{n}".encode()).hexdigest())
    original_filename = factory.Sequence(lambda n: f"report-{n}.txt")
    file = factory.LazyAttribute(lambda r: ContentFile(r.text.encode("utf-8"), name=r.original_filename))
    province = factory.LazyAttribute(lambda r: r.agency.region.province or r.agency.region if r.agency.region else None)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Like every writer of reports, keep the chart rollups exact (reports/rollups.py).
        from reports.rollups import refresh_rollups

        report = super()._create(model_class, *args, **kwargs)
        refresh_rollups([report.pk])
        return report


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Figure

    report = factory.SubFactory(ReportFactory)
    code = "requests_received"
    value = Decimal(10)
    parsed_value = factory.LazyAttribute(lambda f: f.value)
    evidence = factory.LazyAttribute(lambda f: f"{f.code} {f.value}")
    start = 0
    end = 0
    method = Figure.Method.TABLE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Like every writer of figures, keep the report's ReportMetrics summary in sync.
        from reports.rollups import refresh_rollups
        from reports.summary import refresh_metrics

        figure = super()._create(model_class, *args, **kwargs)
        refresh_metrics([figure.report_id])
        refresh_rollups([figure.report_id])
        return figure


def report_with_figures(*, figures, removed=(), **report_fields):
    """A report with one Figure per {code: value}; codes in `removed` are stored with removed=True."""
    report = ReportFactory(**report_fields)
    for code, value in figures.items():
        FigureFactory(report=report, code=code, value=Decimal(value), removed=code in removed)
    return report


class FindingFactory(factory.django.DjangoModelFactory):
    """A consistency-check finding, open unless told otherwise (review workflow tests)."""

    class Meta:
        model = Finding

    report = factory.SubFactory(ReportFactory, status=Status.NEEDS_REVIEW)
    rule = "identity"
    message = "本年新收 + 上年结转 ≠ 办理结果总计 + 结转下年度"
    codes = factory.LazyFunction(lambda: ["requests_received", "outcome_total"])


def user_in_group(group, **fields):
    """A staff user in one of the groups the review migration creates (uploader/reviewer/publisher)."""
    from django.contrib.auth.models import Group

    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user
