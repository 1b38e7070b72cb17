"""A journal's history of changes (D16): who, when, old, new, why, late — each value as a person reads it."""

import datetime as dt
import re

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.api.serializers import MAX_ID
from diary.exceptions import DiaryNotFound, DiaryPermissionDenied
from diary.models import Attendance, AuditEntry, FinalGrade, Journal, Period
from diary.permissions import may_read_journal_history, may_view_journal
from diary.selectors.journal import journal_enrolment, journal_history, journal_history_authors
from diary.views.base import DiaryView, journal_page_urls

HISTORY_PAGE_SIZE = 50
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FINAL_LABELS = {FinalGrade.NOT_ASSESSED: gettext_lazy("n/a"), FinalGrade.EXEMPT: gettext_lazy("exempt")}


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


urlpatterns = [
    path("journals/<int:pk>/history/", JournalHistoryView.as_view(), name="journal_history"),
]
