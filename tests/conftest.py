"""Shared fixtures, and the personas of TESTING.md with what each may see and do (D15).

`small_school` is one school with:
- director:      administration; sees every journal, inspects them (D12), reopens finals, assigns substitutes
- deputy:        administration and inspector, like the director
- admin:         the diary administrator: administration, but not an inspector
- teacher:       teaches `journal` (5А) and `journal_1a`; writes them
- other_teacher: teaches no 5А journal; reads and writes nothing of 5А
- substitute:    covers `journal` on the date of `lessons[0]` only (D6)
- homeroom:      homeroom teacher of 5А: reads 5А's journals and students, issues their access codes, writes no marks
- student:       `students[0]` of 5А, with an account: their own diary only
- parent:        guardian of `students[0]`: that child's diary only
- other_parent:  guardian of `students[1]`: never sees `students[0]`
- teacher_parent: a teacher of the school who teaches no 5А journal and is the guardian of `students[2]`: sees her
                 own child's diary like any parent (D15: the union of her roles), and nothing else of 5А
- stranger:      the director of another school: sees nothing of this one
- deactivated:   a teacher whose account was closed: nothing at all
- anonymous:     not logged in: nothing but login and redeeming a code

`site_people` are the website's accounts (W6), on the demo site and on another school's site:
- site_admin:        a site administrator of the demo site: approves and publishes, reads its questions, manages
                     the demo site's editor and administrator accounts only (never a diary account or a superuser)
- editor:            an editor of the demo site: drafts only
- other_site_admin:  a site administrator of another school's site: nothing of the demo site
- other_editor:      an editor of another school's site
"""

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command

from cms.demo import DEMO_TITLE_KY, DEMO_TITLE_RU
from diary.models import Guardian, GuardianLink, Journal, Lesson, Period, School, SchoolClass, StaffMember, Student
from diary.services.staffing import substitution_create
from tests import factories
from tests.figures import figures_fixture, pytest_terminal_summary  # noqa: F401  (the suite's figures, SECURITY.md)
from tests.snapshot import RowsSnapshot


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Kyrgyz, the default (L1), whatever the previous request activated."""
    from django.utils import translation

    with translation.override("ky"):
        yield


_demo_site_rows: list[RowsSnapshot] = []


@pytest.fixture
def demo_site(db):
    """The demo school's website: a Site with its bilingual home page (what `seed_demo` builds).

    Building it takes seconds (Wagtail saves, publishes and indexes each page), so a test process builds it once and
    writes the same rows again in later tests whose database starts as that first one's did (tests/snapshot.py)."""
    from django.db import connection
    from wagtail.models import Site

    def build():
        call_command("seed_demo", website_only=True, stdout=io.StringIO())

    if not connection.in_atomic_block:
        build()  # a test that commits: its rows outlive a savepoint
    elif not _demo_site_rows:
        _demo_site_rows.append(RowsSnapshot.of(build))
        _demo_site_rows[0].apply()
    elif _demo_site_rows[0].fits():
        _demo_site_rows[0].apply()
    else:
        build()
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def demo_titles():
    return {"ky": DEMO_TITLE_KY, "ru": DEMO_TITLE_RU}


def pytest_sessionstart(session):
    """Tests read the compiled catalogues (ours and locale/vendor); compile them when a .po is newer than its .mo."""
    import subprocess
    from pathlib import Path

    for po in Path(__file__).resolve().parents[1].glob("locale/**/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)
            # Django may have cached the old catalogue while starting up; drop it.
            from django.utils.translation.reloader import translation_file_changed

            translation_file_changed(sender=None, file_path=mo)


@dataclass
class SmallSchool:
    school: School
    q1: Period
    q2: Period
    director: StaffMember
    teacher: StaffMember
    other_teacher: StaffMember
    homeroom: StaffMember
    class_5a: SchoolClass
    class_1a: SchoolClass
    students: list[Student]
    first_grader: Student
    journal: Journal
    journal_1a: Journal
    lessons: list[Lesson]
    lesson_1a: Lesson
    deputy: StaffMember
    admin: StaffMember
    substitute: StaffMember
    parent: Guardian
    other_parent: Guardian
    stranger: StaffMember
    deactivated: StaffMember
    teacher_parent: StaffMember

    def user(self, persona: str) -> AbstractBaseUser | None:
        """The account of a persona by name; None for `anonymous`."""
        if persona == "anonymous":
            return None
        if persona == "student":
            return self.students[0].user
        return getattr(self, persona).user


@pytest.fixture
def small_school(db) -> SmallSchool:
    school = factories.SchoolFactory(code="s5")
    year = factories.AcademicYearFactory(school=school)
    q1 = factories.PeriodFactory(year=year, number=1, start=dt.date(2026, 9, 1), end=dt.date(2026, 10, 31))
    q2 = factories.PeriodFactory(year=year, number=2, start=dt.date(2026, 11, 10), end=dt.date(2026, 12, 28))
    director = factories.StaffMemberFactory(school=school, roles=["director"], user__username="director")
    teacher = factories.StaffMemberFactory(school=school, user__username="teacher")
    other_teacher = factories.StaffMemberFactory(school=school, user__username="other_teacher")
    homeroom = factories.StaffMemberFactory(school=school, user__username="homeroom")
    class_5a = factories.SchoolClassFactory(year=year, code="5А", grade=5, homeroom_teacher=homeroom)
    class_1a = factories.SchoolClassFactory(year=year, code="1А", grade=1, homeroom_teacher=other_teacher)
    students = [factories.EnrolmentFactory(school_class=class_5a).student for _ in range(3)]
    first_grader = factories.EnrolmentFactory(school_class=class_1a).student
    journal = factories.JournalFactory(school_class=class_5a, teacher=teacher, subject__code="math")
    journal_1a = factories.JournalFactory(school_class=class_1a, teacher=teacher, subject=journal.subject)
    # Monday and Wednesday of the week 7–11 September, then the last lessons of the quarter.
    dates = [dt.date(2026, 9, 7), dt.date(2026, 9, 9), dt.date(2026, 10, 26), dt.date(2026, 10, 28)]
    lessons = [factories.LessonFactory(journal=journal, date=day, lesson_no=2) for day in dates]
    lesson_1a = factories.LessonFactory(journal=journal_1a, date=dt.date(2026, 9, 7), lesson_no=1)
    deputy = factories.StaffMemberFactory(school=school, roles=["deputy", "teacher"], user__username="deputy")
    admin = factories.StaffMemberFactory(school=school, roles=["admin"], user__username="admin_diary")
    substitute = factories.StaffMemberFactory(school=school, user__username="substitute")
    substitution_create(actor=director.user, journal=journal, teacher=substitute, date_from=dates[0], date_to=dates[0])
    students[0].user = factories.UserFactory(username="student")
    students[0].save()
    parent = factories.GuardianFactory(school=school, user=factories.UserFactory(username="parent"))
    GuardianLink.objects.create(school=school, guardian=parent, student=students[0], relation="энеси")
    other_parent = factories.GuardianFactory(school=school, user=factories.UserFactory(username="other_parent"))
    GuardianLink.objects.create(school=school, guardian=other_parent, student=students[1], relation="атасы")
    stranger = factories.StaffMemberFactory(roles=["director"], user__username="stranger")
    deactivated = factories.StaffMemberFactory(school=school, user__username="deactivated", user__is_active=False)
    teacher_parent = factories.StaffMemberFactory(school=school, user__username="teacher_parent")
    as_guardian = factories.GuardianFactory(school=school, user=teacher_parent.user)
    GuardianLink.objects.create(school=school, guardian=as_guardian, student=students[2], relation="энеси")
    return SmallSchool(
        school=school,
        q1=q1,
        q2=q2,
        director=director,
        teacher=teacher,
        other_teacher=other_teacher,
        homeroom=homeroom,
        class_5a=class_5a,
        class_1a=class_1a,
        students=students,
        first_grader=first_grader,
        journal=journal,
        journal_1a=journal_1a,
        lessons=lessons,
        lesson_1a=lesson_1a,
        deputy=deputy,
        admin=admin,
        substitute=substitute,
        parent=parent,
        other_parent=other_parent,
        stranger=stranger,
        deactivated=deactivated,
        teacher_parent=teacher_parent,
    )


@pytest.fixture
def clock_cache(settings):
    """A cache in this process whose entries expire by the test's clock (time_machine moves it); Redis expires keys
    by its own clock, which a test cannot move. For tests of what happens once a limit's or a session's time is up."""
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {"default": local, "fragments": {**local, "LOCATION": "fragments", "TIMEOUT": 600}}


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttles, the code-guess counter and cached public pages and fragments live in the cache; each test starts
    with none (ids and data versions repeat from one test to the next)."""
    from django.core.cache import cache, caches

    from diary.services.privacy import known_views_forget

    cache.clear()
    caches["fragments"].clear()
    known_views_forget()
    yield
    cache.clear()
    caches["fragments"].clear()
    known_views_forget()


@pytest.fixture(autouse=True)
def demo_site_first(request):
    """The demo website is built before a test's other fixtures add rows, so that its stored rows fit (demo_site)."""
    if "demo_site" in request.fixturenames:
        request.getfixturevalue("demo_site")


@pytest.fixture
def api(small_school):
    """A DRF client speaking for a persona: `api("teacher").get(...)`; `api("anonymous")` sends no credentials."""
    from rest_framework.test import APIClient

    def client_for(persona: str, language: str = "ky") -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        user = small_school.user(persona)
        if user is not None:
            # A fresh copy of the account, as every real request loads: D15 answers are remembered on it.
            client.force_authenticate(type(user).objects.get(pk=user.pk))
        return client

    return client_for


@dataclass
class SitePeople:
    other_site: object
    site_admin: AbstractBaseUser
    editor: AbstractBaseUser
    other_site_admin: AbstractBaseUser
    other_editor: AbstractBaseUser


@pytest.fixture
def site_people(demo_site) -> SitePeople:
    """The website's personas (W6): each in one of their site's two groups (cms.permissions.group_names)."""
    from django.contrib.auth.models import Group

    from cms.permissions import group_names
    from cms.services.disclosure import moderation_ensure
    from cms.services.sites import school_site_ensure

    other_site = school_site_ensure(hostname="other-school.mektep.kg", title_ky="Башка мектеп", title_ru="Другая школа")
    moderation_ensure(site=other_site)

    def member(username, site, index):
        account = factories.UserFactory(username=username)
        account.groups.add(Group.objects.get(name=group_names(site)[index]))
        return account

    return SitePeople(
        other_site=other_site,
        site_admin=member("site_admin", demo_site, 1),
        editor=member("editor", demo_site, 0),
        other_site_admin=member("other_site_admin", other_site, 1),
        other_editor=member("other_editor", other_site, 0),
    )


@pytest.fixture
def school_site(small_school, demo_site):
    """The small school as the owner of the demo website, so that its pages render the diary's records (W2)."""
    small_school.school.site = demo_site
    small_school.school.save()
    small_school.director.phone, small_school.director.email = "+996 312 00 00 01", "director@mektep.kg"
    small_school.director.post_ky, small_school.director.post_ru = "Директор", "Директор"
    small_school.director.save()
    small_school.deputy.phone, small_school.deputy.email = "+996 312 00 00 02", "deputy@mektep.kg"
    small_school.deputy.save()
    return small_school
