"""The homeroom teacher's screens (D4, D10, D11): the class list with guardians and contacts, the monthly data
check, subgroups, access-code slips, the class's attendance and progress, and one message to all guardians."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from diary.exceptions import DiaryError, DiaryNotFound, DiaryPermissionDenied
from diary.models import Guardian, SchoolClass
from diary.pdf import code_slips_pdf
from diary.permissions import may_manage_class
from diary.selectors.homeroom import class_page, class_split_choices, class_students, class_unused_codes_count
from diary.services.access import class_code_slips_issue, person_code_slip_issue
from diary.services.data_checks import data_check_record, guardian_contacts_update
from diary.services.messaging import class_guardians_message
from diary.services.staffing import SubgroupSpec, subgroups_split
from diary.views.base import DiaryView, form_submit, journal_page_urls


class DataCheckForm(forms.Form):
    corrections = forms.CharField(
        label=gettext_lazy("Corrections made (leave empty if everything is right)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ContactsForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("phone"), required=False, max_length=40)
    email = forms.CharField(label=gettext_lazy("e-mail"), required=False, max_length=254)


class ClassMessageForm(forms.Form):
    subject = forms.CharField(label=pgettext_lazy("message", "subject"), max_length=200)
    body = forms.CharField(label=gettext_lazy("message"), widget=forms.Textarea(attrs={"rows": 5}))


class SubgroupSplitForm(forms.Form):
    """D10: two subgroups for one subject and period; every student of the class goes into one of them."""

    subject = forms.TypedChoiceField(label=gettext_lazy("subject"), coerce=int)
    period = forms.TypedChoiceField(label=gettext_lazy("period"), coerce=int)
    name_1 = forms.CharField(label=gettext_lazy("First subgroup"), max_length=60, initial="1")
    teacher_1 = forms.TypedChoiceField(label=gettext_lazy("its teacher"), coerce=int)
    name_2 = forms.CharField(label=gettext_lazy("Second subgroup"), max_length=60, initial="2")
    teacher_2 = forms.TypedChoiceField(label=gettext_lazy("its teacher"), coerce=int)

    def __init__(self, *args, subjects, periods, teachers, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [(subject.pk, subject.name) for subject in subjects]
        self.fields["period"].choices = [(period.pk, str(period)) for period in periods]
        teacher_choices = [(teacher.pk, teacher.short_name) for teacher in teachers]
        self.fields["teacher_1"].choices = teacher_choices
        self.fields["teacher_2"].choices = teacher_choices
        self.students = students
        for student in students:
            self.fields[f"student_{student.pk}"] = forms.TypedChoiceField(
                label=student.short_name, choices=[(1, "1"), (2, "2")], coerce=int, initial=1,
                widget=forms.RadioSelect,
            )  # fmt: skip

    def student_fields(self):
        return [self[f"student_{student.pk}"] for student in self.students]


def homeroom_class(view: DiaryView, pk: int) -> SchoolClass:
    """The class, if the viewer is its homeroom teacher or the school's administration (D15); 404 for another
    school's class, 403 for a class that is not theirs."""
    school_class = (
        SchoolClass.objects.select_related("school", "year", "homeroom_teacher")
        .filter(pk=pk, school=view.school)
        .first()
    )
    if school_class is None:
        raise DiaryNotFound(_("There is no such class in your school."))
    if not may_manage_class(view.request.user, school_class):
        raise DiaryPermissionDenied(_("Only the class's homeroom teacher or the administration opens this page."))
    return school_class


class MyClassView(DiaryView):
    """The classes I lead; a teacher with one class goes straight to it."""

    def get(self, request):
        if self.staff is None:
            raise DiaryPermissionDenied(_("This page is for homeroom teachers."))
        classes = list(
            SchoolClass.objects.filter(homeroom_teacher=self.staff).select_related("year").order_by("-year__start")
        )
        current = [c for c in classes if c.year.start <= timezone.localdate() <= c.year.end] or classes
        if len(current) == 1:
            return redirect("diary:class", pk=current[0].pk)
        return render(request, "diary/homeroom/my_classes.html", {"classes": current})


class ClassView(DiaryView):
    """D11: the homeroom teacher's page of one class; every form on it posts to its own address and comes back."""

    template_name = "diary/homeroom/class.html"

    def get(self, request, pk: int):
        school_class = homeroom_class(self, pk)
        return self.render_page(request, school_class)

    def render_page(self, request, school_class: SchoolClass, status: int = 200, **forms_given):
        choices = class_split_choices(school_class)
        page = class_page(
            school_class=school_class, periods=choices.periods, period_key=request.GET.get("period"),
            today=timezone.localdate(),
        )  # fmt: skip
        journal_page_urls(page.journals)
        split_form = forms_given.get("split_form") or SubgroupSplitForm(
            subjects=choices.subjects, periods=choices.periods, teachers=choices.teachers, students=page.students
        )
        context = {
            "school_class": school_class,
            "page": page,
            "check_form": forms_given.get("check_form") or DataCheckForm(),
            "message_form": forms_given.get("message_form") or ClassMessageForm(),
            "split_form": split_form,
            "contacts_errors": forms_given.get("contacts_errors"),
            "unused_codes": class_unused_codes_count(school_class, students=page.students),
            "slips_error": forms_given.get("slips_error"),
        }
        return render(request, self.template_name, context, status=status)


class DataCheckView(ClassView):
    """D11: the teacher confirms the class's data is checked, optionally noting the corrections made."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        school_class = homeroom_class(self, pk)
        return form_submit(
            request, DataCheckForm(request.POST),
            lambda data: data_check_record(
                actor=request.user, school_class=school_class, corrections=data["corrections"]
            ),
            success=lambda check: _("The data check of %(date)s is recorded.")
            % {"date": check.checked_on.strftime("%d.%m.%Y")},
            redirect_to=reverse("diary:class", args=[pk]) + "#data-check",
            invalid=lambda form: self.render_page(request, school_class, status=400, check_form=form),
        )  # fmt: skip


class GuardianContactsView(ClassView):
    """D11: a guardian's phone and e-mail corrected from the class list; the change is audited."""

    http_method_names = ["post"]

    def post(self, request, pk: int, guardian_pk: int):
        school_class = homeroom_class(self, pk)
        guardian = Guardian.objects.filter(pk=guardian_pk, school=school_class.school).first()
        if guardian is None:
            raise DiaryNotFound(_("There is no such guardian in your school."))
        return form_submit(
            request, ContactsForm(request.POST),
            lambda data: guardian_contacts_update(
                actor=request.user, school_class=school_class, guardian=guardian,
                phone=data["phone"], email=data["email"],
            ),
            success=lambda _result: _("The contacts of %(name)s are saved.") % {"name": guardian.full_name},
            redirect_to=reverse("diary:class", args=[pk]) + f"#guardian-{guardian.pk}",
            invalid=lambda form: self.render_page(
                request, school_class, status=400, contacts_errors={"guardian": guardian.pk, "form": form}
            ),
        )  # fmt: skip


class SubgroupSplitView(ClassView):
    """D10: the class split into two subgroups for a subject at the start of a period."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        school_class = homeroom_class(self, pk)
        students = class_students(school_class)
        choices = class_split_choices(school_class)
        subjects, periods, teachers = choices.subjects, choices.periods, choices.teachers
        form = SubgroupSplitForm(request.POST, subjects=subjects, periods=periods, teachers=teachers, students=students)

        def split(data):
            by_pk = {teacher.pk: teacher for teacher in teachers}
            groups = [
                SubgroupSpec(
                    name=data[f"name_{number}"],
                    teacher=by_pk[data[f"teacher_{number}"]],
                    student_ids=[s.pk for s in students if data[f"student_{s.pk}"] == number],
                )
                for number in (1, 2)
            ]
            return subgroups_split(
                actor=request.user, school_class=school_class,
                subject=next(s for s in subjects if s.pk == data["subject"]),
                period=next(p for p in periods if p.pk == data["period"]), groups=groups,
            )  # fmt: skip

        return form_submit(
            request, form, split, success=lambda _journals: _("The class is split into subgroups."),
            redirect_to=reverse("diary:class", args=[pk]) + "#subgroups",
            invalid=lambda form: self.render_page(request, school_class, status=400, split_form=form),
        )  # fmt: skip


def slips_response(*, request, school_class, slips, name: str) -> HttpResponse:
    pdf = code_slips_pdf(school_class=school_class, slips=slips, site_address=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


class CodeSlipsView(ClassView):
    """D4: a PDF of fresh access-code slips for the class's students and guardians who have no account yet.

    Printing again voids every unused code printed before: while some still work, the teacher confirms it by
    ticking a box that names how many (`confirm_void` carries that number, so a print made meanwhile by someone
    else asks again). Without it nothing is issued and nothing is voided."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        school_class = homeroom_class(self, pk)
        unused = class_unused_codes_count(school_class)
        if unused and request.POST.get("confirm_void") != str(unused):
            error = ngettext(
                "%(count)s code printed before still works and would stop working. Tick the box to confirm.",
                "%(count)s codes printed before still work and would stop working. Tick the box to confirm.",
                unused,
            ) % {"count": unused}
            return self.render_page(request, school_class, status=400, slips_error=error)
        slips = class_code_slips_issue(actor=request.user, school_class=school_class)
        if not slips:
            messages.info(request, _("Every student and guardian of this class already has an account."))
            return redirect(reverse("diary:class", args=[pk]) + "#codes")
        return slips_response(request=request, school_class=school_class, slips=slips, name=f"codes-{school_class.pk}")


class PersonCodeSlipView(ClassView):
    """D4: one new slip for one student or guardian of the class (a lost slip); only their unused code stops
    working."""

    http_method_names = ["post"]

    def post(self, request, pk: int, kind: str, person_pk: int):
        school_class = homeroom_class(self, pk)
        try:
            slip = person_code_slip_issue(actor=request.user, school_class=school_class, kind=kind, person_id=person_pk)
        except DiaryPermissionDenied:
            raise
        except DiaryError as error:
            return self.render_page(request, school_class, status=error.status, slips_error=error.message)
        return slips_response(
            request=request, school_class=school_class, slips=[slip], name=f"code-{school_class.pk}-{kind}-{person_pk}"
        )


class ClassMessageView(ClassView):
    """D11: one message to all guardians of the class, through the internal mail."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        school_class = homeroom_class(self, pk)
        return form_submit(
            request, ClassMessageForm(request.POST),
            lambda data: class_guardians_message(
                sender=request.user, school_class=school_class, subject=data["subject"], body=data["body"]
            ),
            success=sent_message, redirect_to=reverse("diary:class", args=[pk]) + "#message",
            invalid=lambda form: self.render_page(request, school_class, status=400, message_form=form),
        )  # fmt: skip


def sent_message(thread) -> str:
    recipients = thread.participants.count() - 1
    return ngettext(
        "The message is sent to %(count)s guardian.", "The message is sent to %(count)s guardians.", recipients
    ) % {"count": recipients}


urlpatterns = [
    path("class/", MyClassView.as_view(), name="my_class"),
    path("classes/<int:pk>/", ClassView.as_view(), name="class"),
    path("classes/<int:pk>/data-check/", DataCheckView.as_view(), name="class_data_check"),
    path(
        "classes/<int:pk>/guardians/<int:guardian_pk>/contacts/",
        GuardianContactsView.as_view(),
        name="class_guardian_contacts",
    ),
    path("classes/<int:pk>/subgroups/", SubgroupSplitView.as_view(), name="class_subgroups"),
    path("classes/<int:pk>/code-slips/", CodeSlipsView.as_view(), name="class_code_slips"),
    path(
        "classes/<int:pk>/code-slips/<str:kind>/<int:person_pk>/",
        PersonCodeSlipView.as_view(),
        name="class_person_code_slip",
    ),
    path("classes/<int:pk>/message/", ClassMessageView.as_view(), name="class_message"),
]
