"""A student's personal data in the diary: the page from which a guardian, or the adult student, downloads
everything the school holds about the student, as JSON or as a PDF (law on personal data)."""

import json

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.pdf import pdf_render
from diary.services.privacy import student_for_privacy
from diary.services.privacy_anonymise import anonymisation_candidates, retention_cutoff, student_anonymise
from diary.services.privacy_export import student_data_export, student_data_printable, student_export_authorise
from diary.views.administration import AdministrationView
from diary.views.base import DiaryView


class StudentDataView(DiaryView):
    """What is held and the two downloads; showing the page reads no records, so nothing is logged here."""

    def get(self, request, pk: int):
        student = student_for_privacy(user=request.user, pk=pk)
        student_export_authorise(actor=request.user, student=student)
        return render(request, "diary/privacy/student_data.html", {"student": student})


class StudentDataDownloadView(DiaryView):
    """The export itself (logged in the student's access log), as a JSON or PDF file."""

    file_format = "json"

    def get(self, request, pk: int):
        student = student_for_privacy(user=request.user, pk=pk)
        data = student_data_export(actor=request.user, student=student)
        if self.file_format == "pdf":
            body = pdf_render("diary/privacy_export.html", {"data": student_data_printable(data)})
            response = HttpResponse(body, content_type="application/pdf")
        else:
            body = json.dumps(data, ensure_ascii=False, indent=2)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="student-{student.pk}-data.{self.file_format}"'
        return response


class AnonymisationView(AdministrationView):
    """The administration's list of students who left before the retention period, each with its button."""

    def render_page(self, request):
        today = timezone.localdate()
        context = {
            "students": anonymisation_candidates(school=self.school, today=today)[:500],
            "retention_years": settings.MEKTEP_RETENTION_YEARS,
            "cutoff": retention_cutoff(today),
        }
        return render(request, "diary/privacy/anonymisation.html", context)

    def handle_post(self, request):
        try:
            pk = int(request.POST.get("student", ""))
        except ValueError:
            pk = 0
        student = student_for_privacy(user=request.user, pk=pk)
        result = student_anonymise(actor=request.user, student=student)
        messages.success(request, _("The student's data are anonymised as %(name)s.") % {"name": result.pseudonym})
        return redirect("diary:anonymisation")


urlpatterns = [
    path("administration/personal-data/", AnonymisationView.as_view(), name="anonymisation"),
    path("students/<int:pk>/data/", StudentDataView.as_view(), name="student_data"),
    path("students/<int:pk>/data.json", StudentDataDownloadView.as_view(file_format="json"), name="student_data_json"),
    path("students/<int:pk>/data.pdf", StudentDataDownloadView.as_view(file_format="pdf"), name="student_data_pdf"),
]
