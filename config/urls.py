"""Top-level URL map: admin and the public pages, Chinese at / and English under /en/.

The language is part of the URL (issue 10), so a copied link opens in the language it was copied
in, whatever the browser prefers. The admin is inside the language patterns too: without a
prefix LocaleMiddleware serves the default language, and staff would otherwise lose English.
"""
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
] + i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),
    path("agencies/", include("agencies.urls")),
    prefix_default_language=False,
)
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
