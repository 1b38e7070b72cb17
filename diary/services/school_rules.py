"""The school's fixed rules (D7 final-grade window, D9 mark-free grade levels): changed by the director only."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import AuditEntry, School
from diary.permissions import may_change_school_rules
from diary.services.audit import audit_entries_add, audit_entry
from diary.services.freshness import school_changed


@transaction.atomic
def school_rules_change(
    *,
    actor,
    school: School,
    reason: str,
    final_window_days: int | None = None,
    no_marks_grades: list[int] | None = None,
    at: dt.datetime | None = None,
) -> School:
    """D7, D9: the final-grade window's length and the mark-free grade levels are fixed rules of the regulation;
    only the school's director changes them, with a reason, and the change is audited (D16)."""
    at = at or timezone.now()
    if not may_change_school_rules(actor, school):
        raise DiaryPermissionDenied(_("Only the director changes the school's fixed rules."))
    errors = {}
    if not reason or not reason.strip():
        errors["reason"] = [_("Required.")]
    if final_window_days is not None and (
        not isinstance(final_window_days, int)
        or isinstance(final_window_days, bool)
        or not 0 <= final_window_days <= 30
    ):
        errors["final_window_days"] = [_("A number of days from 0 to 30.")]
    if no_marks_grades is not None and (
        not isinstance(no_marks_grades, list)
        or any(not isinstance(g, int) or isinstance(g, bool) or not 1 <= g <= 12 for g in no_marks_grades)
    ):
        errors["no_marks_grades"] = [_("Grade levels from 1 to 12.")]
    if errors:
        raise DiaryValidationError(_("The school's rules were not changed."), fields=errors)
    old = {"final_window_days": school.final_window_days, "no_marks_grades": school.no_marks_grades}
    if final_window_days is not None:
        school.final_window_days = final_window_days
    if no_marks_grades is not None:
        school.no_marks_grades = sorted(set(no_marks_grades))
    new = {"final_window_days": school.final_window_days, "no_marks_grades": school.no_marks_grades}
    if new == old:
        return school
    school.full_clean()
    school.save(update_fields=["final_window_days", "no_marks_grades"])
    school_changed(school_id=school.pk)
    audit_entries_add(
        [
            audit_entry(
                school_id=school.pk, at=at, by=actor, field=AuditEntry.Field.SCHOOL_RULES, old=old, new=new,
                reason=reason.strip(),
            )
        ]
    )  # fmt: skip
    return school
