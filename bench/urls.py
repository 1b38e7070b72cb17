"""The site's URLs plus the benchmark references under /bench/; bench/settings.py serves it."""

from django.urls import include, path

from bench import reference_views
from cms import urls as cms_urls

urlpatterns = [path("bench/", include(reference_views.urlpatterns)), *cms_urls.urlpatterns]
handler404 = cms_urls.handler404
