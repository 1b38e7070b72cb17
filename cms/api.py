"""The headless website: Wagtail API v2 (`/api/v2/`) and the disclosure report (`/api/v2/disclosure/`, W3, W9)."""

from django.http import JsonResponse
from rest_framework.permissions import AllowAny
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Site

from cms.completeness import disclosure_report


class PublicEndpoint:
    """The public website's API: open to everyone (the diary API's defaults require a login)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class PagesEndpoint(PublicEndpoint, PagesAPIViewSet):
    # `?lang=ky|ru` picks the language of translated fields (the middleware activates it), like Accept-Language.
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union({"lang"})


class ImagesEndpoint(PublicEndpoint, ImagesAPIViewSet):
    known_query_parameters = ImagesAPIViewSet.known_query_parameters.union({"lang"})


class DocumentsEndpoint(PublicEndpoint, DocumentsAPIViewSet):
    known_query_parameters = DocumentsAPIViewSet.known_query_parameters.union({"lang"})


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesEndpoint)
api_router.register_endpoint("images", ImagesEndpoint)
api_router.register_endpoint("documents", DocumentsEndpoint)


def disclosure_view(request):
    """W3, W9: every mandated item of the requesting host's school site, with its completeness, as JSON."""
    report = disclosure_report(Site.find_for_request(request))
    response = JsonResponse(report, json_dumps_params={"ensure_ascii": False})
    response["Content-Language"] = request.LANGUAGE_CODE
    return response
