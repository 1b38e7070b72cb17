"""D16, D15: who reads a journal's history of changes, asked once (diary/permissions.py may_read_journal_history)
and answered alike by the API (`GET journals/{id}/history/`) and the page (`/<lang>/diary/journals/{id}/history/`).

The journal's teacher, the class's homeroom teacher, the administration and a substitute while the cover gives them
the journal (D6: the covered dates and MEKTEP_SUBSTITUTE_GRACE_DAYS after) read it. A substitute past that, and every
other teacher, do not see the journal at all; nor do families.
"""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

# persona → status on 20 November 2026 (the substitute covered 7 September only).
AFTER_THE_COVER = {
    "teacher": 200,
    "homeroom": 200,
    "director": 200,
    "admin": 200,
    "substitute": 404,
    "other_teacher": 404,
    "parent": 404,
    "stranger": 404,
}


def answers(small_school, persona: str) -> tuple[int, int]:
    """The API's and the page's status for this persona."""
    user = small_school.user(persona)
    api = APIClient()
    api.force_authenticate(user)
    page = Client()
    page.force_login(user)
    journal = small_school.journal.pk
    return (
        api.get(f"/api/diary/v1/journals/{journal}/history/").status_code,
        page.get(f"/ky/diary/journals/{journal}/history/").status_code,
    )


@pytest.mark.parametrize(("persona", "status"), AFTER_THE_COVER.items())
def test_the_api_and_the_page_answer_each_persona_alike(small_school, persona, status):
    """D16: the page refused the journal's own teacher and homeroom teacher while the API showed them the trail;
    now one rule answers both."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        assert answers(small_school, persona) == (status, status)


def test_a_substitute_reads_the_history_on_the_day_of_the_cover(small_school):
    """D6, D16: the substitute covering today reads the history of the journal they write in."""
    with time_machine.travel(dt.datetime(2026, 9, 7, 10, tzinfo=dt.UTC), tick=False):
        assert answers(small_school, "substitute") == (200, 200)


@pytest.mark.parametrize(("day", "status"), [(14, 200), (15, 404)])
def test_a_substitute_reads_the_history_through_the_grace_period_and_not_after(small_school, settings, day, status):
    """D6, D16: the cover of 7 September gives the history for 7 grace days more, to the 14th; on the 15th the
    journal is no longer the substitute's."""
    settings.MEKTEP_SUBSTITUTE_GRACE_DAYS = 7
    with time_machine.travel(dt.datetime(2026, 9, day, 10, tzinfo=dt.UTC), tick=False):
        assert answers(small_school, "substitute") == (status, status)


def test_the_journals_teacher_sees_the_changes_on_the_page(small_school):
    """D16: what the teacher reads on the page is the trail: an entry per change, with who made it."""
    from diary.services.marks import CellChange, marks_save

    with time_machine.travel(dt.datetime(2026, 9, 8, 10, tzinfo=dt.UTC), tick=False):
        marks_save(
            actor=small_school.teacher.user,
            journal=small_school.journal,
            changes=[CellChange(small_school.lessons[0].pk, small_school.students[0].pk, None, grades=[5])],
        )
        page = Client()
        page.force_login(small_school.teacher.user)
        response = page.get(f"/ky/diary/journals/{small_school.journal.pk}/history/")
    assert response.status_code == 200
    assert b'data-by="teacher"' in response.content
