"""W3: the head approves each section's update frequency (audited), staleness follows it, and the head reads the
site-operation report."""

import datetime as dt
import re

import pytest
import time_machine
from wagtail.models import ModelLogEntry

from cms.completeness import disclosure_report
from cms.models import FinancePage, SectionUpdateFrequency
from cms.operation import site_operation_report
from cms.services.operation import update_frequency_set
from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.services.accounts import administration_access_grant

pytestmark = pytest.mark.django_db


def test_staleness_follows_the_frequency_the_head_approved(school_site):
    """W3: a section is stale after its approved months, 12 by default."""
    site = school_site.school.site
    in_four_months = dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=125)
    with time_machine.travel(in_four_months):
        assert "finance.financial_reports" not in disclosure_report(site)["completeness"]["stale"]
    update_frequency_set(actor=school_site.director.user, site=site, months={"finance": 3})
    with time_machine.travel(in_four_months):
        stale = disclosure_report(site)["completeness"]["stale"]
    assert "finance.financial_reports" in stale
    assert "documents.charter" not in stale  # still 12 months


def test_the_heads_approval_is_audited_with_old_and_new_values(school_site):
    """W3: every change of the frequency leaves an audit entry: who, when, old and new."""
    site = school_site.school.site
    update_frequency_set(actor=school_site.director.user, site=site, months={"finance": 6, "general": 24})
    setting = SectionUpdateFrequency.for_site(site)
    assert (setting.months_for("finance"), setting.months_for("general"), setting.months_for("staff")) == (6, 24, 12)
    entry = ModelLogEntry.objects.for_instance(setting).get()
    assert entry.user == school_site.director.user
    assert entry.data["update_frequency"]["finance"] == {"old": 12, "new": 6}


@pytest.mark.parametrize("persona", ["deputy", "admin", "teacher", "stranger"])
def test_only_the_head_approves_the_frequency(school_site, persona):
    """W3: the deputy, the diary administrator, a teacher or another school's director are refused; nothing
    changes."""
    site = school_site.school.site
    with pytest.raises(DiaryPermissionDenied) as refused:
        update_frequency_set(actor=getattr(school_site, persona).user, site=site, months={"finance": 3})
    assert refused.value.code == "not_the_head"
    assert SectionUpdateFrequency.for_site(site).months_for("finance") == 12
    assert not ModelLogEntry.objects.filter(action="wagtail.edit").exists()


@pytest.mark.parametrize("months", [{"finance": 0}, {"finance": 61}, {"finance": "6"}, {"nonsense": 6}])
def test_a_frequency_out_of_range_is_refused_and_nothing_changes(school_site, months):
    """W3: 1–60 months per known section; anything else is a clear error."""
    site = school_site.school.site
    with pytest.raises(DiaryValidationError) as refused:
        update_frequency_set(actor=school_site.director.user, site=site, months=months)
    assert refused.value.code == "invalid_update_frequency"
    assert SectionUpdateFrequency.for_site(site).months_for("finance") == 12


def test_the_report_shows_per_section_and_month_what_was_published_updated_or_overdue(school_site):
    """W3: the site-operation report reads Wagtail's page log: publishes and updates per month, and overdue."""
    site = school_site.school.site
    finance = FinancePage.objects.get()
    for _ in range(2):
        finance.save_revision().publish()
    now = dt.datetime.now(tz=dt.UTC)
    this_month = now.strftime("%Y-%m")
    report = site_operation_report(site, now=now)
    row = next(section for section in report["sections"] if section["section"] == "finance")
    assert row["months"][this_month]["updated"] >= 2
    assert row["months"][this_month]["overdue"] is False
    assert len(report["months"]) == 12
    update_frequency_set(actor=school_site.director.user, site=site, months={"finance": 1})
    later = now + dt.timedelta(days=70)
    with time_machine.travel(later):
        report = site_operation_report(site)
    row = next(section for section in report["sections"] if section["section"] == "finance")
    assert row["frequency_months"] == 1
    assert row["months"][later.strftime("%Y-%m")]["overdue"] is True


def test_the_head_reads_the_report_in_the_admin_and_others_are_refused(client, school_site):
    """W3: the head's screen, in ky and ru; the deputy is refused."""
    for member in (school_site.director, school_site.deputy):
        administration_access_grant(member.user)
    client.force_login(school_site.director.user)
    html = client.get("/admin/site-operation/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Работа сайта" in html
    assert "Отчёт о работе сайта" in html
    # The months are named ("ноябрь 2026"), not written as 2026-11.
    assert len(re.findall(r'<th scope="col">[а-я]+ \d{4}</th>', html)) == 12
    assert not re.search(r'<th scope="col">\d{4}-\d{2}</th>', html)
    response = client.post("/admin/site-operation/", {slug: 12 for slug in ("general",)} | {"finance": 99})
    assert response.status_code == 200
    assert SectionUpdateFrequency.for_site(school_site.school.site).months_for("finance") == 12
    client.force_login(school_site.deputy.user)
    refused = client.get("/admin/site-operation/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # Wagtail's "no permission" answer
