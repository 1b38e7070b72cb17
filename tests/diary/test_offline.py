"""The diary as an installable app: its manifest in the page's language, its service worker (the same script for
everyone, in scope of the diary pages, re-checked on every visit, with caches named after what it serves), the
pages' links to both, and a logout that clears what the device kept."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from diary.services.marks import CellChange, marks_save

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def logged_in(username: str) -> Client:
    client = Client()
    assert client.post("/ky/diary/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize(
    ("language", "name", "short_name"),
    [("ky", "Mektep: электрондук күндөлүк", "Күндөлүк"), ("ru", "Mektep: электронный дневник", "Дневник")],
)
def test_the_manifest_names_the_app_in_the_pages_language(language, name, short_name):
    # A browser fetches the manifest without the session cookie: it is there for anyone.
    response = Client().get(f"/{language}/diary/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert (data["name"], data["short_name"], data["lang"]) == (name, short_name, language)
    assert data["start_url"] == data["scope"] == f"/{language}/diary/"
    assert data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        # Each icon is one of our own static files, committed with the code.
        assert icon["src"].startswith("/static/diary/icons/")
        assert finders.find(icon["src"].removeprefix("/static/"))


def test_the_service_worker_is_one_script_for_everyone_in_scope_of_the_diary(small_school):
    marks_save(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        changes=[CellChange(small_school.lessons[0].pk, small_school.students[0].pk, None, grades=[5])],
    )
    anonymous = Client().get("/sw.js")
    teacher = logged_in("teacher").get("/sw.js")
    assert anonymous.status_code == teacher.status_code == 200
    assert anonymous["Content-Type"].startswith("text/javascript")
    # Registered for /ky/diary/ and /ru/diary/ from the root.
    assert anonymous["Service-Worker-Allowed"] == "/"
    # Checked again on every visit, so that a deploy reaches every phone; never depends on who asks.
    assert "no-cache" in anonymous["Cache-Control"]
    assert "Cookie" not in anonymous.get("Vary", "")
    assert "Set-Cookie" not in anonymous.headers
    body = anonymous.content.decode()
    assert teacher.content.decode() == body
    # Nothing personal: no name, no username, no journal or student address.
    student, user = small_school.students[0], small_school.teacher.user
    personal = [student.last_name, student.first_name, user.get_full_name(), '"teacher"']
    personal += [f"/journals/{small_school.journal.pk}/", f"/students/{student.pk}/"]
    assert not [text for text in personal if text and text in body]
    # Its caches are named after a version; the app shell is our own static files (no CDN).
    version = re.search(r'"version": "([0-9a-f]{12})"', body).group(1)
    assert '"mektep-shell-" + CONFIG.version' in body
    assert "/static/diary/offline.js" in body and "/static/diary/grid.js" in body
    assert not re.search(r"https?://", body)
    # Asked again with what it has, the browser hears "not modified" while the version is the same.
    assert Client().get("/sw.js", headers={"If-None-Match": anonymous["ETag"]}).status_code == 304
    assert version in anonymous["ETag"]
    assert Client().post("/sw.js").status_code == 405
    # A deploy that changes what it serves changes the version, and so replaces the old caches.
    with override_settings(STATIC_URL="/static/v2/"):
        changed = Client().get("/sw.js").content.decode()
    assert re.search(r'"version": "([0-9a-f]{12})"', changed).group(1) != version


@pytest.mark.parametrize(
    ("language", "queued"),
    [("ky", "Байланыш жок"), ("ru", "Нет связи")],
)
def test_diary_pages_link_the_manifest_and_the_offline_script_in_their_language(small_school, language, queued):
    client = logged_in("teacher")
    response = client.get(f"/{language}/diary/journals/{small_school.journal.pk}/?period=quarter-1")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<link rel="manifest" href="/{language}/diary/manifest.webmanifest">' in page
    assert '/static/diary/icons/favicon.svg"' in page
    assert page.index("diary/offline.js") < page.index("diary/grid.js")  # the grid finds the queue ready
    config = json.loads(re.search(r'<script id="offline-config" type="application/json">(.*?)</script>', page).group(1))
    assert config["worker"] == "/sw.js"
    assert config["scope"] == f"/{language}/diary/"
    assert config["messages"]["queued"].startswith(queued)
    assert all(config["messages"].values())
    # The page's own policy lets it register our worker and read our manifest, and nothing else's.
    policy = response["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy
    # The grid stays out of every shared cache: only the person's device keeps it (the browser's private cache,
    # revalidated before each use, and the worker), never a proxy.
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= directives and "public" not in directives
    assert response["ETag"]


def test_logging_out_tells_the_browser_to_clear_what_the_device_kept(small_school):
    client = logged_in("teacher")
    response = client.post("/ky/diary/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(f"/ky/diary/journals/{small_school.journal.pk}/").status_code == 302  # logged out


def offline_config(client, url: str) -> dict:
    page = client.get(url).content.decode()
    return json.loads(re.search(r'<script id="offline-config" type="application/json">(.*?)</script>', page).group(1))


def test_a_shared_computer_or_a_student_keeps_nothing_on_the_device(small_school):
    url = f"/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1"
    assert offline_config(logged_in("teacher"), url)["keep"] is True
    assert "Mektep-Keep" not in logged_in("teacher").get(url)
    shared = Client()
    answer = shared.post("/ky/diary/login/", {"username": "teacher", "password": PASSWORD, "shared": "on"})
    assert answer.status_code == 302
    assert offline_config(shared, url)["keep"] is False
    assert "no-store" in shared.get(url)["Cache-Control"]  # not even the browser's own cache
    # The service worker a normal session installed on this device keeps none of the answers either.
    assert shared.get(url)["Mektep-Keep"] == "nothing"
    assert shared.get("/ky/diary/journals/")["Mektep-Keep"] == "nothing"
    student = Client()
    student.post("/ky/diary/login/", {"username": "student", "password": PASSWORD})
    week = f"/ky/diary/students/{small_school.students[0].pk}/week/"
    assert offline_config(student, week)["keep"] is False
    assert "no-store" in student.get(week)["Cache-Control"]
    assert student.get(week)["Mektep-Keep"] == "nothing"
