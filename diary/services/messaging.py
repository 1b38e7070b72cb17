"""Internal mail (D11, D13): threads between people of one school; who may write to whom follows D15."""

import logging
from collections.abc import Sequence

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import Message, Thread, ThreadParticipant
from diary.permissions import may_manage_class, message_recipients, school_of
from diary.selectors.homeroom import class_students

logger = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000
RECIPIENTS_MAX = 200


def _check_text(subject: str | None, body: str) -> None:
    errors = {}
    if subject is not None and (
        not isinstance(subject, str) or not subject.strip() or len(subject) > SUBJECT_MAX_LENGTH
    ):
        errors["subject"] = [_("Write a subject of up to 200 characters.")]
    if not isinstance(body, str) or not body.strip() or len(body) > BODY_MAX_LENGTH:
        errors["body"] = [_("Write a message of up to 10000 characters.")]
    if errors:
        raise DiaryValidationError(_("The message was not sent."), fields=errors)


@transaction.atomic
def thread_start(*, sender, recipient_ids: Sequence[int], subject: str, body: str) -> Thread:
    """D13: a new conversation; every recipient must be someone the sender may write to (D15)."""
    _check_text(subject, body)
    ids = {int(pk) for pk in recipient_ids}
    if not ids or len(ids) > RECIPIENTS_MAX:
        raise DiaryValidationError(_("The message was not sent."), fields={"to": [_("Choose up to 200 recipients.")]})
    allowed = set(message_recipients(sender).filter(pk__in=ids).values_list("pk", flat=True))
    if allowed != ids:
        raise DiaryPermissionDenied(_("You may not write to some of these people."))
    school = school_of(sender)
    thread = Thread.objects.create(school=school, subject=subject.strip(), created_by=sender)
    ThreadParticipant.objects.bulk_create(
        [ThreadParticipant(thread=thread, user=sender, last_read_at=timezone.now())]
        + [ThreadParticipant(thread=thread, user_id=pk) for pk in sorted(ids)]
    )
    _message_add(thread=thread, sender=sender, body=body)
    return thread


@transaction.atomic
def message_send(*, sender, thread: Thread, body: str) -> Message:
    """D13: a reply in a conversation the sender takes part in."""
    _check_text(None, body)
    participant = ThreadParticipant.objects.filter(thread=thread, user=sender).first()
    if participant is None:
        raise DiaryPermissionDenied(_("You do not take part in this conversation."))
    message = _message_add(thread=thread, sender=sender, body=body)
    participant.last_read_at = message.created_at
    participant.save(update_fields=["last_read_at"])
    return message


def thread_mark_read(*, user, thread: Thread) -> None:
    ThreadParticipant.objects.filter(thread=thread, user=user).update(last_read_at=timezone.now())


def _message_add(*, thread: Thread, sender, body: str) -> Message:
    message = Message.objects.create(school=thread.school, thread=thread, sender=sender, body=body.strip())
    Thread.objects.filter(pk=thread.pk).update(updated_at=message.created_at)
    transaction.on_commit(lambda: _notify_by_email(message))
    return message


def _notify_by_email(message: Message) -> None:
    """Optional e-mail notice of new mail, to participants with an address (the body stays in the diary)."""
    recipients = [
        participant.user.email
        for participant in message.thread.participants.select_related("user").exclude(user=message.sender)
        if participant.user.email
    ]
    if not recipients:
        return
    try:
        send_mail(
            subject=_("New message: %(subject)s") % {"subject": message.thread.subject},
            message=_("You have a new message in the electronic diary."),
            from_email=None,
            recipient_list=recipients,
        )
    except OSError:
        logger.exception("Could not send the e-mail notice of message %s", message.pk)


@transaction.atomic
def class_guardians_message(*, sender, school_class, subject: str, body: str) -> Thread:
    """D11: the homeroom teacher (or the administration) writes one message to all guardians of the class."""
    if not may_manage_class(sender, school_class):
        raise DiaryPermissionDenied(_("Only the homeroom teacher or the administration writes to the whole class."))
    recipients = {
        guardian.user_id
        for student in class_students(school_class)
        for guardian in student.guardians.all()
        if guardian.user_id and guardian.user_id != sender.pk
    }
    if not recipients:
        raise DiaryValidationError(
            _("The message was not sent."), fields={"to_class": [_("No guardian of this class has an account yet.")]}
        )
    return thread_start(sender=sender, recipient_ids=sorted(recipients), subject=subject, body=body)


def system_account(school):
    """The school's system sender of reminders: an account that cannot log in and that nobody can write to."""
    from django.contrib.auth import get_user_model

    account, created = get_user_model().objects.get_or_create(
        username=f"system.{school.code}", defaults={"is_active": False, "first_name": str(school.name)[:150]}
    )
    if created:
        account.set_unusable_password()
        account.save(update_fields=["password"])
    return account


@transaction.atomic
def notice_send(*, school, user, subject: str, body: str, email: str = "") -> Thread:
    """A reminder from the school's system account into one person's diary mail (D5, D7, D11), and the same text
    by e-mail when an address is given. The e-mail goes after the commit and never undoes the message."""
    sender = system_account(school)
    thread = Thread.objects.create(school=school, subject=subject[:SUBJECT_MAX_LENGTH], created_by=sender)
    ThreadParticipant.objects.bulk_create(
        [
            ThreadParticipant(thread=thread, user=sender, last_read_at=timezone.now()),
            ThreadParticipant(thread=thread, user=user),
        ]
    )
    Message.objects.create(school=school, thread=thread, sender=sender, body=body)
    if email:
        transaction.on_commit(lambda: _email_notice(email, subject, body))
    return thread


def _email_notice(address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[address])
    except OSError:
        logger.exception("Could not send a reminder e-mail")
