"""The journal grid on a 360 px phone: a teacher taps cells and fills a week with the touch picker (a phone's
keyboard sends no usable key to a table cell), the row's average follows the save, names fit the sticky column
as "Surname N.", and the lessons after today are greyed and closed (D2, D5)."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from diary.models import Mark
from diary.services.marks import CellChange, marks_save
from tests.e2e.test_diary_grid import cell, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Wednesday 9 September, 15:00 in Bishkek: the week's Monday and Wednesday lessons have taken place, the two
# lessons of late October have not.
WEDNESDAY = dt.datetime(2026, 9, 9, 9, tzinfo=dt.UTC)
MIN_TARGET = 44  # px, the smallest comfortable touch target


def ordered(small_school):
    return sorted(small_school.students, key=lambda s: (s.last_name, s.first_name, s.pk))


def picker_button(page, selector: str):
    return page.locator(f"#cell-picker {selector}")


def test_a_teacher_fills_a_week_on_a_phone_with_the_picker(live_server, small_school, phone):
    page = phone
    base = live_server.url
    monday, wednesday = small_school.lessons[0], small_school.lessons[1]
    students = ordered(small_school)
    with time_machine.travel(WEDNESDAY, tick=True):
        # A grade from Monday's lesson is already in: the first student's average is 3,00.
        marks_save(
            actor=small_school.teacher.user,
            journal=small_school.journal,
            changes=[CellChange(monday.pk, students[0].pk, None, grades=[3])],
        )
        log_in(page, base, "teacher")
        page.goto(f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1")
        first_row = page.locator(f'tr[data-student="{students[0].pk}"]')
        second_row = page.locator(f'tr[data-student="{students[1].pk}"]')
        expect(first_row.locator("td.avg")).to_have_text("3,00")
        expect(second_row.locator("td.avg")).to_have_text("")
        absent = page.locator('#grid-legend [data-attendance="absent"] .letter').text_content().strip()
        late = page.locator('#grid-legend [data-attendance="late"] .letter').text_content().strip()
        picker = page.locator("#cell-picker")
        expect(picker).to_be_hidden()

        # Monday: a tap opens the picker for the cell; each choice fills it and moves to the next student.
        cell(page, monday, students[0]).tap()
        expect(picker).to_be_visible()
        expect(picker).to_have_attribute("role", "dialog")
        expect(page.locator("#cell-picker-title")).to_contain_text(students[0].last_name)
        expect(picker_button(page, '[data-grade="3"]')).to_have_attribute("aria-pressed", "true")
        for button in picker.locator("button").all():
            box = button.bounding_box()
            assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, button.text_content()
        comment_box = page.locator("#cell-picker-comment").bounding_box()
        assert comment_box["height"] >= MIN_TARGET
        picker_button(page, '[data-grade="5"]').tap()
        expect(cell(page, monday, students[0])).to_have_text("5")
        expect(page.locator("#cell-picker-title")).to_contain_text(students[1].last_name)
        picker_button(page, '[data-grade="4"]').tap()
        picker_button(page, '[data-att="absent"]').tap()
        expect(cell(page, monday, students[2])).to_have_text(absent)

        # Wednesday: 3 and a second grade 5, a 4, then a comment and "late" for the last student.
        cell(page, wednesday, students[0]).tap()
        picker_button(page, '[data-grade="3"]').tap()
        picker_button(page, '[data-pick="second"]').tap()
        expect(page.locator("#cell-picker-title")).to_contain_text(students[0].last_name)
        picker_button(page, '[data-grade="5"]').tap()
        expect(cell(page, wednesday, students[0])).to_have_text("3/5")
        picker_button(page, '[data-grade="4"]').tap()
        expect(page.locator("#cell-picker-title")).to_contain_text(students[2].last_name)
        page.locator("#cell-picker-comment").fill("Дептерин унутуп калды")
        picker_button(page, '[data-att="late"]').tap()
        expect(cell(page, wednesday, students[2])).to_have_text(late)
        expect(cell(page, wednesday, students[2])).to_have_class(re.compile(r"\bhas-comment\b"))
        # The last student of the lesson: no next one.
        expect(picker_button(page, '[data-pick="next"]')).to_be_disabled()

        # Escape closes the picker and gives the focus back to the cell.
        page.keyboard.press("Escape")
        expect(picker).to_be_hidden()
        expect(cell(page, wednesday, students[2])).to_be_focused()
        expect(page.locator("td.c.changed")).to_have_count(6)
        expect(page.locator("#grid-pending")).to_have_attribute("data-count", "6")
        page.locator("#grid-save").tap()
        expect(page.locator("#grid-pending")).to_have_attribute("data-count", "0")
        expect(page.locator("#grid-status")).to_have_class(re.compile(r"\bok\b"))
        # The averages follow the saved cells: (5 + 3 + 5) / 3 and (4 + 4) / 2, and the suggested finals too.
        expect(first_row.locator("td.avg")).to_have_text("4,33")
        expect(second_row.locator("td.avg")).to_have_text("4,00")
        expect(first_row.locator("td.suggested")).to_have_text("4")

        marks = {(m.lesson_id, m.student_id): m for m in Mark.objects.all()}
        assert marks[(monday.pk, students[0].pk)].grades == [5]
        assert marks[(monday.pk, students[1].pk)].grades == [4]
        assert marks[(monday.pk, students[2].pk)].attendance == "absent"
        assert marks[(wednesday.pk, students[0].pk)].grades == [3, 5]
        assert marks[(wednesday.pk, students[1].pk)].grades == [4]
        assert marks[(wednesday.pk, students[2].pk)].attendance == "late"
        assert marks[(wednesday.pk, students[2].pk)].comment == "Дептерин унутуп калды"

        page.reload()
        expect(cell(page, monday, students[0])).to_have_text("5")
        expect(cell(page, monday, students[1])).to_have_text("4")
        expect(cell(page, monday, students[2])).to_have_text(absent)
        expect(cell(page, wednesday, students[0])).to_have_text("3/5")
        expect(cell(page, wednesday, students[2])).to_have_text(late)
        expect(first_row.locator("td.avg")).to_have_text("4,33")  # the server's own figure, the same
        # The comment comes back in the picker.
        cell(page, wednesday, students[2]).tap()
        expect(page.locator("#cell-picker-comment")).to_have_value("Дептерин унутуп калды")
        expect(picker_button(page, '[data-att="late"]')).to_have_attribute("aria-pressed", "true")


def test_the_picker_clears_a_cell_and_skips_to_the_next_student_and_speaks_russian(live_server, small_school, phone):
    page = phone
    base = live_server.url
    monday, wednesday = small_school.lessons[0], small_school.lessons[1]
    students = ordered(small_school)
    with time_machine.travel(WEDNESDAY, tick=True):
        marks_save(
            actor=small_school.teacher.user,
            journal=small_school.journal,
            changes=[
                CellChange(monday.pk, students[0].pk, None, grades=[2], attendance="late"),
                CellChange(wednesday.pk, students[0].pk, None, grades=[5]),
            ],
        )
        log_in(page, base, "teacher")
        page.goto(f"{base}/ru/diary/journals/{small_school.journal.pk}/?period=quarter-1")
        average = page.locator(f'tr[data-student="{students[0].pk}"] td.avg')
        expect(average).to_have_text("3,50")  # the decimal comma, as in ky
        cell(page, monday, students[0]).tap()
        expect(picker_button(page, '[data-pick="next"]')).to_have_text(re.compile("Следующий ученик"))
        expect(picker_button(page, '[data-pick="clear"]')).to_have_text("Очистить")
        expect(page.locator('label[for="cell-picker-comment"]')).to_have_text("Комментарий")
        picker_button(page, '[data-pick="clear"]').tap()
        expect(cell(page, monday, students[0])).to_have_text("")
        picker_button(page, '[data-pick="next"]').tap()
        expect(page.locator("#cell-picker-title")).to_contain_text(students[1].last_name)
        picker_button(page, '[data-pick="close"]').tap()
        expect(page.locator("#cell-picker")).to_be_hidden()
        expect(cell(page, monday, students[1])).to_be_focused()
        # Saved by itself a few seconds after the last edit.
        expect(page.locator("#grid-pending")).to_have_attribute("data-count", "0", timeout=10_000)
        expect(page.locator("#grid-status")).to_have_class(re.compile(r"\bok\b"))
        mark = Mark.objects.get(lesson=monday, student=students[0])
        assert mark.grades == [] and mark.attendance == "present"
        expect(average).to_have_text("5,00")
        page.reload()
        expect(average).to_have_text("5,00")


def test_names_fit_the_phone_and_lessons_after_today_are_greyed_and_closed(live_server, small_school, phone):
    page = phone
    base = live_server.url
    students = ordered(small_school)
    students[0].last_name, students[0].first_name = "Дүйшөнбиева", "Нурайым"
    students[0].save()
    held, coming = small_school.lessons[1], small_school.lessons[2]
    with time_machine.travel(WEDNESDAY, tick=True):
        log_in(page, base, "teacher")
        page.goto(f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1")
        name = page.locator(f'tr[data-student="{students[0].pk}"] th.student')
        expect(name).to_have_css("position", "sticky")
        expect(name).to_have_css("left", "0px")
        assert name.inner_text().strip() == "Дүйшөнбиева Н."
        assert name.evaluate("th => th.scrollWidth <= th.clientWidth"), "the short name is cut off"
        # The name stays in view while the grid scrolls sideways.
        wrap = page.locator(".grid-wrap")
        wrap.evaluate("wrap => { wrap.scrollLeft = 400; }")
        assert wrap.evaluate("wrap => wrap.scrollLeft") > 0
        assert abs(name.bounding_box()["x"] - wrap.bounding_box()["x"]) <= 2

        # D5: the lessons of late October have not taken place yet.
        expect(page.locator(f'th.lesson[data-lesson="{coming.pk}"]')).to_have_class(re.compile(r"\bfuture\b"))
        expect(page.locator(f'th.lesson[data-lesson="{held.pk}"]')).not_to_have_class(re.compile(r"\bfuture\b"))
        future = cell(page, coming, students[0])
        expect(future).to_have_class(re.compile(r"\bfuture\b"))
        expect(future).to_have_attribute("aria-readonly", "true")
        assert future.evaluate("td => getComputedStyle(td).backgroundColor") != cell(page, held, students[0]).evaluate(
            "td => getComputedStyle(td).backgroundColor"
        )
        future.tap()
        expect(page.locator("#cell-picker")).to_be_hidden()
        expect(page.locator("#grid-status")).to_have_class(re.compile(r"\bbad\b"))
        expect(page.locator("#grid-status")).to_contain_text(coming.date.isoformat())

        page.set_viewport_size({"width": 1280, "height": 800})
        assert name.inner_text().strip() == "Дүйшөнбиева Нурайым"
        assert name.evaluate("th => th.scrollWidth <= th.clientWidth"), "the full name is cut off"


def test_on_a_computer_a_click_only_focuses_the_cell_and_a_double_click_opens_the_picker(
    live_server, small_school, page
):
    base = live_server.url
    monday = small_school.lessons[0]
    students = ordered(small_school)
    log_in(page, base, "teacher")
    page.goto(f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1")
    target = cell(page, monday, students[1])
    target.click()
    expect(target).to_be_focused()
    expect(page.locator("#cell-picker")).to_be_hidden()
    page.keyboard.type("4")  # the keyboard works as before: the cell is filled and the focus moves down
    expect(target).to_have_text("4")
    expect(cell(page, monday, students[2])).to_be_focused()

    target.dblclick()
    expect(page.locator("#cell-picker")).to_be_visible()
    expect(picker_button(page, '[data-grade="4"]')).to_have_attribute("aria-pressed", "true")
    expect(picker_button(page, '[data-grade="4"]')).to_be_focused()
    picker_button(page, '[data-grade="5"]').click()
    expect(target).to_have_text("5")
    page.keyboard.press("Escape")
    expect(page.locator("#cell-picker")).to_be_hidden()
    expect(cell(page, monday, students[2])).to_be_focused()  # the picker had moved on to the next student


def test_a_teacher_types_grades_with_a_phone_keyboard_that_sends_no_keys(live_server, small_school, phone):
    """Android keyboards send keydown with key "Unidentified" (keyCode 229) and then only an `input` event: the
    picker's numeric field reads what it holds, fills the cell and moves down the lesson's column."""
    page = phone
    base = live_server.url
    monday = small_school.lessons[0]
    students = ordered(small_school)
    with time_machine.travel(WEDNESDAY, tick=True):
        log_in(page, base, "teacher")
        page.goto(f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1")
        cell(page, monday, students[0]).tap()
        typed = page.locator("#cell-picker-type")
        # The phone's number pad with a separator key: a second grade is typed after "," or ".".
        expect(typed).to_have_attribute("inputmode", "decimal")
        expect(typed).not_to_have_attribute("pattern", re.compile(".*"))
        expect(page.locator('label[for="cell-picker-type"]')).to_have_text("Же бааны жазыңыз")
        typed.tap()
        expect(typed).to_be_focused()

        def android_types(text: str) -> None:
            typed.dispatch_event("keydown", {"key": "Unidentified", "keyCode": 229})
            page.keyboard.insert_text(text)  # an `input` event, with no key event of its own
            typed.dispatch_event("keyup", {"key": "Unidentified", "keyCode": 229})

        android_types("4")
        expect(cell(page, monday, students[0])).to_have_text("4")
        expect(page.locator("#cell-picker-title")).to_contain_text(students[1].last_name)
        expect(typed).to_have_value("")
        expect(typed).to_be_focused()  # the keyboard stays open for the next student
        android_types("5")
        expect(cell(page, monday, students[1])).to_have_text("5")
        # A grade outside the school's scale is refused with a message, and the cell stays as it was.
        android_types("9")
        expect(page.locator("#grid-status")).to_have_class(re.compile(r"\bbad\b"))
        expect(cell(page, monday, students[2])).to_have_text("")
        # "/" and a digit: a second grade for the student just filled.
        android_types("/3")
        expect(cell(page, monday, students[1])).to_have_text("5/3")
        page.locator("#grid-save").tap()
        expect(page.locator("#grid-pending")).to_have_attribute("data-count", "0")
        expect(page.locator("#grid-status")).to_have_class(re.compile(r"\bok\b"))
        marks = {m.student_id: m for m in Mark.objects.filter(lesson=monday)}
        assert marks[students[0].pk].grades == [4]
        assert marks[students[1].pk].grades == [5, 3]
        assert students[2].pk not in marks
