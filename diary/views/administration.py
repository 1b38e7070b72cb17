"""The administration's screens (D6, D7, D12, D14, D16): the school's setup, substitutions, journal inspection,
reopening a closed final-grade window, the audit trail of a journal, and reports."""

import datetime as dt
import re

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.api.serializers import MAX_ID
from diary.calendar import month_label
from diary.exceptions import DiaryNotFound, DiaryPermissionDenied
from diary.models import Attendance, AuditEntry, FinalGrade, Journal, Period, ReportRun, StaffRole
from diary.permissions import is_administration, is_inspector, may_read_journal_history, may_view_journal
from diary.selectors.administration import (
    final_window_reopenings,
    inspections_recent,
    journals_not_inspected,
    school_journals,
    school_overview,
    school_teachers,
    substitutions_list,
)
from diary.selectors.journal import journal_enrolment, journal_history, journal_history_authors
from diary.selectors.periods import school_periods
from diary.selectors.reports import report_runs_list
from diary.services.finals import final_window_reopen
from diary.services.inspections import inspection_record
from diary.services.reports import report_request
from diary.services.staffing import substitution_create
from diary.views.base import DiaryView, form_submit, journal_page_urls

HISTORY_PAGE_SIZE = 50
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FINAL_LABELS = {FinalGrade.NOT_ASSESSED: gettext_lazy("n/a"), FinalGrade.EXEMPT: gettext_lazy("exempt")}


def journal_label(journal: Journal) -> str:
    return f"{journal} — {journal.teacher.short_name}"


class AdministrationView(DiaryView):
    """A page of the school's administration (D1, D15): everyone else is refused with 403."""

    def check_access(self) -> None:
        if self.school is None or not is_administration(self.request.user, self.school):
            raise DiaryPermissionDenied(_("Only the school's administration opens this page."))

    def get(self, request, *args, **kwargs):
        self.check_access()
        return self.render_page(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_access()
        return self.handle_post(request, *args, **kwargs)

    def render_page(self, request, *args, **kwargs):
        raise NotImplementedError

    def handle_post(self, request, *args, **kwargs):
        raise NotImplementedError


class OverviewView(AdministrationView):
    """The school at a glance: first what needs attention (journals behind the D5 deadline, D11 data checks due,
    D12 inspections due), then the setup: academic year, periods with their D7 windows, classes, staff, totals."""

    http_method_names = ["get"]

    def render_page(self, request):
        overview = school_overview(self.school)
        if overview.attention is not None:
            journal_page_urls(overview.attention.journals_behind)
        labels = dict(StaffRole.choices)
        for member in overview.staff:
            member.role_labels = [str(labels.get(role, role)) for role in member.roles]
        return render(
            request,
            "diary/administration/overview.html",
            {"overview": overview, "today": timezone.localdate(), "school": self.school},
        )


class JournalChoiceField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=int, **kwargs)


class SubstitutionForm(forms.Form):
    journal = JournalChoiceField(label=gettext_lazy("journal"))
    teacher = forms.TypedChoiceField(label=gettext_lazy("substitute teacher"), coerce=int)
    date_from = forms.DateField(
        label=gettext_lazy("from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=gettext_lazy("to"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, journals, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journal"].choices = [(journal.pk, journal_label(journal)) for journal in journals]
        self.fields["teacher"].choices = [(teacher.pk, teacher.full_name) for teacher in teachers]


class SubstitutionsView(AdministrationView):
    """D6: who substitutes in which journal and when; the administration assigns a substitute."""

    template_name = "diary/administration/substitutions.html"

    def choices(self):
        return school_journals(self.school), school_teachers(self.school)

    def render_page(self, request, form=None, status=200):
        journals, teachers = self.choices()
        form = form or SubstitutionForm(journals=journals, teachers=teachers)
        context = {"form": form, "substitutions": substitutions_list(self.school)}
        return render(request, self.template_name, context, status=status)

    def handle_post(self, request):
        journals, teachers = self.choices()

        def create(data):
            return substitution_create(
                actor=request.user, journal=next(j for j in journals if j.pk == data["journal"]),
                teacher=next(t for t in teachers if t.pk == data["teacher"]),
                date_from=data["date_from"], date_to=data["date_to"],
            )  # fmt: skip

        return form_submit(
            request, SubstitutionForm(request.POST, journals=journals, teachers=teachers), create,
            success=lambda _substitution: _("The substitution is saved."), redirect_to="diary:substitutions",
            invalid=lambda form: self.render_page(request, form=form, status=400),
        )  # fmt: skip


class InspectionForm(forms.Form):
    journal = JournalChoiceField(label=gettext_lazy("journal"))
    remarks = forms.CharField(label=gettext_lazy("remarks"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, journals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journal"].choices = [(journal.pk, journal_label(journal)) for journal in journals]


class InspectionFilterForm(forms.Form):
    """D12: the inspections page narrowed to one class's or one teacher's journals (`?class=&teacher=`)."""

    def __init__(self, *args, journals, **kwargs):
        super().__init__(*args, **kwargs)
        classes = {journal.school_class_id: journal.school_class for journal in journals}
        teachers = {journal.teacher_id: journal.teacher for journal in journals}
        everyone = [("", "—")]
        self.fields["class"] = forms.TypedChoiceField(
            label=gettext_lazy("class"), coerce=int, required=False, empty_value=None,
            choices=everyone + [
                (pk, school_class.code)
                for pk, school_class in sorted(classes.items(), key=lambda item: (item[1].grade, item[1].code))
            ],
            error_messages={"invalid_choice": gettext_lazy("Choose a class of the school from the list.")},
        )  # fmt: skip
        self.fields["teacher"] = forms.TypedChoiceField(
            label=gettext_lazy("teacher"), coerce=int, required=False, empty_value=None,
            choices=everyone + [
                (pk, teacher.short_name)
                for pk, teacher in sorted(teachers.items(), key=lambda item: (item[1].short_name, item[0]))
            ],
            error_messages={"invalid_choice": gettext_lazy("Choose a teacher of the school from the list.")},
        )  # fmt: skip


class InspectionsView(AdministrationView):
    """D12: journals not inspected this month, recent inspections, of one class or teacher if asked; the director
    and deputies record one."""

    template_name = "diary/administration/inspections.html"

    def render_page(self, request, form=None, status=200):
        today = timezone.localdate()
        journals = school_journals(self.school)
        filters = InspectionFilterForm(
            request.GET if {"class", "teacher"} & set(request.GET) else None, journals=journals
        )
        where = {}
        if filters.is_bound:
            if filters.is_valid():
                where = {
                    "school_class_id": filters.cleaned_data["class"],
                    "teacher_id": filters.cleaned_data["teacher"],
                }
            else:
                filters.add_error(None, _("The filter was not applied: choose a class and a teacher from the lists."))
                status = 400
        pending = journals_not_inspected(self.school, today, **where)
        journal_page_urls(pending)
        inspector = is_inspector(request.user, self.school)
        if inspector and form is None:
            initial = {"journal": request.GET.get("journal")} if request.GET.get("journal") else None
            form = InspectionForm(journals=journals, initial=initial)
        context = {
            "pending": pending,
            "recent": inspections_recent(self.school, **where),
            "form": form if inspector else None,
            "filters": filters,
            "filtered": bool(where) and any(value is not None for value in where.values()),
            # The "Inspect" links keep the filter: the page comes back narrowed the same way.
            "filter_query": urlencode({key: value for key, value in request.GET.items() if key in ("class", "teacher")})
            if where
            else "",
            "inspector": inspector,
            "today": today,
        }
        return render(request, self.template_name, context, status=status)

    def handle_post(self, request):
        journals = school_journals(self.school)

        def record(data):
            journal = next(j for j in journals if j.pk == data["journal"])
            inspection_record(actor=request.user, journal=journal, remarks=data["remarks"])
            return journal

        return form_submit(
            request, InspectionForm(request.POST, journals=journals), record,
            success=lambda journal: _("The inspection of %(journal)s is recorded.") % {"journal": journal},
            redirect_to="diary:inspections", invalid=lambda form: self.render_page(request, form=form, status=400),
        )  # fmt: skip


class ReopenForm(forms.Form):
    journal = JournalChoiceField(label=gettext_lazy("journal"))
    period = forms.TypedChoiceField(label=gettext_lazy("period"), coerce=int)
    until = forms.DateField(
        label=gettext_lazy("open until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=300, required=False)

    def __init__(self, *args, journals, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journal"].choices = [(journal.pk, journal_label(journal)) for journal in journals]
        self.fields["period"].choices = [(period.pk, f"{period} ({period.year})") for period in periods]


class FinalWindowsView(AdministrationView):
    """D7: a closed final-grade window reopened for one journal and period until a date, with a reason; audited."""

    template_name = "diary/administration/final_windows.html"

    def choices(self):
        return school_journals(self.school), school_periods(self.school)

    def render_page(self, request, form=None, status=200):
        journals, periods = self.choices()
        if form is None:
            # A link from a journal (`?journal=&period=`) opens the form filled in for that journal and period.
            initial = {
                "until": timezone.localdate() + dt.timedelta(days=3),
                "journal": request.GET.get("journal"),
                "period": request.GET.get("period"),
            }
            form = ReopenForm(journals=journals, periods=periods, initial=initial)
        context = {"form": form, "reopenings": final_window_reopenings(self.school), "today": timezone.localdate()}
        return render(request, self.template_name, context, status=status)

    def handle_post(self, request):
        journals, periods = self.choices()

        def reopen(data):
            journal = next(j for j in journals if j.pk == data["journal"])
            final_window_reopen(
                actor=request.user, journal=journal, period=next(p for p in periods if p.pk == data["period"]),
                until=data["until"], reason=data["reason"],
            )  # fmt: skip
            return _("Final grades of %(journal)s may be set until %(date)s.") % {
                "journal": journal, "date": data["until"].strftime("%d.%m.%Y"),
            }  # fmt: skip

        return form_submit(
            request, ReopenForm(request.POST, journals=journals, periods=periods), reopen,
            success=lambda message: message, redirect_to="diary:final_windows",
            invalid=lambda form: self.render_page(request, form=form, status=400),
        )  # fmt: skip


class HistoryFilterForm(forms.Form):
    student = forms.TypedChoiceField(label=gettext_lazy("student"), coerce=int, required=False, empty_value=None)
    field = forms.ChoiceField(label=gettext_lazy("field"), required=False)
    by = forms.TypedChoiceField(label=gettext_lazy("changed by"), coerce=int, required=False, empty_value=None)
    date_from = forms.DateField(
        label=gettext_lazy("from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=gettext_lazy("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, students, authors, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", "—")]
        self.fields["student"].choices = everyone + [(student.pk, student.full_name) for student in students]
        self.fields["field"].choices = everyone + list(AuditEntry.Field.choices)
        self.fields["by"].choices = everyone + authors


# What the keys of an audited record are called on the history page; other keys show as they are.
AUDIT_KEYS = {
    "teacher": gettext_lazy("teacher"),
    "from": gettext_lazy("from"),
    "to": gettext_lazy("to"),
    "class": gettext_lazy("class"),
    "subject": gettext_lazy("subject"),
    "period": gettext_lazy("period"),
    "groups": gettext_lazy("subgroups"),
    "guardian": gettext_lazy("guardian"),
    "phone": gettext_lazy("phone"),
    "email": gettext_lazy("e-mail"),
    "final_window_days": gettext_lazy("days after a period to set finals"),
    "no_marks_grades": gettext_lazy("grade levels without marks"),
}
# Internal keys of an audited record that a person has no use for.
AUDIT_HIDDEN_KEYS = {"id", "record"}


def period_name(key) -> str:
    """`quarter-2` as the reader names it (`чейрек 2`); anything else as it is."""
    kinds = dict(Period.Kind.choices)
    kind, _dash, number = str(key).rpartition("-")
    if key == Period.Kind.YEAR:
        return str(kinds[Period.Kind.YEAR])
    return f"{kinds[kind]} {number}" if kind in kinds and number.isdigit() else str(key)


def audit_scalar(value, field: str = "") -> str:
    """One audited value in the reader's language: attendance and non-numeric finals by their labels, dates in the
    local short format, anything else as it was typed."""
    if value is None or value == "":
        return "—"
    if field == AuditEntry.Field.ATTENDANCE and value in Attendance.values:
        return str(Attendance(value).label)
    if field == AuditEntry.Field.FINAL and value in FINAL_LABELS:
        return str(FINAL_LABELS[value])
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, int | float):
        return number_format(value)
    return str(value)


def audit_value(value, field: str = "") -> str:
    """An audited value as a person reads it: grades `5, 4`, attendance `absent` as its label, contacts
    `phone: …`, nothing as a dash; internal keys and ids are left out."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(audit_scalar(item, field) for item in value)
    if isinstance(value, dict):
        return (
            "; ".join(
                f"{AUDIT_KEYS.get(key, key)}: {period_name(item) if key == 'period' else audit_value(item, field)}"
                for key, item in value.items()
                if key not in AUDIT_HIDDEN_KEYS
            )
            or "—"
        )
    return audit_scalar(value, field)


class JournalHistoryView(DiaryView):
    """D16: every change to a journal — who, when, old, new, why, late — filtered and paginated; for those
    `may_read_journal_history` names (the API's history answers the same people)."""

    http_method_names = ["get"]

    def get(self, request, pk: int):
        journal = (
            Journal.objects.select_related("school_class__year", "subject", "subgroup", "teacher", "school")
            .filter(pk=pk, school=self.school)
            .first()
            if self.school is not None and pk <= MAX_ID
            else None
        )
        if journal is None or not may_view_journal(request.user, journal):
            raise DiaryNotFound(_("There is no such journal in your school."))
        if not may_read_journal_history(request.user, journal):
            raise DiaryPermissionDenied(_("You may not read this journal's history of changes."))
        year = journal.school_class.year
        students = journal_enrolment(journal, year.start, year.end).ever_enrolled()
        form = HistoryFilterForm(request.GET or None, students=students, authors=journal_history_authors(journal))
        filters = {}
        status = 200
        if form.is_bound:
            if form.is_valid():
                data = form.cleaned_data
                filters = {
                    "student_id": data["student"], "field": data["field"], "date_from": data["date_from"],
                    "date_to": data["date_to"], "by_id": data["by"],
                }  # fmt: skip
            else:
                status = 400
        entries = journal_history(journal, **filters) if status == 200 else journal_history(journal).none()
        page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
        for entry in page.object_list:
            entry.old_display = audit_value(entry.old, entry.field)
            entry.new_display = audit_value(entry.new, entry.field)
        query = request.GET.copy()
        query.pop("page", None)
        journal_page_urls([journal])
        context = {"journal": journal, "form": form, "page": page, "query": query.urlencode()}
        return render(request, "diary/administration/journal_history.html", context, status=status)


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


urlpatterns = [
    path("administration/", OverviewView.as_view(), name="administration"),
    path("administration/substitutions/", SubstitutionsView.as_view(), name="substitutions"),
    path("administration/inspections/", InspectionsView.as_view(), name="inspections"),
    path("administration/final-windows/", FinalWindowsView.as_view(), name="final_windows"),
    path("journals/<int:pk>/history/", JournalHistoryView.as_view(), name="journal_history"),
    path("reports/", ReportsView.as_view(), name="reports"),
]
