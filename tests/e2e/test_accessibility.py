"""Accessibility: axe-core (npm, package-lock.json) checks every diary page in Kyrgyz and Russian on a 1280 px
screen and a 360 px phone; no serious or critical violation is allowed. A guard fails when a named page of the
diary is neither checked here nor listed with the reason it is not a page."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from playwright.sync_api import expect

from diary.services.messaging import thread_start

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# A Wednesday of the first quarter, afternoon in Bishkek: the week's lessons have taken place.
WEDNESDAY = dt.datetime(2026, 9, 9, 9, tzinfo=dt.UTC)
SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}
LANGUAGES = ("ky", "ru")

# name → (who opens it, its arguments from the small school). Each is a page a person reads.
PAGES = {
    "home": ("teacher", lambda s: {}),
    "login": (None, lambda s: {}),
    "redeem": (None, lambda s: {}),
    "code_link": ("teacher", lambda s: {}),
    "password_change": ("teacher", lambda s: {}),
    "help": ("teacher", lambda s: {}),
    "help_role": ("parent", lambda s: {"role": "parent"}),
    "children": ("parent", lambda s: {}),
    "student_week": ("parent", lambda s: {"pk": s.students[0].pk}),
    "student_period": ("parent", lambda s: {"pk": s.students[0].pk}),
    "today": ("teacher", lambda s: {}),
    "journals": ("teacher", lambda s: {}),
    "journal": ("teacher", lambda s: {"pk": s.journal.pk}),
    "journal_print": ("teacher", lambda s: {"pk": s.journal.pk}),
    "my_class": ("homeroom", lambda s: {}),
    "class": ("homeroom", lambda s: {"pk": s.class_5a.pk}),
    "administration": ("director", lambda s: {}),
    "substitutions": ("director", lambda s: {}),
    "inspections": ("director", lambda s: {}),
    "final_windows": ("director", lambda s: {}),
    "journal_history": ("director", lambda s: {"pk": s.journal.pk}),
    "reports": ("director", lambda s: {}),
    "mail": ("teacher", lambda s: {}),
    "compose": ("teacher", lambda s: {}),
    "thread": ("teacher", lambda s: {"pk": s.thread.pk}),
    "anonymisation": ("director", lambda s: {}),
    "student_data": ("parent", lambda s: {"pk": s.students[0].pk}),
}
# Addresses that are not pages of their own: a form's POST answers with the page it was sent from (checked above),
# a download is a file.
NOT_PAGES = {
    "logout": "POST only: signs out and goes to the login page",
    "class_data_check": "POST only: answers with the class page",
    "class_guardian_contacts": "POST only: answers with the class page",
    "class_subgroups": "POST only: answers with the class page",
    "class_code_slips": "POST only: a PDF of code slips",
    "class_person_code_slip": "POST only: a PDF of one code slip",
    "class_message": "POST only: answers with the class page",
    "student_data_json": "a JSON download",
    "student_data_pdf": "a PDF download",
    "report-file": "a report's file (PDF or workbook)",
    "manifest": "the web app manifest (JSON)",
}


def diary_url_names() -> set[str]:
    resolver = get_resolver()
    found = set()

    def walk(patterns, inside_diary: bool) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, inside_diary or pattern.namespace == "diary")
            elif isinstance(pattern, URLPattern) and inside_diary and pattern.name:
                found.add(pattern.name)

    walk(resolver.url_patterns, False)
    return found


def test_every_named_diary_page_is_checked_for_accessibility():
    names = diary_url_names()
    assert "journal" in names and "student_week" in names
    unchecked = names - set(PAGES) - set(NOT_PAGES)
    assert not unchecked, f"diary pages without an accessibility check: {sorted(unchecked)}"
    assert not (set(PAGES) | set(NOT_PAGES)) - names, "a checked page no longer exists"


def session_cookies(user, base_url: str) -> list[dict]:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]


# Held to whatever impact axe gives them: a scroll box a keyboard cannot reach, a column header with no text.
ALWAYS = {"scrollable-region-focusable", "empty-table-header"}


def axe_serious(page) -> list[str]:
    """The serious and critical violations axe-core finds on the page (and those of ALWAYS), as lines."""
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `npm ci` (make test and make test-e2e run it)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))")
    found = []
    for violation in json.loads(result)["violations"]:
        if violation["impact"] in ("serious", "critical") or violation["id"] in ALWAYS:
            for node in violation["nodes"]:
                found.append(f"{violation['id']} ({violation['impact']}): {node['target']} – {node['failureSummary']}")
    return found


# Every id an aria-describedby, aria-labelledby or aria-controls names must exist on the page (a form's error
# messages, for one: Django points the field at "<id>_error").
BROKEN_REFERENCES = """() => {
  const broken = [];
  for (const attribute of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
    for (const element of document.querySelectorAll("[" + attribute + "]")) {
      for (const id of element.getAttribute(attribute).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) broken.push(attribute + "=" + id + " on " + element.outerHTML.slice(0, 120));
      }
    }
  }
  return broken;
}"""


def page_problems(page) -> list[str]:
    return axe_serious(page) + page.evaluate(BROKEN_REFERENCES)


def check_page(browser, live_server, user, path: str) -> dict[str, list[str]]:
    problems = {}
    for screen, viewport in SCREENS.items():
        options = {"viewport": viewport}
        if screen == "phone":
            options.update(has_touch=True, is_mobile=True, device_scale_factor=2)
        # The pages forbid inline scripts (CSP); axe-core is injected by the test, so the test context bypasses it.
        context = browser.new_context(locale="ky-KG", bypass_csp=True, **options)
        try:
            if user is not None:
                context.add_cookies(session_cookies(user, live_server.url))
            page = context.new_page()
            for language in LANGUAGES:
                response = page.goto(f"{live_server.url}/{language}{path}")
                assert response.status == 200, f"{language}{path}: {response.status}"
                expect(page.locator("html")).to_have_attribute("lang", language)
                found = page_problems(page)
                if found:
                    problems[f"{language} {screen}"] = found
        finally:
            context.close()
    return problems


@pytest.fixture
def school_with_mail(small_school):
    small_school.thread = thread_start(
        sender=small_school.teacher.user,
        recipient_ids=[small_school.parent.user.pk],
        subject="Үй тапшырма",
        body="Саламатсызбы! Эртең дептерин алып келсин.",
    )
    return small_school


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_diary_page_has_no_serious_accessibility_violations(name, live_server, school_with_mail, browser):
    persona, arguments = PAGES[name]
    school = school_with_mail
    with time_machine.travel(WEDNESDAY, tick=True):
        with translation.override("ky"):
            path = reverse(f"diary:{name}", kwargs=arguments(school))
        path = path.removeprefix("/ky")
        user = school.user(persona) if persona else None
        problems = check_page(browser, live_server, user, path)
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def submit_empty(page, form) -> None:
    form.evaluate("form => { form.noValidate = true; }")
    form.locator("button[type=submit]").first.click()


@pytest.mark.parametrize("name", ["code_link", "redeem", "password_change"])
def test_a_diary_form_sent_empty_names_its_errors(name, live_server, small_school, browser):
    user = None if name == "redeem" else small_school.teacher.user
    context = browser.new_context(locale="ky-KG", bypass_csp=True, viewport=SCREENS["phone"], has_touch=True)
    try:
        if user is not None:
            context.add_cookies(session_cookies(user, live_server.url))
        page = context.new_page()
        for language in LANGUAGES:
            with translation.override(language):
                page.goto(live_server.url + reverse(f"diary:{name}"))
            submit_empty(page, page.locator("main form").first)
            described = page.locator("main [aria-invalid=true][aria-describedby]")
            expect(described.first).to_be_visible()
            for field in described.all():
                ids = field.get_attribute("aria-describedby").split()
                message = page.locator("#" + next(each for each in ids if each.endswith("_error")))
                expect(message).to_be_visible()
                expect(message).not_to_be_empty()
            assert page_problems(page) == [], language
    finally:
        context.close()


def test_the_feedback_forms_fields_point_at_their_error_messages(live_server, demo_site, browser):
    from home.models import FeedbackPage

    context = browser.new_context(locale="ky-KG", bypass_csp=True, viewport=SCREENS["phone"], has_touch=True)
    try:
        page = context.new_page()
        for language in LANGUAGES:
            with translation.override(language):
                url = FeedbackPage.objects.live().first().url
            page.goto(live_server.url + url)
            form = page.locator("form.feedback-form")
            # A name and an e-mail that is not one; no question.
            page.fill("#id_name", "Айгүл")
            page.fill("#id_email", "aigul-at-mail")
            submit_empty(page, form)
            email, question = page.locator("#id_email"), page.locator("#id_question")
            expect(email).to_have_attribute("aria-invalid", "true")
            for field in (email, question):
                error = page.locator("#" + field.get_attribute("aria-describedby"))
                expect(error).to_be_visible()
                expect(error).not_to_be_empty()
            expect(page.locator("#id_name")).not_to_have_attribute("aria-invalid", "true")
            assert page_problems(page) == [], language
    finally:
        context.close()


def test_the_grid_and_the_lists_scroll_from_the_keyboard(live_server, small_school, browser):
    """The grid's scroll box is a named region that Tab reaches and the arrow keys scroll on a 360 px phone; a
    column of buttons is headed by words a screen reader reads even if nobody sees them."""
    context = browser.new_context(locale="ky-KG", viewport=SCREENS["phone"], has_touch=True, is_mobile=True)
    try:
        context.add_cookies(session_cookies(small_school.teacher.user, live_server.url))
        page = context.new_page()
        with time_machine.travel(WEDNESDAY, tick=True):
            page.goto(f"{live_server.url}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1")
            region = page.get_by_role("region", name=f"{small_school.class_5a.code} · ")
            expect(region).to_have_count(1)
            expect(region).to_have_attribute("tabindex", "0")
            page.locator("#print-link").focus()
            for _press in range(10):
                page.keyboard.press("Tab")
                if region.evaluate("box => box === document.activeElement"):
                    break
            expect(region).to_be_focused()
            assert region.evaluate("box => box.scrollWidth > box.clientWidth")
            for _press in range(5):
                page.keyboard.press("ArrowRight")
            page.wait_for_function("() => document.querySelector('.grid-wrap').scrollLeft > 0")

        context.clear_cookies()
        context.add_cookies(session_cookies(small_school.director.user, live_server.url))
        page.goto(f"{live_server.url}/ru/diary/administration/inspections/")
        pending = page.get_by_role("region", name=re.compile("Не проверено"))
        expect(pending).to_have_attribute("tabindex", "0")
        headers = page.locator("#pending-journals thead th")
        expect(headers.last).to_have_text("Действия")
        expect(headers.last.locator(".visually-hidden")).to_have_count(1)
    finally:
        context.close()
