"""The school's data in the Wagtail admin: each school's administration sees and corrects only its own rows.

Nothing is deleted from here (D16). Marks, attendance, finals and lessons are changed through the diary's
services (journal pages and API), so that every change is validated and audited; here they are read-only. A
student is moved to another class from their row ("Move to another class"), through the same service as the API.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from diary import models
from diary.calendar import local_date
from diary.exceptions import DiaryError
from diary.permissions import administered_school_ids, current_class, may_move_student
from diary.selectors.administration import school_classes_on
from diary.services.audit import admin_edit_record
from diary.services.privacy import student_view_log
from diary.services.staffing import student_move


class SchoolScopedPolicy(ModelPermissionPolicy):
    """Django model permissions, minus deletion (D16) and minus writes to what only services may write."""

    def __init__(self, model, *, read_only: bool = False):
        super().__init__(model)
        self.read_only = read_only

    def user_has_permission(self, user, action):
        # Rows are created by the workbook import and the services, which know which school they belong to.
        if action in ("delete", "add", "copy") or (self.read_only and action == "change"):
            return False
        if action == "view":
            return bool(user.is_superuser or administered_school_ids(user)) and user.is_active
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def _scope(queryset, user):
    if user.is_superuser:
        return queryset
    field = "pk" if queryset.model is models.School else "school_id"
    return queryset.filter(**{f"{field}__in": administered_school_ids(user)})


class ScopedIndexView(IndexView):
    def get_base_queryset(self):
        return _scope(super().get_base_queryset(), self.request.user)


class ScopedEditView(EditView):
    def get_queryset(self):
        return _scope(self.model._default_manager.all(), self.request.user)

    def save_instance(self):
        # D16: an admin correction is audited like the services' changes, in the same transaction.
        old = {name: self.form.initial.get(name) for name in self.form.changed_data}
        with transaction.atomic():
            instance = super().save_instance()
            admin_edit_record(actor=self.request.user, instance=instance, old=old)
        return instance


class ScopedInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(_scope(self.model._default_manager.all(), self.request.user), pk=self.pk)

    def get(self, request, *args, **kwargs):
        if isinstance(self.object, models.Student):
            # Personal data: opening a student's record in the admin is a view of it, logged like the diary's.
            student_view_log(user=request.user, student=self.object, what=models.StudentAccessLog.What.DETAIL)
        return super().get(request, *args, **kwargs)


def move_url(student) -> str:
    return reverse("diary_student:move", args=[student.pk])


class StudentIndexView(ScopedIndexView):
    def get_base_queryset(self):
        # may_move_student reads each row's school: fetched with the rows, not once per row.
        return super().get_base_queryset().select_related("school")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if may_move_student(self.request.user, instance):
            buttons.append(Button(_("Move to another class"), url=move_url(instance), icon_name="arrow-right"))
        return buttons


class StudentInspectView(ScopedInspectView):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if may_move_student(self.request.user, self.object):
            buttons.append(Button(_("Move to another class"), url=move_url(self.object), icon_name="arrow-right"))
        return buttons


class StudentMoveForm(forms.Form):
    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        # The names are those of the service's refusals, so that each shows beside its own field.
        self.fields["class"] = forms.TypedChoiceField(
            label=_("new class"), coerce=int, choices=[(c.pk, f"{c.code} ({c.year})") for c in classes]
        )
        self.fields["date"] = forms.DateField(
            label=_("in the new class from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        )


class StudentMoveView(WagtailAdminTemplateMixin, FormView):
    """A student moved to another class of their school from a date, by the school's administration: the service
    `student_move` checks it (another school's class, the same class, a date outside the class's year are refused
    with a message and nothing changes) and audits it."""

    template_name = "wagtailadmin/generic/form.html"
    form_class = StudentMoveForm
    header_icon = "user"
    page_title = _("Move to another class")

    def dispatch(self, request, pk: int):
        queryset = _scope(models.Student.objects.select_related("school"), request.user)
        self.student = get_object_or_404(queryset, pk=pk)
        if not may_move_student(request.user, self.student):
            raise PermissionDenied
        self.classes = school_classes_on(self.student.school, timezone.localdate())
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return self.student.full_name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("diary_student:index"), "label": models.Student._meta.verbose_name_plural},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "classes": self.classes}

    def get_initial(self):
        now = current_class(self.student)
        return {"date": timezone.localdate(), "class": now.pk if now is not None else None}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = self.request.path
        context["submit_button_label"] = pgettext_lazy("student move", "Move")
        context["submit_button_active_label"] = _("Moving…")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        to_class = next(c for c in self.classes if c.pk == data["class"])
        try:
            student_move(actor=self.request.user, student=self.student, to_class=to_class, on_date=data["date"])
        except DiaryError as error:
            messages.error(self.request, error.message)
            for field, field_messages in error.fields.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            self.request,
            gettext("%(name)s is moved to class %(class)s from %(date)s.")
            % {"name": self.student.full_name, "class": to_class.code, "date": local_date(data["date"])},
        )
        return redirect("diary_student:index")

    def form_invalid(self, form):
        messages.error(self.request, gettext("The student was not moved: correct the fields below."))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DiaryModelViewSet(ModelViewSet):
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    inspect_view_class = ScopedInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_admin_menu = False
    read_only = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        register_permission_policy(self.model, SchoolScopedPolicy(self.model, read_only=self.read_only))


def viewset(
    model, icon, list_display, *, read_only=False, form_fields=None, search_fields=None, list_filter=None,
    only_form_fields=False,
):  # fmt: skip
    """A school-scoped admin screen for one diary model; `form_fields` are the ones administration may correct."""
    attributes = {
        "model": model,
        "icon": icon,
        "list_display": list_display,
        "read_only": read_only,
        "form_fields": form_fields or [],
        "exclude_form_fields": None if form_fields else [field.name for field in model._meta.concrete_fields],
        "search_fields": search_fields,
        "list_filter": list_filter or [],
        "name": f"diary_{model._meta.model_name}",
        "url_prefix": f"diary/{model._meta.model_name}",
    }
    if only_form_fields:
        # The form shows these fields and no other (without it, the model's panels decide).
        attributes["panels"] = [FieldPanel(name) for name in form_fields]
    return type(f"{model.__name__}ViewSet", (DiaryModelViewSet,), attributes)()


class StudentViewSet(DiaryModelViewSet):
    """Students: their names corrected, and their move to another class (`move/<pk>/`)."""

    model = models.Student
    icon = "user"
    list_display = ["full_name", "code", "birth_date"]
    search_fields = ["last_name", "first_name"]
    form_fields = ["last_name", "first_name", "patronymic", "birth_date"]
    name = "diary_student"
    url_prefix = "diary/student"
    index_view_class = StudentIndexView
    inspect_view_class = StudentInspectView

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("move/<int:pk>/", StudentMoveView.as_view(), name="move")]


class DiaryViewSetGroup(ModelViewSetGroup):
    menu_label = _("Diary")
    menu_icon = "clipboard-list"
    menu_order = 250
    items = [
        viewset(
            models.School,
            "home",
            ["name", "code"],
            form_fields=[
                "name_ky",
                "name_ru",
                "scale_min",
                "scale_max",
                # D7, D9: the final-grade window's length and the mark-free grade levels are fixed rules, changed
                # only by the director with a reason (diary/services/school_rules.py), never on this screen.
                "final_rounding_threshold",
            ],
            only_form_fields=True,
        ),
        viewset(models.Period, "date", ["__str__", "start", "end"], form_fields=["start", "end"]),
        viewset(models.Holiday, "date", ["__str__", "start", "end"], form_fields=["name", "start", "end"]),
        viewset(models.Subject, "doc-full", ["name", "code"], form_fields=["name_ky", "name_ru"]),
        viewset(
            models.StaffMember,
            "user",
            ["full_name", "code", "post"],
            search_fields=["last_name", "first_name"],
            form_fields=[
                "last_name",
                "first_name",
                "patronymic",
                "post_ky",
                "post_ru",
                "email",
                "phone",
                "education_ky",
                "education_ru",
                "specialty_ky",
                "specialty_ru",
                "qualification_ky",
                "qualification_ru",
                "professional_development_ky",
                "professional_development_ru",
                "experience_total",
                "experience_specialty",
                "publications_ky",
                "publications_ru",
            ],
        ),
        viewset(
            models.SchoolClass, "group", ["code", "grade", "homeroom_teacher", "language"], form_fields=["language"]
        ),
        StudentViewSet(),
        viewset(
            models.Guardian,
            "user",
            ["full_name", "code", "phone", "email"],
            search_fields=["last_name", "first_name"],
            form_fields=["last_name", "first_name", "patronymic", "phone", "email"],
        ),
        viewset(models.Journal, "clipboard-list", ["__str__", "teacher"], read_only=True),
        viewset(models.Substitution, "user", ["journal", "teacher", "date_from", "date_to"], read_only=True),
        viewset(
            models.AuditEntry, "history", ["at", "by", "journal", "field", "old", "new", "is_late"], read_only=True
        ),
        # D14: report runs with their status, how long the build took and why it failed.
        viewset(
            models.ReportRun,
            "doc-full-inverse",
            ["__str__", "status", "started_at", "finished_at", "duration", "attempts", "error"],
            read_only=True,
            list_filter=["kind", "status"],
        ),
        viewset(
            models.StudentAccessLog,
            "view",
            ["at", "viewer", "student", "what"],
            read_only=True,
            list_filter=["what"],
        ),
    ]


@hooks.register("register_admin_viewset")
def register_diary_viewsets():
    return DiaryViewSetGroup()
