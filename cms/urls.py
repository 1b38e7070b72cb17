from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms.api import api_router, disclosure_view
from cms.views import root_redirect, search
from diary.views.offline import service_worker

# L1: every public and diary page lives under its language prefix (/ky/…, /ru/…). They come first: they are most
# of the traffic, and Django tries the patterns in order (a diary page used to be matched after eleven failed tries).
# No other address starts with a language code, so the order changes no match.
urlpatterns = i18n_patterns(
    path("diary/", include("diary.urls")),
    path("search/", search, name="search"),
    path("", include(wagtail_urls)),
)
urlpatterns += [
    path("", root_redirect, name="root"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/disclosure/", disclosure_view, name="disclosure-api"),
    path("api/v2/", api_router.urls),
    path("api/diary/v1/", include("diary.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("sitemap.xml", sitemap, name="sitemap"),
    # The diary's service worker, at the root so that its scope may cover /ky/diary/ and /ru/diary/.
    path("sw.js", service_worker, name="service-worker"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "cms.views.page_not_found"
