"""W6: a site administrator manages their own site's editor and administrator accounts, and nothing else.

School groups hold no global user permission, so Wagtail's own user editor is closed to them; the scoped screen at
/admin/site-accounts/ never shows a diary person's account, another school's account or a superuser, and never
offers the superuser flag or another site's group."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from cms.permissions import group_names
from home.models import Question
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a fresh and long passphrase 2026"


def logged_in(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def teacher_also_editor(small_school, site_people, demo_site):
    """A diary teacher who also edits the demo site: their account belongs to the diary, not to the site screen."""
    account = small_school.teacher.user
    account.groups.add(Group.objects.get(name=group_names(demo_site)[0]))
    return account


def test_school_groups_hold_no_global_user_or_group_permission(site_people, demo_site):
    """W6: neither the editors nor the site administrators of any school hold auth.*_user or auth.*_group."""
    for site in (demo_site, site_people.other_site):
        for name in group_names(site):
            held = set(Group.objects.get(name=name).permissions.values_list("content_type__app_label", flat=True))
            assert "auth" not in held, name
    assert not site_people.site_admin.has_perm("auth.change_user")
    assert not site_people.site_admin.has_perm("auth.add_user")


def test_the_migration_removes_global_user_permissions_from_existing_school_groups(site_people, demo_site):
    """W6: groups made before the fix lose auth.add_user / auth.change_user and keep their site's contacts only."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupSitePermission

    administrators = Group.objects.get(name=group_names(demo_site)[1])
    administrators.permissions.add(
        *Permission.objects.filter(content_type__app_label="auth", codename__in=["add_user", "change_user"]),
        Permission.objects.get(content_type__app_label="cms", codename="change_schoolcontacts"),
    )
    migration = import_module("cms.migrations.0002_school_groups_without_global_user_permissions")
    migration.forwards(apps, None)
    held = set(administrators.permissions.values_list("codename", flat=True))
    assert not held & {"add_user", "change_user", "change_schoolcontacts"}
    assert GroupSitePermission.objects.filter(
        group=administrators, site=demo_site, permission__codename="change_schoolcontacts"
    ).exists()


def test_a_site_administrator_cannot_open_or_use_wagtails_own_user_editor(site_people, superuser, small_school):
    """W6: /admin/users/ (list, edit, add) is refused, and a password posted there changes nobody's password."""
    client = logged_in(site_people.site_admin)
    for url in ("/admin/users/", f"/admin/users/edit/{superuser.pk}/", "/admin/users/new/"):
        answer = client.get(url)
        assert answer.status_code in (302, 403), url
        assert superuser.get_username() not in answer.content.decode()
    for target in (superuser, small_school.admin.user, site_people.editor):
        answer = client.post(
            f"/admin/users/edit/{target.pk}/",
            {
                "username": target.get_username(),
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "is_superuser": "on",
            },
        )
        assert answer.status_code in (302, 403)
        target.refresh_from_db()
        assert not target.check_password(NEW_PASSWORD)
    site_people.editor.refresh_from_db()
    assert not site_people.editor.is_superuser


def test_a_site_administrator_lists_only_their_own_sites_accounts(site_people, superuser, teacher_also_editor):
    """W6: the screen lists the own site's editor and administrator, never another school's, a diary person's or
    a superuser's account, and never another site's group."""
    page = logged_in(site_people.site_admin).get("/admin/site-accounts/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/admin/site-accounts/{site_people.editor.pk}/" in text
    for hidden in (site_people.other_editor, site_people.other_site_admin, superuser, teacher_also_editor):
        assert f"/admin/site-accounts/{hidden.pk}/" not in text
    assert site_people.other_site.hostname not in text


@pytest.mark.parametrize("target", ["teacher_also_editor", "other_editor", "other_site_admin", "superuser"])
def test_a_site_administrator_cannot_edit_an_account_outside_their_site(
    site_people, superuser, teacher_also_editor, demo_site, target
):
    """W6: a diary-linked account, another school's account and the superuser are not found (404), and a posted
    password changes nothing."""
    account = {
        "teacher_also_editor": teacher_also_editor,
        "other_editor": site_people.other_editor,
        "other_site_admin": site_people.other_site_admin,
        "superuser": superuser,
    }[target]
    client = logged_in(site_people.site_admin)
    assert client.get(f"/admin/site-accounts/{account.pk}/").status_code == 404
    answer = client.post(
        f"/admin/site-accounts/{account.pk}/",
        {
            "first_name": "X",
            "group": Group.objects.get(name=group_names(demo_site)[0]).pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "is_active": "on",
        },
    )
    assert answer.status_code == 404
    account.refresh_from_db()
    assert not account.check_password(NEW_PASSWORD)
    assert account.first_name != "X"


def test_a_site_administrator_creates_an_editor_of_their_own_site(site_people, demo_site):
    """W6: a new account lands in the chosen group of the own site, without the superuser flag even when posted."""
    editors = Group.objects.get(name=group_names(demo_site)[0])
    answer = logged_in(site_people.site_admin).post(
        "/admin/site-accounts/new/",
        {
            "username": "new_editor",
            "first_name": "Айгүл",
            "last_name": "Өмүрова",
            "email": "aigul@example.kg",
            "group": editors.pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert answer.status_code == 302
    created = User.objects.get(username="new_editor")
    assert list(created.groups.all()) == [editors]
    assert not created.is_superuser and not created.is_staff
    assert created.check_password(NEW_PASSWORD)


def test_a_site_administrator_cannot_put_an_account_in_another_sites_group(site_people):
    """W6: another school's group is not a choice: the form is refused and no account is created."""
    other_administrators = Group.objects.get(name=group_names(site_people.other_site)[1])
    answer = logged_in(site_people.site_admin).post(
        "/admin/site-accounts/new/",
        {
            "username": "intruder",
            "group": other_administrators.pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert answer.status_code == 200
    assert "group" in answer.context["form"].errors
    assert not User.objects.filter(username="intruder").exists()


def test_a_site_administrator_moves_an_editor_to_administrators_and_sets_a_password(site_people, demo_site):
    """W6: name, e-mail, active, password and the role between the own site's two groups only."""
    administrators = Group.objects.get(name=group_names(demo_site)[1])
    editor = site_people.editor
    answer = logged_in(site_people.site_admin).post(
        f"/admin/site-accounts/{editor.pk}/",
        {
            "first_name": "Бакыт",
            "last_name": "Үсөнов",
            "email": "bakyt@example.kg",
            "is_active": "on",
            "group": administrators.pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "is_superuser": "on",
        },
    )
    assert answer.status_code == 302
    editor.refresh_from_db()
    assert (editor.first_name, editor.email) == ("Бакыт", "bakyt@example.kg")
    assert list(editor.groups.all()) == [administrators]
    assert editor.check_password(NEW_PASSWORD)
    assert not editor.is_superuser


def test_an_editor_has_no_account_screen(site_people):
    """W6: managing accounts is the site administrators' right; an editor is refused."""
    answer = logged_in(site_people.editor).get("/admin/site-accounts/")
    assert answer.status_code in (302, 403)
    assert "/admin/site-accounts/new/" not in answer.content.decode()


def test_a_site_administrator_sees_only_their_own_sites_questions(site_people, demo_site):
    """W6: another school's questions (names, e-mails) are neither listed nor opened, nor answered."""
    own = Question.objects.create(site=demo_site, name="Асан", email="asan@example.kg", question="Кабыл алуу качан?")
    other = Question.objects.create(
        site=site_people.other_site, name="Чужой Родитель", email="secret@example.kg", question="Когда приём?"
    )
    client = logged_in(site_people.site_admin)
    listing = client.get("/admin/snippets/home/question/").content.decode()
    assert own.name in listing
    assert other.name not in listing and other.email not in listing
    assert client.get(f"/admin/snippets/home/question/edit/{other.pk}/").status_code == 404
    answer = client.post(f"/admin/snippets/home/question/edit/{other.pk}/", {"answer": "x", "is_published": "on"})
    assert answer.status_code == 404
    other.refresh_from_db()
    assert (other.answer, other.is_published) == ("", False)
    assert client.get(f"/admin/snippets/home/question/edit/{own.pk}/").status_code == 200


def test_a_site_administrator_edits_their_own_sites_contacts_only(site_people, demo_site):
    """W6: the contacts setting is a per-site permission: the own site opens, another school's site is refused."""
    client = logged_in(site_people.site_admin)
    assert client.get(f"/admin/settings/cms/schoolcontacts/{demo_site.pk}/").status_code == 200
    refused = client.get(f"/admin/settings/cms/schoolcontacts/{site_people.other_site.pk}/")
    assert refused.status_code in (302, 403)
    assert site_people.other_site.hostname not in refused.content.decode()
