"""Public pages: report list and detail, compare, methodology."""
from django.urls import path
from django.views.generic import RedirectView

app_name = "reports"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
]
