"""Personal data of students: the download of everything held about a student (JSON, and printable for the PDF),
for a guardian or the adult student; the download itself joins the student's access log."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from diary.exceptions import DiaryPermissionDenied
from diary.models import (
    Attendance,
    Enrolment,
    FinalGrade,
    GuardianLink,
    Mark,
    Message,
    Period,
    Student,
    StudentAccessLog,
)
from diary.permissions import is_adult, may_export_student
from diary.services.privacy import access_log_rows, student_view_log


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _messages(student: Student, requester) -> list[dict]:
    """Messages of the conversations the student takes part in, and, for a guardian, their own conversations."""
    accounts = [account for account in (student.user_id, getattr(requester, "pk", None)) if account]
    messages = (
        Message.objects.filter(thread__participants__user_id__in=accounts, school=student.school)
        .select_related("thread", "sender")
        .distinct()
        .order_by("created_at", "pk")
    )
    return [
        {
            "thread": message.thread_id,
            "subject": message.thread.subject,
            "sender": message.sender.username,
            "sent_at": message.created_at.isoformat(),
            "body": message.body,
        }
        for message in messages
    ]


def student_data(*, student: Student, requester=None) -> dict:
    """Everything the diary holds about one student, as plain JSON-ready data (the export's content)."""
    enrolments = Enrolment.objects.filter(student=student).select_related("school_class__year").order_by("date_from")
    links = GuardianLink.objects.filter(student=student).select_related("guardian").order_by("pk")
    cells = (
        Mark.objects.filter(student=student)
        .select_related("lesson__journal__subject")
        .order_by("lesson__date", "lesson__lesson_no", "pk")
    )
    finals = (
        FinalGrade.objects.filter(student=student)
        .select_related("period", "subject")
        .order_by("period__start", "subject__code")
    )
    cells = list(cells)
    return {
        "generated_at": timezone.now().isoformat(),
        "school": {"code": student.school.code, "name": student.school.name},
        "student": {
            "id": student.pk,
            "code": student.code,
            "last_name": student.last_name,
            "first_name": student.first_name,
            "patronymic": student.patronymic,
            "birth_date": _iso(student.birth_date),
            "account": student.user.username if student.user_id else None,
            "anonymised_at": _iso(student.anonymised_at),
        },
        "enrolments": [
            {
                "class": enrolment.school_class.code,
                "grade": enrolment.school_class.grade,
                "academic_year": str(enrolment.school_class.year),
                "from": _iso(enrolment.date_from),
                "to": _iso(enrolment.date_to),
            }
            for enrolment in enrolments
        ],
        "guardians": [
            {
                "code": link.guardian.code,
                "last_name": link.guardian.last_name,
                "first_name": link.guardian.first_name,
                "patronymic": link.guardian.patronymic,
                "relation": link.relation,
                "phone": link.guardian.phone,
                "email": link.guardian.email,
            }
            for link in links
        ],
        "marks": [
            {
                "date": _iso(cell.lesson.date),
                "lesson_no": cell.lesson.lesson_no,
                "subject": cell.lesson.journal.subject.name,
                "grades": cell.grades,
                "comment": cell.comment,
            }
            for cell in cells
            if cell.grades or cell.comment
        ],
        "attendance": [
            {
                "date": _iso(cell.lesson.date),
                "lesson_no": cell.lesson.lesson_no,
                "subject": cell.lesson.journal.subject.name,
                "attendance": cell.attendance,
            }
            for cell in cells
        ],
        "finals": [
            {"period": final.period.key, "subject": final.subject.name, "value": final.value} for final in finals
        ],
        "messages": _messages(student, requester),
        "access_log": access_log_rows(
            StudentAccessLog.objects.filter(student=student).select_related("viewer").order_by("at", "pk")
        ),
    }


def student_export_authorise(*, actor, student: Student) -> None:
    """Refuses (403) anyone but the student's guardians and the adult student, saying why."""
    if may_export_student(actor, student):
        return
    if student.user_id == getattr(actor, "pk", None) and not is_adult(student):
        raise DiaryPermissionDenied(
            _("Until you are of age, your parents or guardians download your data."), code="not_adult"
        )
    raise DiaryPermissionDenied(_("Only the student's guardians, or the adult student, download these data."))


def student_data_export(*, actor, student: Student) -> dict:
    """Personal data: a guardian, or the adult student, downloads all data held about the student.

    The download itself is recorded in the access log first, so the export shows it too.
    """
    student_export_authorise(actor=actor, student=student)
    student_view_log(user=actor, student=student, what=StudentAccessLog.What.EXPORT)
    return student_data(student=student, requester=actor)


def student_data_printable(data: dict) -> dict:
    """The export with attendance and access-log codes put in words of the current language, for the PDF."""
    attendance = dict(Attendance.choices)
    what = dict(StudentAccessLog.What.choices)
    kinds = dict(Period.Kind.choices)
    finals = {FinalGrade.NOT_ASSESSED: _("n/a"), FinalGrade.EXEMPT: _("exempt")}

    def day(value):
        """An ISO date in the local short format; anything else as it is."""
        try:
            return date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT") if value else value
        except (TypeError, ValueError):
            return value

    def period(key: str) -> str:
        kind, _dash, number = str(key).rpartition("-")
        if key == Period.Kind.YEAR:
            return str(kinds[Period.Kind.YEAR])
        return f"{kinds[kind]} {number}" if kind in kinds else str(key)

    return {
        **data,
        "student": {**data["student"], "birth_date": day(data["student"].get("birth_date"))},
        "enrolments": [{**row, "from": day(row["from"]), "to": day(row["to"])} for row in data["enrolments"]],
        "marks": [{**row, "date": day(row["date"])} for row in data["marks"]],
        "attendance": [
            {**row, "date": day(row["date"]), "attendance": attendance.get(row["attendance"], "")}
            for row in data["attendance"]
        ],
        "finals": [
            {**row, "period": period(row["period"]), "value": finals.get(row["value"], row["value"])}
            for row in data["finals"]
        ],
        "access_log": [{**row, "what": what.get(row["what"], "")} for row in data["access_log"]],
    }


# --- anonymisation -----------------------------------------------------------------------------------------
