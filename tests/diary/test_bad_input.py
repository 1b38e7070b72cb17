"""Bad input on every diary API endpoint: generated bodies and query strings of the wrong types, huge, nested, and
full of Kyrgyz/Russian Unicode edge cases. None gets a server error; every refused one changes no row anywhere.

Beyond schemathesis (tests/diary/test_api_schema.py), which generates from the schema, these strategies send what the
schema does not describe: objects where numbers belong, lone surrogates and NUL escaped in JSON, combining marks,
right-to-left and zero-width characters, invalid JSON, and junk in addresses.
"""

import datetime as dt
import json
from urllib.parse import quote, urlencode

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from diary.services.access import access_code_issue
from diary.services.messaging import thread_start
from diary.services.reports import report_request
from tests.figures import changed_tables, table_checksums

pytestmark = pytest.mark.django_db
BASE = "/api/diary/v1"
# A refused login is recorded by django-axes on purpose (lockout); sessions are no diary data.
INTENDED = ("axes_accessattempt", "axes_accessfailurelog", "axes_accesslog", "diary_loginsession")
# Checked after every request; every table of every app is checked once per test (Probe.finish).
WRITTEN_BY_THE_API = ("diary", "auth")
FUZZ = settings(
    max_examples=35,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Kyrgyz and Russian letters, and the characters that break naive code: combining marks, zero-width joiners and
# spaces, right-to-left and bidi overrides, the BOM, NUL, and lone surrogates (sent escaped: JSON allows them).
UNICODE_EDGES = [
    "ң ө ү Ң Ө Ү",
    "Жаңылык Өмүрбек Үсөнов",
    "Ёжиков Щёлкин-Эйхман",
    "е\u0301 и\u0306 у\u0308",  # combining acute, breve, diaeresis
    "\u200b\u200c\u200d\u2060",  # zero-width space, non-joiner, joiner, word joiner
    "\u202e5\u202c \u2067А\u2069",  # right-to-left override, isolates
    "مرحبا שלום",
    "\ufeffБОМ",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff\ud800",
    "Ң" * 5000,
    "𝔐𝔢𝔨𝔱𝔢𝔭 🇰🇬",
    " ",
    "",
    "null",
    "<script>alert(1)</script>",
    "'; DROP TABLE diary_mark; --",
    "=cmd|' /C calc'!A0",
    "quarter-1\x00",
    "2026-W47",
    "2026-13-45",
    "9999-12-31",
    "-0",
    "1e309",
]
edge_text = st.sampled_from(UNICODE_EDGES)
any_text = st.one_of(edge_text, st.text(max_size=40), st.text(alphabet="ңөүҢӨҮабвёЁ\u0301\u200d", max_size=300))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63, 10**30]),
    st.floats(allow_nan=False, allow_infinity=False),
    any_text,
)
json_junk = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)),
    max_leaves=12,
)


def bodies(fields: dict[str, st.SearchStrategy]):
    """An object with the endpoint's own field names, each holding a plausible value or junk, with extra keys; or
    something that is not an object at all."""
    shaped = st.fixed_dictionaries(
        {},
        optional={name: st.one_of(strategy, json_junk) for name, strategy in fields.items()},
    ).flatmap(lambda body: st.dictionaries(any_text, json_junk, max_size=2).map(lambda extra: {**extra, **body}))
    return st.one_of(shaped, shaped, shaped, json_junk)


def raw_bodies(fields: dict[str, st.SearchStrategy]):
    """JSON text (lone surrogates and NUL escaped as JSON allows), or text that is not JSON at all."""
    broken = st.sampled_from(
        [b"", b"{", b"[1,", b'{"a": NaN}', b'{"a": Infinity}', b"\xff\xfe\x00", b'{"a": 1}' * 3, b"\x00" * 10]
    )
    encoded = bodies(fields).map(lambda body: json.dumps(body, ensure_ascii=True).encode())
    return st.one_of(encoded, encoded, encoded, encoded, broken)


class Probe:
    """Sends one request as a persona and proves its outcome: no server error; refused → no row changed."""

    def __init__(self, small_school, persona: str, figures):
        self.client = APIClient(HTTP_ACCEPT_LANGUAGE="ru")
        user = small_school.user(persona)
        if user is not None:
            self.client.force_authenticate(user)
        self.figures = figures
        self.before = table_checksums(exclude=INTENDED, apps_only=WRITTEN_BY_THE_API)
        self.everything_before = table_checksums(exclude=INTENDED)
        self.accepted = 0

    def finish(self) -> None:
        """When every request was refused, no table of any app may differ from before the first one."""
        if not self.accepted:
            unintended = changed_tables(self.everything_before, table_checksums(exclude=INTENDED))
            self.figures.add("bad input", unintended_changes=len(unintended))
            assert not unintended

    def send(self, method: str, url: str, body: bytes | None = None):
        if method == "get":
            response = self.client.get(url)
        else:
            response = getattr(self.client, method)(url, data=body or b"", content_type="application/json")
        after = table_checksums(exclude=INTENDED, apps_only=WRITTEN_BY_THE_API)
        refused = response.status_code >= 400
        unintended = changed_tables(self.before, after) if refused else []
        self.figures.add(
            "bad input",
            inputs=1,
            server_errors=int(response.status_code >= 500),
            unintended_changes=len(unintended),
        )
        assert response.status_code < 500, (url, body, response.content[:300])
        assert not unintended, (url, body, response.status_code, unintended)
        if refused:
            error = response.json()["error"]
            assert {"code", "message", "fields"} <= set(error), response.content[:300]
            assert error["message"]
        else:
            self.accepted += 1
        self.before = after
        return response


@pytest.fixture(autouse=True)
def in_the_second_quarter():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        yield


def ids(*values):
    return st.one_of(st.sampled_from(values), st.integers(min_value=-5, max_value=2**31 + 5))


def endpoint_table(s):
    """name → (persona, method, url, fields of the body). `s` is the small school."""
    lesson_ids = ids(*(lesson.pk for lesson in s.lessons), s.lesson_1a.pk)
    student_ids = ids(*(student.pk for student in s.students), s.first_grader.pk)
    grades = st.lists(st.one_of(st.integers(min_value=-3, max_value=12), json_junk), max_size=3)
    change = st.fixed_dictionaries(
        {"lesson": lesson_ids, "student": student_ids},
        optional={
            "grades": grades,
            "attendance": st.one_of(st.sampled_from(["present", "absent", "late", "excused", "sick"]), any_text),
            "comment": any_text,
            "version": st.one_of(st.none(), st.integers(min_value=-1, max_value=3), json_junk),
        },
    )
    periods = st.one_of(st.sampled_from(["quarter-1", "quarter-2", "half-1", "year", "quarter-9"]), any_text)
    dates = st.one_of(st.dates().map(dt.date.isoformat), any_text)
    code = access_code_issue(actor=s.homeroom.user, person=s.students[1]).access_code
    thread = thread_start(sender=s.parent.user, recipient_ids=[s.homeroom.user.pk], subject="Суроо", body="…")
    run = report_request(actor=s.director.user, school=s.school, kind="progress", period=s.q1)
    journal = s.journal.pk
    return {
        "login": ("anonymous", "post", "auth/login/", {"username": any_text, "password": any_text}),
        "redeem": ("anonymous", "post", "auth/redeem/", {"code": any_text, "username": any_text, "password": any_text}),
        "marks": (
            "teacher",
            "post",
            f"journals/{journal}/marks/",
            {"changes": st.lists(st.one_of(change, json_junk), max_size=4), "reason": any_text},
        ),
        "lesson": ("teacher", "patch", f"lessons/{s.lessons[0].pk}/", {"topic": any_text, "homework": any_text}),
        "finals": (
            "director",
            "post",
            f"journals/{journal}/finals/",
            {
                "period": periods,
                "finals": st.lists(
                    st.fixed_dictionaries({"student": student_ids, "value": st.one_of(scalars, st.just("na"))}),
                    max_size=3,
                ),
                "reason": any_text,
            },
        ),
        "inspections": ("director", "post", f"journals/{journal}/inspections/", {"remarks": any_text}),
        "substitutions": (
            "director",
            "post",
            "substitutions/",
            {
                "journal": ids(journal, s.journal_1a.pk),
                "teacher": st.one_of(st.just(s.other_teacher.code), any_text),
                "date_from": dates,
                "date_to": dates,
            },
        ),
        "access_codes": (
            "homeroom",
            "post",
            "access-codes/",
            {
                "person_kind": st.one_of(st.sampled_from(["staff", "student", "guardian"]), any_text),
                "person_code": st.one_of(st.just(s.students[2].code), any_text),
            },
        ),
        "code_slips": ("homeroom", "post", "access-codes/slips/", {"class": st.one_of(st.just("5А"), any_text)}),
        "code_revoke": ("homeroom", "post", f"access-codes/{code.pk}/revoke/", {}),
        "thread_start": (
            "parent",
            "post",
            "threads/",
            {
                "to": st.one_of(st.lists(ids(s.homeroom.user.pk), max_size=3), json_junk),
                "to_class": any_text,
                "subject": any_text,
                "body": any_text,
            },
        ),
        "thread_reply": ("parent", "post", f"threads/{thread.pk}/messages/", {"body": any_text}),
        "report_request": (
            "director",
            "post",
            "reports/",
            {
                "kind": st.one_of(st.sampled_from(["activity", "progress", "compliance"]), any_text),
                "period": periods,
                "month": st.one_of(st.sampled_from(["2026-10", "2026-13", "0000-00"]), any_text),
            },
        ),
        "report_revisit": ("director", "post", f"reports/{run.pk}/", {"status": any_text}),
    }


WRITE_ENDPOINTS = [
    "login",
    "redeem",
    "marks",
    "lesson",
    "finals",
    "inspections",
    "substitutions",
    "access_codes",
    "code_slips",
    "code_revoke",
    "thread_start",
    "thread_reply",
    "report_request",
    "report_revisit",
]


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS)
def test_junk_bodies_get_a_clear_error_and_change_nothing(small_school, endpoint, figures):
    persona, method, url, fields = endpoint_table(small_school)[endpoint]
    probe = Probe(small_school, persona, figures)

    @FUZZ
    @given(body=raw_bodies(fields))
    def send(body):
        probe.send(method, f"{BASE}/{url}", body)

    send()
    probe.finish()


QUERY_ENDPOINTS = {
    "journal": ("director", "journals/{journal}/", ["period"]),
    "student_diary": ("parent", "students/{student}/diary/", ["week"]),
    "student_grades": ("parent", "students/{student}/grades/", ["period"]),
    "access_codes_list": ("homeroom", "access-codes/", ["class"]),
    "journals": ("teacher", "journals/", ["page", "format"]),
    "history": ("director", "journals/{journal}/history/", ["lesson", "student"]),
}


@pytest.mark.parametrize("endpoint", list(QUERY_ENDPOINTS))
def test_junk_query_strings_never_give_a_server_error(small_school, endpoint, figures):
    persona, url, names = QUERY_ENDPOINTS[endpoint]
    url = url.format(journal=small_school.journal.pk, student=small_school.students[0].pk)
    probe = Probe(small_school, persona, figures)
    values = st.one_of(any_text, st.integers().map(str), st.sampled_from(["2026-W53", "2026-W00", "quarter-0"]))
    queries = st.lists(st.tuples(st.sampled_from([*names, "lang", "x"]), values), max_size=3)

    @FUZZ
    @given(query=queries)
    def send(query):
        encoded = urlencode([(key, value.encode("utf-8", "surrogatepass")) for key, value in query])
        probe.send("get", f"{BASE}/{url}?{encoded}")

    send()
    probe.finish()


@pytest.mark.parametrize(
    "template", ["journals/{}/", "journals/{}/marks/", "lessons/{}/", "students/{}/grades/", "threads/{}/"]
)
def test_junk_in_an_address_is_a_404_or_400_never_a_server_error(small_school, template, figures):
    probe = Probe(small_school, "director", figures)
    segments = st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(["0", "00000000001", "1e3", "0x10", "١٢", "²", "%00", "..", "1;2"]),
        any_text.filter(lambda text: "/" not in text),
    )

    @FUZZ
    @given(segment=segments)
    def send(segment):
        probe.send("get", f"{BASE}/{template.format(quote(segment.encode('utf-8', 'surrogatepass'), safe=''))}")

    send()
    probe.finish()


@pytest.mark.parametrize("depth", [900, 1_000, 100_000])
@pytest.mark.parametrize("endpoint", ["login", "redeem", "marks"])
def test_json_nested_deeper_than_the_decoder_goes_is_a_400_in_the_usual_shape(small_school, endpoint, depth, figures):
    """A body nested a thousand levels deep was a server error (RecursionError escaped the parser); now it is
    refused as malformed, like any other body that is not usable JSON, and changes nothing."""
    persona, method, url, _fields = endpoint_table(small_school)[endpoint]
    probe = Probe(small_school, persona, figures)
    for body in ("[" * depth + "]" * depth, '{"changes": ' + "[" * depth + "]" * depth + "}"):
        response = probe.send(method, f"{BASE}/{url}", body.encode())
        assert response.status_code == 400
        assert response.json()["error"]["code"] in {"malformed", "invalid"}
    probe.finish()
