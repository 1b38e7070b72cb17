"""`make check`: the quality gates (ruff check and format, import layers, `compilemessages` with no untranslated
ky/ru entry, `vendor_messages --check` for the Wagtail and Django catalogues of `locale/vendor`, `check`,
`check --deploy` on production settings, `makemigrations --check`, hadolint on
`deploy/Dockerfile`). Exits non-zero at the first gate that fails.
"""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def say(message: str) -> None:
    sys.stdout.write(f"\n=== {message}\n")
    sys.stdout.flush()


def run(command: list[str], *, env: dict | None = None) -> None:
    sys.stdout.write("$ " + " ".join(command) + "\n")
    sys.stdout.flush()
    result = subprocess.run(command, cwd=BASE_DIR, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"FAILED ({result.returncode}): {' '.join(command)}")


def quality_gates() -> None:
    manage = [PYTHON, "manage.py"]
    dev = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.dev"}
    dev.pop("DATABASE_URL", None)
    dev.pop("REDIS_URL", None)
    say("Quality gates")
    run([PYTHON, "-m", "ruff", "check", "."])
    run([PYTHON, "-m", "ruff", "format", "--check", "."])
    # Imports run one way (views/api/tasks/commands -> services -> selectors -> permissions -> models), no cycles.
    run([str(Path(PYTHON).with_name("lint-imports"))])
    run([*manage, "compilemessages", "--locale", "ky", "--locale", "ru", "--ignore", ".venv", "--ignore", "var"],
        env=dev)  # fmt: skip
    for language in ("ky", "ru"):
        po = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
        stats = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        sys.stdout.write(f"{po.relative_to(BASE_DIR)}: {stats.stderr.strip()}\n")
        if stats.returncode != 0 or "untranslated" in stats.stderr or "fuzzy" in stats.stderr:
            raise SystemExit(f"FAILED: {po.relative_to(BASE_DIR)} has untranslated or fuzzy entries")
    # The Wagtail and Django catalogues we ship (locale/vendor) cover every msgid of the installed versions;
    # when they do not: `manage.py vendor_messages`, translate what it reports, commit the catalogues.
    run([*manage, "vendor_messages", "--check"], env=dev)
    run([*manage, "check", "--fail-level", "WARNING"], env=dev)
    production = {**dev, "DJANGO_SETTINGS_MODULE": "cms.settings.production",
                  "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "mektep.example.kg"}  # fmt: skip
    run([*manage, "check", "--deploy", "--fail-level", "WARNING"], env=production)
    run([*manage, "makemigrations", "--check", "--dry-run"], env=dev)
    deploy_checks()
    say("All quality gates passed")


def deploy_checks() -> None:
    """deploy/: hadolint on the Dockerfile; `docker compose config` where a compose command exists."""
    run([str(Path(PYTHON).with_name("hadolint")), "deploy/Dockerfile"])
    docker = shutil.which("docker")
    has_compose = (
        docker and subprocess.run([docker, "compose", "version"], capture_output=True, check=False).returncode == 0
    )
    if has_compose:
        env = {**os.environ, "SECRET_KEY": "x", "ALLOWED_HOSTS": "x", "POSTGRES_PASSWORD": "x"}
        run([docker, "compose", "-f", "deploy/compose.yaml", "config", "--quiet"], env=env)
    else:
        sys.stdout.write(
            "docker compose is not installed here: deploy/compose.yaml is checked by tests/test_deploy.py\n"
        )


if __name__ == "__main__":
    quality_gates()
