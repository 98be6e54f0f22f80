"""factory_boy factories for synthetic agencies, reports and figures (real reports come from tests/corpus)."""
import hashlib
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from agencies.models import Agency, Region
from reports.models import Figure, Report, Status


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
