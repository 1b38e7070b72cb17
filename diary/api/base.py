"""The diary API's plumbing: bearer tokens, the contract's error shape, and a base view."""

import json
import logging

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from diary.api.authentication import BearerTokenAuthentication
from diary.exceptions import DiaryConflict, DiaryError

logger = logging.getLogger("diary.api")


def error_body(code: str, message, fields=None, **extra) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}, **extra}}


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        return {
            key: _fields(value)
            if isinstance(value, dict)
            else [str(item) for item in value]
            if isinstance(value, list)
            else [str(value)]
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {}


def exception_handler(exc, context):
    """Every error in the contract's shape: {"error": {"code", "message", "fields"}}, translated (Accept-Language)."""
    if isinstance(exc, DiaryError):
        extra = {}
        if isinstance(exc, DiaryConflict) and exc.details:
            from diary.api.outputs import CellOutput

            extra["cells"] = CellOutput(exc.details, many=True).data
        return Response(error_body(exc.code, exc.message, exc.fields, **extra), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.ValidationError):
        return Response(error_body("invalid", _("Some fields are not valid."), _fields(exc.detail)), status=400)
    if isinstance(exc, exceptions.Throttled):
        response = Response(error_body("throttled", _("Too many requests. Try again later.")), status=429)
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response = Response(error_body("not_authenticated", exc.detail), status=401)
        response["WWW-Authenticate"] = BearerTokenAuthentication.keyword
        return response
    if isinstance(exc, exceptions.PermissionDenied):
        return Response(error_body("permission_denied", _("You do not have permission to do this.")), status=403)
    if isinstance(exc, exceptions.NotFound):
        return Response(error_body("not_found", _("Not found.")), status=404)
    if isinstance(exc, exceptions.ParseError | exceptions.UnsupportedMediaType):
        return Response(error_body("malformed", _("The request body is not valid JSON.")), status=400)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return Response(error_body("method_not_allowed", _("This method is not allowed here.")), status=405)
    if isinstance(exc, exceptions.NotAcceptable):
        return Response(error_body("not_acceptable", _("This API answers in JSON only.")), status=406)
    if isinstance(exc, exceptions.APIException):
        return Response(error_body("error", exc.detail), status=exc.status_code)
    return None


class DiaryJSONRenderer(JSONRenderer):
    """JSON in UTF-8; a lone surrogate echoed from a request (JSON lets a client send `"\\ud800"`) is written escaped
    instead of failing to encode."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return json.dumps(data, cls=self.encoder_class, ensure_ascii=True, allow_nan=False).encode()


class DiaryAPIView(APIView):
    """Authenticated, JSON, never cached: every diary response may hold a minor's personal data."""

    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    renderer_classes = [DiaryJSONRenderer]
    permission_classes = [IsAuthenticated]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


CREATED = status.HTTP_201_CREATED
ACCEPTED = status.HTTP_202_ACCEPTED
