"""Domain errors of the public website's forms: each has a stable `code` and a translated message."""

from django.utils.translation import gettext_lazy as _


class FeedbackRefused(Exception):
    code = "feedback_refused"
    default_message = _("The message could not be sent.")

    def __init__(self, message=None, *, code: str | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        super().__init__(str(self.message))


class FeedbackLimitReached(FeedbackRefused):
    """W6: too many questions from one address, or for one site in a day; nothing was saved."""

    code = "feedback_limit"
    default_message = _("Too many questions have been sent. Please try again later.")
