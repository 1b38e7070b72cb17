"""The homeroom teacher's monthly data check (D11): recorded with its date, at least once a month."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import AuditEntry, DataCheck, Guardian, SchoolClass
from diary.permissions import may_manage_class, staff_member_of
from diary.selectors.homeroom import class_students
from diary.services.audit import audit_entries_add, audit_entry

CORRECTIONS_MAX_LENGTH = 5000
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()\-]{4,38}$")


@transaction.atomic
def data_check_record(
    *, actor, school_class: SchoolClass, corrections: str = "", on: dt.date | None = None
) -> DataCheck:
    """D11: the class's homeroom teacher (or the administration) confirms the class's data is checked today."""
    if not may_manage_class(actor, school_class):
        raise DiaryPermissionDenied(_("Only the class's homeroom teacher or the administration checks its data."))
    if not isinstance(corrections, str) or len(corrections) > CORRECTIONS_MAX_LENGTH:
        raise DiaryValidationError(
            _("The data check was not saved."),
            fields={"corrections": [_("Corrections are text of at most 5000 characters.")]},
        )
    check = DataCheck(
        school=school_class.school,
        school_class=school_class,
        checked_by=staff_member_of(actor, school_class.school),
        checked_on=on or timezone.localdate(),
        corrections=corrections.strip(),
    )
    check.full_clean()
    check.save()
    return check


@transaction.atomic
def guardian_contacts_update(
    *, actor, school_class: SchoolClass, guardian: Guardian, phone: str, email: str, at: dt.datetime | None = None
) -> Guardian:
    """D11: during the data check the homeroom teacher corrects a guardian's phone and e-mail; audited (D16).

    Only guardians of a student currently in the class; an empty value clears the contact.
    """
    at = at or timezone.now()
    if not may_manage_class(actor, school_class):
        raise DiaryPermissionDenied(_("Only the class's homeroom teacher or the administration checks its data."))
    linked = [student for student in class_students(school_class) if guardian in student.guardians.all()]
    if not linked or guardian.school_id != school_class.school_id:
        raise DiaryPermissionDenied(_("This guardian has no child in this class."))
    phone = phone.strip() if isinstance(phone, str) else None
    email = email.strip() if isinstance(email, str) else None
    errors: dict[str, list[str]] = {}
    if phone is None or (phone and not PHONE_PATTERN.match(phone)):
        errors["phone"] = [_("Write a phone number: digits, spaces, brackets and dashes, e.g. +996 555 12 34 56.")]
    if email is None or len(email) > 254:
        errors["email"] = [_("Write a valid e-mail address.")]
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Write a valid e-mail address.")]
    if errors:
        raise DiaryValidationError(_("The contacts were not saved."), fields=errors)
    old = {"phone": guardian.phone, "email": guardian.email}
    new = {"phone": phone, "email": email}
    if old == new:
        return guardian
    guardian.phone, guardian.email = phone, email
    guardian.full_clean()
    guardian.save(update_fields=["phone", "email", "updated_at"])
    audit_entries_add(
        [
            audit_entry(
                school_id=school_class.school_id, at=at, by=actor, field=AuditEntry.Field.CONTACTS,
                old={"guardian": guardian.code, **old}, new={"guardian": guardian.code, **new},
                student_id=linked[0].pk, reason=_("monthly data check"),
            )
        ]
    )  # fmt: skip
    return guardian
