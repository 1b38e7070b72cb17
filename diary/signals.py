"""Signal receivers of the diary: every successful login is recorded for the activity report (D14), every login
session beside its account, so that all of them can be ended at once, and a student's session is made short
(diary/session_length.py)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from diary.models import LoginEvent
from diary.services.access import account_session_forget, account_session_record
from diary.services.report_activity import login_record
from diary.session_length import student_session_limit


@receiver(user_logged_in, dispatch_uid="diary.login_record")
def _record_login(sender, request, user, **kwargs) -> None:
    path = getattr(request, "path", "") or ""
    channel = LoginEvent.Channel.API if path.startswith("/api/") else LoginEvent.Channel.WEB
    login_record(user=user, channel=channel)


@receiver(user_logged_in, dispatch_uid="diary.session_length")
def _session_length(sender, request, user, **kwargs) -> None:
    student_session_limit(request, user)


@receiver(user_logged_in, dispatch_uid="diary.account_session_record")
def _record_account_session(sender, request, user, **kwargs) -> None:
    account_session_record(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="diary.account_session_forget")
def _forget_account_session(sender, request, user, **kwargs) -> None:
    account_session_forget(request=request)
