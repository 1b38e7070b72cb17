"""Web hardening: production settings pass `check --deploy`; every answer carries the security headers; CSP allows
no inline script; diary answers are never stored; uploaded documents are limited by type and size and always
downloaded; rich text never holds a script, however it is written."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.http import parse_http_date

from cms.middleware import REVALIDATED_PAGES
from cms.models import SchoolDocument
from cms.sanitise import rich_text_clean

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "mektep.example.kg",
}


def production_env() -> dict:
    env = {**os.environ, **PRODUCTION}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    # The browser tests' conftest allows sync ORM calls in their event loop; production never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def test_check_deploy_is_clean_on_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=production_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_turn_on_https_only_cookies_hsts_and_the_headers():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({k: "
        "getattr(s, k) for k in ['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SECURE_REFERRER_POLICY', "
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', 'DEBUG', 'CONTENT_SECURITY_POLICY']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=production_env(), capture_output=True, text=True, check=True
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_SSL_REDIRECT"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SECURE_REFERRER_POLICY"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY" and not values["DEBUG"]
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


def assert_security_headers(response) -> None:
    policy = response["Content-Security-Policy"]
    scripts = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_public_pages_diary_pages_and_the_api_carry_the_security_headers(client, small_school, demo_site):
    for path in ("/ky/", "/ru/", "/ky/diary/login/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response)
    client.force_login(small_school.teacher.user)
    assert_security_headers(client.get("/ky/diary/", follow=True))
    assert client.get("/api/diary/v1/me/")["X-Content-Type-Options"] == "nosniff"


def diary_addresses(namespace: str) -> list[tuple[str, dict]]:
    found = []

    def walk(patterns, current):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or current)
            elif isinstance(entry, URLPattern) and current == namespace and entry.name:
                found.append((f"{namespace}:{entry.name}", dict.fromkeys(getattr(entry.pattern, "converters", {}), 1)))

    walk(get_resolver().url_patterns, None)
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "director", "parent"])
def test_no_diary_page_or_api_answer_may_be_stored_by_a_browser_or_proxy(client, small_school, persona, figures):
    """Every address of the diary and its API, found from the URL resolver, whatever the answer (200, 302, 404…)."""
    if persona != "anonymous":
        client.force_login(small_school.user(persona))
    for name, kwargs in diary_addresses("diary") + diary_addresses("diary_api"):
        for language in ("ky", "ru") if persona == "anonymous" else ("ky",):
            with translation.override(language):
                url = reverse(name, kwargs=kwargs)
            response = client.get(url)
            cache_control = response.get("Cache-Control", "")
            assert "public" not in cache_control
            if name in REVALIDATED_PAGES and response.status_code == 200:
                # The grid and the week: kept by the person's own browser only, and revalidated before each use.
                assert "private" in cache_control and "no-cache" in cache_control, (url, cache_control)
                figures.add("no-store", revalidated_in_the_browser=1)
                continue
            figures.add("no-store", answers_checked=1, stored=int("no-store" not in cache_control))
            assert "no-store" in cache_control, (url, response.status_code, cache_control)


@pytest.fixture
def editor_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("site_admin", "admin@mektep.kg", "a long admin passphrase 9")
    client.force_login(admin)
    return client


def upload(client, name: str, content: bytes, content_type: str = "application/octet-stream"):
    from wagtail.models import Collection

    # A transactional test elsewhere in the run may have flushed the root collection that a migration made.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    return client.post(
        "/admin/documents/add/",
        {
            "title": name,
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "collection": root.pk,
            "kind": "other",
            "language": "ky",
        },
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ\x90\x00"),
        ("page.html", b"<script>alert(1)</script>"),
        ("image.svg", b"<svg onload=alert(1)></svg>"),
        ("script.js", b"alert(1)"),
        ("archive.zip", b"PK\x03\x04"),
        ("noextension", PDF),
    ],
)
def test_only_documents_images_and_office_files_may_be_uploaded(editor_client, name, content):
    response = upload(editor_client, name, content)
    assert response.status_code == 200  # the form again, with the reason next to the file field
    assert response.context["form"].errors["file"]
    assert not SchoolDocument.objects.exists()


@pytest.mark.django_db
def test_a_document_above_the_size_limit_is_refused_with_a_translated_reason(editor_client, settings):
    settings.MEKTEP_DOCUMENT_MAX_MB = 1
    with translation.override("ru"):
        response = upload(editor_client, "big.pdf", PDF + b"0" * (1024 * 1024), "application/pdf")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not SchoolDocument.objects.exists()
    assert upload(editor_client, "small.pdf", PDF, "application/pdf").status_code == 302
    assert SchoolDocument.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), [("charter.pdf", PDF), ("photo.png", b"\x89PNG\r\n\x1a\n<html>")])
def test_every_document_is_served_as_a_download_never_shown_inline(editor_client, client, name, content):
    assert upload(editor_client, name, content).status_code == 302
    document = SchoolDocument.objects.get()
    client.logout()
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


SCRIPTS = (
    '<p>Жаңылык</p><script>alert(1)</script><p onclick="alert(2)">ө</p>'
    '<a href="javascript:alert(3)">ү</a><a href=" JaVa&#x09;script:alert(4)">x</a>'
    '<img src="x" onerror="alert(5)"><iframe src="https://evil.example"></iframe><style>p{}</style>'
)


def test_the_cleaner_keeps_wagtails_own_markup_and_drops_every_script():
    clean = rich_text_clean(SCRIPTS + '<a linktype="document" id="3">Устав</a><embed embedtype="image" id="1"/>')
    for dangerous in ("<script", "onclick", "javascript", "JaVa", "onerror", "<iframe", "<style"):
        assert dangerous not in clean
    assert '<a id="3" linktype="document">Устав</a>' in clean and 'embedtype="image"' in clean
    assert "Жаңылык" in clean
    assert rich_text_clean("<p>Салам</p>") == "<p>Салам</p>"


@pytest.mark.django_db
def test_a_script_written_into_rich_text_is_never_stored_rendered_or_served(client, demo_site):
    from home.models import NewsArticlePage, NewsIndexPage

    index = NewsIndexPage.objects.first()
    article = index.add_child(instance=NewsArticlePage(title="Жаңылык", slug="news-script", body=SCRIPTS))
    article.save_revision().publish()
    article.refresh_from_db()
    assert "<script" not in article.body and "onclick" not in article.body
    page = client.get(article.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "alert(1)" not in html and "alert(2)" not in html and "javascript:alert" not in html
    api = client.get(f"/api/v2/pages/{article.pk}/?lang=ky").content.decode()
    assert "alert(1)" not in api and "onerror" not in api


def test_personal_answers_get_djangos_never_cache_headers_with_or_without_their_own(rf):
    """Diary answers carry the headers `add_never_cache_headers` writes; a view's own caching headers are merged
    with them; a public page gets none."""
    from django.http import HttpResponse
    from django.utils.cache import add_never_cache_headers

    from cms.middleware import PersonalDataNoStoreMiddleware

    def through_middleware(response, path="/ky/diary/children/"):
        return PersonalDataNoStoreMiddleware(lambda request: response)(rf.get(path))

    expected = HttpResponse("ok")
    add_never_cache_headers(expected)
    got = through_middleware(HttpResponse("ok"))
    assert got["Cache-Control"] == expected["Cache-Control"]
    assert abs(parse_http_date(got["Expires"]) - parse_http_date(expected["Expires"])) <= 1
    own = HttpResponse("ok", headers={"Cache-Control": "no-transform"})
    assert set(through_middleware(own)["Cache-Control"].split(", ")) == {
        "no-transform", "max-age=0", "no-cache", "no-store", "must-revalidate", "private",
    }  # fmt: skip
    assert "Cache-Control" not in through_middleware(HttpResponse("ok"), path="/ky/info/")  # a public page
