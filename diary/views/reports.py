"""Reports in the diary (D14, D15): the runs a member of staff may see, asking for one, and the download behind
each listing, checked per viewer."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.calendar import month_label
from diary.exceptions import DiaryPermissionDenied
from diary.models import ReportRun
from diary.permissions import is_administration
from diary.selectors.periods import school_periods
from diary.selectors.reports import report_runs_list
from diary.services.reports import FILE_FORMATS, report_file, report_language, report_request, report_run_visible
from diary.views.administration import AdministrationView
from diary.views.base import DiaryView, form_submit


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("report"), choices=ReportRun.Kind.choices)
    period = forms.TypedChoiceField(label=gettext_lazy("period"), coerce=int, required=False, empty_value=None)
    month = forms.CharField(
        label=gettext_lazy("month"), required=False, max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )

    def __init__(self, *args, periods, administration: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", "—")] + [(p.pk, f"{p} ({p.year})") for p in periods]
        if not administration:
            # D14: the activity report is the administration's; the service refuses it to anyone else.
            self.fields["kind"].choices = [c for c in ReportRun.Kind.choices if c[0] != ReportRun.Kind.ACTIVITY]


def report_file_urls(run: ReportRun) -> dict[str, str]:
    """Download addresses of a finished report's files: the diary's own download page (the PDF in the page's
    language), else the API's; either checks what the viewer may see (D15)."""
    if run.status != ReportRun.Status.DONE:
        return {}
    urls = {}
    for fmt in ("xlsx", "pdf"):
        try:
            urls[fmt] = reverse("diary:report-file", args=[run.pk, fmt])
        except NoReverseMatch:
            urls[fmt] = reverse("diary_api:report-file", args=[run.pk, fmt])
    return urls


class ReportsView(AdministrationView):
    """D14: the report runs a member of staff may see (status, how long they took, what went wrong), their files
    (cut down to the viewer's journals and classes outside the administration, D15) and asking for a report."""

    template_name = "diary/administration/reports.html"

    def check_access(self) -> None:
        if self.staff is None:
            raise DiaryPermissionDenied(_("Only the school's staff see reports."))

    def periods(self):
        return school_periods(self.school)

    def render_page(self, request, form=None, status=200):
        runs = report_runs_list(request.user, self.school)
        for run in runs:
            run.file_urls = report_file_urls(run)
            run.month_label = month_label(run.month)
        administration = is_administration(request.user, self.school)
        form = form or ReportForm(
            periods=self.periods(), administration=administration,
            initial={"month": timezone.localdate().strftime("%Y-%m")},
        )  # fmt: skip
        context = {"runs": runs, "form": form, "administration": administration}
        return render(request, self.template_name, context, status=status)

    def handle_post(self, request):
        periods = self.periods()
        administration = is_administration(request.user, self.school)

        def ask(data):
            period = next((p for p in periods if p.pk == data["period"]), None)
            return report_request(
                actor=request.user, school=self.school, kind=data["kind"], period=period, month=data["month"]
            )

        return form_submit(
            request, ReportForm(request.POST, periods=periods, administration=administration), ask,
            success=lambda run: _("The report is asked for: %(report)s (%(status)s).")
            % {"report": run, "status": run.get_status_display()},
            redirect_to="diary:reports", invalid=lambda form: self.render_page(request, form=form, status=400),
        )  # fmt: skip


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
    path("reports/", ReportsView.as_view(), name="reports"),
    path("reports/<int:pk>/files/<str:file_format>/", ReportFileView.as_view(), name="report-file"),
]
