"""Importing a school workbook (INTERFACES.md §2): validate everything first, then write it all or nothing.

Idempotent by the `code` columns: a second import of the same workbook changes nothing; a changed workbook
updates rows in place. Lessons are generated from the timetable on every matching date inside the periods,
holidays skipped.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.exceptions import DiaryValidationError
from diary.models import (
    AcademicYear,
    Enrolment,
    Guardian,
    GuardianLink,
    Holiday,
    Journal,
    Lesson,
    Period,
    School,
    SchoolClass,
    StaffMember,
    Student,
    Subgroup,
    SubgroupMembership,
    Subject,
)
from diary.services.freshness import school_changed, school_changes_deferred
from diary.services.school_import_checks import WorkbookChecker
from diary.workbook import Problem, Row


class WorkbookInvalid(DiaryValidationError):
    code = "workbook_invalid"

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(_("The workbook has %(count)s problem(s); nothing was imported.") % {"count": len(problems)})


@dataclass
class ImportSummary:
    school: School | None = None
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dry_run: bool = False


def _sync(model, existing: dict, key, values: dict, summary: ImportSummary, **create_extra):
    """Creates the row, or updates only the fields that differ (so a re-import changes nothing)."""
    label = model._meta.model_name
    instance = existing.get(key)
    if instance is None:
        instance = model.objects.create(**values, **create_extra)
        existing[key] = instance
        summary.created[label] += 1
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=[*changed, *(["updated_at"] if hasattr(instance, "updated_at") else [])])
        summary.updated[label] += 1
    return instance


def _sync_rows(model, existing: dict, rows: list[tuple], summary: ImportSummary) -> list:
    """`_sync` for many rows of one model, `(key, values, create_extra)` each: the new ones in one bulk INSERT (a
    school's students, guardians and their links are thousands of rows), the changed ones saved one by one."""
    label = model._meta.model_name
    new, pending = [], set()
    for key, values, extra in rows:
        if key not in existing and key not in pending:
            pending.add(key)
            new.append((key, model(**values, **extra)))
    model.objects.bulk_create([instance for _key, instance in new], batch_size=500)
    for key, instance in new:
        existing[key] = instance
    summary.created[label] += len(new)
    created = {key for key, _instance in new}
    result = []
    for key, values, extra in rows:
        if key not in created:
            _sync(model, existing, key, values, summary, **extra)
        result.append(existing[key])
    return result


# Rows per executemany() call: a year of lessons of a large school is sent in a few round trips.
LESSON_BATCH = 5000
LESSON_COLUMNS = ("school", "journal", "date", "lesson_no", "topic", "homework", "created_at", "updated_at")


def _lessons_insert(lessons: list[tuple[int, dt.date, int]], school: School) -> None:
    """A year of lessons (40,000 for a 1,000-student school) as one parameterised INSERT run with the DB-API's
    executemany(): bulk_create builds and signals a model instance and prepares every field of every row, which
    was most of the import's time. The values are prepared by the model's own fields, once per distinct value."""
    fields = [Lesson._meta.get_field(name) for name in LESSON_COLUMNS]
    date_field = Lesson._meta.get_field("date")
    now = timezone.now()
    stamp = fields[-1].get_db_prep_save(now, connection)
    days = {day: date_field.get_db_prep_save(day, connection) for day in {day for _journal, day, _no in lessons}}
    quote = connection.ops.quote_name
    statement = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model, values bound)
        quote(Lesson._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [(school.pk, journal_id, days[day], number, "", "", stamp, stamp) for journal_id, day, number in lessons]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), LESSON_BATCH):
            cursor.executemany(statement, rows[start : start + LESSON_BATCH])


def _lesson_dates(year: AcademicYear, periods: list[Period], holidays: list[Holiday]) -> dict[int, list[dt.date]]:
    """Teaching days of the year by ISO weekday (1 = Monday): inside a period, outside every holiday."""
    finest = [p for p in periods if p.kind == Period.Kind.QUARTER] or [p for p in periods if p.kind == Period.Kind.HALF]
    finest = finest or periods
    days: dict[int, list[dt.date]] = defaultdict(list)
    day = year.start
    while day <= year.end:
        in_period = any(p.start <= day <= p.end for p in finest)
        on_holiday = any(h.start <= day <= h.end for h in holidays)
        if in_period and not on_holiday:
            days[day.isoweekday()].append(day)
        day += dt.timedelta(days=1)
    return days


@transaction.atomic
@school_changes_deferred()
def school_import(
    *,
    sheets: dict[str, list[Row]],
    read_problems: list[Problem] = (),
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportSummary:
    """Validates the whole workbook, then writes it; any problem raises WorkbookInvalid and writes nothing."""
    validator = WorkbookChecker(sheets)
    validator.problems.extend(read_problems)
    data = validator.check()
    if validator.problems:
        raise WorkbookInvalid(validator.problems)
    info = data.school
    if info["hostname"]:
        # A workbook never takes another school's website: its address is refused, before anything is written.
        owner = School.objects.filter(site__hostname=info["hostname"]).exclude(code=info["code"]).first()
        if owner is not None:
            message = _("The website address %(hostname)s belongs to another school (%(code)s).") % {
                "hostname": info["hostname"],
                "code": owner.code,
            }
            raise WorkbookInvalid([Problem("school", info["hostname_row"], "value", message)])
    today = today or timezone.localdate()
    summary = ImportSummary(dry_run=dry_run)

    schools = {school.code: school for school in School.objects.filter(code=info["code"])}
    school = _sync(
        School,
        schools,
        info["code"],
        {"name_ky": info["name_ky"], "name_ru": info["name_ru"], "no_marks_grades": info["no_marks_grades"]},
        summary,
        code=info["code"],
        name=info["name_ky"],
    )
    summary.school = school
    if info["hostname"]:
        from cms.services.disclosure import site_structure_ensure
        from cms.services.sites import school_site_ensure

        first_school_site = not School.objects.exclude(pk=school.pk).filter(site__isnull=False).exists()
        site = school_site_ensure(
            hostname=info["hostname"], title_ky=info["name_ky"], title_ru=info["name_ru"], is_default=first_school_site
        )
        if school.site_id != site.pk:
            school.site = site
            school.save(update_fields=["site"])
        # A new school's website starts with every mandated section (W1), news, feedback and the site map.
        site_structure_ensure(site=site)

    owned = {"school": school}
    years = {year.start: year for year in AcademicYear.objects.filter(school=school)}
    year = _sync(
        AcademicYear, years, info["year_start"], {"end": info["year_end"]}, summary, start=info["year_start"], **owned
    )

    periods = {(p.kind, p.number): p for p in Period.objects.filter(year=year)}
    for item in data.periods:
        _sync(
            Period,
            periods,
            (item["kind"], item["number"]),
            {"start": item["start"], "end": item["end"]},
            summary,
            year=year,
            kind=item["kind"],
            number=item["number"],
            **owned,
        )
    holidays = {(h.start, h.end): h for h in Holiday.objects.filter(year=year)}
    for item in data.holidays:
        _sync(
            Holiday,
            holidays,
            (item["start"], item["end"]),
            {"name": item["name"]},
            summary,
            year=year,
            start=item["start"],
            end=item["end"],
            **owned,
        )

    subjects = {s.code: s for s in Subject.objects.filter(school=school)}
    for item in data.subjects:
        _sync(
            Subject,
            subjects,
            item["code"],
            {"name_ky": item["name_ky"], "name_ru": item["name_ru"]},
            summary,
            code=item["code"],
            name=item["name_ky"],
            **owned,
        )
    staff = {s.code: s for s in StaffMember.objects.filter(school=school)}
    for item in data.staff:
        values = {key: value for key, value in item.items() if key != "code"}
        values = {
            key: ("" if value is None and key not in ("experience_total", "experience_specialty") else value)
            for key, value in values.items()
        }
        _sync(StaffMember, staff, item["code"], values, summary, code=item["code"], **owned)
    classes = {c.code: c for c in SchoolClass.objects.filter(year=year)}
    for item in data.classes:
        _sync(
            SchoolClass,
            classes,
            item["code"],
            {"grade": item["grade"], "homeroom_teacher": staff[item["homeroom"]], "language": item["language"]},
            summary,
            code=item["code"],
            year=year,
            **owned,
        )

    students = {s.code: s for s in Student.objects.filter(school=school)}
    enrolments: dict[int, Enrolment] = {}
    for enrolment in Enrolment.objects.filter(school_class__year=year).order_by("date_from"):
        if enrolment.date_to is None or enrolment.date_to >= today:
            enrolments[enrolment.student_id] = enrolment
    move_date = min(max(today, year.start), year.end)
    first_import = not enrolments and not Enrolment.objects.filter(school_class__year=year).exists()
    synced = _sync_rows(
        Student,
        students,
        [
            (item["code"], {k: item[k] for k in ("last_name", "first_name", "patronymic", "birth_date")},
             {"code": item["code"], **owned})
            for item in data.students
        ],
        summary,
    )  # fmt: skip
    new_enrolments = []
    for item, student in zip(data.students, synced, strict=True):
        target = classes[item["class"]]
        current = enrolments.get(student.pk)
        if current is None:
            # The first import enrols everyone from the year's start; a student added later joins from today.
            joined = year.start if first_import else move_date
            new_enrolments.append(Enrolment(student=student, school_class=target, date_from=joined, **owned))
            summary.created["enrolment"] += 1
        elif current.school_class_id != target.pk:
            # A changed class in the workbook is a move from today; the old enrolment's history stays.
            if current.date_from >= move_date:
                current.school_class = target
                current.save(update_fields=["school_class", "updated_at"])
            else:
                current.date_to = move_date - dt.timedelta(days=1)
                current.save(update_fields=["date_to", "updated_at"])
                new_enrolments.append(Enrolment(student=student, school_class=target, date_from=move_date, **owned))
            summary.updated["enrolment"] += 1
    Enrolment.objects.bulk_create(new_enrolments, batch_size=500)

    guardians = {g.code: g for g in Guardian.objects.filter(school=school)}
    links = {(link.guardian_id, link.student_id): link for link in GuardianLink.objects.filter(school=school)}
    synced_guardians = _sync_rows(
        Guardian,
        guardians,
        [
            (item["code"], {k: item[k] for k in ("last_name", "first_name", "patronymic", "phone", "email")},
             {"code": item["code"], **owned})
            for item in data.guardians
        ],
        summary,
    )  # fmt: skip
    _sync_rows(
        GuardianLink,
        links,
        [
            ((guardian.pk, students[child].pk), {"relation": item["relation"]},
             {"guardian": guardian, "student": students[child], **owned})
            for item, guardian in zip(data.guardians, synced_guardians, strict=True)
            for child in item["students"]
        ],
        summary,
    )  # fmt: skip

    subgroups = {
        (g.school_class_id, g.subject_id, g.name): g
        for g in Subgroup.objects.filter(school_class__year=year, period__isnull=True)
    }
    members = set(
        SubgroupMembership.objects.filter(subgroup__in=subgroups.values()).values_list("subgroup_id", "student_id")
    )
    synced_subgroups = _sync_rows(
        Subgroup,
        subgroups,
        [
            ((classes[item["class"]].pk, subjects[item["subject"]].pk, item["name"]), {},
             {"school_class": classes[item["class"]], "subject": subjects[item["subject"]], "name": item["name"],
              **owned})
            for item in data.subgroups
        ],
        summary,
    )  # fmt: skip
    new_members = []
    for item, subgroup in zip(data.subgroups, synced_subgroups, strict=True):
        for code in item["students"]:
            if (subgroup.pk, students[code].pk) not in members:
                members.add((subgroup.pk, students[code].pk))
                new_members.append(SubgroupMembership(subgroup=subgroup, student=students[code], **owned))
    SubgroupMembership.objects.bulk_create(new_members, batch_size=500)
    summary.created["subgroupmembership"] += len(new_members)

    journals = {
        (j.school_class_id, j.subject_id, j.subgroup_id): j for j in Journal.objects.filter(school_class__year=year)
    }
    rows = []
    for item in data.assignments:
        school_class, subject = classes[item["class"]], subjects[item["subject"]]
        subgroup = subgroups[(school_class.pk, subject.pk, item["subgroup"])] if item["subgroup"] else None
        key = (school_class.pk, subject.pk, subgroup.pk if subgroup else None)
        extra = {"school_class": school_class, "subject": subject, "subgroup": subgroup, **owned}
        rows.append((key, {"teacher": staff[item["teacher"]]}, extra))
    journal_of: dict[tuple, Journal] = {
        (item["class"], item["subject"], item["subgroup"]): journal
        for item, journal in zip(data.assignments, _sync_rows(Journal, journals, rows, summary), strict=True)
    }

    dates = _lesson_dates(year, list(periods.values()), list(holidays.values()))
    existing_lessons = set(
        Lesson.objects.filter(journal__in=journal_of.values()).values_list("journal_id", "date", "lesson_no")
    )
    new_lessons = []
    for item in data.timetable:
        journal = journal_of[(item["class"], item["subject"], item["subgroup"])]
        for day in dates.get(item["weekday"], []):
            if (journal.pk, day, item["lesson_no"]) not in existing_lessons:
                new_lessons.append((journal.pk, day, item["lesson_no"]))
                existing_lessons.add((journal.pk, day, item["lesson_no"]))
    _lessons_insert(new_lessons, school)
    summary.created["lesson"] += len(new_lessons)
    # Rows inserted in bulk send no signal: the import itself says that the school's screens changed.
    school_changed(school_id=school.pk)

    if dry_run:
        transaction.set_rollback(True)
    return summary
