"""In-process parts of the benchmark, run in a child process against one database (DATABASE_URL, production settings).

`python -m bench.probe TASK [JSON arguments]` prints one JSON object on its last line:

- `to_postgres`: migrates the configured PostgreSQL database and copies a built SQLite database into it;
- `prepare`: picks the teachers' journals and the families of the scenarios, logs each of them in, writes the
  requests files (one person per line) and B5's bodies;
- `queries`: the exact number of queries of one request to each scenario's address;
- `report`: B7, the quarterly progress report of the whole school against one GROUP BY, with peak memory;
- `report_rounds`: B7's growth rows: the same report, run on request (one line of stdin: how many times), so that
  the parent can take turns between the schools of every size;
- `import`: B8, `import_school` of a workbook against reading it with openpyxl alone.
"""

import gc
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

HOST = "localhost"
PERIOD_KEY = "quarter-2"
WEEK = "2026-W47"
# B6: the weeks each family reads, in turn (everyone's first week, then everyone's second…), so nobody asks twice in
# a row; the readers are guardians with an account (one is made for a guardian without), then students.
WEEKS = ("2026-W44", "2026-W45", "2026-W46", "2026-W47")
FAMILIES = 500
B5_CELLS = 30


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def to_postgres(source: str) -> dict:
    """The same data in PostgreSQL: migrate, then copy every table of the SQLite file with COPY."""
    import sqlite3

    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    lite = sqlite3.connect(source)
    lite_tables = {row[0] for row in lite.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    rows_copied = 0
    with connection.cursor() as cursor:
        raw = cursor.connection
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        # The search index is stored differently by each backend; no scenario searches. The record of applied
        # migrations stays PostgreSQL's own: its schema was just migrated to the current code, the cached SQLite file
        # may be older (copied rows take the database defaults of newer columns).
        tables = sorted(
            name
            for (name,) in cursor.fetchall()
            if name in lite_tables and not name.startswith("wagtailsearch_index") and name != "django_migrations"
        )
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL TIME ZONE 'UTC'")
            cursor.execute("TRUNCATE " + ", ".join(f'"{name}"' for name in tables) + " CASCADE")
            for name in tables:
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND table_schema = "
                    "'public'",
                    [name],
                )
                pg_columns = {column for (column,) in cursor.fetchall()}
                lite_columns = [row[1] for row in lite.execute(f'PRAGMA table_info("{name}")')]
                columns = [column for column in lite_columns if column in pg_columns]
                quoted = ", ".join(f'"{column}"' for column in columns)
                with raw.cursor().copy(f'COPY "{name}" ({quoted}) FROM STDIN') as copy:
                    for row in lite.execute(f'SELECT {quoted} FROM "{name}"'):  # noqa: S608 (the schema's own names)
                        copy.write_row(row)
                        rows_copied += 1
            for name in tables:
                cursor.execute(
                    "SELECT data_type FROM information_schema.columns WHERE table_name = %s AND column_name = 'id'",
                    [name],
                )
                kind = cursor.fetchone()
                if kind and kind[0] in ("integer", "bigint"):
                    sequence = f"pg_get_serial_sequence('\"{name}\"', 'id')"
                    highest = f'(SELECT MAX(id) FROM "{name}")'  # noqa: S608 (the schema's own names)
                    cursor.execute(f"SELECT setval({sequence}, COALESCE({highest}, 0) + 1, false)")
        cursor.execute("ANALYZE")
    return {"rows": rows_copied, "seconds": round(time.perf_counter() - started, 1)}


def _browser_cookies(user, path: str) -> str:
    """The Cookie header of a browser that has logged in and opened `path` once: the session and the CSRF cookie
    that the first page set (a browser sends it back from then on, so the page does not make a new secret)."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    client.get(path)
    names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    return "; ".join(f"{name}={client.cookies[name].value}" for name in names if name in client.cookies)


def _people_write(path: str, lines: list[tuple[str, str, str]]) -> str:
    """A requests file of load.GETS_LUA: one line per request, each as its own person."""
    with open(path, "w") as handle:
        for address, name, value in lines:
            handle.write(f"{address}\t{name}\t{value}\n")
    return path


def _teachers_journals(school, period) -> list:
    """B3/B4: every teacher's largest whole-class journal of the quarter (students × lessons), largest first."""
    from diary.models import Enrolment, Journal

    class_sizes = dict(
        Enrolment.objects.filter(school_class__school=school, date_to__isnull=True)
        .values_list("school_class_id")
        .annotate(n=Count("pk"))
    )
    rows = (
        Journal.objects.filter(
            school=school, subgroup__isnull=True, school_class__grade__gte=2, teacher__user__isnull=False
        )
        .annotate(n=Count("lessons", filter=Q(lessons__date__gte=period.start, lessons__date__lte=period.end)))
        .values_list("pk", "school_class_id", "n", "teacher_id")
    )
    best: dict[int, tuple] = {}
    for pk, class_id, lessons, teacher_id in rows:
        size = lessons * class_sizes.get(class_id, 0)
        if size and (teacher_id not in best or (size, -pk) > best[teacher_id][0]):
            best[teacher_id] = ((size, -pk), pk)
    chosen = sorted(best.values(), reverse=True)
    journals = Journal.objects.select_related("teacher__user").in_bulk([pk for _size, pk in chosen])
    return [journals[pk] for _size, pk in chosen]


def _readers(school, wanted: int) -> list[tuple]:
    """B6: (account, student) of `wanted` distinct families, each reading one child's week (or their own)."""
    from django.contrib.auth import get_user_model

    from diary.models import Guardian, Student

    readers, seen = [], set()
    guardians = Guardian.objects.filter(school=school, links__isnull=False).distinct().order_by("pk")[:wanted]
    user_model = get_user_model()
    for guardian in guardians:
        if guardian.user_id is None:
            guardian.user = user_model.objects.create_user(f"bench-{guardian.code.lower()}", password=None)
            guardian.save(update_fields=["user"])
        student = guardian.students.order_by("pk").first()
        readers.append((guardian.user, student))
        seen.add(student.pk)
    for student in Student.objects.filter(school=school, user__isnull=True).exclude(pk__in=seen).order_by("pk"):
        if len(readers) >= wanted:
            break
        student.user = user_model.objects.create_user(f"bench-{student.code.lower()}", password=None)
        student.save(update_fields=["user"])
        readers.append((student.user, student))
    return readers


def prepare(bodies_file: str) -> dict:
    """The addresses, headers and bodies of every scenario, and the people they act as."""
    from diary.models import Enrolment, Lesson, Mark, School, StaffMember
    from diary.services.access import api_token_issue

    school = School.objects.order_by("pk").first()
    period = _quarter(school)
    journals = _teachers_journals(school, period)
    journal = journals[0]  # the largest, printed in the notes
    grid_size = {
        "students": Enrolment.objects.filter(school_class=journal.school_class, date_to__isnull=True).count(),
        "lessons": Lesson.objects.filter(journal=journal, date__gte=period.start, date__lte=period.end).count(),
    }
    director = next(
        s for s in StaffMember.objects.filter(school=school).select_related("user") if s.has_role("director")
    )
    folder = Path(bodies_file).parent
    readers = _readers(school, FAMILIES)

    director_token = api_token_issue(user=director.user, valid_days=2).key
    # B3/B4: every teacher reads their own journal, in turn, each with their token or their browser's cookies.
    b3, b4, cell_paths = [], [], []
    for each in journals:
        api = f"/api/diary/v1/journals/{each.pk}/?period={PERIOD_KEY}"
        page = f"/ky/diary/journals/{each.pk}/?period={PERIOD_KEY}"
        b3.append((api, "Authorization", f"Bearer {api_token_issue(user=each.teacher.user, valid_days=2).key}"))
        b4.append((page, "Cookie", _browser_cookies(each.teacher.user, page)))
        cell_paths.append(
            f"/bench/cells/?journal={each.pk}&start={period.start.isoformat()}&end={period.end.isoformat()}"
        )
    # B6: every family reads a week, in turn; then everyone the next week.
    b6, b6html = [], []
    tokens = {user.pk: api_token_issue(user=user, valid_days=2).key for user, _student in readers}
    cookies = {
        user.pk: _browser_cookies(user, f"/ky/diary/students/{student.pk}/week/?week={WEEK}")
        for user, student in readers
    }
    for week in WEEKS:
        for user, student in readers:
            b6.append((f"/api/diary/v1/students/{student.pk}/diary/?week={week}", "Authorization",
                       f"Bearer {tokens[user.pk]}"))  # fmt: skip
            b6html.append((f"/ky/diary/students/{student.pk}/week/?week={week}", "Cookie", cookies[user.pk]))

    # B5: bodies of 30 graded cells of one journal each, every cell used once, with its current version, so that
    # every POST is a valid save of 30 changed cells whatever the order wrk sends them in.
    rng = random.Random(5)
    marks = list(
        # Lessons already held: marks for a later lesson are refused (D5).
        Mark.objects.filter(
            school=school,
            grade_1__isnull=False,
            lesson__journal__school_class__grade__gte=2,
            lesson__date__lte=timezone.localdate(),
        )
        .values_list("lesson__journal_id", "lesson_id", "student_id", "version", "grade_1")
        .order_by("lesson__journal_id", "lesson__date", "student_id")
    )
    by_journal: dict[int, list] = {}
    for row in marks:
        by_journal.setdefault(row[0], []).append(row)
    bodies = []
    for journal_pk, cells in by_journal.items():
        for start in range(0, len(cells) - B5_CELLS + 1, B5_CELLS):
            chunk = cells[start : start + B5_CELLS]
            changes = [
                {"lesson": lesson, "student": pupil, "version": version, "grades": [5 if grade != 5 else 4]}
                for _journal, lesson, pupil, version, grade in chunk
            ]
            # The director corrects another teacher's journal, which needs a reason (D16).
            body = {"changes": changes, "reason": "Бенчмарк: баалар оңдолду"}
            bodies.append((f"/api/diary/v1/journals/{journal_pk}/marks/", json.dumps(body)))
    rng.shuffle(bodies)
    bodies = bodies[:20000]
    with open(bodies_file, "w") as handle:
        for address, body in bodies[2:]:
            handle.write(f"{address}\t{body}\n")

    def auth(token: str) -> dict:
        return {"Authorization": f"Bearer {token}"}

    insert_body = json.dumps({"school": school.pk, "journal": journal.pk})
    return {
        "school": school.pk,
        "students": Enrolment.objects.filter(school_class__school=school, date_to__isnull=True).count(),
        "staff": StaffMember.objects.filter(school=school).count(),
        "marks": Mark.objects.filter(school=school).count(),
        "journal": journal.pk,
        "grid": grid_size,
        "teachers": len(journals),
        "families": len(readers),
        "family_weeks": len(b6),
        "b5_bodies": len(bodies) - 2,
        "b5_probe": [bodies[0], bodies[1]],
        "requests": {
            "ceiling": {"path": "/bench/ceiling/"},
            "B1": {"paths": ["/ky/", "/ky/info/staff/"]},
            "B2": {"paths": ["/ky/?nocache=1", "/ky/info/staff/?nocache=1"]},
            "B3": {"people": _people_write(str(folder / "b3.tsv"), b3), "probe": b3[:3]},
            "B3ref": {"paths": cell_paths},
            "B4": {"people": _people_write(str(folder / "b4.tsv"), b4), "probe": b4[:3]},
            "B5": {"method": "POST", "bodies": bodies_file, "headers": auth(director_token)},
            "B5ref": {"method": "POST", "path": "/bench/insert/", "body": insert_body},
            "B6": {"people": _people_write(str(folder / "b6.tsv"), b6), "probe": b6[:3]},
            "B6html": {"people": _people_write(str(folder / "b6html.tsv"), b6html), "probe": b6html[:3]},
        },
    }


def phone_people() -> dict:
    """B11: the teacher of the largest journal on its grid, and a family on a child's week, each with their login,
    their list page, and the cookies of a browser that has logged in (for the cold visit)."""
    from bench.school import PASSWORD
    from diary.models import School

    school = School.objects.order_by("pk").first()
    journal = _teachers_journals(school, _quarter(school))[0]
    grid = f"/ky/diary/journals/{journal.pk}/?period={PERIOD_KEY}"
    user, student = _readers(school, 1)[0]
    week = f"/ky/diary/students/{student.pk}/week/?week={WEEK}"
    teacher = journal.teacher.user
    for person in (teacher, user):  # they log in on the phone (a guardian's account made here has no password)
        if not person.check_password(PASSWORD):
            person.set_password(PASSWORD)
            person.save(update_fields=["password"])
    return {
        "grid": {"path": grid, "cookie": _browser_cookies(teacher, grid), "username": teacher.get_username(),
                 "password": PASSWORD, "list": "/ky/diary/journals/"},
        "week": {"path": week, "cookie": _browser_cookies(user, week), "username": user.get_username(),
                 "password": PASSWORD, "list": "/ky/diary/children/"},
    }  # fmt: skip


def _request(client: Client, spec: dict, path: str, body: str | None):
    headers = {key.lower(): value for key, value in spec.get("headers", {}).items()}
    cookie = headers.pop("cookie", None)
    client.cookies.clear()
    for pair in cookie.split("; ") if cookie else ():
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    if spec.get("method") == "POST":
        return client.post(path, data=body, content_type="application/json", headers=headers)
    return client.get(path, headers=headers)


def queries(prepared: dict) -> dict:
    """One warm-up request, then the exact queries of one more, per scenario; status codes too."""
    client = Client(HTTP_HOST=HOST)
    result = {}
    for name, spec in prepared["requests"].items():
        if spec.get("people"):
            # A person's first request (their session or token read for the first time), as under the load.
            counts, statuses = [], []
            for path, header, value in spec["probe"]:
                person = {**spec, "headers": {header: value}}
                with CaptureQueriesContext(connection) as captured:
                    response = _request(client, person, path, None)
                counts.append(len(captured))
                statuses.append(response.status_code)
            result[name] = {"queries": max(counts), "status": max(statuses), "each": counts}
            continue
        paths = spec.get("paths") or [spec.get("path")]
        counts, statuses = [], []
        for index, path in enumerate(paths):
            bodies = [spec.get("body")] * 2
            if name == "B5":
                bodies = [body for _address, body in prepared["b5_probe"]]
                path = prepared["b5_probe"][0][0]
                paths_pair = [address for address, _body in prepared["b5_probe"]]
            else:
                paths_pair = [path, path]
            _request(client, spec, paths_pair[0], bodies[0])
            with CaptureQueriesContext(connection) as captured:
                response = _request(client, spec, paths_pair[1], bodies[1])
            counts.append(len(captured))
            statuses.append(response.status_code)
            if index == 0 and name in ("B1", "B2"):
                result[f"{name}:size"] = len(response.content)
        result[name] = {"queries": max(counts), "status": max(statuses), "each": counts}
    return result


def _quarter(school):
    from diary.selectors.periods import period_pick, year_periods

    return period_pick(year_periods(school), PERIOD_KEY)


def _report_school():
    """The school of the database, the quarter B7 reports on, and how many students are enrolled."""
    from diary.models import Enrolment, School

    school = School.objects.order_by("pk").first()
    students = Enrolment.objects.filter(school_class__school=school, date_to__isnull=True).count()
    return school, _quarter(school), students


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def report(repeat: int) -> dict:
    """B7: progress_summary of a quarter for the whole school against the one-GROUP-BY floor (best of `repeat`)."""
    from bench.reference_views import quarter_marks_floor
    from diary.services.report_progress import progress_summary

    school, period, students = _report_school()
    before = peak_rss_mb()

    with CaptureQueriesContext(connection) as captured:
        summary = progress_summary(period=period)
    report_queries = len(captured)
    # The report and its floor take turns, so that the machine's drift over the seconds of the measurement does
    # not fall on one of them only; the best of each.
    ours = floor = float("inf")
    for _ in range(repeat):
        ours = min(ours, _timed(lambda: progress_summary(period=period)))
        floor = min(floor, _timed(lambda: quarter_marks_floor(school_id=school.pk, start=period.start, end=period.end)))
    return {
        "students": students,
        "rows": len(summary["rows"]),
        "seconds": ours,
        "floor": floor,
        "queries": report_queries,
        "per_student_ms": ours * 1000 / students,
        "rss_mb": peak_rss_mb(),
        "rss_before_mb": before,
        "median_check": statistics.median([ours, floor]),
    }


def report_rounds() -> dict:
    """Answers each line of stdin (a number k) with the best of k runs of B7's report, in seconds, as a JSON line;
    the first line says how many students the school has, the last (at end of input) the peak memory."""
    from diary.services.report_progress import progress_summary

    _school, period, students = _report_school()
    progress_summary(period=period)  # the first run reads the tables into the caches
    sys.stdout.write(json.dumps({"students": students}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        best = min(_timed(lambda: progress_summary(period=period)) for _ in range(int(line)))
        sys.stdout.write(json.dumps({"seconds": best}) + "\n")
        sys.stdout.flush()
    return {"rss_mb": peak_rss_mb()}


def workbook_import(xlsx: str, repeat: int) -> dict:
    """B8: `import_school` of the workbook into this database against openpyxl reading every cell of it."""
    import openpyxl

    def read_alone() -> int:
        book = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
        cells = sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
        book.close()
        return cells

    def reads() -> list[float]:
        seconds = []
        for _ in range(repeat):
            started = time.perf_counter()
            read_alone()
            seconds.append(time.perf_counter() - started)
        return seconds

    read_alone()  # the first read imports and warms openpyxl, as the import's own read finds it
    before = reads()
    started = time.perf_counter()
    call_command("import_school", xlsx, stdout=open("/dev/null", "w"))  # noqa: SIM115
    ours = time.perf_counter() - started
    # What the import left in memory is set aside from the garbage collector, which would otherwise walk it during
    # the reads after it: they run in the state of those before.
    gc.collect()
    gc.freeze()
    after = reads()
    # The import runs once (a second one would only compare), over several seconds of a machine whose speed moves
    # within seconds: its reference is the mean of the reads just before and just after it, which spread over
    # about as long, not the fastest read (which would divide a whole stretch of time by its best moment).
    return {"seconds": ours, "reference": statistics.mean(before + after), "rss_mb": peak_rss_mb()}


def static_files(root: str) -> dict:
    """collectstatic, only when the static files found differ from those last collected (it takes a while)."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(b"diary compressed\n")  # collected before the diary's files were compressed: again
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    stamp = Path(root) / ".collected"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return {"collected": False}
    call_command("collectstatic", "--noinput", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    _compress(Path(root) / "diary")
    stamp.write_text(digest.hexdigest())
    return {"collected": True}


def _compress(folder: Path) -> None:
    """gzip (and brotli, when installed) copies beside the diary's static files, as CompressedManifestStaticFilesStorage
    writes them in production; whitenoise serves them to a browser that accepts them (B11)."""
    from whitenoise.compress import main as compress

    compress(["--quiet", str(folder)])


def main() -> None:
    task, arguments = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    if task in ("prepare", "report", "report_rounds", "phone"):
        # The cached school was built with the migrations of its day; bring this copy up to date.
        call_command("migrate", "--noinput", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    if task == "to_postgres":
        result = to_postgres(arguments["source"])
    elif task == "static":
        result = static_files(str(settings.STATIC_ROOT))
    elif task == "prepare":
        result = prepare(arguments["bodies"])
        result["queries"] = queries(result)
    elif task == "queries":
        result = queries(json.loads(Path(arguments["prepared"]).read_text()))
    elif task == "phone":
        result = phone_people()
    elif task == "report":
        result = report(arguments.get("repeat", 3))
    elif task == "report_rounds":
        result = report_rounds()
    elif task == "import":
        result = workbook_import(arguments["xlsx"], arguments.get("repeat", 3))
    else:
        raise SystemExit(f"unknown task {task}")
    sys.stdout.write("\n" + json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
