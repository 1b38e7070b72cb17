"""D3 (seed 004 §2.2): access lasts the whole storage period: a past school year's periods, marks and final grades
open for everyone who could see them then, in the API (`2025-quarter-1`) and on the pages (a year selector)."""

import datetime as dt

import pytest
from django.test import Client

from diary.models import FinalGrade, Mark
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year(small_school):
    """Last school year (2025–2026): the first pupil was in 4А, got a 4 and a 5 in mathematics and a final 5."""
    school = small_school.school
    year = factories.AcademicYearFactory(school=school, start=dt.date(2025, 9, 1), end=dt.date(2026, 5, 31))
    q1 = factories.PeriodFactory(year=year, number=1, start=dt.date(2025, 9, 1), end=dt.date(2025, 10, 31))
    class_4a = factories.SchoolClassFactory(year=year, code="4А", grade=4, homeroom_teacher=small_school.homeroom)
    pupil = small_school.students[0]
    factories.EnrolmentFactory(
        student=pupil, school_class=class_4a, school=school, date_from=year.start, date_to=year.end
    )
    journal = factories.JournalFactory(
        school_class=class_4a, teacher=small_school.teacher, subject=small_school.journal.subject
    )
    lesson = factories.LessonFactory(journal=journal, date=dt.date(2025, 9, 8), lesson_no=1)
    Mark.objects.create(school=school, lesson=lesson, student=pupil, grade_1=4, grade_2=5)
    FinalGrade.objects.create(
        school=school, student=pupil, subject=journal.subject, period=q1, journal=journal, value="5", grade=5
    )
    return small_school


@pytest.mark.parametrize("persona", ["parent", "student", "teacher", "director"])
def test_last_years_quarter_opens_in_the_api_for_those_who_saw_it_then(api, last_year, persona):
    """D3: `?period=2025-quarter-1` gives last year's first quarter: marks, average and final."""
    pupil = last_year.students[0]
    response = api(persona).get(f"/api/diary/v1/students/{pupil.pk}/grades/?period=2025-quarter-1")
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == "2025-quarter-1"
    (subject,) = body["subjects"]
    assert (subject["marks"], subject["final"]) == ([4, 5], 5)


def test_this_years_quarter_is_still_named_without_a_year(api, last_year):
    """D3: the current year's keys are unchanged (INTERFACES.md §3)."""
    pupil = last_year.students[0]
    body = api("parent").get(f"/api/diary/v1/students/{pupil.pk}/grades/?period=quarter-1").json()
    assert body["period"] == "quarter-1"
    assert all(subject["final"] != 5 or subject["marks"] != [4, 5] for subject in body["subjects"])


@pytest.mark.parametrize("period", ["2019-quarter-1", "2025-quarter-9", "2025-term-1", "25-quarter-1"])
def test_an_unknown_school_year_or_period_is_a_clear_400(api, last_year, period):
    """D3: a year the school does not have, or a malformed key, is a translated 400."""
    pupil = last_year.students[0]
    response = api("parent").get(f"/api/diary/v1/students/{pupil.pk}/grades/?period={period}")
    assert response.status_code == 400
    assert "period" in response.json()["error"]["fields"]


def test_another_parent_still_cannot_open_last_years_grades(api, last_year):
    """D3 with D15: the storage period widens what time may be read, not who may read it."""
    pupil = last_year.students[0]
    response = api("other_parent").get(f"/api/diary/v1/students/{pupil.pk}/grades/?period=2025-quarter-1")
    assert response.status_code == 404


def test_the_period_page_has_a_year_selector_and_shows_last_years_final(last_year):
    """D3: the grades page lists every school year; last year's quarter shows its marks and final."""
    client = Client(HTTP_ACCEPT_LANGUAGE="ky")
    client.force_login(last_year.parent.user)
    pupil = last_year.students[0]
    html = client.get(f"/ky/diary/students/{pupil.pk}/period/?period=quarter-1").content.decode()
    assert 'href="?period=2025-quarter-1" data-year="2025–2026"' in html
    assert 'data-year="2026–2027" aria-current="page"' in html
    html = client.get(f"/ky/diary/students/{pupil.pk}/period/?period=2025-quarter-1").content.decode()
    assert 'data-period="2025-quarter-1" aria-current="page"' in html
    assert 'data-year="2025–2026" aria-current="page"' in html
    assert 'data-final="5"' in html
    assert 'data-grade="4"' in html
