"""Bad input on every form of the diary's pages: each page is opened as a persona who may use it, each of its POST
forms is read from the HTML, and Hypothesis fills the form's own fields with junk. No answer is a server error, and a
refused submission (4xx) changes no row.

The pages are found from the URL resolver (namespace `diary`) and the forms from the pages themselves, so a form added
later is filled without touching this file.
"""

import datetime as dt
from html.parser import HTMLParser

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.diary.test_bad_input import UNICODE_EDGES
from tests.figures import changed_tables, table_checksums

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SKIPPED_FORMS = ("/logout/",)  # signing out is not input
# A refused form's message waits in the session (MESSAGE_STORAGE); sessions are no diary data.
SESSIONS = ("diary_loginsession",)
junk = st.one_of(
    st.sampled_from([value for value in UNICODE_EDGES if "\ud800" not in value and "\udfff" not in value]),
    st.text(max_size=30).filter(lambda text: not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["", "0", "-1", "2026-02-30", "9999-99-99", "on", "true", "None", "[]", "{}"]),
)


class FormFinder(HTMLParser):
    """The POST forms of a page: their action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self.current = {"action": attributes.get("action") or "", "fields": set()}
            self.forms.append(self.current)
        elif tag in ("input", "select", "textarea") and self.current is not None:
            self.current["fields"].add(attributes.get("name") or "csrfmiddlewaretoken")
            self.current["fields"].discard("csrfmiddlewaretoken")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def pages() -> list[tuple[str, list[str]]]:
    """(namespace:name, argument names) of every page of the diary."""
    found = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "diary" and entry.name:
                found.append((f"diary:{entry.name}", list(getattr(entry.pattern, "converters", {}))))

    walk(get_resolver().url_patterns, None)
    return sorted(found)


PAGES = pages()
# Who opens each kind of page, and which of their objects it shows.
OPENERS = ["director", "homeroom", "teacher", "parent"]


def object_ids(s, thread) -> dict[str, int]:
    """The object an address's id stands for, by the first word of the address's name."""
    return {"class": s.class_5a.pk, "journal": s.journal.pk, "student": s.students[0].pk, "thread": thread.pk}


@pytest.fixture(autouse=True)
def in_the_second_quarter():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.parametrize(("name", "arguments"), PAGES, ids=[name for name, _arguments in PAGES])
def test_junk_in_every_form_of_a_page_never_gives_a_server_error(small_school, name, arguments, figures):
    from diary.services.messaging import thread_start

    thread = thread_start(
        sender=small_school.parent.user, recipient_ids=[small_school.homeroom.user.pk], subject="С", body="…"
    )
    ids = object_ids(small_school, thread)
    tried = 0
    for persona in OPENERS:
        client = Client()
        client.force_login(small_school.user(persona))
        kwargs = {argument: ids.get(name.split(":")[1].split("_")[0], 1) for argument in arguments}
        with translation.override("ky"):
            url = reverse(name, kwargs=kwargs)
        page = client.get(url, follow=True)
        if page.status_code != 200:
            continue
        finder = FormFinder()
        finder.feed(page.content.decode(errors="replace"))
        for form in finder.forms:
            action = form["action"] or page.request["PATH_INFO"]
            if not form["fields"] or action.endswith(SKIPPED_FORMS):
                continue
            tried += 1
            fill(client, action, sorted(form["fields"]), figures)
    figures.add("bad input (pages)", forms=tried)


def fill(client, action: str, fields: list[str], figures) -> None:
    state = {"before": table_checksums(exclude=SESSIONS, apps_only=("diary", "auth"))}

    @FUZZ
    @given(values=st.fixed_dictionaries({field: junk for field in fields}))
    def submit(values):
        response = client.post(action, values)
        after = table_checksums(exclude=SESSIONS, apps_only=("diary", "auth"))
        refused = 400 <= response.status_code < 500
        unintended = changed_tables(state["before"], after) if refused else []
        figures.add(
            "bad input (pages)",
            inputs=1,
            server_errors=int(response.status_code >= 500),
            unintended_changes=len(unintended),
        )
        assert response.status_code < 500, (action, values)
        assert not unintended, (action, values, unintended)
        state["before"] = after

    submit()
