"""Report runs (D14) over the API: ask for one, read its summary, download its files; D15 decides what each viewer
sees (`diary.permissions.report_scope`)."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from diary.api.base import ACCEPTED, DiaryAPIView
from diary.api.journals import period_or_400
from diary.api.serializers import AnyObject, ReportInput
from diary.exceptions import DiaryPermissionDenied
from diary.models import ReportRun
from diary.permissions import report_scope, school_of, staff_member_of
from diary.services.reports import (
    FILE_FORMATS,
    report_file,
    report_language,
    report_request,
    report_run_visible,
    report_summary_scoped,
)


def report_data(request, run: ReportRun, scope) -> dict:
    files = {
        file_format: request.build_absolute_uri(
            reverse("diary_api:report-file", kwargs={"pk": run.pk, "file_format": file_format})
        )
        if run.status == ReportRun.Status.DONE
        else None
        for file_format in FILE_FORMATS
    }
    return {
        "id": run.pk,
        "kind": run.kind,
        "period": run.period.key if run.period_id else None,
        "month": run.month or None,
        "status": run.status,
        # D14: built by the sweep after the window closed; a preview was built before it, its figures may change.
        "official": run.official,
        "preview": run.preview,
        "summary": report_summary_scoped(run=run, scope=scope),
        "files": files,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
    }


def visible_run(request, pk: int) -> tuple[ReportRun, object]:
    return report_run_visible(user=request.user, run_id=pk)


class ReportsView(DiaryAPIView):
    @extend_schema(operation_id="reports_list", responses={200: AnyObject(many=True)})
    def get(self, request):
        staff = staff_member_of(request.user)
        runs = (
            ReportRun.objects.filter(school=staff.school).select_related("period", "school")
            if staff
            else ReportRun.objects.none()
        )
        visible = [(run, scope) for run in runs if (scope := report_scope(request.user, run)) is not None]
        return Response([report_data(request, run, scope) for run, scope in visible])

    @extend_schema(request=ReportInput, responses={202: OpenApiTypes.OBJECT})
    def post(self, request):
        data = ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        school = school_of(request.user)
        if school is None:
            raise DiaryPermissionDenied(_("Only the school's staff may ask for reports."))
        kind = data.validated_data["kind"]
        period = period_or_400(school, data.validated_data.get("period")) if kind != "activity" else None
        run = report_request(
            actor=request.user, school=school, kind=kind, period=period, month=data.validated_data.get("month", "")
        )
        return Response({"id": run.pk, "status": run.status, "official": run.official}, status=ACCEPTED)


class ReportView(DiaryAPIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        run, scope = visible_run(request, pk)
        return Response(report_data(request, run, scope))


LANGUAGE_PARAMETER = OpenApiParameter("lang", str, enum=["ky", "ru"], description="language of the PDF")


class ReportFileView(DiaryAPIView):
    """The XLSX or PDF of a report, checked per viewer (D15); the PDF in `?lang=` or the request's language."""

    @extend_schema(
        parameters=[LANGUAGE_PARAMETER],
        responses={(200, content_type): OpenApiTypes.BINARY for content_type in FILE_FORMATS.values()},
    )
    def get(self, request, pk: int, file_format: str):
        run, scope = visible_run(request, pk)
        language = report_language(request.query_params.get("lang"))
        content, name = report_file(run=run, scope=scope, file_format=file_format, language=language)
        response = HttpResponse(content, content_type=FILE_FORMATS[file_format])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Content-Language"] = language
        return response
