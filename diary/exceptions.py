"""Domain errors of the diary: each has a stable `code` (tests and clients use it) and a translated message.

Views and the API turn them into 400 (DiaryValidationError), 403 (DiaryPermissionDenied), 404 and 409
(DiaryConflict). A request that raises one of them changes nothing.
"""

from django.utils.translation import gettext_lazy as _


class DiaryError(Exception):
    code = "invalid"
    status = 400
    default_message = _("The request is not valid.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None, details=None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        self.details = details
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self.message), "fields": self.fields}


class DiaryValidationError(DiaryError):
    """Bad input: `fields` maps a field (or a change's index) to its own translated messages."""


class DiaryPermissionDenied(DiaryError):
    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class DiaryNotFound(DiaryError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class DiaryConflict(DiaryError):
    """Someone else changed the data since it was read (optimistic concurrency): reload and try again."""

    code = "conflict"
    status = 409
    default_message = _("Someone else has changed this since you opened it. Reload and try again.")
