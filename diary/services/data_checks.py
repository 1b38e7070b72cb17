"""The homeroom teacher's monthly data check (D11): recorded with its date, at least once a month."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import DataCheck, SchoolClass
from diary.permissions import may_manage_class, staff_member_of

CORRECTIONS_MAX_LENGTH = 5000


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


def data_check_due(school_class: SchoolClass, today: dt.date | None = None) -> bool:
    """D11 (interpretation): due when no check was recorded in the current calendar month."""
    today = today or timezone.localdate()
    return not school_class.data_checks.filter(checked_on__year=today.year, checked_on__month=today.month).exists()
