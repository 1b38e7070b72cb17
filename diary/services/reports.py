"""Report runs (D14): asking for a report records one run per (school, kind, period or month)."""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import Period, ReportRun, School
from diary.permissions import is_administration, staff_member_of

MONTH_PATTERN = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


def report_key(*, school: School, kind: str, period: Period | None, month: str) -> str:
    return f"{school.pk}:{kind}:{period.key if period else month}"


@transaction.atomic
def report_request(*, actor, school: School, kind: str, period: Period | None = None, month: str = "") -> ReportRun:
    """The run for this report, created the first time it is asked for; asking again returns the same run."""
    staff = staff_member_of(actor, school)
    if staff is None:
        raise DiaryPermissionDenied(_("Only the school's staff may ask for reports."))
    if kind not in ReportRun.Kind.values:
        raise DiaryValidationError(
            _("Unknown report."), fields={"kind": [_("Choose activity, progress or compliance.")]}
        )
    if kind == ReportRun.Kind.ACTIVITY:
        if not is_administration(actor, school):
            raise DiaryPermissionDenied(_("Only the administration may ask for the activity report."))
        if not MONTH_PATTERN.match(month or ""):
            raise DiaryValidationError(_("Unknown report."), fields={"month": [_("Give a month as YYYY-MM.")]})
        period = None
    else:
        if period is None:
            raise DiaryValidationError(_("Unknown report."), fields={"period": [_("Choose a period.")]})
        month = ""
    key = report_key(school=school, kind=kind, period=period, month=month)
    run = ReportRun.objects.filter(key=key).first()
    if run is not None:
        return run
    try:
        with transaction.atomic():
            return ReportRun.objects.create(
                school=school, kind=kind, period=period, month=month, key=key, requested_by=actor
            )
    except IntegrityError:
        return ReportRun.objects.get(key=key)
