"""Configuration comes from the environment, and wrong or missing values stop the start with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cms.env import database_from_env, env_bool, env_int

BASE_DIR = Path(__file__).resolve().parents[2]


def run_settings(module: str, code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "REDIS_URL", "DATABASE_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    script = f"import django; django.setup(); from django.conf import settings; {code}"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_settings("cms.settings.production", "pass", ALLOWED_HOSTS="school.example.kg")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts():
    result = run_settings("cms.settings.production", "pass", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_background_work_uses_redis_when_redis_url_is_set():
    result = run_settings(
        "cms.settings.dev",
        "import sys; sys.stdout.write(settings.CELERY_BROKER_URL + ' ' + settings.CACHES['default']['BACKEND'])",
        REDIS_URL="redis://127.0.0.1:6390/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "redis://127.0.0.1:6390/0 django_redis.cache.RedisCache"


def test_background_work_has_an_embedded_default_without_redis():
    result = run_settings("cms.settings.dev", "import sys; sys.stdout.write(settings.CELERY_BROKER_URL)")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "filesystem://"


def test_database_url_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://mektep:secret@db.internal:5433/mektep")
    config = database_from_env("/unused.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "mektep")


def test_postgresql_parameters_are_bound_on_the_client_whatever_the_environment(monkeypatch):
    """Server-side binding breaks Wagtail's settings editor (SELECT DISTINCT ordered by a parameter): never set."""
    monkeypatch.setenv("DATABASE_URL", "postgres://mektep:secret@db.internal:5433/mektep")
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "1")
    options = database_from_env("/unused.sqlite3").get("OPTIONS", {})
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_database_defaults_to_an_sqlite_file(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env(str(tmp_path / "db" / "mektep.sqlite3"))
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert (tmp_path / "db").is_dir()


def test_a_database_url_we_cannot_read_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "oracle-ish://nowhere")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_env("/unused.sqlite3")


def test_malformed_flags_and_numbers_name_the_variable(monkeypatch):
    monkeypatch.setenv("EMAIL_USE_TLS", "maybe")
    monkeypatch.setenv("EMAIL_PORT", "five-eight-seven")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_USE_TLS"):
        env_bool("EMAIL_USE_TLS")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 587)


PRODUCTION = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "school.example.kg"}


def test_logs_are_one_json_object_a_line_on_request():
    import json

    result = run_settings(
        "cms.settings.production", "import logging; logging.getLogger('mektep').warning('ready')",
        LOG_FORMAT="json", **PRODUCTION,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "mektep", "ready")


def test_media_goes_to_object_storage_when_asked():
    result = run_settings(
        "cms.settings.production",
        "import sys; sys.stdout.write(settings.STORAGES['default']['BACKEND'] + ' '"
        " + settings.STORAGES['default']['OPTIONS']['bucket_name'])",
        MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="mektep-media", **PRODUCTION,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == "storages.backends.s3.S3Storage mektep-media"


def test_media_stays_on_disk_by_default_and_static_files_are_compressed_with_a_manifest():
    result = run_settings(
        "cms.settings.production",
        "import sys; sys.stdout.write(settings.STORAGES['default']['BACKEND'] + ' '"
        " + settings.STORAGES['staticfiles']['BACKEND'])",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "django.core.files.storage.FileSystemStorage whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_production_reports_go_to_their_own_queue():
    result = run_settings(
        "cms.settings.production",
        "import sys; from celery_app import app;"
        " sys.stdout.write(app.amqp.router.route({}, 'diary.tasks.build_report')['queue'].name + ' '"
        " + app.amqp.router.route({}, 'diary.tasks.sweep')['queue'].name)",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "reports default"


def test_a_replica_is_used_only_when_configured():
    code = "import sys; sys.stdout.write(','.join(settings.DATABASES) + ' ' + str(settings.DATABASE_ROUTERS))"
    without = run_settings("cms.settings.production", code, **PRODUCTION)
    with_replica = run_settings(
        "cms.settings.production", code, DATABASE_URL="postgres://postgres@127.0.0.1:5432/mektep",
        DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:5433/mektep", **PRODUCTION,
    )  # fmt: skip
    assert without.stdout == "default []"
    assert with_replica.stdout == "default,replica ['cms.db_router.ReplicaRouter']"


def test_a_wrong_log_format_stops_the_start_with_a_clear_message():
    result = run_settings("cms.settings.production", "pass", LOG_FORMAT="xml", **PRODUCTION)
    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json" in result.stderr
