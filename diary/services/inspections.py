"""Journal inspection (D12): the director and deputies record that they checked a journal, with remarks."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import Inspection, Journal
from diary.permissions import is_inspector, staff_member_of

REMARKS_MAX_LENGTH = 5000


@transaction.atomic
def inspection_record(*, actor, journal: Journal, remarks: str, at: dt.datetime | None = None) -> Inspection:
    if not is_inspector(actor, journal.school):
        raise DiaryPermissionDenied(_("Only the director and deputy directors inspect journals."))
    if not isinstance(remarks, str) or len(remarks) > REMARKS_MAX_LENGTH:
        raise DiaryValidationError(
            _("The inspection was not saved."), fields={"remarks": [_("Remarks are text of at most 5000 characters.")]}
        )
    inspection = Inspection(
        school=journal.school,
        journal=journal,
        inspector=staff_member_of(actor, journal.school),
        at=at or timezone.now(),
        remarks=remarks.strip(),
    )
    inspection.full_clean()
    inspection.save()
    return inspection
