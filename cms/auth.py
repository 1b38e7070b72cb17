"""Usernames are case-insensitive at login: phones capitalise the first letter of a field, and "Aibek" is the
account "aibek". Accounts are created lowercased (the diary's redeem); the lookup here also finds the few older
accounts whose lowercased name would have collided with another and so kept their capitals."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def username_normalise(username) -> str:
    """The one spelling of a username: stripped and lowercased."""
    return str(username or "").strip().lower()


def axes_username(request, credentials) -> str | None:
    """django-axes counts failures (and locks out) under the normalised username, so "Aibek" and "aibek" share one
    counter. Credentials are given by `authenticate()`; without them the form's field is read."""
    source = credentials or getattr(request, "data", None) or getattr(request, "POST", None) or {}
    username = source.get("username")
    return None if username is None else username_normalise(username)


class CaseInsensitiveModelBackend(ModelBackend):
    """Django's ModelBackend with the account found by `username__iexact`: an exact match first, else the only
    case-insensitive match. Several case-insensitive matches and no exact one find nobody (the same answer as a
    wrong password)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        username = str(username).strip()
        candidates = list(user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__iexact": username})[:5])
        exact = [user for user in candidates if user.get_username() == username]
        user = exact[0] if exact else (candidates[0] if len(candidates) == 1 else None)
        if user is None:
            # As ModelBackend does: hash the password anyway, so that a missing account answers as slowly.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
