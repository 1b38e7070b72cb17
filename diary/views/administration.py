"""The administration's screens (D6, D7, D12): the school's setup and what needs attention, substitutions,
journal inspection and reopening a closed final-grade window. A journal's history is in diary/views/history.py,
the reports page in diary/views/reports.py."""

import datetime as dt

from django import forms
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.exceptions import DiaryPermissionDenied
from diary.models import Journal, StaffRole
from diary.permissions import is_administration, is_inspector
from diary.selectors.administration import (
    final_window_reopenings,
    inspections_recent,
    journals_not_inspected,
    school_journals,
    school_overview,
    school_teachers,
    substitutions_list,
)
from diary.selectors.periods import school_periods
from diary.services.finals import final_window_reopen
from diary.services.inspections import inspection_record
from diary.services.staffing import substitution_create
from diary.views.base import DiaryView, form_submit, journal_page_urls


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


urlpatterns = [
    path("administration/", OverviewView.as_view(), name="administration"),
    path("administration/substitutions/", SubstitutionsView.as_view(), name="substitutions"),
    path("administration/inspections/", InspectionsView.as_view(), name="inspections"),
    path("administration/final-windows/", FinalWindowsView.as_view(), name="final_windows"),
]
