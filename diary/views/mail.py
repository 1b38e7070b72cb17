"""The internal mail (D13): the inbox, a conversation with its reply form, and a new message to the people D15
allows. Sending is POST → redirect → GET, so a reload never sends twice."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.api.serializers import MAX_ID
from diary.exceptions import DiaryNotFound, DiaryValidationError
from diary.models import Message, Thread
from diary.selectors.mail import account_names, inbox_threads, message_recipient_groups
from diary.services.messaging import message_send, thread_mark_read, thread_start
from diary.views.base import DiaryView

THREADS_PER_PAGE = 20
SEARCH_MAX_LENGTH = 100
GROUP_LABELS = {
    "administration": gettext_lazy("School administration"),
    "teachers": gettext_lazy("Teachers"),
    "students": gettext_lazy("Students"),
    "guardians": gettext_lazy("Parents"),
}


def names_of(participants) -> dict[int, str]:
    """Each participant's name as people know them; the username for an account of nobody in a school."""
    participants = list(participants)
    names = account_names(participant.user_id for participant in participants)
    return {
        participant.user_id: names.get(participant.user_id, participant.user.username) for participant in participants
    }


class InboxView(DiaryView):
    def get(self, request):
        page = Paginator(inbox_threads(request.user), THREADS_PER_PAGE).get_page(request.GET.get("page"))
        names = names_of(participant for thread in page for participant in thread.participants.all())
        rows = [
            {
                "thread": thread,
                "others": [names[p.user_id] for p in thread.participants.all() if p.user_id != request.user.pk],
            }
            for thread in page
        ]
        context = {"page": page, "rows": rows, "not_linked": self.school is None}
        return render(request, "diary/mail/inbox.html", context)


def my_thread(user, pk: int) -> Thread:
    """A conversation the user takes part in; any other is not found, whether it exists or not."""
    thread = Thread.objects.filter(pk=pk, participants__user=user).first() if pk <= MAX_ID else None
    if thread is None:
        raise DiaryNotFound(_("This conversation was not found."))
    return thread


class ThreadView(DiaryView):
    def get(self, request, pk: int):
        return self.page(request, my_thread(request.user, pk))

    def post(self, request, pk: int):
        thread = my_thread(request.user, pk)
        body = request.POST.get("body", "")
        try:
            message = message_send(sender=request.user, thread=thread, body=body)
        except DiaryValidationError as error:
            return self.page(request, thread, error=error, body=body)
        return redirect(f"{reverse('diary:thread', args=[thread.pk])}#m{message.pk}")

    def page(self, request, thread: Thread, *, error=None, body: str = ""):
        participants = list(thread.participants.select_related("user"))
        mine = next(p for p in participants if p.user_id == request.user.pk)
        names = names_of(participants)
        thread_messages = list(Message.objects.filter(thread=thread))
        for message in thread_messages:
            message.sender_name = names.get(message.sender_id, "")
        if error is None:
            thread_mark_read(user=request.user, thread=thread)
        context = {
            "thread": thread,
            "thread_messages": thread_messages,
            "names": names,
            "others": [names[p.user_id] for p in participants if p.user_id != request.user.pk],
            "last_read_at": mine.last_read_at,
            "error": error,
            "body": body,
        }
        return render(request, "diary/mail/thread.html", context, status=400 if error else 200)


def recipient_ids(values: list[str]) -> list[int]:
    try:
        ids = [int(value) for value in values]
    except ValueError:
        ids = []
    if not ids or any(not 0 < pk <= MAX_ID for pk in ids):
        raise DiaryValidationError(_("The message was not sent."), fields={"to": [_("Choose who receives it.")]})
    return ids


class ComposeView(DiaryView):
    def get(self, request):
        chosen = {value for value in request.GET.getlist("to") if value.isdigit()}
        return self.page(request, chosen=chosen, subject=request.GET.get("subject", ""))

    def post(self, request):
        subject, body = request.POST.get("subject", ""), request.POST.get("body", "")
        chosen = request.POST.getlist("to")
        try:
            thread = thread_start(sender=request.user, recipient_ids=recipient_ids(chosen), subject=subject, body=body)
        except DiaryValidationError as error:
            return self.page(request, chosen=set(chosen), subject=subject, body=body, error=error)
        messages.success(request, _("The message has been sent."))
        return redirect("diary:thread", pk=thread.pk)

    def page(self, request, *, chosen: set[str], subject: str = "", body: str = "", error=None):
        search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
        groups = [
            {
                "label": (
                    _("%(group)s, class %(class)s") % {"group": GROUP_LABELS[group.kind], "class": group.class_code}
                    if group.class_code
                    else GROUP_LABELS[group.kind]
                ),
                "kind": group.kind,
                "class_code": group.class_code,
                "options": group.options,
            }
            for group in message_recipient_groups(request.user, search=search)
        ]
        shown = {str(pk) for group in groups for pk, _name in group["options"]}
        context = {
            "groups": groups,
            "chosen": chosen,
            "kept": sorted(chosen - shown),
            "search": search,
            "subject": subject,
            "body": body,
            "error": error,
            "not_linked": self.school is None,
        }
        return render(request, "diary/mail/compose.html", context, status=400 if error else 200)


urlpatterns = [
    path("mail/", InboxView.as_view(), name="mail"),
    path("mail/new/", ComposeView.as_view(), name="compose"),
    path("mail/<int:pk>/", ThreadView.as_view(), name="thread"),
]
