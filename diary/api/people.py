"""Students' diaries (D3, D15) and internal mail (D11, D13); report runs are in diary/api/reports.py."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from diary import permissions
from diary.api.base import CREATED, DiaryAPIView, DiaryJSONRenderer
from diary.api.journals import PERIOD_PARAMETER, period_choice_or_400
from diary.api.outputs import StudentGradesOutput, StudentWeekOutput
from diary.api.serializers import MAX_ID, AnyObject, MessageInput, ThreadInput
from diary.calendar import iso_week_name, iso_week_start
from diary.models import Message, SchoolClass, Thread
from diary.permissions import school_of
from diary.selectors.family import student_period, student_week
from diary.selectors.mail import inbox_threads
from diary.services.messaging import class_guardians_message, message_send, thread_mark_read, thread_start
from diary.services.privacy import student_view_log


def visible_student(request, pk):
    """D15: a student the requester may see, with their school; anyone else is not found."""
    student = permissions.visible_student(request.user, pk) if pk <= MAX_ID else None
    if student is None:
        raise Http404
    return student


def student_week_body(student, day, language: str, journal_ids: frozenset[int] | None = None) -> bytes:
    """The week's JSON; only the lessons of `journal_ids` when given (D15)."""
    days = student_week(student=student, day=day, journal_ids=journal_ids)
    week = {"student": student, "week": iso_week_name(days[0].date), "days": days}
    return DiaryJSONRenderer().render(StudentWeekOutput(week).data)


class StudentDiaryView(DiaryAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("week", str, description="ISO week, e.g. 2026-W47")],
        responses={200: StudentWeekOutput},
    )
    def get(self, request, pk: int):
        student = visible_student(request, pk)
        week = request.query_params.get("week")
        day = iso_week_start(week) if week else timezone.localdate()
        body = student_week_body(
            student, day, get_language(), permissions.student_journals_shown(request.user, student)
        )
        student_view_log(user=request.user, student=student, what="diary")
        return HttpResponse(body, content_type="application/json")


class StudentGradesView(DiaryAPIView):
    @extend_schema(parameters=[PERIOD_PARAMETER], responses={200: StudentGradesOutput})
    def get(self, request, pk: int):
        student = visible_student(request, pk)
        choice = period_choice_or_400(student.school, request.query_params.get("period"))
        period = choice.period
        subjects = student_period(
            student=student, period=period, journal_ids=permissions.student_journals_shown(request.user, student)
        )
        student_view_log(user=request.user, student=student, what="grades")
        grades = {"student": student, "period": choice.key(period), "subjects": subjects}
        return Response(StudentGradesOutput(grades).data)


def thread_summary(thread: Thread) -> dict:
    return {
        "id": thread.pk,
        "subject": thread.subject,
        "updated_at": thread.updated_at,
        "participants": [participant.user.username for participant in thread.participants.all()],
        "unread": getattr(thread, "unread", 0),
    }


class ThreadsView(DiaryAPIView):
    @extend_schema(operation_id="threads_list", responses={200: AnyObject(many=True)})
    def get(self, request):
        threads = inbox_threads(request.user)
        return Response([thread_summary(thread) for thread in threads])

    @extend_schema(request=ThreadInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = ThreadInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "to_class" in values:
            school_class = get_object_or_404(SchoolClass, school=school_of(request.user), code=values["to_class"])
            thread = class_guardians_message(
                sender=request.user, school_class=school_class, subject=values["subject"], body=values["body"]
            )
        else:
            thread = thread_start(
                sender=request.user, recipient_ids=values["to"], subject=values["subject"], body=values["body"]
            )
        return Response(thread_summary(thread), status=CREATED)


def my_thread(request, pk):
    return get_object_or_404(Thread.objects.filter(participants__user=request.user), pk=pk)


class ThreadView(DiaryAPIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        thread = my_thread(request, pk)
        messages = Message.objects.filter(thread=thread).select_related("sender")
        body = {
            **thread_summary(thread),
            "messages": [
                {"id": m.pk, "sender": m.sender.username, "body": m.body, "sent_at": m.created_at} for m in messages
            ],
        }
        thread_mark_read(user=request.user, thread=thread)
        return Response(body)


class ThreadMessagesView(DiaryAPIView):
    @extend_schema(request=MessageInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        thread = my_thread(request, pk)
        data = MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = message_send(sender=request.user, thread=thread, body=data.validated_data["body"])
        return Response(
            {"id": message.pk, "sender": request.user.username, "body": message.body, "sent_at": message.created_at},
            status=CREATED,
        )
