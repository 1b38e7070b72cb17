"""The demo school's everyday life so far: a finished first quarter and a second quarter in progress.

Everything goes through the diary's services (marks_save, lessons_update, finals_set), dated as a teacher would
have entered it: most marks on the Friday of the lesson's week, some late (D5), finals the day after the quarter.
Deterministic, and done once: a school that already has marks is left as it is.
"""

import datetime as dt
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from diary.calendar import week_start
from diary.models import Guardian, Journal, Lesson, Mark, Period, School, StaffMember
from diary.selectors.journal import journal_enrolment, journal_grid
from diary.services.accounts import administration_access_grant
from diary.services.finals import FinalChange, finals_set
from diary.services.lessons import LessonChange, lessons_update
from diary.services.marks import CellChange, marks_save

LOCAL = ZoneInfo(settings.TIME_ZONE)

TOPICS_KY = [
    "Жаңы теманы түшүндүрүү",
    "Өтүлгөн материалды кайталоо",
    "Практикалык иш",
    "Текшерүү иши",
    "Маселелерди чыгаруу",
    "Текст менен иштөө",
    "Лабораториялык иш",
    "Жыйынтыктоочу сабак",
]
TOPICS_RU = [
    "Объяснение новой темы",
    "Повторение пройденного",
    "Практическая работа",
    "Проверочная работа",
    "Решение задач",
    "Работа с текстом",
    "Лабораторная работа",
    "Обобщающий урок",
]
HOMEWORK = ["§ {n}, 1–5-көнүгүү", "§ {n}, суроолорго жооп", "№ {n}–{m}", "Дилбаян: {n}-бет", "Кайталоо: § {n}"]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL)


@transaction.atomic
def demo_activity_build(
    *, school: School, today: dt.date, seed: int = 2026, grade_rate: float = 0.35, second_grade_rate: float = 0.0
) -> dict:
    """`grade_rate`: the chance a present student gets a grade in a lesson; `second_grade_rate`: a second one too.

    The demo keeps the defaults (a calm diary); the benchmark school asks for about three marks a subject a week.
    """
    if Mark.objects.filter(school=school).exists():
        return {"skipped": True}
    rng = random.Random(seed)
    teachers = {staff.pk: staff for staff in StaffMember.objects.filter(school=school).select_related("user")}
    periods = list(Period.objects.filter(school=school, kind=Period.Kind.QUARTER).order_by("start"))
    journals = list(Journal.objects.filter(school=school).select_related("school", "school_class", "subject"))
    # Two teachers in ten are habitually late with their marks, which the compliance report should show (D5).
    late_teachers = {pk for pk in teachers if rng.random() < 0.2}
    counts = defaultdict(int)
    for journal in journals:
        teacher = teachers[journal.teacher_id]
        lessons = list(Lesson.objects.filter(journal=journal, date__lte=today, archived_at__isnull=True))
        if not lessons:
            continue
        enrolment = journal_enrolment(journal, lessons[0].date, lessons[-1].date)
        students = enrolment.ever_enrolled()
        has_marks = school.grade_has_marks(journal.school_class.grade)
        topics = TOPICS_RU if journal.school_class.language == "ru" else TOPICS_KY
        by_week: dict[dt.date, list[Lesson]] = defaultdict(list)
        for lesson in lessons:
            by_week[week_start(lesson.date)].append(lesson)
        for monday, week_lessons in sorted(by_week.items()):
            this_week = monday == week_start(today)
            last_week = monday == week_start(today) - dt.timedelta(days=7)
            if last_week and rng.random() < 0.15:
                continue  # some of last week's marks are still missing: the teacher's "to do" (D5)
            entered = monday + dt.timedelta(days=4)
            if teacher.pk in late_teachers and rng.random() < 0.5:
                entered = monday + dt.timedelta(days=9)  # the Wednesday after the deadline Monday
            entered = min(entered, today)
            changes, records = [], []
            for lesson in week_lessons:
                if this_week and lesson.date > today:
                    continue
                number = lesson.pk % 40 + 1
                records.append(
                    LessonChange(
                        lesson.pk,
                        topic=f"{rng.choice(topics)} ({number})",
                        homework=rng.choice(HOMEWORK).format(n=number, m=number + 3),
                    )
                )
                for student in students:
                    if not enrolment.is_enrolled(student.pk, lesson.date):
                        continue
                    roll = rng.random()
                    attendance = "sick" if roll < 0.03 else "absent" if roll < 0.05 else "late" if roll < 0.07 else None
                    grades = None
                    if has_marks and attendance is None and rng.random() < grade_rate:
                        grades = [rng.choices([5, 4, 3, 2], weights=[35, 40, 20, 5])[0]]
                        if second_grade_rate and rng.random() < second_grade_rate:
                            grades.append(rng.choices([5, 4, 3, 2], weights=[35, 40, 20, 5])[0])
                    if attendance or grades:
                        changes.append(CellChange(lesson.pk, student.pk, None, grades=grades, attendance=attendance))
            if records:
                # Topics and homework are written on the day of the week's last lesson.
                last_day = max(lesson.date for lesson in week_lessons if lesson.date <= today)
                lessons_update(actor=teacher.user, journal=journal, changes=records, at=_at(last_day, 15))
                counts["topics"] += len(records)
            if changes:
                marks_save(actor=teacher.user, journal=journal, changes=changes, at=_at(entered, 17))
                counts["marks"] += len(changes)
        for period in periods:
            closes = period.end + dt.timedelta(days=school.final_window_days)
            if not has_marks or closes >= today or period.start > today:
                continue
            grid = journal_grid(journal=journal, period=period)
            finals = [FinalChange(student.pk, grid.suggested_finals[student.pk] or "na") for student in grid.students]
            if finals:
                finals_set(
                    actor=teacher.user,
                    journal=journal,
                    period=period,
                    finals=finals,
                    at=_at(period.end + dt.timedelta(days=1), 11),
                )
                counts["finals"] += len(finals)
    return dict(counts)


def demo_accounts_ensure(*, school: School, password: str) -> dict[str, str]:
    """An account for every staff member (username = staff code), one student and one guardian; returns logins."""
    user_model = get_user_model()
    logins: dict[str, str] = {}
    hashed = make_password(password)  # hashed once: every demo account shares it

    def account(person, username: str):
        if person.user_id is None:
            user = user_model.objects.filter(username=username).first()
            if user is None:
                user = user_model.objects.create(
                    username=username, password=hashed, first_name=person.first_name, last_name=person.last_name
                )
            person.user = user
            person.save(update_fields=["user", "updated_at"])
        return person.user

    for staff in StaffMember.objects.filter(school=school).order_by("code"):
        user = account(staff, staff.code.lower())
        if staff.is_administration:
            administration_access_grant(user)
        role = next((r for r in ("director", "deputy", "admin") if staff.has_role(r)), None)
        if role and role not in logins:
            logins[role] = user.username
    homeroom = StaffMember.objects.filter(school=school, homeroom_classes__grade=5).first()
    if homeroom:
        logins["homeroom"] = homeroom.user.username
    teacher = (
        StaffMember.objects.filter(school=school, journals__school_class__grade=7)
        .exclude(pk=getattr(homeroom, "pk", None))
        .first()
    )
    if teacher:
        logins["teacher"] = teacher.user.username
    guardian = Guardian.objects.filter(school=school, links__student__enrolments__school_class__grade=5).first()
    if guardian:
        logins["parent"] = account(guardian, f"parent-{guardian.code.lower()}").username
        student = guardian.students.first()
        logins["student"] = account(student, f"student-{student.code.lower()}").username
    return logins
