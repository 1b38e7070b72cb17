"""Which report runs, and which part of each, a person sees (D14, D15)."""

from dataclasses import dataclass

from diary.models import (
    Journal,
    ReportRun,
    School,
    SchoolClass,
)
from diary.permissions.people import User, staff_member_of


@dataclass(frozen=True)
class ReportScope:
    """D15: the part of a report one viewer may see. `whole` for the administration; otherwise the viewer's own
    journals (as a subject teacher), their own classes (as a homeroom teacher) and their own compliance row."""

    whole: bool
    staff_id: int | None = None
    journal_ids: frozenset[int] = frozenset()
    class_codes: frozenset[str] = frozenset()


def report_scope(user: User, run) -> ReportScope | None:
    """D14, D15: who may read a report and its files. Administration: every report of the school. A teacher or
    homeroom teacher: the progress and compliance reports, cut down to their journals and classes. Nobody else."""
    staff = staff_member_of(user, run.school)
    if staff is None:
        return None
    if staff.is_administration:
        return ReportScope(whole=True, staff_id=staff.pk)
    if run.kind == "activity":
        return None
    journals = Journal.objects.filter(school=run.school, teacher=staff).values_list("pk", flat=True)
    classes = SchoolClass.objects.filter(school=run.school, homeroom_teacher=staff)
    if run.period_id:
        classes = classes.filter(year_id=run.period.year_id)
    return ReportScope(
        whole=False,
        staff_id=staff.pk,
        journal_ids=frozenset(journals),
        class_codes=frozenset(classes.values_list("code", flat=True)),
    )


def report_runs_visible_to(user: User, school: School):
    """D14, D15: the report runs listed to a viewer, as `report_scope` decides them: every run of the school for
    the administration, the progress and compliance runs for the school's other staff, nothing for anyone else."""
    staff = staff_member_of(user, school)
    if staff is None:
        return ReportRun.objects.none()
    runs = ReportRun.objects.filter(school=school)
    return runs if staff.is_administration else runs.exclude(kind=ReportRun.Kind.ACTIVITY)
