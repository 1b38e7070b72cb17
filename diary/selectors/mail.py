"""Internal mail (D13): the inbox and the people one may write to (D15)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from diary.models import (
    Enrolment,
    Guardian,
    GuardianLink,
    StaffMember,
    Student,
    Thread,
    ThreadParticipant,
)
from diary.permissions import message_recipients


def inbox_threads(user):
    """The conversations `user` takes part in, newest first, each with `unread` (messages from others since the
    user last read it) and its participants' accounts: a constant number of queries per page."""
    my_last_read = ThreadParticipant.objects.filter(thread=OuterRef("pk"), user=user).values("last_read_at")[:1]
    unread = ~Q(messages__sender=user) & (Q(my_last_read__isnull=True) | Q(messages__created_at__gt=F("my_last_read")))
    return (
        Thread.objects.filter(participants__user=user)
        .annotate(my_last_read=Subquery(my_last_read))
        .annotate(unread=Count("messages", filter=unread, distinct=True))
        .prefetch_related("participants__user")
        .order_by("-updated_at", "-pk")
    )


def account_names(user_ids) -> dict[int, str]:
    """The name of the person behind each account (staff, guardian or student), in 3 queries; accounts of nobody
    in a school are left out (callers show the username)."""
    ids = set(user_ids)
    names: dict[int, str] = {}
    for model in (StaffMember, Guardian, Student):
        for person in model.objects.filter(user_id__in=ids - set(names)).only(
            "user_id", "last_name", "first_name", "patronymic"
        ):
            names.setdefault(person.user_id, person.full_name)
    return names


@dataclass
class RecipientGroup:
    """One `<optgroup>` of the compose form: a role, or a role within a class."""

    kind: str
    class_code: str
    options: list[tuple[int, str]]


def _current_class_code(student_ref: str, today: dt.date):
    return Subquery(
        Enrolment.objects.filter(student_id=OuterRef(student_ref), date_from__lte=today)
        .filter(Q(date_to__isnull=True) | Q(date_to__gte=today))
        .order_by("-date_from")
        .values("school_class__code")[:1]
    )


def message_recipient_groups(user, *, search: str = "", today: dt.date | None = None) -> list[RecipientGroup]:
    """Whom `user` may write to (D15, decided by `message_recipients`), grouped for the compose form:
    administration, teachers, then students and guardians by class. `search` keeps the people whose name (or
    child's name, or class) contains it. Five queries, whatever the school's size."""
    today = today or timezone.localdate()
    allowed = message_recipients(user).values("pk")
    groups: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    seen: set[tuple[str, str, int]] = set()

    def add(kind: str, class_code: str, user_id: int, label: str) -> None:
        if search and search.casefold() not in f"{label} {class_code}".casefold():
            return
        if (kind, class_code, user_id) not in seen:
            seen.add((kind, class_code, user_id))
            groups[(kind, class_code)].append((user_id, label))

    for staff in StaffMember.objects.filter(user_id__in=allowed, archived_at__isnull=True).order_by(
        "last_name", "first_name"
    ):
        add("administration" if staff.is_administration else "teachers", "", staff.user_id, staff.full_name)
    students = (
        Student.objects.filter(user_id__in=allowed, archived_at__isnull=True)
        .annotate(class_code=_current_class_code("pk", today))
        .order_by("last_name", "first_name")
    )
    for student in students:
        add("students", student.class_code or "", student.user_id, student.full_name)
    links = (
        GuardianLink.objects.filter(guardian__user_id__in=allowed, guardian__archived_at__isnull=True)
        .select_related("guardian", "student")
        .annotate(class_code=_current_class_code("student_id", today))
        .order_by("guardian__last_name", "guardian__first_name")
    )
    for link in links:
        label = f"{link.guardian.full_name} ({link.student.short_name})"
        add("guardians", link.class_code or "", link.guardian.user_id, label)
    order = {"administration": 0, "teachers": 1, "students": 2, "guardians": 3}
    return [
        RecipientGroup(kind=kind, class_code=code, options=options)
        for (kind, code), options in sorted(groups.items(), key=lambda item: (item[0][1], order[item[0][0]]))
    ]
