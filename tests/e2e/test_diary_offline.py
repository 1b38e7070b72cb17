"""The journal on a phone without a connection: ten cells entered offline survive a reload answered by the
service worker, are saved once each when the connection returns, and the one somebody else changed meanwhile is
shown with both values for the teacher to choose; a sync retried after a lost answer saves nothing twice."""

import datetime as dt
import re
import time
from collections import Counter

import pytest
import time_machine
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from diary.models import AuditEntry, Mark
from diary.services.marks import CellChange, marks_save
from tests.e2e.pages import PASSWORD, cell, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REASON = "Мугалим оңдоду"


def open_kept(page, url: str) -> None:
    """Open the journal and wait until the service worker has kept it on the device."""
    page.goto(url)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    kept = page.evaluate(
        """async href => {
            for (let attempt = 0; attempt < 200; attempt++) {
                for (const name of await caches.keys()) {
                    if (await (await caches.open(name)).match(href, {ignoreVary: true})) return true;
                }
                await new Promise(resolve => setTimeout(resolve, 50));
            }
            return false;
        }""",
        url,
    )
    assert kept, f"the service worker did not keep {url}"


def queued(page) -> int:
    """How many edits wait in the device's queue (IndexedDB)."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("mektep-offline", 1);
            open.onsuccess = () => {
                const request = open.result.transaction("changes").objectStore("changes").count();
                request.onsuccess = () => { open.result.close(); resolve(request.result); };
                request.onerror = () => reject(request.error);
            };
            open.onerror = () => reject(open.error);
        })"""
    )


def test_ten_cells_entered_offline_are_saved_once_each_and_the_conflict_is_chosen(live_server, small_school, phone):
    page = phone
    context = page.context
    base = live_server.url
    journal_url = f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1"
    lessons = small_school.lessons
    students = sorted(small_school.students, key=lambda s: (s.last_name, s.first_name, s.pk))
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        # Leaving with unsent edits asks first; an edit after the entry deadline asks for a reason (D16).
        dialog.accept(REASON if dialog.type == "prompt" else "")

    page.on("dialog", answer)
    log_in(page, base, "teacher")
    open_kept(page, journal_url)

    context.set_offline(True)
    # Ten cells: all three students in the first three lessons and the first one in the fourth, by the picker.
    cells = [(lesson, student) for lesson in lessons[:3] for student in students] + [(lessons[3], students[0])]
    values = {}
    absent = page.locator('#cell-picker [data-att="absent"]')
    for index, (lesson, student) in enumerate(cells):
        cell(page, lesson, student).tap()
        expect(page.locator("#cell-picker")).to_be_visible()
        if index % 4 == 3:
            absent.click()
            values[(lesson.pk, student.pk)] = ([], "absent")
        else:
            grade = 2 + index % 4
            page.locator(f'#cell-picker [data-grade="{grade}"]').click()
            values[(lesson.pk, student.pk)] = ([grade], "present")
    page.locator('#cell-picker [data-pick="close"]').click()
    expect(page.locator("td.c.changed")).to_have_count(10)
    # Without a connection the autosave keeps them on the device and says so.
    expect(page.locator("#grid-status")).to_contain_text("түзмөктө", timeout=10_000)
    assert queued(page) == 10
    assert Mark.objects.count() == 0

    # Meanwhile the substitute, who covers the first lesson's day (D6), enters one of the same cells.
    conflicted = (lessons[0], students[0])
    with time_machine.travel(dt.datetime(2026, 9, 8, 9, tzinfo=dt.UTC)):
        marks_save(
            actor=small_school.substitute.user,
            journal=small_school.journal,
            changes=[CellChange(lessons[0].pk, students[0].pk, None, grades=[5])],
        )

    # The phone reloads the journal with no connection: the service worker answers from the device's copy, and the
    # ten edits come back from the queue.
    response = page.reload()
    assert response is not None and response.from_service_worker
    assert "beforeunload" in dialogs
    expect(page.locator("td.c.changed")).to_have_count(10)
    for lesson, student in cells:
        grades, _attendance = values[(lesson.pk, student.pk)]
        if grades:
            expect(cell(page, lesson, student)).to_have_text(str(grades[0]))
    assert Mark.objects.filter(updated_by=small_school.teacher.user).count() == 0

    context.set_offline(False)
    # Back online: the nine others are saved; the conflicted cell shows both values and waits for a choice.
    choice = page.locator(f'#grid-choices li[data-lesson="{lessons[0].pk}"][data-student="{students[0].pk}"]')
    expect(choice).to_be_visible(timeout=15_000)
    expect(choice.locator(".theirs")).to_contain_text("5")
    expect(choice.locator(".mine")).to_contain_text(str(values[(lessons[0].pk, students[0].pk)][0][0]))
    expect(cell(page, *conflicted)).to_have_class(re.compile(r"\bconflict\b"))
    expect(page.locator("td.c.changed")).to_have_count(0, timeout=15_000)
    assert Mark.objects.get(lesson=lessons[0], student=students[0]).grades == [5]
    assert Mark.objects.filter(updated_by=small_school.teacher.user).count() == 9

    # The choice waits on the device too: the journal opened again asks it again.
    page.reload()
    expect(choice).to_be_visible()
    expect(choice.locator(".theirs")).to_contain_text("5")
    expect(page.locator("#grid-choices .intro")).to_contain_text("башка бирөө өзгөрттү")
    expect(cell(page, *conflicted)).to_have_text(str(values[(lessons[0].pk, students[0].pk)][0][0]))
    # The teacher keeps their own value, knowingly (after the deadline, with a reason).
    choice.locator("button.keep-mine").click()
    expect(page.locator("#grid-choices li")).to_have_count(0)
    expect(page.locator("#grid-status")).to_have_class(re.compile(r"\bok\b"), timeout=10_000)
    expect(page.locator("td.c.changed")).to_have_count(0)
    assert "prompt" in dialogs
    assert queued(page) == 0

    marks = {(m.lesson_id, m.student_id): m for m in Mark.objects.all()}
    assert len(marks) == 10
    for key, (grades, attendance) in values.items():
        assert (marks[key].grades, marks[key].attendance) == (grades, attendance), key
        assert marks[key].updated_by == small_school.teacher.user
    assert marks[(lessons[0].pk, students[0].pk)].version == 2
    # Each cell's change is audited once: one entry per field it changed, none twice.
    teacher_entries = AuditEntry.objects.filter(by=small_school.teacher.user)
    for (lesson_id, student_id), (grades, _attendance) in values.items():
        entries = teacher_entries.filter(lesson_id=lesson_id, student_id=student_id)
        fields = Counter(entries.values_list("field", flat=True))
        if (lesson_id, student_id) == (lessons[0].pk, students[0].pk):
            assert fields == Counter({"grades": 1}), fields  # over the substitute's 5, with the reason
        elif grades:
            assert fields == Counter({"grades": 1, "attendance": 1}), fields
        else:
            assert fields == Counter({"attendance": 1}), fields
    resolved = teacher_entries.get(lesson=lessons[0], student=students[0])
    assert resolved.reason == REASON

    # A later reload shows what was saved, and nothing comes back from the queue.
    page.reload()
    expect(page.locator("td.c.changed")).to_have_count(0)
    expect(cell(page, *conflicted)).to_have_attribute("data-version", "2")


def test_a_save_whose_answer_was_lost_is_not_saved_twice(live_server, small_school, page):
    base = live_server.url
    lesson = small_school.lessons[0]
    student = sorted(small_school.students, key=lambda s: (s.last_name, s.first_name, s.pk))[1]
    log_in(page, base, "teacher")
    open_kept(page, f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1")
    lost = []

    def lose_the_answer(route):
        # The save reaches the server, but the phone never hears back (the connection drops on the way).
        if not lost:
            route.fetch()
            lost.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/diary/v1/journals/*/marks/", lose_the_answer)
    cell(page, lesson, student).dblclick()
    page.locator('#cell-picker [data-grade="4"]').click()
    page.locator('#cell-picker [data-pick="close"]').click()
    page.keyboard.press("Control+s")
    expect(page.locator("#grid-status")).to_have_class(re.compile(r"\bbad\b"))
    assert lost
    assert Mark.objects.get(lesson=lesson, student=student).grades == [4]
    assert queued(page) == 1

    # Sent again: the server refuses the stale version, the teacher's value is recognised as saved, no conflict.
    page.keyboard.press("Control+s")
    expect(page.locator("td.c.changed")).to_have_count(0)
    expect(page.locator("#grid-choices li")).to_have_count(0)
    expect(page.locator("#grid-conflict")).to_be_hidden()
    expect(cell(page, lesson, student)).to_have_attribute("data-version", "1")
    assert queued(page) == 0
    mark = Mark.objects.get(lesson=lesson, student=student)
    assert (mark.grades, mark.version) == ([4], 1)
    entries = AuditEntry.objects.filter(lesson=lesson, student=student)
    assert Counter(entries.values_list("field", flat=True)) == Counter({"grades": 1, "attendance": 1})


def kept_page(page, url: str) -> str | None:
    """The text of the journal as the service worker keeps it on the device, if it does."""
    return page.evaluate(
        """href => caches.keys().then(names => names.filter(n => n.startsWith("mektep-pages-")))
            .then(names => Promise.all(names.map(n => caches.open(n).then(c => c.match(href, {ignoreVary: true})))))
            .then(hits => { const hit = hits.find(Boolean); return hit ? hit.text() : null; })""",
        url,
    )


def kept_page_when_there(page, url: str, seconds: float = 20) -> str:
    """kept_page, waiting for the service worker to put it."""
    deadline = time.monotonic() + seconds
    while (text := kept_page(page, url)) is None and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert text is not None, "the journal is not kept on the device"
    return text


def test_a_saved_mark_is_shown_after_a_reload_and_the_device_never_keeps_the_old_page(live_server, small_school, page):
    base = live_server.url
    url = f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1"
    lesson = small_school.lessons[0]
    student = sorted(small_school.students, key=lambda s: (s.last_name, s.first_name, s.pk))[0]
    graded = re.compile(rf'data-lesson="{lesson.pk}" data-student="{student.pk}" data-version="1"[^>]*data-grades="5"')
    log_in(page, base, "teacher")
    open_kept(page, url)
    assert not graded.search(kept_page_when_there(page, url))

    cell(page, lesson, student).dblclick()
    page.locator('#cell-picker [data-grade="5"]').click()
    page.locator('#cell-picker [data-pick="close"]').click()
    page.keyboard.press("Control+s")
    expect(page.locator("td.c.changed")).to_have_count(0)
    assert Mark.objects.get(lesson=lesson, student=student).grades == [5]
    # The copy kept before the save goes at once; the journal is kept again, with the mark, once the saves stop.
    deadline = time.monotonic() + 4
    while kept_page(page, url) is not None and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert kept_page(page, url) is None
    assert graded.search(kept_page_when_there(page, url))

    # Reloaded online, through the service worker: the page revalidated with the server shows the mark.
    response = page.reload()
    assert response is not None and response.from_service_worker
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    expect(cell(page, lesson, student)).to_have_text("5")
    expect(cell(page, lesson, student)).to_have_attribute("data-version", "1")


def test_logging_out_with_unsent_edits_asks_first_and_the_answer_clears_the_device(live_server, small_school, page):
    base = live_server.url
    lesson = small_school.lessons[1]
    student = sorted(small_school.students, key=lambda s: (s.last_name, s.first_name, s.pk))[0]
    journal_url = f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1"
    log_in(page, base, "teacher")
    open_kept(page, journal_url)
    page.context.set_offline(True)
    cell(page, lesson, student).dblclick()
    page.locator('#cell-picker [data-grade="3"]').click()
    page.locator('#cell-picker [data-pick="close"]').click()
    expect(page.locator("#grid-status")).to_contain_text("түзмөктө", timeout=10_000)

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("form.logout button").click()
    page.wait_for_timeout(500)
    assert asked and "(1)" in asked[0] and "өчүрүлөт" in asked[0]
    assert "/journals/" in page.url  # still here, the edit still kept
    assert queued(page) == 1

    # The tab is closed before the connection returns; the journal opened again (still offline) has the edit back.
    context = page.context
    page.close()
    page = context.new_page()
    page.goto(journal_url)
    expect(cell(page, lesson, student)).to_have_text("3")
    expect(cell(page, lesson, student)).to_have_class(re.compile(r"\bchanged\b"))
    context.set_offline(False)
    expect(page.locator("td.c.changed")).to_have_count(0, timeout=15_000)
    assert Mark.objects.get(lesson=lesson, student=student).grades == [3]
    with page.expect_response(re.compile(r".*/ky/diary/logout/$")) as logout:
        page.locator("form.logout button").click()
    assert logout.value.all_headers()["clear-site-data"] == '"cache", "storage"'
    page.wait_for_url(re.compile(r".*/ky/diary/login/.*"))
    page.wait_for_function("caches.keys().then(names => names.length === 0)")


def test_a_family_reads_its_last_weeks_without_a_connection(live_server, small_school, phone):
    page = phone
    base = live_server.url
    child = small_school.students[0]
    marks_save(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        changes=[CellChange(small_school.lessons[0].pk, child.pk, None, grades=[5])],
        at=dt.datetime(2026, 9, 7, 15, 0, tzinfo=dt.UTC),
    )
    log_in(page, base, "parent")
    this_week = f"{base}/ky/diary/students/{child.pk}/week/?week=2026-W37"
    next_week = f"{base}/ky/diary/students/{child.pk}/week/?week=2026-W38"
    open_kept(page, this_week)
    open_kept(page, next_week)

    page.context.set_offline(True)
    page.goto(this_week)
    expect(page.locator('section.day[data-date="2026-09-07"] .grade')).to_have_text("5")
    expect(page.locator("h1")).to_have_text(child.full_name)
    page.goto(next_week)
    expect(page.locator("h1")).to_have_text(child.full_name)
    # A page never opened on this phone says so, in the page's language.
    response = page.goto(f"{base}/ky/diary/students/{child.pk}/period/?period=quarter-1")
    assert response.status == 503
    expect(page.locator("h1")).to_have_text("Байланыш жок")


def test_a_shared_computer_keeps_no_page_on_the_device(live_server, small_school, page):
    base = live_server.url
    journal_url = f"{base}/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1"
    # First on the teacher's own session the worker keeps the journal; then someone signs in on a shared computer.
    log_in(page, base, "teacher")
    open_kept(page, journal_url)
    with page.expect_navigation():
        page.locator("form.logout button").click()
    page.goto(f"{base}/ky/diary/login/")
    page.fill("#id_username", "teacher")
    page.fill("#id_password", PASSWORD)
    page.check("#id_shared")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/ky/diary/(?!login).*"))
    page.goto(journal_url)
    page.wait_for_function("navigator.serviceWorker.getRegistrations().then(r => r.length === 0)")
    page.wait_for_function("caches.keys().then(names => !names.some(n => n.startsWith('mektep-pages-')))")
    # Without a connection the journal is simply not there.
    page.context.set_offline(True)
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(journal_url)
