"""Signals that keep the /coverage/ rollup exact (reports/coverage_counts.py): every save or delete
of a report, an agency or a reporting expectation marks the region and years it can change.

A save that names its update_fields and touches none of the fields coverage reads (a figure's
report getting a new warning count, say) marks nothing. Bulk writes (QuerySet.update,
bulk_create) send no signals: their writers call coverage_counts.mark themselves.
"""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save

from agencies.models import Agency, ReportingExpectation
from agencies.signals import bulk_written
from reports import coverage_counts
from reports.models import Report, Status

# What a report's coverage state is made of (completeness.py reads these).
REPORT_FIELDS = frozenset({"agency", "agency_id", "year", "status", "is_current", "issued_on", "layout"})
AGENCY_FIELDS = frozenset({"region", "region_id", "name"})


def _touches(update_fields, fields) -> bool:
    return update_fields is None or bool(fields & set(update_fields))


def report_pre_save(sender, instance, update_fields=None, raw=False, **kwargs):
    # A report moved to another agency or year leaves a hole where it was: remember the old
    # place, marked after the save (a recount before it would still see the report there).
    instance._coverage_old = None
    if raw or instance.pk is None or not _touches(update_fields, {"agency", "agency_id", "year"}):
        return
    old = Report.objects.filter(pk=instance.pk).values_list("agency_id", "year").first()
    if old and old != (instance.agency_id, instance.year) and old[0] is not None:
        instance._coverage_old = old


def report_changed(sender, instance, update_fields=None, raw=False, created=False, **kwargs):
    if raw or not _touches(update_fields, REPORT_FIELDS):
        return
    # A new report that is not published (every upload) changes only what staff see.
    staff_only = created and instance.status != Status.PUBLISHED
    old = getattr(instance, "_coverage_old", None)
    instance._coverage_old = None
    places = [old] if old else []
    if instance.agency_id is not None:
        places.append((instance.agency_id, instance.year))
    with coverage_counts.deferred():
        for agency_id, year in places:
            coverage_counts.mark(agencies=[agency_id], years=coverage_counts.report_years(year), staff_only=staff_only)


def agency_pre_save(sender, instance, update_fields=None, raw=False, **kwargs):
    instance._coverage_old = None
    if raw or instance.pk is None or not _touches(update_fields, AGENCY_FIELDS):
        return
    old = Agency.objects.filter(pk=instance.pk).values_list("region_id", "name").first()
    if old and old != (instance.region_id, instance.name):
        instance._coverage_old = old


def agency_post_save(sender, instance, created=False, raw=False, **kwargs):
    # A new agency has no report or expectation yet: nothing to count. A moved one leaves its old
    # region for its new one; a new name may make it a people's government, with another deadline.
    old = getattr(instance, "_coverage_old", None)
    instance._coverage_old = None
    if not raw and old:
        coverage_counts.mark(regions={old[0], instance.region_id}, years=coverage_counts.every_year())


def agency_deleted(sender, instance, **kwargs):
    coverage_counts.mark(regions=[instance.region_id], years=coverage_counts.every_year())


def expectation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        coverage_counts.mark(agencies=[instance.agency_id], years=coverage_counts.every_year())


def bulk_changed(sender, agencies=(), regions=(), **kwargs):
    coverage_counts.mark(agencies=agencies, regions=regions, years=coverage_counts.every_year())


def connect() -> None:
    uid = "coverage_counts"
    pre_save.connect(report_pre_save, sender=Report, dispatch_uid=f"{uid}.report_pre_save")
    post_save.connect(report_changed, sender=Report, dispatch_uid=f"{uid}.report_saved")
    post_delete.connect(report_changed, sender=Report, dispatch_uid=f"{uid}.report_deleted")
    pre_save.connect(agency_pre_save, sender=Agency, dispatch_uid=f"{uid}.agency_pre_save")
    post_save.connect(agency_post_save, sender=Agency, dispatch_uid=f"{uid}.agency_saved")
    post_delete.connect(agency_deleted, sender=Agency, dispatch_uid=f"{uid}.agency_deleted")
    post_save.connect(expectation_changed, sender=ReportingExpectation, dispatch_uid=f"{uid}.expectation_saved")
    post_delete.connect(expectation_changed, sender=ReportingExpectation, dispatch_uid=f"{uid}.expectation_deleted")
    bulk_written.connect(bulk_changed, dispatch_uid=f"{uid}.bulk_written")
