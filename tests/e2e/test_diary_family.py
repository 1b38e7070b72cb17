"""A guardian in a real browser: logs in, reads the child's week (a mark and homework the teacher entered) on a
desktop and on a 360 px phone, opens the period, and is refused another child's page (D15)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from diary.services.lessons import lesson_update
from diary.services.marks import CellChange, marks_save
from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
WEEK = "2026-W37"


@pytest.fixture
def screenshots(request):
    """Screenshots taken during the test, kept in test-artifacts/ only when the test fails."""
    taken: dict[str, bytes] = {}
    yield taken
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for name, image in taken.items():
            (ARTIFACTS / f"{request.node.name}-{name}.png").write_bytes(image)


@pytest.fixture
def graded(small_school):
    at = dt.datetime(2026, 9, 7, 15, 0, tzinfo=dt.UTC)
    teacher = small_school.teacher.user
    lesson_update(actor=teacher, lesson=small_school.lessons[0], topic="Бөлчөктөр", homework="№ 12, 14-бет", at=at)
    marks_save(
        actor=teacher,
        journal=small_school.journal,
        changes=[CellChange(small_school.lessons[0].pk, small_school.students[0].pk, None, grades=[5])],
        at=at,
    )
    return small_school


def test_a_guardian_reads_the_childs_week_and_period_but_not_another_childs(live_server, graded, page, screenshots):
    base = live_server.url
    child, other_child = graded.students[0], graded.students[1]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/ky/diary/login/")
    page.fill("#id_username", "parent")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    # The start page of a guardian is the child's diary.
    page.wait_for_url(re.compile(rf".*/ky/diary/students/{child.pk}/week/$"))

    page.goto(f"{base}/ky/diary/students/{child.pk}/week/?week={WEEK}")
    monday = page.locator('section.day[data-date="2026-09-07"]')
    expect(monday.locator(".grade")).to_have_text("5")
    expect(monday.locator(".homework")).to_contain_text("№ 12, 14-бет")
    expect(monday.locator(".topic")).to_contain_text("Бөлчөктөр")
    expect(page.locator("h1")).to_have_text(child.full_name)
    screenshots["week-1280"] = page.screenshot(full_page=True)

    page.set_viewport_size({"width": 360, "height": 740})
    screenshots["week-360"] = page.screenshot(full_page=True)
    # Days are stacked and nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    first, second = page.locator("section.day").nth(0), page.locator("section.day").nth(1)
    assert first.bounding_box()["y"] < second.bounding_box()["y"]
    week_mark = monday.locator("details.mark-info")
    week_mark.locator("summary").click()
    expect(week_mark.locator(".mark-detail")).to_contain_text("Бөлчөктөр")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.locator('a[data-tab="period"]').click()
    page.wait_for_url(re.compile(rf".*/students/{child.pk}/period/"))
    page.goto(f"{base}/ky/diary/students/{child.pk}/period/?period=quarter-1")
    subject = page.locator(f'li.result[data-subject="{graded.journal.subject_id}"]')
    expect(subject.locator(".result-marks .grade")).to_have_text(["5"])
    expect(subject.locator("[data-average]")).to_have_text("5,00")  # a decimal comma
    # Tapping a mark shows its date, lesson topic and kind; tapping again (or Enter) closes it. Nothing is wider
    # than the phone with it open.
    mark = subject.locator("details.mark-info")
    detail = mark.locator(".mark-detail")
    expect(detail).to_be_hidden()
    mark.locator("summary").click()
    expect(detail).to_be_visible()
    expect(detail).to_contain_text("7-сентябрь")
    expect(detail).to_contain_text("Бөлчөктөр")
    expect(detail).to_contain_text("сабактагы баа")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshots["period-mark-360"] = page.screenshot(full_page=True)
    mark.locator("summary").press("Enter")
    expect(detail).to_be_hidden()

    response = page.goto(f"{base}/ky/diary/students/{other_child.pk}/week/?week={WEEK}")
    # Another family's child is outside the guardian's view: the page does not say the child exists.
    assert response.status == 404
    expect(page.locator('[role="alert"]')).to_have_attribute("data-code", "not_found")
    assert other_child.full_name not in page.content()
