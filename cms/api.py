"""The headless website: Wagtail API v2 (`/api/v2/`) and the disclosure report (`/api/v2/disclosure/`, W3, W9)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework.permissions import AllowAny
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Site

from cms.completeness import disclosure_report


class PublicEndpoint:
    """The public website's API: open to everyone (the diary API's defaults require a login)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def listing_view(self, request):
        # Bad input is a 400 in the API's usual shape on every database: an unclosed quote is a syntax error of
        # SQLite's full-text query language, and a NUL character cannot be stored or searched anywhere.
        search = request.GET.get("search", "")
        if "\x00" in search or search.count('"') % 2:
            raise BadRequestError(
                _("The search text has an unclosed quotation mark or a character that is not allowed.")
            )
        return super().listing_view(request)


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
