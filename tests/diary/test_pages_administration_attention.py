"""The administration's overview leads with what needs attention (D5, D8, D11, D12), and the inspections page filters
by class and teacher (D12), in Kyrgyz and Russian; bad filter values are refused with a message, never a 500."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from diary.services.data_checks import data_check_record
from diary.services.inspections import inspection_record
from diary.services.lessons import lesson_update
from diary.services.marks import CellChange, marks_save
from tests import factories

# A Thursday: last week's lessons were due on Monday 9 November (D5), this week's are not due yet.
NOW = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC)
INSPECTIONS = "/{language}/diary/administration/inspections/"
OVERVIEW = "/{language}/diary/administration/"


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def director(small_school):
    def make(language: str = "ky") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(small_school.director.user)
        return client

    return make


def section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</section>", start)]


# --- the inspections page's filter ---


@pytest.fixture
def other_journal(small_school):
    """A second journal of 5А, kept by another teacher, inspected last month."""
    journal = factories.JournalFactory(school_class=small_school.class_5a, teacher=small_school.other_teacher)
    inspection_record(actor=small_school.director.user, journal=journal, remarks="Октябрь", at=NOW.replace(month=10))
    return journal


def pending_ids(page: str) -> set[int]:
    pending = section(page, "not-inspected")
    return {int(part.split('"')[0]) for part in pending.split('<tr data-journal="')[1:]}


def test_the_inspections_page_filters_by_class(small_school, director, other_journal):
    page = director().get(INSPECTIONS.format(language="ky"), {"class": small_school.class_1a.pk}).content.decode()
    assert pending_ids(page) == {small_school.journal_1a.pk}
    page = director().get(INSPECTIONS.format(language="ky"), {"class": small_school.class_5a.pk}).content.decode()
    assert pending_ids(page) == {small_school.journal.pk, other_journal.pk}
    assert "Октябрь" in section(page, "recent-inspections")


def test_the_inspections_page_filters_by_teacher_and_by_both(small_school, director, other_journal):
    client = director()
    page = client.get(INSPECTIONS.format(language="ky"), {"teacher": small_school.other_teacher.pk}).content.decode()
    assert pending_ids(page) == {other_journal.pk}
    assert "Октябрь" in section(page, "recent-inspections")
    page = client.get(INSPECTIONS.format(language="ky"), {"teacher": small_school.teacher.pk}).content.decode()
    assert pending_ids(page) == {small_school.journal.pk, small_school.journal_1a.pk}
    assert "Октябрь" not in section(page, "recent-inspections")  # another teacher's journal
    both = {"class": small_school.class_1a.pk, "teacher": small_school.other_teacher.pk}
    page = client.get(INSPECTIONS.format(language="ky"), both).content.decode()
    assert pending_ids(page) == set()
    assert 'id="clear-filters"' in page


@pytest.mark.parametrize(
    ("language", "message", "field_message"),
    [
        ("ky", "Чыпка колдонулган жок", "Мектептин классын тизмеден тандаңыз."),
        ("ru", "Фильтр не применён", "Выберите класс школы из списка."),
    ],
)
@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1", "1.5", "<script>"])
def test_a_bad_class_is_refused_with_a_message(small_school, director, language, message, field_message, value):
    response = director(language).get(INSPECTIONS.format(language=language), {"class": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and field_message in page
    assert 'data-field-errors="class"' in page
    assert "<script>" not in section(page, "inspection-filters")
    # The lists are still there, unfiltered.
    assert pending_ids(page) == {small_school.journal.pk, small_school.journal_1a.pk}


@pytest.mark.parametrize(
    ("language", "field_message"),
    [("ky", "Мектептин мугалимин тизмеден тандаңыз."), ("ru", "Выберите учителя школы из списка.")],
)
def test_another_schools_class_or_teacher_is_refused(small_school, director, language, field_message):
    stranger_class = factories.SchoolClassFactory(code="9В", grade=9)
    response = director(language).get(
        INSPECTIONS.format(language=language), {"class": stranger_class.pk, "teacher": small_school.stranger.pk}
    )
    assert response.status_code == 400
    assert field_message in response.content.decode()


def test_the_inspect_link_keeps_the_filter(small_school, director):
    page = director().get(INSPECTIONS.format(language="ky"), {"class": small_school.class_1a.pk}).content.decode()
    link = f'href="?class={small_school.class_1a.pk}&amp;journal={small_school.journal_1a.pk}#record-inspection"'
    assert link in page


def test_the_filter_form_is_labelled(small_school, director):
    page = director().get(INSPECTIONS.format(language="ky")).content.decode()
    filters = section(page, "inspection-filters")
    assert 'method="get"' in filters and 'aria-labelledby="inspection-filters-title"' in filters
    assert '<label for="id_class">класс</label>' in filters
    assert '<label for="id_teacher">мугалим</label>' in filters
    assert f'<option value="{small_school.class_1a.pk}">1А</option>' in filters


def test_the_filtered_inspections_page_queries_stay_constant(small_school, director, django_assert_max_num_queries):
    client = director()
    url = INSPECTIONS.format(language="ky")
    query = {"class": small_school.class_5a.pk, "teacher": small_school.teacher.pk}
    client.get(url, query)
    with django_assert_max_num_queries(8):
        assert client.get(url, query).status_code == 200
    for _index in range(10):
        journal = factories.JournalFactory(school_class=small_school.class_5a, teacher=small_school.teacher)
        inspection_record(actor=small_school.deputy.user, journal=journal, remarks="ok", at=NOW)
        factories.JournalFactory(school_class=small_school.class_1a, teacher=small_school.other_teacher)
    with django_assert_max_num_queries(8):
        assert client.get(url, query).status_code == 200


# --- the overview's "needs attention" ---


@pytest.mark.parametrize(("language", "heading"), [("ky", "Көңүл буруу керек"), ("ru", "Требует внимания")])
def test_the_overview_leads_with_what_needs_attention(small_school, director, language, heading):
    page = director(language).get(OVERVIEW.format(language=language)).content.decode()
    attention = section(page, "attention")
    assert heading in attention
    # Before the rest of the overview.
    assert page.index('id="attention"') < page.index('id="counts"') < page.index('id="periods"')
    # The 5А and 1А journals have lessons with no topic and nothing entered; no class had its data check this month;
    # no journal was inspected this month.
    assert 'data-count="journals-behind">2<' in attention
    assert 'data-count="data-checks-due">2<' in attention
    assert 'data-count="not-inspected">2<' in attention
    assert 'href="#journals-behind"' in attention and 'id="journals-behind"' in attention
    assert 'href="#data-checks-due"' in attention and 'id="data-checks-due"' in attention
    assert f'href="/{language}/diary/administration/inspections/"' in attention
    row = attention[attention.index(f'data-behind="{small_school.journal.pk}"') :]
    assert 'data-without-topic="4"' in row.split("</tr>")[0]
    assert 'data-without-entries="4"' in row.split("</tr>")[0]
    assert f'href="/{language}/diary/classes/{small_school.class_1a.pk}/"' in attention


def test_only_lessons_past_their_weekly_deadline_count(small_school, director):
    teacher = small_school.teacher.user
    lessons = small_school.lessons
    at = NOW - dt.timedelta(hours=1)
    for lesson in lessons:
        lesson_update(actor=teacher, lesson=lesson, topic="Бөлчөктөр", at=at)
    marks_save(
        actor=teacher,
        journal=small_school.journal,
        at=at,
        changes=[CellChange(lesson.pk, small_school.students[0].pk, None, [5]) for lesson in lessons],
    )
    # D5: a lesson of this week (Monday 9 November) is not due yet; one of last week (Friday 6 November) is.
    factories.LessonFactory(journal=small_school.journal, date=dt.date(2026, 11, 9), lesson_no=1)
    page = director().get(OVERVIEW.format(language="ky")).content.decode()
    attention = section(page, "attention")
    assert f'data-behind="{small_school.journal.pk}"' not in attention
    assert f'data-behind="{small_school.journal_1a.pk}"' in attention
    assert 'data-count="journals-behind">1<' in attention
    factories.LessonFactory(journal=small_school.journal, date=dt.date(2026, 11, 6), lesson_no=1)
    attention = section(director().get(OVERVIEW.format(language="ky")).content.decode(), "attention")
    assert 'data-count="journals-behind">2<' in attention
    row = attention[attention.index(f'data-behind="{small_school.journal.pk}"') :].split("</tr>")[0]
    assert 'data-without-topic="1"' in row and 'data-without-entries="1"' in row


def test_a_data_check_and_an_inspection_this_month_leave_the_list(small_school, director):
    data_check_record(actor=small_school.homeroom.user, school_class=small_school.class_5a, on=NOW.date())
    data_check_record(
        actor=small_school.director.user, school_class=small_school.class_1a, on=dt.date(2026, 10, 20)
    )  # last month's check does not count
    inspection_record(actor=small_school.director.user, journal=small_school.journal, remarks="", at=NOW)
    attention = section(director().get(OVERVIEW.format(language="ky")).content.decode(), "attention")
    assert 'data-count="data-checks-due">1<' in attention
    assert 'data-check-due="1А"' in attention and 'data-check-due="5А"' not in attention
    assert 'data-count="not-inspected">1<' in attention


def test_the_overview_queries_stay_constant(small_school, director, django_assert_max_num_queries):
    client = director()
    url = OVERVIEW.format(language="ky")
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for index in range(8):
        school_class = factories.SchoolClassFactory(
            year=small_school.q1.year, code=f"7{index}", grade=7, homeroom_teacher=small_school.homeroom
        )
        factories.EnrolmentFactory(school_class=school_class)
        journal = factories.JournalFactory(school_class=school_class, teacher=small_school.other_teacher)
        factories.LessonFactory(journal=journal, date=dt.date(2026, 10, 27), lesson_no=1)
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert 'data-count="journals-behind">10<' in page
