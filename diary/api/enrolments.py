"""A student moved to another class of their school, by the administration (audited like every change)."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from diary import permissions
from diary.api.base import DiaryAPIView
from diary.api.serializers import MAX_ID
from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import SchoolClass
from diary.services.staffing import student_move


class StudentMoveInput(serializers.Serializer):
    # "class" is a Python keyword: the field is declared under another name and renamed in `get_fields`.
    class_ = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The id of a class of the school.")
    date = serializers.DateField(required=False, help_text="The first day in the new class; today if left out.")

    def get_fields(self):
        fields = super().get_fields()
        fields["class"] = fields.pop("class_")
        return fields


class MovedClass(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()


class StudentMoveOutput(serializers.Serializer):
    student = serializers.IntegerField()
    class_ = MovedClass()
    previous_class = MovedClass(allow_null=True)
    date_from = serializers.DateField()

    def get_fields(self):
        fields = super().get_fields()
        fields["class"] = fields.pop("class_")
        return fields


class StudentMoveView(DiaryAPIView):
    @extend_schema(operation_id="students_move", request=StudentMoveInput, responses={200: StudentMoveOutput})
    def post(self, request, pk: int):
        """Moves the student to another class of their school from a date (today if none is given): the current
        class's enrolment ends the day before, the history of both classes is kept, and the move joins the audit
        trail. For the school's administration; a class of another school, the student's own class or a date
        outside the class's academic year is refused with 400 and nothing changes."""
        student = permissions.visible_student(request.user, pk)  # D15: someone the caller may not see is not found
        if student is None:
            raise Http404
        data = StudentMoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not permissions.may_move_student(request.user, student):
            # Checked before the class is looked up, so that the answer tells nothing about the school's classes.
            raise DiaryPermissionDenied(_("Only the administration moves students between classes."))
        to_class = SchoolClass.objects.filter(pk=values["class"], school=student.school).select_related("year").first()
        if to_class is None:
            raise DiaryValidationError(
                _("Choose a class of this school."),
                code="unknown_class",
                fields={"class": [_("Choose a class of this school.")]},
            )
        on_date = values.get("date") or timezone.localdate()
        previous = permissions.current_class(student, on_date)
        enrolment = student_move(actor=request.user, student=student, to_class=to_class, on_date=on_date)
        return Response(
            {
                "student": student.pk,
                "class": {"id": to_class.pk, "code": to_class.code},
                "previous_class": {"id": previous.pk, "code": previous.code} if previous is not None else None,
                "date_from": enrolment.date_from,
            }
        )
