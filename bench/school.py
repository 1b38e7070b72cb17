"""The benchmark school: a whole academic year of a realistic school, built through the importer and the services.

The demo workbook generator writes the school (N students in about N/25 classes, grades 1–11, a timetable) and
`import_school`'s service imports it with a year of lessons; the demo activity then enters, week after week and
through `marks_save` / `lessons_update` / `finals_set`, about three marks per student per subject per week,
attendance, topics, homework and the four quarters' finals. Deterministic: the same size gives the same school.

Built databases are kept in var/bench/ under a name holding the size and a hash of the code that shapes them
(migrations, models, services, the generator), so a rerun copies a file instead of building again::

    python -m bench.school --students 1000
"""

import argparse
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
CACHE_DIR = BASE_DIR / "var" / "bench"
SIZES = (250, 500, 1000, 4000)
STUDENTS_PER_CLASS = 25  # BENCHMARKS.md: 1,000 students in 40 classes
# The generator's "today": the year is over and every quarter's finals are in.
YEAR_OVER = dt.date(2027, 6, 15)
# About three grades per subject a week out of about two lessons: most cells graded, most with a second grade.
GRADE_RATE = 0.95
SECOND_GRADE_RATE = 0.6
SEED = 2026
# The code whose change changes what the generator enters. Migrations are not in the key: every run migrates its
# copy of the cached database, so a new migration costs seconds, not a rebuild.
SHAPING_CODE = ("diary/demo",)
# Raised whenever this module changes what it builds.
GENERATOR_VERSION = 2
PASSWORD = "bench-password-2026"  # noqa: S105 (every account of the throwaway benchmark school)


def classes_for(students: int) -> int:
    """40 classes for 1,000 students, scaled; a school with grades 1–11 has at least 11."""
    return max(11, round(students / STUDENTS_PER_CLASS))


def code_version() -> str:
    """A short hash of the code that shapes the benchmark database (not of the whole checkout)."""
    digest = hashlib.sha1(f"generator {GENERATOR_VERSION}".encode(), usedforsecurity=False)
    for entry in SHAPING_CODE:
        path = BASE_DIR / entry
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(BASE_DIR)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


def cached_database(students: int) -> Path:
    return CACHE_DIR / f"school-{students}-{code_version()}.sqlite3"


def workbook_write(folder: Path, students: int) -> dict[str, int]:
    """The benchmark school's workbook (CSV sheets), the same for the same size."""
    from diary.demo.generate import generate_workbook

    return generate_workbook(
        folder, students=students, classes=classes_for(students), seed=SEED, code=f"bench{students}",
        hostname="localhost",
    )  # fmt: skip


def school_build(students: int) -> dict:
    """Imports the workbook and enters a year of diary activity into the configured (empty, migrated) database."""
    from django.contrib.auth import get_user_model

    from diary.demo.activity import demo_accounts_ensure, demo_activity_build
    from diary.services.school_import import school_import
    from diary.workbook import workbook_read

    with tempfile.TemporaryDirectory(prefix="mektep-bench-") as folder:
        workbook_write(Path(folder), students)
        sheets, problems = workbook_read(Path(folder))
        summary = school_import(sheets=sheets, read_problems=problems, today=dt.date(2026, 8, 25))
    school = summary.school
    demo_accounts_ensure(school=school, password=PASSWORD)
    user_model = get_user_model()
    if not user_model.objects.filter(username="bench-admin").exists():
        user_model.objects.create_superuser("bench-admin", "bench@localhost", PASSWORD)
    activity = demo_activity_build(
        school=school, today=YEAR_OVER, seed=SEED, grade_rate=GRADE_RATE, second_grade_rate=SECOND_GRADE_RATE
    )
    return {"school": school.code, **summary.created, **activity}


def database_ensure(students: int, *, log=sys.stderr) -> Path:
    """The cached SQLite database of this size, built (in a child process, production settings) if missing."""
    target = cached_database(students)
    if target.exists():
        return target
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for stale in CACHE_DIR.glob(f"school-{students}-*.sqlite3*"):
        stale.unlink()
    building = target.with_suffix(".building")
    building.unlink(missing_ok=True)
    log.write(f"Building the {students}-student benchmark school (cached in {target.relative_to(BASE_DIR)})…\n")
    log.flush()
    env = {**os.environ, **django_env(f"sqlite:///{building}")}
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run([python, "-m", "bench.school", "--students", str(students), "--into-configured-database"],
                   cwd=BASE_DIR, env=env, check=True)  # fmt: skip
    # One self-contained file: fold the write-ahead log back in before it is copied around.
    import sqlite3

    with sqlite3.connect(building) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute("ANALYZE")
    building.rename(target)
    return target


def database_copy(students: int, folder: Path) -> Path:
    """A private copy of the cached database for one run (the scenarios write into it)."""
    source = database_ensure(students)
    copy = folder / source.name
    # A journal left beside an earlier copy of the same name (a process stopped before SQLite checkpointed its
    # write-ahead log) would be replayed into the new copy and corrupt it.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, copy)
    return copy


def django_env(database_url: str) -> dict[str, str]:
    """Production settings (bench/settings.py) over the given database, on 127.0.0.1 without TLS, bench URLs on."""
    import secrets

    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        # One key for the whole run: sessions made by one process are read by the others.
        "SECRET_KEY": os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(50)),
        "ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        # Collected static files and uploads of the benchmark, kept apart from the development server's.
        "MEKTEP_VAR_DIR": str(CACHE_DIR / "var"),
        "LOG_LEVEL": "WARNING",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build (or find cached) the benchmark school's database.")
    parser.add_argument("--students", type=int, default=1000, choices=SIZES)
    parser.add_argument("--into-configured-database", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.into_configured_database:
        import django

        django.setup()
        from django.db import transaction

        with transaction.atomic():
            result = school_build(args.students)
        sys.stdout.write(f"{result}\n")
        return
    sys.stdout.write(f"{database_ensure(args.students)}\n")


if __name__ == "__main__":
    main()
