"""Report files in the diary (D14, D15): the download behind a report listing, checked per viewer."""

from django.http import HttpResponse
from django.urls import path

from diary.services.reports import FILE_FORMATS, report_file, report_language, report_run_visible
from diary.views.base import DiaryView


class ReportFileView(DiaryView):
    """The XLSX or PDF of a report run; the PDF in the page's language (or `?lang=`)."""

    def get(self, request, pk: int, file_format: str):
        run, scope = report_run_visible(user=request.user, run_id=pk)
        language = report_language(request.GET.get("lang"))
        content, name = report_file(run=run, scope=scope, file_format=file_format, language=language)
        response = HttpResponse(content, content_type=FILE_FORMATS[file_format])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Content-Language"] = language
        return response


urlpatterns = [
    path("reports/<int:pk>/files/<str:file_format>/", ReportFileView.as_view(), name="report-file"),
]
