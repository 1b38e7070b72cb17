"""The student's and the guardian's diary pages: the week and the period, by persona (D15), with query budgets (B6)."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from diary.models import GuardianLink, StudentAccessLog
from diary.services.finals import FinalChange, finals_set
from diary.services.lessons import lesson_update
from diary.services.marks import CellChange, marks_save
from tests import factories

WEEK = "2026-W37"  # 7–12 September 2026: lessons[0] on Monday, lessons[1] on Wednesday
WEDNESDAY = dt.datetime(2026, 9, 9, 10, 0, tzinfo=dt.UTC)
# B6 (at most 8): Django's session and account, the account's staff record and its own students (the one shown comes
# from them), the week's 3 reads (the access-log row is written only once in a while). The period: the year's
# periods and its 3 reads.
WEEK_QUERIES = 7
PERIOD_QUERIES = 8


@pytest.fixture
def diary(small_school):
    """A mark, an absence, a topic and homework entered by the teacher through the services."""
    school = small_school
    teacher = school.teacher.user
    at = dt.datetime(2026, 9, 9, 15, 0, tzinfo=dt.UTC)
    lesson_update(actor=teacher, lesson=school.lessons[0], topic="Бөлчөктөр", homework="№ 12, 14 бет", at=at)
    marks_save(
        actor=teacher,
        journal=school.journal,
        changes=[
            CellChange(school.lessons[0].pk, school.students[0].pk, None, grades=[5, 4]),
            CellChange(school.lessons[1].pk, school.students[0].pk, None, attendance="absent"),
            CellChange(school.lessons[0].pk, school.students[1].pk, None, grades=[2]),
        ],
        at=at,
    )
    return school


def client_for(small_school, persona: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ky")
    client.force_login(small_school.user(persona))
    return client


def week_url(student, week=WEEK) -> str:
    return f"/ky/diary/students/{student.pk}/week/?week={week}"


def test_a_parent_sees_the_childs_week_with_marks_topic_homework_and_absence(diary):
    with time_machine.travel(WEDNESDAY, tick=False):
        response = client_for(diary, "parent").get(week_url(diary.students[0]))
    assert response.status_code == 200
    html = response.content.decode()
    assert diary.students[0].full_name in html
    assert 'data-grade="5"' in html and 'data-grade="4"' in html
    assert 'data-grade="2"' not in html  # another student's mark
    assert "Бөлчөктөр" in html and "№ 12, 14 бет" in html
    assert 'data-attendance="absent">келген жок</span>' in html  # the label, in Kyrgyz
    # Six days, Monday to Saturday; Wednesday is today and comes first, then the rest of the week in order.
    assert re.findall(r'data-date="([\d-]+)"', html) == [f"2026-09-{day:02d}" for day in (9, 7, 8, 10, 11, 12)]
    assert re.search(r'class="day today" data-date="2026-09-09"', html)
    assert 'data-week="2026-W36"' in html and 'data-week="2026-W38"' in html
    # Kept by the person's own browser only, which asks again before each use (tests/diary/test_page_revalidation.py).
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"] and response.has_header("ETag")


def test_the_week_is_logged_in_the_students_access_log(diary):
    client_for(diary, "parent").get(week_url(diary.students[0]))
    entry = StudentAccessLog.objects.get(student=diary.students[0])
    assert entry.viewer == diary.parent.user
    assert entry.what == StudentAccessLog.What.DIARY


def test_without_a_week_the_current_week_is_shown(diary):
    with time_machine.travel(WEDNESDAY, tick=False):
        response = client_for(diary, "student").get(f"/ky/diary/students/{diary.students[0].pk}/week/")
    assert response.status_code == 200
    assert 'data-week="2026-W37"' in response.content.decode()
    assert 'data-grade="5"' in response.content.decode()


def test_a_week_without_lessons_says_so(diary):
    response = client_for(diary, "parent").get(week_url(diary.students[0], "2026-W50"))
    assert response.status_code == 200
    assert 'id="week-empty"' in response.content.decode()
    assert 'class="lesson"' not in response.content.decode()


@pytest.mark.parametrize("week", ["2026-W99", "junk", "2026-47", "9999999999-W01", "9999-W52", "0001-W01", "-W"])
def test_a_malformed_week_is_a_400_page_not_a_500(diary, week):
    response = client_for(diary, "parent").get(week_url(diary.students[0], week))
    assert response.status_code == 400
    assert b'data-code="invalid"' in response.content


def test_another_familys_child_and_an_unknown_student_get_the_same_not_found(diary):
    """D15: another family's child of the same school was a 403 and an unknown id a 404, which told that the child
    exists; both are now 404, as in the API."""
    client = client_for(diary, "other_parent")
    assert client.get(week_url(diary.students[0])).status_code == 404
    assert client.get(f"/ky/diary/students/{diary.students[0].pk}/period/").status_code == 404
    assert client.get(week_url(diary.students[1])).status_code == 200
    assert client.get("/ky/diary/students/999999/week/").status_code == 404
    assert client.get("/ky/diary/students/99999999999999/week/").status_code == 404
    assert not StudentAccessLog.objects.filter(student=diary.students[0]).exists()


def test_a_student_sees_only_their_own_diary(diary):
    client = client_for(diary, "student")
    own = client.get(week_url(diary.students[0]))
    assert own.status_code == 200
    assert 'data-grade="5"' in own.content.decode()
    assert client.get(week_url(diary.students[1])).status_code == 404
    assert client.get(week_url(diary.first_grader)).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("teacher", 200), ("homeroom", 200), ("director", 200),
                                                  ("other_teacher", 404), ("stranger", 404)])  # fmt: skip
def test_staff_see_the_week_of_students_they_teach_or_lead(diary, persona, status):
    assert client_for(diary, persona).get(week_url(diary.students[0])).status_code == status


def test_an_anonymous_visitor_is_sent_to_log_in(diary):
    response = Client().get(week_url(diary.students[0]))
    assert response.status_code == 302
    assert response["Location"].startswith("/ky/diary/login/")


def test_a_guardian_of_two_children_switches_between_them(diary):
    GuardianLink.objects.create(school=diary.school, guardian=diary.parent, student=diary.students[2], relation="")
    html = client_for(diary, "parent").get(week_url(diary.students[0])).content.decode()
    assert (
        f'href="/ky/diary/students/{diary.students[2].pk}/week/?week={WEEK}" data-child="{diary.students[2].pk}"'
        in html
    )
    assert f'data-child="{diary.students[0].pk}" aria-current="page"' in html
    other = client_for(diary, "parent").get(week_url(diary.students[2]))
    assert other.status_code == 200
    assert diary.students[2].full_name in other.content.decode()


def test_a_guardian_of_one_child_has_no_switcher(diary):
    html = client_for(diary, "parent").get(week_url(diary.students[0])).content.decode()
    assert "data-child=" not in html


def test_a_guardian_without_children_sees_a_clear_empty_state(diary):
    lonely = factories.GuardianFactory(school=diary.school, user=factories.UserFactory(username="lonely"))
    client = Client()
    client.force_login(lonely.user)
    response = client.get("/ky/diary/children/")
    assert response.status_code == 200
    assert 'id="children-empty"' in response.content.decode()
    assert client.get(week_url(diary.students[0])).status_code == 404
    listed = client_for(diary, "parent").get("/ky/diary/children/").content.decode()
    assert f'data-child="{diary.students[0].pk}"' in listed


def test_the_week_page_takes_a_constant_number_of_queries(diary, django_assert_max_num_queries):
    client = client_for(diary, "parent")
    client.get(week_url(diary.students[0]))  # the menu is cached after the first page
    with django_assert_max_num_queries(WEEK_QUERIES):
        response = client.get(week_url(diary.students[0]))
    assert response.status_code == 200
    # More lessons and marks in the week do not add queries.
    for number in range(3, 8):
        lesson = factories.LessonFactory(journal=diary.journal, date=dt.date(2026, 9, 8), lesson_no=number)
        marks_save(
            actor=diary.teacher.user, journal=diary.journal,
            changes=[CellChange(lesson.pk, diary.students[0].pk, None, grades=[4])],
            at=dt.datetime(2026, 9, 9, 15, 0, tzinfo=dt.UTC),
        )  # fmt: skip
    with django_assert_max_num_queries(WEEK_QUERIES):
        response = client.get(week_url(diary.students[0]))
    assert response.content.decode().count('data-grade="4"') == 6


def test_the_week_fits_a_phone_without_scripts(diary):
    html = client_for(diary, "parent").get(week_url(diary.students[0])).content.decode()
    assert 'name="viewport" content="width=device-width' in html
    # The week is all in the HTML: its one script is the deferred offline helper, which adds, never shows, content.
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert [tag for tag in scripts if "src=" in tag] == ['<script src="/static/diary/offline.js" defer>']
    assert all('type="application/json"' in tag for tag in scripts if "src=" not in tag)
    assert len(html.encode()) < 30_000


@pytest.fixture
def finals(diary):
    """Final grades of the first quarter: a 5, not assessed (n/a) and exempt."""
    window = dt.datetime(2026, 10, 29, 12, 0, tzinfo=dt.UTC)
    marks_save(
        actor=diary.teacher.user, journal=diary.journal,
        changes=[CellChange(diary.lessons[2].pk, diary.students[0].pk, None, grades=[3])], at=window,
    )  # fmt: skip
    changes = [FinalChange(diary.students[0].pk, 5), FinalChange(diary.students[1].pk, "na")]
    finals_set(actor=diary.teacher.user, journal=diary.journal, period=diary.q1, finals=changes, at=window)
    return diary


def test_the_period_shows_marks_average_and_final(finals):
    response = client_for(finals, "parent").get(f"/ky/diary/students/{finals.students[0].pk}/period/?period=quarter-1")
    assert response.status_code == 200
    html = response.content.decode()
    result = html[html.index(f'data-subject="{finals.journal.subject_id}"') :]
    assert [int(grade) for grade in re.findall(r'class="grade g\d" data-grade="(\d)"', result)] == [5, 4, 3]
    assert 'data-average="4.00"' in result
    assert 'data-final="5"' in result
    assert 'aria-current="page">' in html and 'data-period="quarter-1" aria-current="page"' in html
    assert 'data-period="quarter-2"' in html
    log = StudentAccessLog.objects.get(student=finals.students[0])
    assert log.what == StudentAccessLog.What.GRADES


def test_the_period_shows_not_assessed_and_exempt(finals):
    response = client_for(finals, "other_parent").get(
        f"/ky/diary/students/{finals.students[1].pk}/period/?period=quarter-1"
    )
    assert 'data-final="na"' in response.content.decode()
    assert "<abbr" in response.content.decode()
    finals_set(
        actor=finals.teacher.user, journal=finals.journal, period=finals.q1,
        finals=[FinalChange(finals.students[1].pk, "exempt")], at=dt.datetime(2026, 10, 30, 9, tzinfo=dt.UTC),
        reason="Освобожден по справке",
    )  # fmt: skip
    response = client_for(finals, "other_parent").get(
        f"/ky/diary/students/{finals.students[1].pk}/period/?period=quarter-1"
    )
    assert 'data-final="exempt"' in response.content.decode()


def test_without_a_period_the_current_one_is_shown(finals):
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        response = client_for(finals, "parent").get(f"/ky/diary/students/{finals.students[0].pk}/period/")
    html = response.content.decode()
    assert 'data-period="quarter-2" aria-current="page"' in html
    # The subject is listed, with no marks and no final yet.
    assert f'data-subject="{finals.journal.subject_id}"' in html
    assert "data-grade=" not in html and 'data-final=""' in html


def test_an_unknown_period_is_a_400_page(finals):
    response = client_for(finals, "parent").get(f"/ky/diary/students/{finals.students[0].pk}/period/?period=x")
    assert response.status_code == 400


def test_the_period_page_takes_a_constant_number_of_queries(finals, django_assert_max_num_queries):
    client = client_for(finals, "parent")
    url = f"/ky/diary/students/{finals.students[0].pk}/period/?period=quarter-1"
    client.get(url)
    with django_assert_max_num_queries(PERIOD_QUERIES):
        assert client.get(url).status_code == 200


def test_the_week_page_follows_every_change_and_its_logout_form_takes_this_sessions_token(diary):
    """A new mark, a renamed child or another viewer each show at once, and the page's logout form works with the
    token of this session."""
    student = diary.students[0]
    client = Client(HTTP_ACCEPT_LANGUAGE="ky", enforce_csrf_checks=True)
    client.force_login(diary.parent.user)
    with time_machine.travel(WEDNESDAY, tick=False):
        first = client.get(week_url(student))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first.content.decode()).group(1)
        lesson = factories.LessonFactory(journal=diary.journal, date=dt.date(2026, 9, 8), lesson_no=3)
        marks_save(
            actor=diary.teacher.user, journal=diary.journal,
            changes=[CellChange(lesson.pk, student.pk, None, grades=[3])],
            at=dt.datetime(2026, 9, 9, 16, 0, tzinfo=dt.UTC),
        )  # fmt: skip
        assert 'data-grade="3"' in client.get(week_url(student)).content.decode()
        student.refresh_from_db()
        student.first_name = "Жаңы"
        student.save()
        assert "Жаңы" in client.get(week_url(student)).content.decode()
        teacher = client_for(diary, "teacher").get(week_url(student)).content.decode()
        assert diary.teacher.user.username in teacher and diary.parent.user.username not in teacher
        russian = client.get(week_url(student).replace("/ky/", "/ru/")).content.decode()
        assert 'lang="ru"' in russian
    # The page's logout form posts with a token this session accepts.
    assert client.post("/ky/diary/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get(week_url(student)).status_code == 302  # logged out: sent to log in


def test_a_waiting_message_is_shown_once_on_the_week_page(diary, rf):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.session import SessionStorage
    from django.http import HttpResponse

    client = client_for(diary, "parent")
    client.get(week_url(diary.students[0]))
    request = rf.get("/")
    request.session = client.session  # messages wait in the session (MESSAGE_STORAGE)
    storage = SessionStorage(request)
    storage.add(constants.SUCCESS, "Сакталды")
    storage.update(HttpResponse())
    request.session.save()
    assert "Сакталды" in client.get(week_url(diary.students[0])).content.decode()
    assert "Сакталды" not in client.get(week_url(diary.students[0])).content.decode()  # shown once


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_teacher_who_is_also_a_parent_opens_her_own_childs_week_and_period_from_her_children(small_school):
    """D15: visibility is the union of a person's roles; her staff record does not hide her own child."""
    client = client_for(small_school, "teacher_parent")
    child = small_school.students[2]
    children = client.get("/ky/diary/children/").content.decode()
    assert f"/ky/diary/students/{child.pk}/week/" in children
    assert client.get(f"/ky/diary/students/{child.pk}/week/?week={WEEK}").status_code == 200
    assert client.get(f"/ky/diary/students/{child.pk}/period/?period=quarter-1").status_code == 200
    # Her roles together still show nothing of another pupil of 5А.
    assert client.get(f"/ky/diary/students/{small_school.students[0].pk}/week/?week={WEEK}").status_code == 404


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_subject_teacher_sees_only_their_own_subjects_cells_of_a_pupil(small_school):
    """D15: the teacher of 5А's mathematics reads the pupil's mathematics, not her history, on the week and period
    pages and in the API; the homeroom teacher and the director read both."""
    pupil = small_school.students[0]
    history = factories.JournalFactory(
        school_class=small_school.class_5a, teacher=small_school.other_teacher, subject__name="Тарых"
    )
    lesson = factories.LessonFactory(journal=history, date=dt.date(2026, 9, 8), lesson_no=3)
    marks_save(
        actor=small_school.other_teacher.user, journal=history, at=WEDNESDAY,
        changes=[CellChange(lesson.pk, pupil.pk, None, grades=[2], comment="Тарых: үй тапшырмасы жок")],
    )  # fmt: skip
    marks_save(
        actor=small_school.teacher.user, journal=small_school.journal, at=WEDNESDAY,
        changes=[CellChange(small_school.lessons[0].pk, pupil.pk, None, grades=[5])],
    )  # fmt: skip
    for persona, sees_history in (("teacher", False), ("homeroom", True), ("director", True), ("parent", True)):
        client = client_for(small_school, persona)
        week = client.get(f"/ky/diary/students/{pupil.pk}/week/?week={WEEK}").content.decode()
        period = client.get(f"/ky/diary/students/{pupil.pk}/period/?period=quarter-1").content.decode()
        grades = client.get(f"/api/diary/v1/students/{pupil.pk}/grades/?period=quarter-1").json()
        api_week = client.get(f"/api/diary/v1/students/{pupil.pk}/diary/?week={WEEK}").json()
        subjects = {row["subject"] for row in grades["subjects"]}
        lessons = {item["subject"] for day in api_week["days"] for item in day["lessons"]}
        assert ("Тарых" in week) is sees_history, persona
        assert ("Тарых" in period) is sees_history, persona
        assert ("Тарых" in subjects) is sees_history, persona
        assert ("Тарых" in lessons) is sees_history, persona
        assert small_school.journal.subject.name in subjects, persona
