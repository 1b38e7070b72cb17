"""D15 asked of one object gives the same answer as the scoped querysets it stands in for."""

import datetime as dt

import pytest
from django.utils import timezone

from diary.models import Journal, Substitution
from diary.permissions import journals_visible_to, may_view_journal
from tests import factories

pytestmark = pytest.mark.django_db
PERSONAS = [
    "director", "deputy", "admin", "teacher", "other_teacher", "substitute", "homeroom", "student", "parent",
    "other_parent", "stranger", "deactivated",
]  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
def test_may_view_journal_answers_as_journals_visible_to(small_school, persona):
    archived = factories.JournalFactory(school_class=small_school.class_5a, teacher=small_school.teacher)
    archived.archived_at = timezone.now()
    archived.save()
    elsewhere = factories.JournalFactory(teacher=small_school.stranger)
    cancelled_cover = factories.JournalFactory(school_class=small_school.class_1a, teacher=small_school.other_teacher)
    Substitution.objects.create(
        school=small_school.school, journal=cancelled_cover, teacher=small_school.substitute,
        date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 9, 30), cancelled_at=timezone.now(),
    )  # fmt: skip
    user = small_school.user(persona)
    visible = set(journals_visible_to(user).values_list("pk", flat=True))
    journals = Journal.objects.select_related("school_class").all()
    assert {journal.pk for journal in journals if may_view_journal(user, journal)} == visible
    assert elsewhere.pk not in visible and archived.pk not in visible
