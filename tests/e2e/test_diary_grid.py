"""The journal grid in a real browser: a teacher fills a week of marks and topics with the keyboard alone and
they survive a reload; a save made from a stale grid shows a conflict instead of overwriting (D2, D8, D16)."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from diary.models import FinalGrade, Lesson, Mark
from diary.services.marks import CellChange, marks_save
from tests.e2e.pages import cell, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(autouse=True)
def phone_screenshot(page, request):
    """On failure, the grid as a 360 px phone shows it too (the page fixture keeps the 1280 px one)."""
    yield
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.set_viewport_size({"width": 360, "height": 740})
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-360.png"), full_page=True)


def tab_into_grid(page) -> None:
    """Reach the grid the way a keyboard user does: Tab until a cell has the focus."""
    for _press in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('td.c')"):
            return
    raise AssertionError("the grid cannot be reached with Tab")


def test_a_teacher_fills_a_week_with_the_keyboard_and_it_survives_a_reload(live_server, small_school, page):
    base = live_server.url
    monday, wednesday = small_school.lessons[0], small_school.lessons[1]
    students = sorted(small_school.students, key=lambda s: (s.last_name, s.first_name, s.pk))
    log_in(page, base, "teacher")
    page.goto(f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1")
    absent = page.locator('#grid-legend [data-attendance="absent"] .letter').text_content().strip()

    tab_into_grid(page)
    expect(cell(page, monday, students[0])).to_be_focused()
    # Monday's column: 5, 4, absent; typing moves down, then to the top of Wednesday's column.
    page.keyboard.type("54")
    # On a keyboard without the Kyrgyz layout the Latin letter stands in; the cell shows the legend's letter.
    page.keyboard.type("a")
    expect(cell(page, wednesday, students[0])).to_be_focused()
    # Wednesday: 3 and a second grade 5 for the first student, 4 for the second, then Backspace on a mistake.
    page.keyboard.type("3/5")
    page.keyboard.type("4")
    page.keyboard.type("2")
    # Typing went on to the top of the next lesson: back to Wednesday's last student, and clear the mistake.
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Backspace")
    expect(cell(page, wednesday, students[2])).to_have_text("")
    expect(page.locator("td.c.changed")).to_have_count(5)
    expect(page.locator("#grid-pending")).to_have_attribute("data-count", "5")
    page.keyboard.press("Control+s")
    expect(page.locator("#grid-pending")).to_have_attribute("data-count", "0")
    expect(page.locator("#grid-status")).to_have_class(re.compile(r"\bok\b"))
    expect(page.locator("td.c.changed")).to_have_count(0)

    # Topics and homework (D8): F2 in a cell opens its lesson, Ctrl+Enter saves, focus returns to the cell.
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("F2")
    expect(page.locator("#lesson-topic")).to_be_focused()
    page.keyboard.type("Натуралдык сандар")
    page.keyboard.press("Tab")
    page.keyboard.type("№ 12, 14")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#lesson-editor")).to_be_hidden()
    expect(page.locator(f'th[data-lesson="{monday.pk}"] .topic')).to_have_text("Натуралдык сандар")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("F2")
    page.keyboard.type("Бөлчөктөр")
    page.keyboard.press("Control+Enter")
    expect(page.locator(f'th[data-lesson="{wednesday.pk}"] .topic')).to_have_text("Бөлчөктөр")
    expect(page.locator(f'th[data-lesson="{wednesday.pk}"] .marker.missing')).to_have_count(0)

    page.reload()
    expect(cell(page, monday, students[0])).to_have_text("5")
    expect(cell(page, monday, students[1])).to_have_text("4")
    expect(cell(page, monday, students[2])).to_have_text(absent)
    expect(cell(page, wednesday, students[0])).to_have_text("3/5")
    expect(cell(page, wednesday, students[1])).to_have_text("4")
    expect(cell(page, wednesday, students[2])).to_have_text("")
    expect(page.locator(f'th[data-lesson="{monday.pk}"] .hw')).to_have_text("№ 12, 14")
    marks = {(m.lesson_id, m.student_id): m for m in Mark.objects.all()}
    assert marks[(monday.pk, students[2].pk)].attendance == "absent"
    assert marks[(wednesday.pk, students[0].pk)].grades == [3, 5]
    assert (wednesday.pk, students[2].pk) not in marks or marks[(wednesday.pk, students[2].pk)].grades == []
    assert Lesson.objects.get(pk=wednesday.pk).topic == "Бөлчөктөр"


def test_a_stale_edit_shows_a_conflict_and_overwrites_nothing(live_server, small_school, page):
    base = live_server.url
    lesson = small_school.lessons[0]
    student = sorted(small_school.students, key=lambda s: (s.last_name, s.first_name, s.pk))[0]
    log_in(page, base, "teacher")
    page.goto(f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1")
    expect(cell(page, lesson, student)).to_have_attribute("data-version", "")

    # Meanwhile the substitute, who covers that day (D6), entered the same cell the day after the lesson.
    with time_machine.travel(dt.datetime(2026, 9, 8, 9, tzinfo=dt.UTC)):
        marks_save(
            actor=small_school.substitute.user,
            journal=small_school.journal,
            changes=[CellChange(lesson.pk, student.pk, None, grades=[5])],
        )

    tab_into_grid(page)
    expect(cell(page, lesson, student)).to_be_focused()
    page.keyboard.type("2")
    page.keyboard.press("Control+s")
    expect(page.locator("#grid-conflict")).to_be_visible()
    expect(cell(page, lesson, student)).to_have_class(re.compile(r"\bconflict\b"))
    expect(cell(page, lesson, student)).to_have_text("2")  # the teacher's edit is kept on screen
    item = page.locator(f'#grid-conflict-list li[data-lesson="{lesson.pk}"][data-student="{student.pk}"]')
    expect(item).to_have_attribute("data-by", "substitute")
    expect(item).to_contain_text("substitute")
    expect(page.locator("#grid-status")).to_have_class(re.compile(r"\bbad\b"))
    assert Mark.objects.get(lesson=lesson, student=student).grades == [5]

    page.locator("#grid-reload").click()
    expect(cell(page, lesson, student)).to_have_text("5")
    expect(cell(page, lesson, student)).to_have_attribute("data-version", "1")


def test_a_refused_save_keeps_the_edits_and_says_why_on_the_cell(live_server, small_school, page):
    base = live_server.url
    last = small_school.lessons[3]
    students = sorted(small_school.students, key=lambda s: (s.last_name, s.first_name, s.pk))
    log_in(page, base, "teacher")
    page.goto(f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1")
    # While the page is open, the last student leaves the class before the quarter's last lesson.
    students[2].enrolments.update(date_to=dt.date(2026, 10, 1))

    tab_into_grid(page)
    for _column in range(3):
        page.keyboard.press("ArrowRight")
    expect(cell(page, last, students[0])).to_be_focused()
    page.keyboard.type("544")
    page.keyboard.press("Control+s")
    refused = cell(page, last, students[2])
    expect(refused).to_have_class(re.compile(r"\binvalid\b"))
    expect(refused).to_have_attribute("title", re.compile(r".+"))
    expect(cell(page, last, students[0])).not_to_have_class(re.compile(r"\binvalid\b"))
    expect(page.locator("td.c.changed")).to_have_count(3)  # nothing saved, every edit kept
    expect(page.locator("#grid-pending")).to_have_attribute("data-count", "3")
    expect(page.locator("#grid-status")).to_have_class(re.compile(r"\bbad\b"))
    reason = page.locator(f'#grid-errors li[data-lesson="{last.pk}"][data-student="{students[2].pk}"]')
    expect(reason).to_be_visible()
    expect(page.locator("#grid-errors li")).to_have_count(1)
    assert not Mark.objects.filter(lesson=last).exists()

    # Clearing the refused cell lets the rest be saved.
    reason.locator("button").click()  # takes the focus to the refused cell
    expect(refused).to_be_focused()
    page.keyboard.press("Backspace")
    page.keyboard.press("Control+s")
    expect(page.locator("#grid-pending")).to_have_attribute("data-count", "0")
    expect(page.locator("#grid-errors")).to_be_hidden()
    assert sorted(m.grades[0] for m in Mark.objects.filter(lesson=last)) == [4, 5]


def test_final_grades_are_set_inside_the_window_next_to_the_suggestion(live_server, small_school, page):
    base = live_server.url
    students = sorted(small_school.students, key=lambda s: (s.last_name, s.first_name, s.pk))
    marks_save(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        changes=[CellChange(small_school.lessons[0].pk, students[0].pk, None, grades=[5, 4])],
    )
    # 1 November: the first quarter ended on 31 October, its final-grade window is open until 2 November (D7).
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC), tick=True):
        log_in(page, base, "teacher")
        page.goto(f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1")
        expect(page.locator("#final-window")).to_have_attribute("data-window", "open")
        row = page.locator(f'tr[data-student="{students[0].pk}"]')
        expect(row.locator("td.suggested")).to_have_text("5")
        row.locator("select.final-select").select_option("5")
        page.locator(f'tr[data-student="{students[1].pk}"] select.final-select').select_option("na")
        page.locator("#finals-save").click()
        expect(page.locator("#grid-status")).to_have_class(re.compile(r"\bok\b"))
        expect(row.locator("td.final")).to_have_attribute("data-final", "5")
    finals = {final.student_id: final.value for final in FinalGrade.objects.all()}
    assert finals == {students[0].pk: "5", students[1].pk: "na"}


def test_edits_are_saved_by_themselves_and_leaving_with_unsaved_ones_asks_first(live_server, small_school, page):
    base = live_server.url
    lesson = small_school.lessons[0]
    students = sorted(small_school.students, key=lambda s: (s.last_name, s.first_name, s.pk))
    log_in(page, base, "teacher")
    page.goto(f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1")
    tab_into_grid(page)
    page.keyboard.type("4")
    expect(page.locator("#grid-pending")).to_have_attribute("data-count", "1")
    # Autosave, a few seconds after the last edit, with no key pressed.
    expect(page.locator("#grid-pending")).to_have_attribute("data-count", "0", timeout=10_000)
    expect(cell(page, lesson, students[0])).to_have_attribute("data-version", "1")
    assert Mark.objects.get(lesson=lesson, student=students[0]).grades == [4]

    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.keyboard.type("5")
    page.evaluate("window.location.assign('/ky/diary/journals/')")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert "/journals/" in page.url and f"/journals/{small_school.journal.pk}/" in page.url
