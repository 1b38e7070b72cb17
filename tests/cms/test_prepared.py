"""A PreparedQuery gives what evaluating its queryset gives, compiles once, and refuses what it cannot run."""

import threading

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from cms.prepared import PreparedPair, PreparedQuery, PreparedQueryError
from diary.backends import _account_query
from diary.models import GuardianLink, Student
from diary.permissions import own_students_query
from tests import factories

pytestmark = pytest.mark.django_db


# The busiest read: an OR with a subquery, an Exists annotation, select_related, ordering.
own_students = own_students_query


def fields(student: Student) -> tuple:
    return (student.pk, student.last_name, student.first_name, student.user_id, student.is_child,
            student.school.pk, student.school.code, student.school.name, student.archived_at)  # fmt: skip


def test_same_objects_as_the_queryset_for_every_account(small_school):
    prepared = PreparedQuery(own_students)
    for persona in ("parent", "student", "other_parent", "teacher"):
        user = small_school.user(persona)
        expected = list(own_students(user.pk))
        with CaptureQueriesContext(connection) as captured:
            got = prepared(user.pk)
            shown = [fields(student) for student in got]  # the school is already loaded: no further query
        assert shown == [fields(student) for student in expected]
        assert len(captured) == 1
        assert all(not student._state.adding and student._state.db == "default" for student in got)
    assert any(fields(student)[4] for student in prepared(small_school.user("parent").pk))  # is_child read back


def test_compiles_once_and_takes_new_values(small_school):
    built = []

    def build(user_id):
        built.append(user_id)
        return own_students(user_id)

    prepared = PreparedQuery(build)
    parent, other = small_school.user("parent"), small_school.user("other_parent")
    first = [s.pk for s in prepared(parent.pk)]
    second = [s.pk for s in prepared(other.pk)]
    assert len(built) == 1  # compiled with a sentinel, once
    assert first == [s.pk for s in own_students(parent.pk)]
    assert second == [s.pk for s in own_students(other.pk)] and second and second != first


def test_string_arguments_and_no_rows():
    school = factories.SchoolFactory()
    by_code = PreparedQuery(lambda code: Student.objects.filter(school__code=code).select_related("school"))
    kid = factories.StudentFactory(school=school)
    assert [s.pk for s in by_code(school.code)] == [kid.pk]
    assert by_code("no-such-school") == []


@pytest.mark.parametrize(
    ("build", "argument"),
    [
        (lambda code: Student.objects.filter(code=code.upper()), "abc"),  # the argument is changed on its way
        (lambda pk: Student.objects.filter(pk=pk).values("pk"), 1),  # not model instances
        (lambda pk: Student.objects.filter(pk=pk).prefetch_related("guardians"), 1),
        (lambda pk: Student.objects.annotate(n=Count("pk")).filter(pk=pk), True),  # not an int or a string
    ],
)
def test_refuses_what_it_cannot_run_the_same(build, argument):
    with pytest.raises(PreparedQueryError):
        PreparedQuery(build)(argument)


def test_each_thread_runs_its_own_plan_on_its_own_connection():
    built = []

    def build(code):
        built.append(code)
        return Student.objects.filter(school__code=code)

    prepared = PreparedQuery(build)
    assert prepared("no-such-school") == []
    seen = {}

    def in_another_thread():
        try:
            seen["rows"] = prepared("no-such-school")
            seen["again"] = prepared("another")
        finally:
            connections.close_all()

    thread = threading.Thread(target=in_another_thread)
    thread.start()
    thread.join()
    assert seen == {"rows": [], "again": []}
    assert len(built) == 2  # once for each thread's connection, not once per call
    assert prepared("no-such-school") == [] and len(built) == 2  # this thread's plan is still its own


def test_runs_repeatedly_with_the_same_results_and_postgresql_plans_it_once(small_school):
    # Past psycopg's prepare_threshold (5) the statement runs prepared on PostgreSQL; the rows must not change.
    prepared = PreparedQuery(own_students)
    personas = ("parent", "student", "other_parent", "teacher") * 3
    for persona in personas:
        user = small_school.user(persona)
        assert [fields(s) for s in prepared(user.pk)] == [fields(s) for s in own_students(user.pk)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            statements = [statement for (statement,) in cursor.fetchall()]
        assert any('FROM "diary_student"' in statement for statement in statements)


def account_fields(user) -> tuple:
    return (user.pk, user.username, user.is_active, user.last_login, user.date_joined, user.staff_pk)


def test_a_pair_gives_both_reads_in_one_statement_for_every_account(small_school):
    """The session's account and its own students (diary/backends.py): the same objects, in the same order, as the
    two reads each give, in one query; an account with no students gets none, an unknown one nothing."""
    pair = PreparedPair(_account_query, own_students)
    for persona in ("parent", "student", "other_parent", "teacher") * 2:  # twice: past PostgreSQL's prepare
        user = small_school.user(persona)
        with CaptureQueriesContext(connection) as captured:
            accounts, students = pair(user.pk)
            shown = [fields(student) for student in students]
        assert len(captured) == 1
        assert [account_fields(account) for account in accounts] == [account_fields(a) for a in _account_query(user.pk)]
        assert shown == [fields(student) for student in own_students(user.pk)]
    assert pair(2_000_000_000) == ([], [])


def test_a_pair_keeps_the_order_of_its_second_read():
    school = factories.SchoolFactory()
    guardian = factories.GuardianFactory(school=school, user=factories.UserFactory())
    for last_name in ("Үсөнова", "Абдыкадыров", "Жумабаева"):
        child = factories.StudentFactory(school=school, last_name=last_name)
        GuardianLink.objects.create(school=school, guardian=guardian, student=child)
    pair = PreparedPair(_account_query, own_students)
    _accounts, students = pair(guardian.user_id)
    assert [s.last_name for s in students] == [s.last_name for s in own_students(guardian.user_id)]
    assert len(students) == 3 and all(s.is_child for s in students)
    backwards = PreparedPair(_account_query, lambda user_id: own_students(user_id).order_by("-last_name", "pk"))
    assert [s.last_name for s in backwards(guardian.user_id)[1]] == [s.last_name for s in reversed(students)]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (lambda pk: Student.objects.filter(pk__gte=pk), own_students),  # the first may give more than one row
        (_account_query, lambda pk: own_students(pk).order_by("school__code")),  # ordered by another model's field
        (_account_query, lambda pk: own_students(pk).order_by()),  # no order to keep
    ],
)
def test_a_pair_refuses_what_it_cannot_join_the_same(first, second):
    with pytest.raises(PreparedQueryError):
        PreparedPair(first, second)(1)


def test_an_accounts_own_record_is_not_its_child_and_its_guarded_students_are(small_school):
    """`is_child` marks the students an account is a guardian of, and not the student record the account is."""
    student_account = small_school.user("student")
    assert [(s.pk, s.is_child) for s in own_students(student_account.pk)] == [(small_school.students[0].pk, False)]
    assert [(s.pk, s.is_child) for s in own_students(small_school.user("parent").pk)] == [
        (small_school.students[0].pk, True)
    ]
    # A student who has an account of their own is still their guardian's child.
    guardian = factories.GuardianFactory(school=small_school.school, user=factories.UserFactory())
    GuardianLink.objects.create(school=small_school.school, guardian=guardian, student=small_school.students[0])
    GuardianLink.objects.create(school=small_school.school, guardian=guardian, student=small_school.students[2])
    assert {(s.pk, s.is_child) for s in own_students(guardian.user_id)} == {
        (small_school.students[0].pk, True), (small_school.students[2].pk, True)
    }  # fmt: skip
