"""Journal endpoints (D2, D5–D10, D12, D16): the grid, bulk marks, lessons, finals, history, inspections."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from diary.api.base import CREATED, DiaryAPIView, DiaryJSONRenderer
from diary.api.outputs import (
    FinalsSavedOutput,
    JournalGridOutput,
    JournalOutput,
    LessonOutput,
    MarksSavedOutput,
    finals_rows,
)
from diary.api.serializers import (
    MAX_ID,
    AnyObject,
    FinalsInput,
    InspectionInput,
    LessonInput,
    MarksInput,
    SubstitutionInput,
)
from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import AuditEntry, Lesson, StaffMember
from diary.permissions import journals_visible_to, may_read_journal_history, may_view_journal, school_of
from diary.selectors.journal import journal_by_pk, journal_grid
from diary.selectors.periods import PERIOD_HELP, PeriodChoice, periods_for_key
from diary.services.finals import FinalChange, finals_set
from diary.services.inspections import inspection_record
from diary.services.lessons import lesson_update
from diary.services.marks import CellChange, marks_save
from diary.services.staffing import substitution_create

# D3: a past school year's periods stay reachable by their year-prefixed keys.
PERIOD_PARAMETER = OpenApiParameter(
    "period", str, description="quarter-1 … quarter-4, half-1, half-2 or year; a past school year: 2025-quarter-1"
)


def visible_journal(request, pk):
    """D15: the journal `pk` with what its answers show, if the requester may see it; anything else is not found."""
    journal = journal_by_pk(pk) if pk <= MAX_ID else None
    if journal is None or not may_view_journal(request.user, journal):
        raise Http404
    return journal


def period_choice_or_400(school, key) -> PeriodChoice:
    # D3: a past school year's period is named `2025-quarter-1`.
    choice = periods_for_key(school, key)
    if choice.period is None:
        raise DiaryValidationError(_("Unknown period."), fields={"period": [str(PERIOD_HELP)]})
    return choice


def period_or_400(school, key):
    return period_choice_or_400(school, key).period


class JournalsView(DiaryAPIView):
    @extend_schema(operation_id="journals_list", responses={200: JournalOutput(many=True)})
    def get(self, request):
        journals = journals_visible_to(request.user).select_related("school_class", "subject", "subgroup", "teacher")
        return Response(JournalOutput(journals, many=True).data)


def journal_grid_body(journal, period, language: str) -> bytes:
    """The grid's JSON."""
    return DiaryJSONRenderer().render(JournalGridOutput(journal_grid(journal=journal, period=period)).data)


class JournalView(DiaryAPIView):
    @extend_schema(parameters=[PERIOD_PARAMETER], responses={200: JournalGridOutput})
    def get(self, request, pk: int):
        journal = visible_journal(request, pk)
        period = period_or_400(journal.school, request.query_params.get("period"))
        body = journal_grid_body(journal, period, get_language())
        return HttpResponse(body, content_type="application/json")


class JournalMarksView(DiaryAPIView):
    @extend_schema(request=MarksInput, responses={200: MarksSavedOutput})
    def post(self, request, pk: int):
        journal = visible_journal(request, pk)
        data = MarksInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = [
            CellChange(
                lesson_id=change["lesson"],
                student_id=change["student"],
                version=change["version"],
                grades=change.get("grades"),
                attendance=change.get("attendance"),
                comment=change.get("comment"),
            )
            for change in data.validated_data["changes"]
        ]
        result = marks_save(
            actor=request.user, journal=journal, changes=changes, reason=data.validated_data.get("reason", "")
        )
        return Response(MarksSavedOutput({"saved": result.saved, "cells": result.cells}).data)


class LessonView(DiaryAPIView):
    @extend_schema(request=LessonInput, responses={200: LessonOutput})
    def patch(self, request, pk: int):
        lesson = get_object_or_404(
            Lesson.objects.select_related("journal__school", "conducted_by"),
            pk=pk,
            journal__in=journals_visible_to(request.user),
        )
        data = LessonInput(data=request.data)
        data.is_valid(raise_exception=True)
        lesson = lesson_update(actor=request.user, lesson=lesson, **data.validated_data)
        return Response(LessonOutput(lesson).data)


class JournalFinalsView(DiaryAPIView):
    @extend_schema(request=FinalsInput, responses={200: FinalsSavedOutput})
    def post(self, request, pk: int):
        journal = visible_journal(request, pk)
        data = FinalsInput(data=request.data)
        data.is_valid(raise_exception=True)
        period = period_or_400(journal.school, data.validated_data["period"])
        finals = [FinalChange(item["student"], item["value"]) for item in data.validated_data["finals"]]
        saved = finals_set(
            actor=request.user,
            journal=journal,
            period=period,
            finals=finals,
            reason=data.validated_data.get("reason", ""),
        )
        rows = finals_rows(((final.student_id, final) for final in saved), period.key)
        return Response(FinalsSavedOutput({"saved": len(saved), "finals": rows}).data)


class JournalHistoryView(DiaryAPIView):
    @extend_schema(responses={200: AnyObject(many=True)})
    def get(self, request, pk: int):
        journal = visible_journal(request, pk)
        if not may_read_journal_history(request.user, journal):
            raise DiaryPermissionDenied(_("You may not read this journal's history of changes."))
        entries = AuditEntry.objects.filter(journal=journal).select_related("by").order_by("at", "pk")
        return Response(
            [
                {
                    "at": entry.at,
                    "by": entry.by.username if entry.by else None,
                    "lesson": entry.lesson_id,
                    "student": entry.student_id,
                    "field": entry.field,
                    "old": entry.old,
                    "new": entry.new,
                    "reason": entry.reason,
                    "late": entry.is_late,
                }
                for entry in entries
            ]
        )


class JournalInspectionsView(DiaryAPIView):
    @extend_schema(request=InspectionInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        journal = visible_journal(request, pk)
        data = InspectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        inspection = inspection_record(actor=request.user, journal=journal, remarks=data.validated_data["remarks"])
        return Response(
            {"id": inspection.pk, "journal": journal.pk, "at": inspection.at, "remarks": inspection.remarks},
            status=CREATED,
        )


class SubstitutionsView(DiaryAPIView):
    @extend_schema(request=SubstitutionInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = SubstitutionInput(data=request.data)
        data.is_valid(raise_exception=True)
        journal = visible_journal(request, data.validated_data["journal"])
        teacher = StaffMember.objects.filter(
            school=school_of(request.user), code=data.validated_data["teacher"]
        ).first()
        if teacher is None:
            raise DiaryValidationError(
                _("The substitution was not saved."), fields={"teacher": [_("Unknown staff code.")]}
            )
        substitution = substitution_create(
            actor=request.user,
            journal=journal,
            teacher=teacher,
            date_from=data.validated_data["date_from"],
            date_to=data.validated_data["date_to"],
        )
        return Response(
            {
                "id": substitution.pk,
                "journal": journal.pk,
                "teacher": teacher.code,
                "date_from": substitution.date_from,
                "date_to": substitution.date_to,
            },
            status=CREATED,
        )
