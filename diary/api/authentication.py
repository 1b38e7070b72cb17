"""Bearer tokens for the diary API (kept apart from the views: DRF imports it while it starts)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from diary.services.access import api_token_find


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`; tokens are stored hashed and expire (D4)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0] != self.keyword:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        token = api_token_find(parts[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or has expired. Log in again."))
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
