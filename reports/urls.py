"""Public pages: report list and detail, compare, coverage, methodology."""
from django.urls import path
from django.views.generic import RedirectView

from reports import compare, coverage, methodology, views

app_name = "reports"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reports:list", permanent=False), name="home"),
    path("reports/", views.report_list, name="list"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/file/", views.report_file, name="file"),
    path("compare/", compare.compare, name="compare"),
    path("compare/options/", compare.options, name="compare_options"),
    path("coverage/", coverage.coverage, name="coverage"),
    path("methodology/", methodology.methodology, name="methodology"),
]
