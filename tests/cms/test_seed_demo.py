"""`seed_demo` builds the demo school and can be run again without duplicating anything."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from wagtail.models import Site

from cms.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME, DEMO_PASSWORD
from diary.models import AuditEntry, FinalGrade, Lesson, Mark, School, StaffMember, Student
from home.models import HomePage

pytestmark = pytest.mark.django_db


def test_the_demo_school_has_a_finished_quarter_and_one_in_progress_and_a_second_run_changes_nothing():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    school = School.objects.get(code="demo")
    counts = {model: model.objects.count() for model in (Student, Lesson, Mark, FinalGrade, AuditEntry)}
    assert counts[Student] >= 300
    assert school.site.root_page.specific.title_ru == "Средняя школа № 5 имени Ч. Айтматова"
    assert Lesson.objects.filter(date__lte="2026-10-31").exclude(topic="").exists()
    assert FinalGrade.objects.filter(period__kind="quarter", period__number=1).count() > 0
    assert Mark.objects.filter(lesson__date__gte="2026-11-10").exists()
    assert Mark.objects.filter(is_late=True).exists()
    assert f"Administrator login: {DEMO_ADMIN_USERNAME} / {DEMO_ADMIN_PASSWORD}" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    director = next(staff for staff in StaffMember.objects.all() if staff.has_role("director"))
    request = RequestFactory().post("/")
    assert authenticate(request, username=director.user.username, password=DEMO_PASSWORD) == director.user

    call_command("seed_demo", stdout=io.StringIO())
    assert {model: model.objects.count() for model in counts} == counts
    assert Site.objects.count() == 1
    assert HomePage.objects.count() == 1
    assert get_user_model().objects.filter(username=DEMO_ADMIN_USERNAME).count() == 1


def test_the_home_page_is_the_root_of_the_school_site_with_both_titles(demo_site, demo_titles):
    home = demo_site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.title_ky == demo_titles["ky"]
    assert home.title_ru == demo_titles["ru"]
    assert home.live


def test_the_printed_admin_login_opens_the_wagtail_admin(client, demo_site):
    response = client.post(
        "/admin/login/", {"username": DEMO_ADMIN_USERNAME, "password": DEMO_ADMIN_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated
    assert client.get("/admin/").status_code == 200
