"""What the public pages read from the diary (W2): one source of truth, in a constant number of queries.

Only staff records and counts are read; no pupil's personal data ever reaches the public site (W5).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from diary.models import AcademicYear, Enrolment, School, StaffMember, Subject


def school_for_site(site) -> School | None:
    if site is None:
        return None
    return School.objects.filter(site_id=site.pk).order_by("pk").first()


@dataclass
class PublicStaffMember:
    staff: StaffMember
    subjects: list[str] = field(default_factory=list)


def public_staff(school: School | None, *, roles: set[str]) -> list[PublicStaffMember]:
    """Active staff holding any of `roles`, with the subjects they teach (2 queries: the staff, then one row per
    teacher and subject, not one object per journal)."""
    if school is None:
        return []
    # W4: a staff member appears once a site administrator confirmed the checklist (cms/services/staff_publication).
    staff = StaffMember.objects.filter(
        school=school, archived_at__isnull=True, public_checked_at__isnull=False
    ).order_by("last_name", "first_name")
    shown = [member for member in staff if roles.intersection(member.roles)]
    taught = (
        Subject.objects.filter(
            journals__teacher__in=[member.pk for member in shown], journals__archived_at__isnull=True
        )
        .annotate(teacher_pk=F("journals__teacher_id"))
        .only(*(f"name_{code}" for code, _name in settings.LANGUAGES), "name")
        .distinct()
    )
    subjects: dict[int, set[str]] = defaultdict(set)
    for subject in taught if shown else ():
        subjects[subject.teacher_pk].add(subject.name)
    return [PublicStaffMember(staff=member, subjects=sorted(subjects[member.pk])) for member in shown]


def leadership(school: School | None) -> list[PublicStaffMember]:
    """W1 `leadership`: the director first, then the deputies."""
    people = public_staff(school, roles={"director", "deputy"})
    return sorted(people, key=lambda person: (not person.staff.has_role("director"), person.staff.last_name))


def students_per_grade(school: School | None) -> dict[int, int]:
    """Students enrolled today, per grade level, counted in the database (1 query)."""
    if school is None:
        return {}
    today = timezone.localdate()
    rows = (
        Enrolment.objects.filter(school=school, date_from__lte=today)
        .filter(Q(date_to__isnull=True) | Q(date_to__gte=today))
        .values("school_class__grade")
        .annotate(students=Count("student", distinct=True))
    )
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        counts[row["school_class__grade"]] += row["students"]
    return dict(counts)


def students_in_grades(counts: dict[int, int], grade_from: int, grade_to: int) -> int:
    return sum(number for grade, number in counts.items() if grade_from <= grade <= grade_to)


def subjects_per_grade(school: School | None) -> dict[int, list[Subject]]:
    """W1, W2: the subjects taught per grade level in the school's current year, from its teaching assignments (the
    diary's journals), never retyped (2 queries)."""
    if school is None:
        return {}
    year = AcademicYear.objects.filter(school=school, start__lte=timezone.localdate()).order_by("-start").first()
    if year is None:
        return {}
    taught = (
        Subject.objects.filter(journals__school_class__year=year, journals__archived_at__isnull=True)
        .annotate(grade=F("journals__school_class__grade"))
        .distinct()
        .order_by("grade", "code")
    )
    subjects: dict[int, list[Subject]] = defaultdict(list)
    for subject in taught:
        subjects[subject.grade].append(subject)
    return dict(subjects)


def subjects_in_grades(subjects: dict[int, list[Subject]], grade_from: int, grade_to: int) -> list[Subject]:
    """The programme's subjects (grades `grade_from`–`grade_to`), each once, by name."""
    chosen = {
        subject.pk: subject
        for grade, taught in subjects.items()
        if grade_from <= grade <= grade_to
        for subject in taught
    }
    return sorted(chosen.values(), key=lambda subject: subject.name)
