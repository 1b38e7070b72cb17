"""IDOR probes (D15): every address of the diary with an object id in it, HTML and API, asked by every persona for the
ids of every object of its kind — its own school's and another school's — never gives away someone else's data.

The addresses are found by walking the URL resolver (namespaces `diary` and `diary_api`), so a page added later is
probed without touching this file. Another school (the stranger's) holds a class, pupils, a journal, a conversation,
a report and an access code; their names are markers that must never appear in an answer to this school's people,
and this school's pupils' names must never appear in an answer to the stranger or to those D15 keeps them from.
"""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from rest_framework.test import APIClient

from diary.models import AccessCode, Journal, Lesson, ReportRun, SchoolClass, Student, Thread
from diary.services.access import access_code_issue
from diary.services.messaging import thread_start
from diary.services.reports import report_request
from tests import factories
from tests.figures import changed_tables, table_checksums

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "student",
    "parent",
    "other_parent",
    "teacher",
    "other_teacher",
    "substitute",
    "homeroom",
    "director",
    "stranger",
    "deactivated",
]
# The word before an id in an address names the kind of object it is.
KINDS = {
    "journals": Journal,
    "students": Student,
    "classes": SchoolClass,
    "mail": Thread,
    "threads": Thread,
    "lessons": Lesson,
    "reports": ReportRun,
    "access-codes": AccessCode,
}
# Whose pupils (indexes into small_school.students) each persona must never see.
MUST_NOT_SEE = {
    "anonymous": [0, 1, 2],
    "student": [1, 2],
    "parent": [1, 2],
    "other_parent": [0, 2],
    "other_teacher": [0, 1, 2],
    "stranger": [0, 1, 2],
    "deactivated": [0, 1, 2],
}
REFUSED = {401, 403, 404, 405}


def id_converter(converter) -> bool:
    return converter.regex in ("[0-9]+", "[0-9]{1,10}")


def object_addresses(namespaces=("diary", "diary_api")) -> list[tuple[str, str, str]]:
    """(namespace:name, the id's keyword, the word before it) of every address whose only argument is an id."""
    found = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace in namespaces and entry.name:
                converters = getattr(entry.pattern, "converters", {})
                if len(converters) == 1 and all(id_converter(c) for c in converters.values()):
                    keyword = next(iter(converters))
                    route = str(entry.pattern)
                    word = route.split(f"<{route.split('<')[1].split('>')[0]}>")[0].strip("/").split("/")[-1]
                    found.append((f"{namespace}:{entry.name}", keyword, word))

    walk(get_resolver().url_patterns, None)
    return sorted(set(found))


ADDRESSES = object_addresses()
KNOWN_KINDS = [address for address in ADDRESSES if address[2] in KINDS]


@pytest.fixture(autouse=True)
def in_the_second_quarter():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def two_schools(small_school):
    """The small school, with pupils' names that are unique markers, and the stranger's school with its own data."""
    s = small_school
    for index, student in enumerate(s.students):
        student.last_name = f"Белгилүү{'АБВ'[index]}ова"
        student.save()
    other = s.stranger.school
    year = factories.AcademicYearFactory(school=other)
    q1 = factories.PeriodFactory(year=year, number=1, start=dt.date(2026, 9, 1), end=dt.date(2026, 10, 31))
    homeroom = factories.StaffMemberFactory(school=other, user__username="foreign_homeroom")
    school_class = factories.SchoolClassFactory(year=year, code="7Б", grade=7, homeroom_teacher=homeroom)
    foreign = []
    for index in range(3):
        student = factories.StudentFactory(school=other, last_name=f"Бөтөн{'АБВ'[index]}ова")
        factories.EnrolmentFactory(school_class=school_class, student=student)
        foreign.append(student)
    journal = factories.JournalFactory(school_class=school_class, teacher=s.stranger)
    factories.LessonFactory(journal=journal, date=dt.date(2026, 9, 8), topic="Бөтөн тема")
    guardian = factories.GuardianFactory(school=other, user=factories.UserFactory(username="foreign_parent"))
    from diary.models import GuardianLink

    GuardianLink.objects.create(school=other, guardian=guardian, student=foreign[0], relation="атасы")
    thread_start(sender=guardian.user, recipient_ids=[homeroom.user.pk], subject="Бөтөн кат", body="Бөтөн сөз")
    report_request(actor=s.stranger.user, school=other, kind="progress", period=q1)
    access_code_issue(actor=None, person=foreign[1])
    # And this school's own conversation, report and code, for the ids of other people inside it.
    thread_start(sender=s.parent.user, recipient_ids=[s.homeroom.user.pk], subject="Ички кат", body="Ички сөз")
    report_request(actor=s.director.user, school=s.school, kind="progress", period=s.q1)
    access_code_issue(actor=s.homeroom.user, person=s.students[1])
    return s, other


def forbidden_markers(s, persona: str) -> list[str]:
    markers = [f"Бөтөн{letter}ова" for letter in "АБВ"] + ["Бөтөн кат", "Бөтөн сөз", "Бөтөн тема"]
    if persona == "stranger":
        markers = ["Ички кат", "Ички сөз"]
    markers += [s.students[index].last_name for index in MUST_NOT_SEE.get(persona, [])]
    return markers


def client_for(s, persona: str, api: bool):
    user = s.user(persona)
    if api:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def refused(response, api: bool) -> bool:
    if response.status_code in REFUSED:
        return True
    # A page asked for by someone who is not logged in sends them to the login page.
    return not api and response.status_code == 302 and "/diary/login/" in response.get("Location", "")


@pytest.mark.parametrize(("name", "keyword", "word"), ADDRESSES, ids=[address[0] for address in ADDRESSES])
def test_no_persona_gets_anyone_elses_object_by_its_id(two_schools, name, keyword, word, figures):
    s, other = two_schools
    api = name.startswith("diary_api:")
    model = KINDS.get(word)
    if model is not None:
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        foreign_ids = set(model.objects.filter(school=other).values_list("pk", flat=True))
        own_ids = set(ids) - foreign_ids
    else:
        # A kind of object this file does not know yet: every low id, checked for leaks only.
        ids, foreign_ids, own_ids = list(range(1, 16)), set(), set()
    ids = [pk for pk in ids if pk in own_ids or pk in sorted(foreign_ids)[:2]] + [max(ids, default=0) + 1000]
    # The substitute reads what the teacher reads; the D15 matrix tells them apart where they differ.
    for persona in [persona for persona in PERSONAS if persona != "substitute"]:
        client = client_for(s, persona, api)
        markers = forbidden_markers(s, persona)
        for pk in ids:
            with translation.override("ky"):
                url = reverse(name, kwargs={keyword: pk})
            response = client.get(url)
            text = response.content.decode(errors="replace")
            leaked = [marker for marker in markers if marker in text]
            must_refuse = (pk in foreign_ids and persona != "stranger") or (persona == "stranger" and pk in own_ids)
            wrong = must_refuse and not refused(response, api)
            server_error = response.status_code >= 500
            figures.add("IDOR", probes=1, leaks=len(leaked) + int(wrong), server_errors=int(server_error))
            assert response.status_code < 500, (url, persona)
            assert not leaked, (url, persona, leaked)
            assert not wrong, (url, persona, response.status_code)


@pytest.mark.parametrize(("name", "keyword", "word"), KNOWN_KINDS, ids=[address[0] for address in KNOWN_KINDS])
def test_a_post_to_another_schools_object_is_refused_and_changes_nothing(two_schools, name, keyword, word, figures):
    s, other = two_schools
    model = KINDS[word]
    api = name.startswith("diary_api:")
    foreign_ids = list(model.objects.filter(school=other).values_list("pk", flat=True))
    # Logging in records the login; the clients log in before the tables are read.
    clients = {persona: client_for(s, persona, api) for persona in ("parent", "teacher", "director")}
    before = table_checksums(apps_only=("diary", "auth"))
    for persona, client in clients.items():
        for pk in foreign_ids:
            with translation.override("ky"):
                url = reverse(name, kwargs={keyword: pk})
            response = client.post(url, {"remarks": "x", "body": "x", "topic": "x"})
            after = table_checksums(apps_only=("diary", "auth"))
            unintended = changed_tables(before, after)
            figures.add("IDOR", probes=1, leaks=int(not refused(response, api)) + len(unintended))
            assert refused(response, api), (url, persona, response.status_code)
            assert not unintended, (url, persona, unintended)
            before = after


def test_the_markers_show_where_their_owners_may_see_them(two_schools):
    """The leak check is not empty: the same markers do appear for the people allowed to see them."""
    s, _other = two_schools
    journal = client_for(s, "director", api=True).get(reverse("diary_api:journal", kwargs={"pk": s.journal.pk}))
    assert all(student.last_name in journal.content.decode() for student in s.students)
    foreign = Thread.objects.get(subject="Бөтөн кат")
    answer = client_for(s, "stranger", api=True).get(reverse("diary_api:thread", kwargs={"pk": foreign.pk}))
    assert answer.status_code == 404  # the stranger is the other school's director, not in that conversation
    own = client_for(s, "parent", api=True).get(
        reverse("diary_api:thread", kwargs={"pk": Thread.objects.get(subject="Ички кат").pk})
    )
    assert "Ички сөз" in own.content.decode()


def test_the_walker_finds_the_diary_pages_and_api_objects():
    names = {name for name, _keyword, _word in ADDRESSES}
    assert {"diary_api:journal", "diary_api:student-grades", "diary_api:thread"} <= names
    assert all(word for _name, _keyword, word in ADDRESSES)


def test_the_public_api_never_serves_a_draft_or_unpublished_page_by_its_id(demo_site, client, figures):
    """The website's API (/api/v2/pages/{id}/) answers for live pages only: a draft's id is a 404, like no page."""
    from wagtail.models import Page

    from home.models import NewsArticlePage, NewsIndexPage

    index = NewsIndexPage.objects.first()
    draft = index.add_child(instance=NewsArticlePage(title="Жашыруун долбоор", slug="draft-news", live=False))
    withdrawn = index.add_child(instance=NewsArticlePage(title="Алынган жаңылык", slug="withdrawn-news"))
    withdrawn.save_revision().publish()
    withdrawn.unpublish()
    hidden = {draft.pk, withdrawn.pk}
    for pk in Page.objects.order_by("pk").values_list("pk", flat=True):
        answer = client.get(f"/api/v2/pages/{pk}/")
        leaked = pk in hidden and (answer.status_code != 404 or "Жашыруун" in answer.content.decode())
        figures.add("IDOR", probes=1, leaks=int(leaked), server_errors=int(answer.status_code >= 500))
        assert answer.status_code < 500
        assert not leaked, (pk, answer.status_code)
    listing = client.get("/api/v2/pages/?limit=100").content.decode()
    assert "Жашыруун" not in listing and "Алынган" not in listing
