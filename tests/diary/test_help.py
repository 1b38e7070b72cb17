"""D17 (seed 004 §8.1): a help page for each diary role, in ky and ru, linked from the menu, with a way to write to
the diary administrator through the internal mail."""

import pytest
from django.test import Client

from diary.models import Thread
from diary.services.messaging import thread_start
from diary.views.consultation import HELP_ROLES

pytestmark = pytest.mark.django_db


def client_for(small_school, persona: str, language: str = "ky") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(small_school.user(persona))
    return client


@pytest.mark.parametrize("role", list(HELP_ROLES))
def test_every_role_has_a_help_page_in_both_languages(small_school, role):
    """D17: teacher, homeroom, administration, parent and student help, in ky and ru."""
    ky = client_for(small_school, "parent").get(f"/ky/diary/help/{role}/")
    ru = client_for(small_school, "parent", "ru").get(f"/ru/diary/help/{role}/")
    assert ky.status_code == ru.status_code == 200
    assert f'data-help="{role}"' in ky.content.decode()
    assert "Жардам" in ky.content.decode()
    assert "Помощь" in ru.content.decode()


@pytest.mark.parametrize(
    ("persona", "role"),
    [("teacher", "teacher"), ("admin", "administration"), ("parent", "parent"), ("student", "student")],
)
def test_the_menu_links_the_help_of_the_persons_own_role(small_school, persona, role):
    """D17: the diary menu has a help item; it opens the person's own role."""
    client = client_for(small_school, persona)
    html = client.get("/ky/diary/?menu").content.decode()
    assert 'data-menu="help"' in html
    response = client.get("/ky/diary/help/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/help/{role}/")


def test_an_unknown_role_is_not_found(small_school):
    """D17: only the five roles have help pages."""
    assert client_for(small_school, "parent").get("/ky/diary/help/hacker/").status_code == 404


def test_a_parent_writes_to_the_diary_administrator_from_the_help_page(small_school):
    """D17, D13: the help page's action opens a message to the diary administrator, which is delivered."""
    client = client_for(small_school, "parent")
    html = client.get("/ky/diary/help/parent/").content.decode()
    assert 'data-action="write-to-diary-administrator"' in html
    assert f"to={small_school.admin.user.pk}" in html
    compose = client.get(f"/ky/diary/mail/new/?to={small_school.admin.user.pk}")
    assert compose.status_code == 200
    thread = thread_start(
        sender=small_school.parent.user, recipient_ids=[small_school.admin.user.pk], subject="Суроо", body="Кирүү?"
    )
    assert Thread.objects.filter(pk=thread.pk, participants__user=small_school.admin.user).exists()


def test_without_a_diary_administrator_the_page_says_whom_to_ask(small_school):
    """D17: a school without a diary administrator gets a clear note instead of a broken link."""
    small_school.admin.roles = ["teacher"]
    small_school.admin.save()
    html = client_for(small_school, "parent", "ru").get("/ru/diary/help/parent/").content.decode()
    assert 'data-action="write-to-diary-administrator"' not in html
    assert "В вашей школе пока нет администратора дневника" in html
