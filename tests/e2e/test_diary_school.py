"""D11 and D12 in a real browser: a homeroom teacher runs the monthly data check (and corrects a guardian's phone on
the way), a director records the inspection of a journal."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from diary.models import AuditEntry, DataCheck, Inspection
from tests.e2e.pages import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_homeroom_teacher_runs_the_monthly_data_check(live_server, small_school, page):
    base = live_server.url
    log_in(page, base, "homeroom")
    page.goto(f"{base}/ky/diary/class/")
    page.wait_for_url(re.compile(rf".*/ky/diary/classes/{small_school.class_5a.pk}/$"))
    expect(page.locator("#class-list")).to_contain_text(small_school.students[0].full_name)
    expect(page.locator("#data-check-status")).to_have_attribute("data-due", "true")

    guardian = small_school.parent
    row = page.locator(f"#guardian-{guardian.pk}")
    row.locator("summary").click()
    row.locator("input[name=phone]").fill("+996 555 12 34 56")
    row.locator("button[type=submit]").click()
    expect(page.locator(f"#guardian-{guardian.pk} [data-phone]")).to_have_text("+996 555 12 34 56")

    page.fill("#id_corrections", "Ата-эненин телефону оңдолду")
    page.locator("#data-check-form button[type=submit]").click()
    today = timezone.localdate()
    status = page.locator("#data-check-status")
    expect(status).to_have_attribute("data-due", "false")
    expect(status).to_have_attribute("data-last-check", today.isoformat())
    expect(status).to_contain_text(today.strftime("%d.%m.%Y"))
    expect(page.locator(".flash")).to_be_visible()

    check = DataCheck.objects.get()
    assert (check.checked_on, check.checked_by) == (today, small_school.homeroom)
    assert AuditEntry.objects.filter(field=AuditEntry.Field.CONTACTS, by=small_school.homeroom.user).count() == 1


def test_director_records_an_inspection(live_server, small_school, page):
    base = live_server.url
    journal = small_school.journal
    log_in(page, base, "director")
    page.goto(f"{base}/ky/diary/administration/inspections/")
    pending = page.locator(f'#pending-journals tr[data-journal="{journal.pk}"]')
    expect(pending).to_be_visible()
    pending.locator("[data-inspect]").click()
    expect(page.locator("#id_journal")).to_have_value(str(journal.pk))
    page.fill("#id_remarks", "Темалар толук, бааларды өз убагында коюу керек.")
    page.locator("#inspection-form button[type=submit]").click()

    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator(f'#pending-journals tr[data-journal="{journal.pk}"]')).to_have_count(0)
    recent = page.locator(f'#inspections tr[data-journal="{journal.pk}"]')
    expect(recent).to_contain_text("Темалар толук, бааларды өз убагында коюу керек.")
    expect(recent.locator("[data-date]")).to_have_attribute("data-date", timezone.localdate().isoformat())
    inspection = Inspection.objects.get()
    assert (inspection.journal, inspection.inspector) == (journal, small_school.director)
