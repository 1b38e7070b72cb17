"""The school's data in the Wagtail admin: each school's administration sees and corrects only its own rows.

Nothing is deleted from here (D16). Marks, attendance, finals and lessons are changed through the diary's
services (journal pages and API), so that every change is validated and audited; here they are read-only.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views.generic.models import EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from diary import models
from diary.permissions import administered_school_ids
from diary.services.audit import admin_edit_record
from diary.services.privacy import student_view_log


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
        viewset(
            models.Student,
            "user",
            ["full_name", "code", "birth_date"],
            search_fields=["last_name", "first_name"],
            form_fields=["last_name", "first_name", "patronymic", "birth_date"],
        ),
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
