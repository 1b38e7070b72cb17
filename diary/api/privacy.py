"""Personal data over the API: a student's data export (JSON, PDF), the access log and anonymisation."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from diary.api.base import DiaryAPIView
from diary.api.serializers import AnyObject
from diary.pdf import pdf_render
from diary.services.privacy import access_log_rows, student_access_log, student_for_privacy
from diary.services.privacy_anonymise import student_anonymise
from diary.services.privacy_export import student_data_export, student_data_printable


class StudentExportView(DiaryAPIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        """All data held about the student, for a guardian or the adult student (personal-data law)."""
        student = student_for_privacy(user=request.user, pk=pk)
        return Response(student_data_export(actor=request.user, student=student))


class StudentExportPdfView(DiaryAPIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        """The same data as the JSON export, as a printable PDF in the language of the request."""
        student = student_for_privacy(user=request.user, pk=pk)
        data = student_data_export(actor=request.user, student=student)
        pdf = pdf_render("diary/privacy_export.html", {"data": student_data_printable(data)})
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="student-{student.pk}-data.pdf"'
        return response


class StudentAccessLogView(DiaryAPIView):
    @extend_schema(responses={200: AnyObject(many=True)})
    def get(self, request, pk: int):
        """Who viewed this student's records, newest first (the latest 1000): for the school's administration."""
        student = student_for_privacy(user=request.user, pk=pk)
        return Response(access_log_rows(student_access_log(actor=request.user, student=student)[:1000]))


class StudentAnonymiseView(DiaryAPIView):
    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        """Anonymises a student who left, after the retention period (the administration)."""
        student = student_for_privacy(user=request.user, pk=pk)
        result = student_anonymise(actor=request.user, student=student)
        return Response(
            {
                "id": result.student.pk,
                "pseudonym": result.pseudonym,
                "anonymised_at": result.student.anonymised_at,
                "guardians_anonymised": len(result.guardians),
            }
        )
