"""Input serializers of the diary API (INTERFACES.md §3) and the final grade's value; the answers are in outputs.py."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from diary.models import Attendance, FinalGrade

# Ids are database keys: anything above this cannot exist, and some databases refuse to compare with it.
MAX_ID = 2**31 - 1


class LoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=150, min_length=1)
    password = serializers.CharField(max_length=4096, min_length=1, trim_whitespace=False)


class RedeemInput(serializers.Serializer):
    code = serializers.CharField(max_length=40, min_length=1)
    username = serializers.CharField(max_length=150, min_length=1)
    password = serializers.CharField(max_length=4096, min_length=1, trim_whitespace=False)


class RedeemLinkInput(serializers.Serializer):
    code = serializers.CharField(max_length=40, min_length=1)


class PersonOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ChildOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    # "class" is a Python keyword: the field is declared under another name and renamed in `fields`.
    class_ = serializers.CharField(allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["class"] = fields.pop("class_")
        return fields


class LinkOutput(serializers.Serializer):
    person = PersonOutput()
    children = ChildOutput(many=True)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class AccessCodeInput(serializers.Serializer):
    person_kind = serializers.ChoiceField(choices=["staff", "student", "guardian"])
    person_code = serializers.CharField(max_length=40, min_length=1)


class ClassInput(serializers.Serializer):
    def get_fields(self):
        # "class" is a Python keyword, so the field cannot be declared as an attribute.
        return {"class": serializers.CharField(max_length=10, min_length=1)}


class AccessCodeOutput(serializers.Serializer):
    code = serializers.CharField()
    expires_at = serializers.DateTimeField()


class CellChangeInput(serializers.Serializer):
    lesson = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    student = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    grades = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=100), max_length=2, required=False
    )
    attendance = serializers.ChoiceField(choices=Attendance.values, required=False)
    comment = serializers.CharField(max_length=300, allow_blank=True, required=False)
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, allow_null=True)


class MarksInput(serializers.Serializer):
    changes = CellChangeInput(many=True, allow_empty=False, max_length=2000)
    reason = serializers.CharField(max_length=300, allow_blank=True, required=False)


class LessonInput(serializers.Serializer):
    topic = serializers.CharField(max_length=500, allow_blank=True, required=False)
    homework = serializers.CharField(max_length=5000, allow_blank=True, required=False)


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["na", "exempt"]}]})
class FinalValueField(serializers.Field):
    default_error_messages = {"invalid": _("A final grade is a number, “na” or “exempt”.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class FinalInput(serializers.Serializer):
    student = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    value = FinalValueField()


class FinalsInput(serializers.Serializer):
    period = serializers.CharField(max_length=20, min_length=1)
    finals = FinalInput(many=True, allow_empty=False, max_length=200)
    reason = serializers.CharField(max_length=300, allow_blank=True, required=False)


class InspectionInput(serializers.Serializer):
    remarks = serializers.CharField(max_length=5000, allow_blank=True)


class SubstitutionInput(serializers.Serializer):
    journal = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    teacher = serializers.CharField(max_length=40, min_length=1)
    date_from = serializers.DateField()
    date_to = serializers.DateField()


class ThreadInput(serializers.Serializer):
    """`to` lists accounts; or `to_class` (a class code) writes to all guardians of that class (D11)."""

    to = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False, max_length=200, required=False
    )
    to_class = serializers.CharField(max_length=10, min_length=1, required=False)
    subject = serializers.CharField(max_length=200, min_length=1)
    body = serializers.CharField(max_length=10_000, min_length=1)

    def validate(self, attrs):
        if ("to" in attrs) == ("to_class" in attrs):
            raise serializers.ValidationError({"to": [_("Give either “to” or “to_class”.")]})
        return attrs


class MessageInput(serializers.Serializer):
    body = serializers.CharField(max_length=10_000, min_length=1)


class ReportInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["activity", "progress", "compliance"])
    period = serializers.CharField(max_length=20, required=False)
    month = serializers.RegexField(r"^\d{4}-\d{2}$", required=False)


class AnyObject(serializers.Serializer):
    """A JSON object described in INTERFACES.md §3 (documented there field by field)."""


def final_value(final: FinalGrade | None):
    if final is None:
        return None
    return final.grade if final.grade is not None else final.value
