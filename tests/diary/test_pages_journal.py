"""The teacher's pages: journals list, the grid (editable or read-only by persona, D6, D15), its printable copy,
and today's page with last week's gaps (D5, D8) and the substitutions a teacher covers (D6)."""

import datetime as dt
import json
import re
from html import unescape

import pytest
import time_machine
from django.test import Client

from diary.models import Journal
from diary.services.finals import FinalChange, finals_set
from diary.services.lessons import lesson_update
from diary.services.marks import CellChange, marks_save
from tests import factories

pytestmark = pytest.mark.django_db

# Inside the first quarter's final-grade window: its last lesson was 28 October, it ended 31 October (D7).
AFTER_Q1 = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
IN_Q1 = dt.datetime(2026, 9, 10, 9, tzinfo=dt.UTC)


def client_for(small_school, persona: str, language: str = "ky") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    user = small_school.user(persona)
    if user is not None:
        client.force_login(user)
    return client


def grid_url(small_school, language: str = "ky", period: str = "quarter-1") -> str:
    return f"/{language}/diary/journals/{small_school.journal.pk}/?period={period}"


def cells(html: str) -> list[str]:
    return re.findall(r'<td class="c[^"]*"[^>]*>', html)


@pytest.fixture
def marked(small_school):
    """Two cells of the 5А journal filled by its teacher: a grade and an absence."""
    first, second = small_school.students[0], small_school.students[1]
    lesson = small_school.lessons[0]
    marks_save(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        at=dt.datetime(2026, 9, 8, 10, tzinfo=dt.UTC),
        changes=[
            CellChange(lesson.pk, first.pk, None, grades=[5]),
            CellChange(lesson.pk, second.pk, None, attendance="absent"),
        ],
    )
    return small_school


@time_machine.travel(IN_Q1)
def test_the_teacher_gets_an_editable_grid_with_every_cell_addressable(marked):
    response = client_for(marked, "teacher").get(grid_url(marked))
    assert response.status_code == 200
    html = response.content.decode()
    found = cells(html)
    assert len(found) == len(marked.students) * len(marked.lessons)
    assert all("data-lesson=" in cell and "data-student=" in cell and "data-version=" in cell for cell in found)
    # On 10 September the lessons of 7 and 9 September are open; those of late October have not taken place (D5).
    held = {lesson.pk for lesson in marked.lessons if lesson.date <= dt.date(2026, 9, 10)}
    assert len(held) == 2
    for cell in found:
        if int(re.search(r'data-lesson="(\d+)"', cell).group(1)) in held:
            assert ' w"' in cell or " w " in cell
        else:
            assert " future" in cell and 'aria-readonly="true"' in cell and " w" not in cell
    first = marked.students[0]
    graded = next(c for c in found if f'data-lesson="{marked.lessons[0].pk}" data-student="{first.pk}"' in c)
    assert 'data-grades="5"' in graded and 'data-version="1"' in graded
    assert 'id="grid-save"' in html
    assert "diary/grid.js" in html
    assert 'role="grid"' in html
    assert 'class="lesson-edit"' in html
    # Kept by the person's own browser only, which asks again before each use (tests/diary/test_page_revalidation.py).
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"] and response.has_header("ETag")


@time_machine.travel(IN_Q1)
def test_the_grid_shows_grades_attendance_letters_and_a_legend(marked):
    html = client_for(marked, "teacher").get(grid_url(marked)).content.decode()
    second = marked.students[1]
    absent = next(c for c in cells(html) if f'data-student="{second.pk}"' in c and 'data-att="absent"' in c)
    letter = re.search(r'data-attendance="absent"><b class="letter">([^<]+)</b>', html).group(1)
    assert html.split(absent, 1)[1].startswith(f"{letter}</td>")
    assert marked.students[0].last_name in html
    for code in ("absent", "late", "excused", "sick"):
        assert f'data-attendance="{code}"' in html


@pytest.mark.parametrize("persona", ["homeroom", "director", "deputy", "admin"])
@time_machine.travel(IN_Q1)
def test_people_who_may_read_but_not_enter_get_the_same_table_without_inputs(marked, persona):
    response = client_for(marked, persona).get(grid_url(marked))
    assert response.status_code == 200
    html = response.content.decode()
    found = cells(html)
    assert len(found) == len(marked.students) * len(marked.lessons)
    assert all('aria-readonly="true"' in cell and "tabindex" not in cell for cell in found)
    assert 'id="grid-readonly"' in html
    assert 'id="grid-save"' not in html and "grid.js" not in html and "<select" not in html
    assert 'class="lesson-edit"' not in html


@time_machine.travel(IN_Q1)
def test_a_substitute_may_enter_only_the_lessons_of_the_covered_day(marked):
    html = client_for(marked, "substitute").get(grid_url(marked)).content.decode()
    covered = marked.lessons[0].pk
    for cell in cells(html):
        if f'data-lesson="{covered}"' in cell:
            assert ' w"' in cell
        else:
            assert 'aria-readonly="true"' in cell
    assert 'id="covered-note"' in html
    assert html.count('class="lesson-edit"') == 1


@pytest.mark.parametrize(("persona", "status"), [("other_teacher", 403), ("parent", 403), ("student", 403)])
def test_people_of_the_school_who_may_not_see_the_journal_are_refused(small_school, persona, status):
    response = client_for(small_school, persona).get(grid_url(small_school))
    assert response.status_code == status
    assert small_school.students[0].last_name not in response.content.decode()
    assert 'data-code="permission_denied"' in response.content.decode()


def test_another_schools_director_and_a_missing_journal_are_404(small_school):
    assert client_for(small_school, "stranger").get(grid_url(small_school)).status_code == 404
    response = client_for(small_school, "teacher").get("/ky/diary/journals/999999/?period=quarter-1")
    assert response.status_code == 404


def test_an_unknown_period_is_404_and_anonymous_visitors_go_to_login(small_school):
    assert client_for(small_school, "teacher").get(grid_url(small_school, period="quarter-9")).status_code == 404
    response = Client().get(grid_url(small_school))
    assert response.status_code == 302
    assert response["Location"].startswith("/ky/diary/login/")


@time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC))
def test_the_period_defaults_to_the_current_one_and_the_switcher_lists_the_year(small_school):
    html = client_for(small_school, "teacher").get(f"/ky/diary/journals/{small_school.journal.pk}/").content.decode()
    assert 'data-period="quarter-2" aria-current="page"' in html
    assert 'data-period="quarter-1"' in html
    assert 'id="grid-empty"' in html  # no lessons of 5А in the second quarter


@time_machine.travel(AFTER_Q1)
def test_finals_column_shows_the_suggestion_and_opens_inside_the_window(marked):
    html = client_for(marked, "teacher").get(grid_url(marked)).content.decode()
    first = marked.students[0]
    assert re.search(rf'<tr data-student="{first.pk}">.*?data-suggested="5"', html, re.S)
    assert 'data-window="open"' in html
    assert html.count('class="final-select"') == len(marked.students)
    assert 'id="finals-save"' in html


@time_machine.travel(AFTER_Q1)
def test_a_saved_final_grade_is_shown_and_read_only_for_the_homeroom_teacher(marked):
    finals_set(
        actor=marked.teacher.user,
        journal=marked.journal,
        period=marked.q1,
        finals=[FinalChange(marked.students[0].pk, 5)],
    )
    html = client_for(marked, "homeroom").get(grid_url(marked)).content.decode()
    assert re.search(rf'<tr data-student="{marked.students[0].pk}">.*?data-final="5">5</td>', html, re.S)
    assert "final-select" not in html


@pytest.mark.parametrize(
    ("moment", "state"),
    [(dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC), "too_early"), (dt.datetime(2026, 11, 5, 9, tzinfo=dt.UTC), "closed")],
)
def test_the_final_window_state_is_shown_and_closes_the_finals_column(marked, moment, state):
    with time_machine.travel(moment):
        html = client_for(marked, "teacher").get(grid_url(marked)).content.decode()
    assert f'data-window="{state}"' in html
    assert "final-select" not in html and 'id="finals-save"' not in html


@time_machine.travel(dt.datetime(2026, 9, 20, 9, tzinfo=dt.UTC))
def test_lesson_headers_mark_a_missing_topic_and_a_late_entry(small_school):
    lesson_update(actor=small_school.teacher.user, lesson=small_school.lessons[1], topic="Бөлчөктөр")
    # Entered on 20 September for a lesson of 7 September: after the Monday deadline of 14 September (D5).
    marks_save(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        changes=[CellChange(small_school.lessons[0].pk, small_school.students[0].pk, None, grades=[4])],
    )
    html = client_for(small_school, "teacher").get(grid_url(small_school)).content.decode()
    first_header = re.search(rf'<th scope="col" class="([^"]*)" data-lesson="{small_school.lessons[0].pk}"', html)
    second_header = re.search(rf'<th scope="col" class="([^"]*)" data-lesson="{small_school.lessons[1].pk}"', html)
    assert "missing-topic" in first_header.group(1)
    assert "missing-topic" not in second_header.group(1) and "overdue" in second_header.group(1)
    assert "Бөлчөктөр" in html
    late = [c for c in cells(html) if "late-entry" in c]
    assert len(late) == 1 and f'data-student="{small_school.students[0].pk}"' in late[0]


@time_machine.travel(IN_Q1)
def test_lessons_after_today_are_greyed_and_closed_and_names_have_a_short_form(marked):
    student = marked.students[0]
    student.last_name, student.first_name = "Дүйшөнбиева", "Нурайым"
    student.save()
    html = client_for(marked, "teacher").get(grid_url(marked)).content.decode()
    for index, lesson in enumerate(marked.lessons):
        header = re.search(rf'<th scope="col" class="([^"]*)" data-lesson="{lesson.pk}"', html).group(1)
        assert ("future" in header) == (index >= 2)
    # A lesson's topic and homework may be written ahead; its marks may not (D5).
    assert html.count('class="lesson-edit"') == len(marked.lessons)
    row = re.search(rf'<tr data-student="{student.pk}">.*?</tr>', html, re.S).group(0)
    assert '<span class="full">Дүйшөнбиева Нурайым</span><span class="short">Дүйшөнбиева Н.</span>' in row


@time_machine.travel(IN_Q1)
def test_a_cells_comment_is_in_the_grid_for_the_picker(marked):
    lesson, student = marked.lessons[1], marked.students[2]
    marks_save(
        actor=marked.teacher.user,
        journal=marked.journal,
        changes=[CellChange(lesson.pk, student.pk, None, attendance="late", comment='Автобус "5" кечикти')],
    )
    html = client_for(marked, "teacher").get(grid_url(marked)).content.decode()
    commented = next(c for c in cells(html) if f'data-lesson="{lesson.pk}" data-student="{student.pk}"' in c)
    assert "has-comment" in commented and 'data-comment="Автобус &quot;5&quot; кечикти"' in commented
    assert 'id="cell-picker"' in html and 'role="dialog"' in html
    assert [int(g) for g in re.findall(r'data-grade="(\d+)"', html)] == list(marked.school.scale)


@time_machine.travel(IN_Q1)
def test_the_grid_speaks_russian_under_ru(marked):
    response = client_for(marked, "teacher", "ru").get(grid_url(marked, language="ru"))
    assert response.status_code == 200
    assert 'lang="ru"' in response.content.decode()
    config = json.loads(unescape(re.search(r'data-config="([^"]*)"', response.content.decode()).group(1)))
    assert config["language"] == "ru"
    assert config["marks"] == f"/api/diary/v1/journals/{marked.journal.pk}/marks/"


def big_journal(small_school, students: int = 30, lessons: int = 50) -> Journal:
    school_class = factories.SchoolClassFactory(
        year=small_school.class_5a.year, grade=7, homeroom_teacher=small_school.homeroom
    )
    pupils = [factories.EnrolmentFactory(school_class=school_class).student for _ in range(students)]
    journal = factories.JournalFactory(
        school_class=school_class, teacher=small_school.teacher, subject=small_school.journal.subject
    )
    days = [dt.date(2026, 9, 1) + dt.timedelta(days=index) for index in range(lessons)]
    rows = [factories.LessonFactory(journal=journal, date=day, lesson_no=1, topic="Тема") for day in days]
    marks_save(
        actor=small_school.teacher.user,
        journal=journal,
        # Entered on the day of the last lesson (D5: not before a lesson takes place).
        at=dt.datetime.combine(days[-1], dt.time(12), tzinfo=dt.UTC),
        changes=[
            CellChange(lesson.pk, pupil.pk, None, grades=[3 + (lesson.pk + pupil.pk) % 3])
            for lesson in rows
            for pupil in pupils
        ],
    )
    return journal


@time_machine.travel(IN_Q1)
def test_a_30_by_50_grid_page_is_read_in_at_most_8_queries(small_school, django_assert_max_num_queries):
    journal = big_journal(small_school)
    client = client_for(small_school, "teacher")
    url = f"/ky/diary/journals/{journal.pk}/?period=quarter-1"
    client.get(url)  # the menu is cached after the first page, as on every later page (B4 measures those)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert len(cells(response.content.decode())) == 30 * 50


@time_machine.travel(IN_Q1)
def test_the_grid_costs_the_same_queries_whatever_its_size(small_school, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = big_journal(small_school, students=2, lessons=3)
    large = big_journal(small_school, students=12, lessons=20)
    client = client_for(small_school, "teacher")
    # The menu and the school's periods are cached after the first grid page.
    client.get(f"/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/ky/diary/journals/{small.pk}/?period=quarter-1")
    with django_assert_num_queries(len(few)):
        response = client.get(f"/ky/diary/journals/{large.pk}/?period=quarter-1")
    assert len(cells(response.content.decode())) == 12 * 20
    again = client.get(f"/ky/diary/journals/{large.pk}/?period=quarter-1")
    assert cells(again.content.decode()) == cells(response.content.decode())


@time_machine.travel(AFTER_Q1)
def test_the_printable_journal_is_a4_landscape_with_grades_topics_and_finals(marked):
    lesson_update(actor=marked.teacher.user, lesson=marked.lessons[0], topic="Натуралдык сандар", homework="№ 12")
    finals_set(
        actor=marked.teacher.user,
        journal=marked.journal,
        period=marked.q1,
        finals=[FinalChange(marked.students[0].pk, 5)],
    )
    response = client_for(marked, "homeroom").get(f"/ky/diary/journals/{marked.journal.pk}/print/?period=quarter-1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "journal-print.css" in html
    assert 'id="print-grid"' in html and "Натуралдык сандар" in html and "№ 12" in html
    row = re.search(rf'<tr data-student="{marked.students[0].pk}">(.*?)</tr>', html, re.S).group(1)
    assert "<td>5</td>" in row and '<td class="final">5</td>' in row
    from django.contrib.staticfiles import finders

    with open(finders.find("diary/journal-print.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert "size: A4 landscape" in css


def test_the_printable_journal_is_refused_like_the_grid(small_school):
    url = f"/ky/diary/journals/{small_school.journal.pk}/print/?period=quarter-1"
    assert client_for(small_school, "other_teacher").get(url).status_code == 403
    assert client_for(small_school, "stranger").get(url).status_code == 404


@time_machine.travel(IN_Q1)
def test_the_journals_list_shows_a_teachers_journals_and_covered_ones(small_school):
    teacher = client_for(small_school, "teacher").get("/ky/diary/journals/").content.decode()
    assert f'data-journal="{small_school.journal.pk}"' in teacher
    assert f'data-journal="{small_school.journal_1a.pk}"' in teacher
    substitute = client_for(small_school, "substitute").get("/ky/diary/journals/").content.decode()
    assert f'data-journal="{small_school.journal.pk}"' in substitute
    assert f'data-journal="{small_school.journal_1a.pk}"' not in substitute
    other = client_for(small_school, "other_teacher").get("/ky/diary/journals/").content.decode()
    assert f'data-journal="{small_school.journal.pk}"' not in other


@time_machine.travel(IN_Q1)
def test_the_administration_sees_every_journal_and_filters_by_class(small_school):
    client = client_for(small_school, "director")
    html = client.get("/ky/diary/journals/").content.decode()
    assert (
        f'data-journal="{small_school.journal.pk}"' in html and f'data-journal="{small_school.journal_1a.pk}"' in html
    )
    assert 'id="class-filter"' in html
    only_5a = client.get("/ky/diary/journals/?class=5А").content.decode()
    assert f'data-journal="{small_school.journal.pk}"' in only_5a
    assert f'data-journal="{small_school.journal_1a.pk}"' not in only_5a
    none = client.get("/ky/diary/journals/?class=11Б").content.decode()
    assert 'id="no-journals"' in none


@time_machine.travel(dt.datetime(2026, 9, 15, 9, tzinfo=dt.UTC))
def test_the_journals_list_marks_a_journal_whose_last_week_is_missing(small_school):
    # Tuesday 15 September: the lessons of 7 and 9 September were due by Monday 14 (D5); nothing was entered.
    lesson_update(actor=small_school.teacher.user, lesson=small_school.lessons[0], topic="Сандар")
    html = client_for(small_school, "teacher").get("/ky/diary/journals/").content.decode()
    row = re.search(rf'<tr data-journal="{small_school.journal.pk}"[^>]*>(.*?)</tr>', html, re.S).group(0)
    assert "has-missing" in row
    assert 'data-missing-marks="2"' in row and 'data-missing-topics="1"' in row


def test_nobody_without_journals_sees_an_empty_state(small_school):
    html = client_for(small_school, "other_teacher").get("/ky/diary/journals/").content.decode()
    assert 'data-journal="' not in html or f'data-journal="{small_school.journal.pk}"' not in html


@time_machine.travel(dt.datetime(2026, 9, 9, 4, tzinfo=dt.UTC))
def test_today_lists_my_lessons_today_and_this_week(small_school):
    # Wednesday 9 September, 10:00 in Bishkek.
    html = client_for(small_school, "teacher").get("/ky/diary/today/").content.decode()
    today = re.search(r'<section id="today-lessons".*?</section>', html, re.S).group(0)
    assert f'data-lesson="{small_school.lessons[1].pk}"' in today
    assert f'data-lesson="{small_school.lessons[0].pk}"' not in today
    week = re.search(r'<section id="week-lessons".*?</section>', html, re.S).group(0)
    for lesson in (small_school.lessons[0], small_school.lessons[1], small_school.lesson_1a):
        assert f'data-lesson="{lesson.pk}"' in week
    assert f'href="/ky/diary/journals/{small_school.journal.pk}/"' in week


@time_machine.travel(dt.datetime(2026, 9, 15, 4, tzinfo=dt.UTC))
def test_today_lists_last_weeks_missing_marks_and_topics_after_the_monday_deadline(small_school):
    marks_save(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        changes=[CellChange(small_school.lessons[0].pk, small_school.students[0].pk, None, grades=[5])],
    )
    html = client_for(small_school, "teacher").get("/ky/diary/today/").content.decode()
    missing = re.search(r'<section id="missing".*?</section>', html, re.S).group(0)
    assert 'data-passed="1"' in missing
    five_a = re.search(rf'<li data-journal="{small_school.journal.pk}">.*?</li>', missing, re.S).group(0)
    assert 'data-missing-marks="1"' in five_a and 'data-missing-topics="2"' in five_a
    assert f'data-journal="{small_school.journal_1a.pk}"' in missing


@time_machine.travel(dt.datetime(2026, 9, 14, 4, tzinfo=dt.UTC))
def test_on_the_deadline_monday_last_week_is_still_on_time(small_school):
    html = client_for(small_school, "teacher").get("/ky/diary/today/").content.decode()
    assert 'data-passed="0"' in html


@time_machine.travel(dt.datetime(2026, 9, 22, 4, tzinfo=dt.UTC))
def test_today_has_clear_empty_states(small_school):
    # A week without lessons, and the week before it had none either.
    html = client_for(small_school, "teacher").get("/ky/diary/today/").content.decode()
    assert 'id="nothing-missing"' in html
    assert html.count('class="empty') >= 3


@time_machine.travel(dt.datetime(2026, 9, 7, 4, tzinfo=dt.UTC))
def test_today_shows_the_substitutions_a_teacher_covers(small_school):
    html = client_for(small_school, "substitute").get("/ky/diary/today/").content.decode()
    covers = re.search(r'<section id="substitutions".*?</section>', html, re.S).group(0)
    assert f'href="/ky/diary/journals/{small_school.journal.pk}/"' in covers
    assert small_school.teacher.short_name in covers
    today = re.search(r'<section id="today-lessons".*?</section>', html, re.S).group(0)
    assert f'data-lesson="{small_school.lessons[0].pk}"' in today and 'class="badge"' in today


@time_machine.travel(dt.datetime(2026, 9, 9, 4, tzinfo=dt.UTC))
def test_today_takes_a_constant_number_of_queries(small_school, django_assert_max_num_queries):
    client = client_for(small_school, "teacher")
    client.get("/ky/diary/today/")
    with django_assert_max_num_queries(8):
        assert client.get("/ky/diary/today/").status_code == 200


def test_today_is_for_staff(small_school):
    assert client_for(small_school, "parent").get("/ky/diary/today/").status_code == 403


@time_machine.travel(IN_Q1)
def test_a_student_who_left_the_class_has_closed_cells_after_leaving(small_school):
    leaver = small_school.students[2]
    leaver.enrolments.update(date_to=dt.date(2026, 9, 8))
    html = client_for(small_school, "teacher").get(grid_url(small_school)).content.decode()
    own = [c for c in cells(html) if f'data-student="{leaver.pk}"' in c]
    before = [c for c in own if f'data-lesson="{small_school.lessons[0].pk}"' in c]
    assert len(before) == 1 and ' w"' in before[0]
    after = [c for c in own if c not in before]
    assert len(after) == 3 and all(" out" in c and 'aria-readonly="true"' in c for c in after)


@time_machine.travel(IN_Q1)
def test_a_first_grade_journal_takes_attendance_but_offers_no_grades(small_school):
    # D9: no marks in grade 1; the grid still opens for attendance, and finals offer only n/a and exempt.
    url = f"/ky/diary/journals/{small_school.journal_1a.pk}/?period=quarter-1"
    html = client_for(small_school, "teacher").get(url).content.decode()
    config = json.loads(unescape(re.search(r'data-config="([^"]*)"', html).group(1)))
    assert config["scale"] == []
    assert set(config["letters"].values()) == {"absent", "late", "excused", "sick"}
    assert len([c for c in cells(html) if ' w"' in c]) == 1
    options = re.findall(
        r'<option value="([^"]*)"', re.search(r'<select class="final-select".*?</select>', html, re.S).group(0)
    )
    assert options == ["", "na", "exempt"]


@time_machine.travel(IN_Q1)
def test_a_long_period_prints_in_sheets_of_at_most_25_lessons(small_school):
    journal = big_journal(small_school, students=2, lessons=30)
    html = client_for(small_school, "teacher").get(f"/ky/diary/journals/{journal.pk}/print/?period=quarter-1")
    sheets = re.findall(r'<table class="print-grid".*?</table>', html.content.decode(), re.S)
    assert [sheet.count('<th scope="col" data-lesson=') for sheet in sheets] == [25, 5]
    assert 'class="final"' not in sheets[0] and 'class="final"' in sheets[1]


@time_machine.travel(dt.datetime(2026, 9, 15, 4, tzinfo=dt.UTC))
def test_a_substitute_is_told_only_about_the_lessons_of_the_days_they_covered(small_school):
    # The substitute covered Monday 7 September only (D6); Wednesday's missing lesson is the teacher's.
    html = client_for(small_school, "substitute").get("/ky/diary/today/").content.decode()
    missing = re.search(r'<section id="missing".*?</section>', html, re.S).group(0)
    five_a = re.search(rf'<li data-journal="{small_school.journal.pk}">.*?</li>', missing, re.S).group(0)
    assert 'data-missing-marks="1"' in five_a and 'data-missing-topics="1"' in five_a
    assert "07.09" in five_a and "09.09" not in five_a
