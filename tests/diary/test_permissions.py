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


def fresh(user):
    """The account as a new request reads it: D15 answers are remembered on the account object."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize(
    ("today", "reads"),
    [
        (dt.date(2026, 9, 7), True),  # the covered day
        (dt.date(2026, 9, 14), True),  # the last day of the 7-day grace period
        (dt.date(2026, 9, 15), False),  # the day after: the cover is over
    ],
)
def test_a_substitute_reads_the_journal_for_the_covered_dates_and_the_grace_period_then_no_longer(
    small_school, today, reads
):
    """D6: the substitute covers 7 September; with MEKTEP_SUBSTITUTE_GRACE_DAYS = 7 they read the journal until the
    14th and write the covered day until then; from the 15th the journal is gone from their list and their grid."""
    import time_machine

    from diary.permissions import covered_dates, journal_write_access, students_visible_to

    with time_machine.travel(dt.datetime(today.year, today.month, today.day, 9, tzinfo=dt.UTC), tick=False):
        user = fresh(small_school.substitute.user)
        journal = Journal.objects.select_related("school_class", "school").get(pk=small_school.journal.pk)
        assert (journal in journals_visible_to(user)) is reads
        assert may_view_journal(user, journal) is reads
        assert students_visible_to(user).filter(pk=small_school.students[0].pk).exists() is reads
        assert bool(covered_dates(user, journal)) is reads
        assert journal_write_access(user, journal).may_enter(dt.date(2026, 9, 7)) is reads


def test_the_substitute_grace_period_is_a_setting(small_school, settings):
    """D6: the grace period comes from MEKTEP_SUBSTITUTE_GRACE_DAYS; with 0 days the access ends with the cover."""
    import time_machine

    settings.MEKTEP_SUBSTITUTE_GRACE_DAYS = 0
    with time_machine.travel(dt.datetime(2026, 9, 8, 9, tzinfo=dt.UTC), tick=False):
        assert not journals_visible_to(fresh(small_school.substitute.user)).exists()
    settings.MEKTEP_SUBSTITUTE_GRACE_DAYS = 30
    with time_machine.travel(dt.datetime(2026, 10, 7, 9, tzinfo=dt.UTC), tick=False):
        assert journals_visible_to(fresh(small_school.substitute.user)).filter(pk=small_school.journal.pk).exists()
