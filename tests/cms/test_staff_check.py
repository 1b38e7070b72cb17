"""W4, W5: diary-sourced staff and leadership data first appear on the public site after a site administrator
confirmed the prohibited-content checklist."""

import pytest
from django.contrib.auth.models import Group

from cms.models import PROHIBITED_CONTENT_CHECKLIST
from cms.services.disclosure import group_names
from cms.services.staff_publication import staff_public_check
from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from tests import factories

pytestmark = pytest.mark.django_db
CHECKLIST = dict.fromkeys(PROHIBITED_CONTENT_CHECKLIST, True)


@pytest.fixture
def newcomer(school_site):
    """A teacher just imported from the diary: not yet checked for the website."""
    teacher = factories.StaffMemberFactory(school=school_site.school, last_name="Жаңыкелдиев", public_checked_at=None)
    factories.JournalFactory(school_class=school_site.class_5a, teacher=teacher)
    return teacher


@pytest.fixture
def site_admin(school_site):
    _editors, administrators = group_names(school_site.school.site)
    user = factories.UserFactory(username="site_admin")
    user.groups.add(Group.objects.get(name=administrators))
    return user


def test_a_new_staff_member_waits_for_the_checklist_before_appearing(
    client, school_site, newcomer, site_admin, settings
):
    """W4: the newcomer is not on the staff page until a site administrator confirms the checklist."""
    settings.MEKTEP_PAGE_CACHE = False
    assert "Жаңыкелдиев" not in client.get("/ru/info/staff/").content.decode()
    assert school_site.teacher.last_name in client.get("/ru/info/staff/").content.decode()
    staff_public_check(actor=site_admin, site=school_site.school.site, staff_ids=[newcomer.pk], confirmations=CHECKLIST)
    newcomer.refresh_from_db()
    assert newcomer.public_checked_by == site_admin
    html = client.get("/ru/info/staff/").content.decode()
    assert "Жаңыкелдиев" in html


@pytest.mark.parametrize("unchecked", list(PROHIBITED_CONTENT_CHECKLIST))
def test_showing_staff_without_every_checklist_point_is_refused(school_site, newcomer, site_admin, unchecked):
    """W5: every point, including social status and unrelated content, must be confirmed; nothing changes."""
    with pytest.raises(DiaryValidationError) as refused:
        staff_public_check(
            actor=site_admin,
            site=school_site.school.site,
            staff_ids=[newcomer.pk],
            confirmations={**CHECKLIST, unchecked: False},
        )
    assert refused.value.code == "checklist_not_confirmed"
    newcomer.refresh_from_db()
    assert newcomer.public_checked_at is None


@pytest.mark.parametrize("persona", ["director", "teacher"])
def test_only_a_site_administrator_shows_staff(school_site, newcomer, persona):
    """W4: the approver is the site administrator; diary roles are refused."""
    with pytest.raises(DiaryPermissionDenied):
        staff_public_check(
            actor=getattr(school_site, persona).user,
            site=school_site.school.site,
            staff_ids=[newcomer.pk],
            confirmations=CHECKLIST,
        )
    newcomer.refresh_from_db()
    assert newcomer.public_checked_at is None


def test_the_admin_screen_refuses_without_the_checklist_and_shows_with_it(client, school_site, newcomer, site_admin):
    """W4, W5: the site administrator's screen lists the newcomer; posting without the checklist changes nothing."""
    client.force_login(site_admin)
    assert "Жаңыкелдиев" in client.get("/admin/staff-check/").content.decode()
    client.post("/admin/staff-check/", {"staff": [newcomer.pk]})
    newcomer.refresh_from_db()
    assert newcomer.public_checked_at is None
    response = client.post("/admin/staff-check/", {"staff": [newcomer.pk], **dict.fromkeys(CHECKLIST, "on")})
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.public_checked_at is not None
