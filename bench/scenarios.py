"""The benchmark scenarios B1–B8 (BENCHMARKS.md), each measured against its reference in the same run.

For each database (SQLite, then a throwaway PostgreSQL): the benchmark school is copied in, gunicorn (2 workers,
production settings, the bench references mounted) serves it on a free port of 127.0.0.1, wrk loads every
scenario right after its reference, and a child process counts each request's queries exactly and
times the report (B7) and the import (B8). Every row: {"id", "value", "reference", "ratio", "queries", "target",
"ok"} plus the database it ran on.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench import load
from bench.school import BASE_DIR, CACHE_DIR, SEED, code_version, database_copy, database_ensure, django_env


def _harness():
    """tests/harness.py (its Services, free_port, wait_for_port), loaded by path: tests/ is not a package to import."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("mektep_harness", BASE_DIR / "tests" / "harness.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_h = _harness()
Services, free_port, wait_for_port = _h.Services, _h.free_port, _h.wait_for_port

PYTHON = sys.executable
GROWTH_SIZES = (250, 500, 1000, 4000)


@dataclass(frozen=True)
class Target:
    """A scenario's verdict: a minimum req/s ratio (or a maximum time ratio) and a query budget."""

    text: str
    min_ratio: float | None = None
    max_ratio: float | None = None
    max_queries: int | None = None

    def ok(self, ratio: float | None, queries: int | None) -> bool:
        if ratio is None:
            return False
        if self.min_ratio is not None and ratio < self.min_ratio:
            return False
        if self.max_ratio is not None and ratio > self.max_ratio:
            return False
        return not (self.max_queries is not None and queries is not None and queries > self.max_queries)


TARGETS = {
    "B1": Target("≥ 0.5 × ceiling", min_ratio=0.5),
    "B2": Target("≥ 0.1 × ceiling, ≤ 10 q", min_ratio=0.1, max_queries=10),
    "B3": Target("≥ 0.5 × SELECT, ≤ 8 q", min_ratio=0.5, max_queries=8),
    "B4": Target("≥ 0.3 × SELECT, ≤ 8 q", min_ratio=0.3, max_queries=8),
    "B5": Target("≥ 0.2 × bulk_create, ≤ 12 q", min_ratio=0.2, max_queries=12),
    "B6": Target("≥ 0.1 × ceiling, ≤ 8 q", min_ratio=0.1, max_queries=8),
    "B6h": Target("≥ 0.1 × ceiling, ≤ 8 q", min_ratio=0.1, max_queries=8),
    "B7": Target("≤ 5 × GROUP BY, ≤ 300 MB", max_ratio=5),
    "B7g": Target("per student flat ±30%", min_ratio=0.7, max_ratio=1.3),
    "B8": Target("≤ 10 × openpyxl", max_ratio=10),
    # B11: measured against its budget (the reference column), kilobytes or seconds.
    "B11gf": Target("grid ≤ 60 KB, first visit", max_ratio=1),
    "B11gr": Target("grid ≤ 10 KB, repeat visit", max_ratio=1),
    "B11wf": Target("week ≤ 30 KB, first visit", max_ratio=1),
    "B11wr": Target("week ≤ 10 KB, repeat visit", max_ratio=1),
    "B11uf": Target("usable ≤ 3 s, first visit", max_ratio=1),
    "B11ur": Target("usable ≤ 3 s, repeat visit", max_ratio=1),
}
# scenario → (its reference's key, how the ratio reads)
LOADS = {
    "B1": "ceiling",
    "B2": "ceiling",
    "B3": "B3ref",
    "B4": "B3ref",
    "B5": "B5ref",
    "B6": "ceiling",
    "B6h": "ceiling",
}
REQUEST_OF = {"B6h": "B6html"}
# request → its reference's request
REFERENCE_OF = {REQUEST_OF.get(scenario, scenario): reference for scenario, reference in LOADS.items()}
# Each load is divided by its reference's latest measurement before it, at most one load earlier: the machine's
# speed drifts over minutes, so the ceiling is measured again before the family's pages.
LOAD_ORDER = ["ceiling", "B1", "B2", "B3ref", "B3", "B4", "B5ref", "B5", "ceiling", "B6", "B6html"]


STARTED = time.monotonic()


def say(message: str) -> None:
    sys.stderr.write(f"· {time.monotonic() - STARTED:5.0f} s  {message}\n")
    sys.stderr.flush()


def row(scenario: str, database: str, value, reference, queries, *, ratio=None, note: str = "") -> dict:
    target = TARGETS[scenario]
    if ratio is None and value is not None and reference:
        ratio = value / reference
    ok = target.ok(ratio, queries) if value is not None else None
    return {
        "id": scenario,
        "database": database,
        "value": None if value is None else round(value, 4),
        "reference": None if reference is None else round(reference, 4),
        "ratio": None if ratio is None else round(ratio, 3),
        "queries": queries,
        "target": target.text,
        "ok": ok,
        **({"note": note} if note else {}),
    }


def probe(task: str, env: dict, **arguments) -> dict:
    """Runs one bench.probe task in a child process and returns its JSON answer."""
    result = subprocess.run(
        [PYTHON, "-m", "bench.probe", task, json.dumps(arguments)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"bench.probe {task} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class Gunicorn:
    """gunicorn with 2 workers on a free port of 127.0.0.1, stopped (with its workers) on exit."""

    def __init__(self, env: dict, log: Path, *, app: str = "cms.wsgi:application", workers: tuple = ("--workers", "2")):
        self.port = free_port()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", app, *workers, "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "120", "--graceful-timeout", "5"],
            cwd=BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_for_port(self.port, self.process, "gunicorn", timeout=60)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers_peak_rss_mb(self) -> float:
        """The largest VmHWM (peak resident memory) of the worker processes."""
        peak = 0.0
        for status in Path("/proc").glob("[0-9]*/status"):
            with contextlib.suppress(OSError):
                text = status.read_text()
                fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
                if fields.get("PPid", "").strip() == str(self.process.pid) and "VmHWM" in fields:
                    peak = max(peak, int(fields["VmHWM"].split()[0]) / 1024)
        return peak

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def _warm(base: str, spec: dict) -> None:
    """One request to each address, so that the workers have loaded everything and the page cache is warm; for the
    people's scenarios, the first few people only (everyone else is met for the first time under the load)."""
    people = [(path, {name: value}) for path, name, value in spec.get("probe", [])]
    addresses = people or [(path, {}) for path in spec.get("paths") or ([spec["path"]] if spec.get("path") else [])]
    for path, own in addresses:
        headers = {"Host": "localhost", **spec.get("headers", {}), **own}
        request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 (http://127.0.0.1 only)
        if spec.get("method") == "POST":
            request.data = spec["body"].encode()
            request.add_header("Content-Type", "application/json")
        for _ in range(4):  # both workers
            with contextlib.suppress(OSError):
                urllib.request.urlopen(request, timeout=60).read()  # noqa: S310


class Run:
    def __init__(self, *, quick: bool, students: int, folder: Path) -> None:
        self.quick = quick
        self.students = students
        self.folder = folder
        self.duration = 5 if quick else 15
        self.wrk = load.wrk_ensure()
        if not self.wrk:
            say("wrk is not available; the Python load generator is used instead")
        self.rows: list[dict] = []
        self.notes: list[str] = []
        self.reports: dict[tuple[str, int], dict] = {}

    def measure(self, gunicorn: Gunicorn, spec: dict) -> dict:
        if self.wrk:
            return load.wrk_run(self.wrk, gunicorn.base, spec, self.duration)
        return load.python_run(gunicorn.port, spec, self.duration)

    def database(self, label: str, env: dict, *, only: tuple[str, ...] | None = None) -> None:
        """Every scenario on one database."""
        prepared_file = self.folder / f"prepared-{label}.json"
        bodies = self.folder / f"b5-{label}.tsv"
        say(f"{label}: preparing the scenarios, counting their queries")
        prepared = probe("prepare", env, bodies=str(bodies))
        prepared_file.write_text(json.dumps(prepared))
        counted = prepared["queries"]
        self.notes.append(
            f"{label}: {prepared['students']} students, {prepared['staff']} staff, {prepared['marks']} marks; "
            f"B3/B4: {prepared['teachers']} teachers, each their own journal (the largest {prepared['journal']}: "
            f"{prepared['grid']['students']} students × {prepared['grid']['lessons']} lessons); B6: "
            f"{prepared['families']} families, {prepared['family_weeks']} family-weeks round-robin"
        )
        requests = prepared["requests"]
        gunicorn = Gunicorn(env, self.folder / f"gunicorn-{label}.log")
        try:
            rates, beside = {}, {}
            wanted = {REQUEST_OF.get(s, s) for s in only} | {LOADS[s] for s in only} if only else set(LOAD_ORDER)
            for name in _loads_in_order([name for name in LOAD_ORDER if name in wanted], REFERENCE_OF):
                if counted[name]["status"] == 404:
                    continue
                if name != "B5":  # each B5 body is sent once: the load itself is its warm-up
                    _warm(gunicorn.base, requests[name])
                rates[name] = self.measure(gunicorn, requests[name])
                if REFERENCE_OF.get(name) in rates:
                    beside[name] = rates[REFERENCE_OF[name]]
                say(f"{label}: {name} {rates[name]['rps']:.1f} req/s ({rates[name]['bad']} not 2xx)")
            self.notes.append(f"{label}: gunicorn workers' peak RSS {gunicorn.workers_peak_rss_mb():.0f} MB")
        finally:
            gunicorn.stop()
        for scenario in LOADS:
            if only and scenario not in only:
                continue
            name = REQUEST_OF.get(scenario, scenario)
            queries = counted[name]["queries"]
            if counted[name]["status"] == 404 or name not in beside:  # it, or its reference, is not installed
                self.rows.append(row(scenario, label, None, None, None, note="not available (404)"))
                continue
            note = ""
            if counted[name]["status"] >= 400 or rates[name]["bad"]:
                note = f"status {counted[name]['status']}, {rates[name]['bad']} answers not 2xx"
            self.rows.append(row(scenario, label, rates[name]["rps"], beside[name]["rps"], queries, note=note))
        say(f"{label}: B7 report")
        report = probe("report", env, repeat=3 if self.quick else 5)
        self.rows.append(
            row("B7", label, report["seconds"], report["floor"], report["queries"],
                note=f"{report['per_student_ms']:.3f} ms/student, peak RSS {report['rss_mb']:.0f} MB")
        )  # fmt: skip
        if report["rss_mb"] > 300:
            self.rows[-1]["ok"] = False
        self.reports[(label, report["students"])] = report

    def b8(self, label: str, env: dict, students: int) -> None:
        xlsx = workbook_xlsx(students)
        say(f"{label}: B8 import of a {students}-student workbook")
        result = probe("import", env, xlsx=str(xlsx), repeat=3)
        self.rows.append(row("B8", label, result["seconds"], result["reference"], None, note=f"{students} students"))


def phone_rows(label: str, env: dict, folder: Path) -> tuple[list[dict], list[str]]:
    """B11: a phone on slow 3G opens the largest journal's grid and a family's week (bench/phone.py), served by
    gunicorn as the other scenarios are."""
    from bench import phone

    if phone.chromium_path() is None:
        return [row("B11gf", label, None, 60, None, note="Chromium is not installed (make system-packages)")], []
    people = probe("phone", env)
    say(f"{label}: B11 the grid and the week on a throttled phone")
    wire = folder / f"link-{label}.log"
    # One worker with threads: the slow network (bench/link.py) holds each request for seconds, and its 50 KB/s
    # are one link shared by the answers in flight.
    gunicorn = Gunicorn({**env, "MEKTEP_BENCH_LINK_LOG": str(wire)}, folder / f"gunicorn-phone-{label}.log",
                        app="bench.link:application",
                        workers=("--workers", "1", "--threads", "16", "--worker-class", "gthread"))  # fmt: skip
    try:
        # The worker has served both pages once (as before every load here): the phone measures the network,
        # not a worker importing its code. These requests pass the slow link at full speed, uncounted.
        for person in people.values():
            _warm(gunicorn.base, {"path": person["path"], "headers": {"Cookie": person["cookie"]}})
        # "localhost", not 127.0.0.1: a secure context whose Secure cookies the browser keeps over http.
        results = phone.measure(gunicorn.base.replace("127.0.0.1", "localhost"), people, phone.Wire(wire))
    finally:
        gunicorn.stop()
    return phone.rows_of(results, row, label), phone.notes_of(results)


def _loads_in_order(names: list[str], reference_of: dict[str, str]) -> list[str]:
    """The loads to run: every scenario, and a reference only where a scenario after it (before the reference is
    measured again) is divided by it."""
    kept = []
    for position, name in enumerate(names):
        if name not in reference_of.values():
            kept.append(name)
            continue
        for later in names[position + 1 :]:
            if later == name:
                break
            if reference_of.get(later) == name:
                kept.append(name)
                break
    return kept


def workbook_xlsx(students: int) -> Path:
    """The B8 workbook as .xlsx (a different school code and host from the benchmark school), cached."""
    target = CACHE_DIR / f"import-{students}-{code_version()}.xlsx"
    if target.exists():
        return target
    from bench.workbooks import csv_folder_to_xlsx
    from diary.demo.generate import generate_workbook

    with tempfile.TemporaryDirectory(prefix="mektep-bench-book-") as folder:
        generate_workbook(Path(folder), students=students, classes=max(11, round(students / 25)), seed=SEED + 1,
                          code=f"import{students}", hostname="import.localhost")  # fmt: skip
        csv_folder_to_xlsx(Path(folder), target)
    return target


def growth(run: Run, services: Services, sizes: tuple[int, ...]) -> None:
    """B7's time per student at every size, on both databases. The machine's speed drifts, within a minute and over
    a run, so the sizes of one database take turns (one report process per school, kept open) and each keeps its
    best time over the rounds; B7's own measurement, made minutes earlier, is not reused here."""
    if len(sizes) < 2:
        return
    copies = {students: database_copy(students, run.folder) for students in sizes}
    try:
        sqlite = _report_rounds(
            {students: {**os.environ, **django_env(f"sqlite:///{copy}")} for students, copy in copies.items()}
        )
    finally:
        for copy in copies.values():
            copy.unlink()
    postgres = _report_rounds({students: postgres_env(services, f"school{students}") for students in sizes})
    for label, measured in (("sqlite", sqlite), ("postgres", postgres)):
        per_student = {n: measured[n]["per_student_ms"] for n in sizes}
        first, last = per_student[min(per_student)], per_student[max(per_student)]
        spread = max(per_student.values()) / min(per_student.values())
        notes = ", ".join(f"{n}: {ms:.3f} ms" for n, ms in sorted(per_student.items()))
        growth_row = row("B7g", label, last, first, None, note=notes)
        growth_row["ok"] = spread <= 1.3 / 0.7 and 0.7 <= last / first <= 1.3
        run.rows.append(growth_row)


GROWTH_ROUNDS = 8


def turns(sizes: tuple[int, ...], rounds: int) -> list[tuple[int, int]]:
    """(school size, runs of the report) in the order of the growth rounds: the sizes from small to large, then
    back; a school of fewer than 1,000 students runs its report as often as it takes to make 1,000 students' worth."""
    order = sorted(sizes)
    return [
        (size, max(1, -(-1000 // size))) for number in range(rounds) for size in (order[::-1] if number % 2 else order)
    ]


def _report_rounds(envs: dict[int, dict], rounds: int = GROWTH_ROUNDS) -> dict[int, dict]:
    """The best time of B7's report per school size, the sizes taking turns for `rounds` rounds (forth, then back).

    Each round runs the smaller schools' reports more often (see `turns`), so that a short pause of the machine does
    not decide their figure."""
    children: dict[int, subprocess.Popen] = {}
    logs: dict[int, Path] = {}
    best: dict[int, float] = {}
    students: dict[int, int] = {}

    def answer(size: int) -> dict:
        child = children[size]
        while line := child.stdout.readline():
            if line.startswith("{"):
                return json.loads(line)
        child.wait()
        raise SystemExit(f"bench.probe report_rounds failed:\n{logs[size].read_text()[-4000:]}")

    try:
        for size, env in envs.items():
            logs[size] = Path(tempfile.mkstemp(prefix=f"mektep-rounds-{size}-", suffix=".log")[1])
            children[size] = subprocess.Popen(
                [PYTHON, "-m", "bench.probe", "report_rounds"], cwd=BASE_DIR, env=env, text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=logs[size].open("w"),
            )  # fmt: skip
        for size in envs:
            students[size] = answer(size)["students"]
        for size, repeat in turns(tuple(envs), rounds):
            children[size].stdin.write(f"{repeat}\n")
            children[size].stdin.flush()
            best[size] = min(best.get(size, float("inf")), answer(size)["seconds"])
        measured = {}
        for size in sorted(envs):
            children[size].stdin.close()
            rss_mb = answer(size)["rss_mb"]
            measured[size] = {
                "students": students[size], "seconds": best[size], "rss_mb": rss_mb,
                "per_student_ms": best[size] * 1000 / students[size],
            }  # fmt: skip
        return measured
    finally:
        for child in children.values():
            if child.poll() is None:
                child.kill()
            child.wait()
        for log in logs.values():
            log.unlink(missing_ok=True)


def postgres_env(services: Services, name: str) -> dict:
    url = f"postgres://postgres@127.0.0.1:{services.pg_port}/{name}"
    return {**os.environ, **django_env(url), "REDIS_URL": services.redis_url}


def _pg_databases(services: Services) -> set[str]:
    import psycopg

    with psycopg.connect(f"postgres://postgres@127.0.0.1:{services.pg_port}/postgres", autocommit=True) as pg:
        return {name for (name,) in pg.execute("SELECT datname FROM pg_database")}


def _pg_restart(services: Services, *, save_to: Path | None = None, load_from: Path | None = None) -> None:
    """Stops the throwaway PostgreSQL, keeps (or replaces) its data folder, and starts it again as tests do."""
    pg_root = services.pg_data.parent
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run(services.as_postgres([services.pg_ctl, "-D", str(services.pg_data), "-m", "fast", "-w", "stop"]),
                   **quiet)  # fmt: skip
    if save_to is not None:
        shutil.rmtree(save_to, ignore_errors=True)
        subprocess.run(["cp", "-a", str(services.pg_data), str(save_to)], check=True)
    if load_from is not None:
        shutil.rmtree(services.pg_data)
        subprocess.run(["cp", "-a", str(load_from), str(services.pg_data)], check=True)
    options = (
        f"-p {services.pg_port} -k {pg_root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(services.as_postgres([services.pg_ctl, "-D", str(services.pg_data), "-o", options, "-l",
                                         str(pg_root / "log"), "-w", "start"]), **quiet)  # fmt: skip


def postgres_ensure(services: Services, sizes: set[int]) -> None:
    """The benchmark schools in PostgreSQL (one database per size), from a cached data folder when there is one.

    A missing school is migrated and copied in from its SQLite database, then the whole data folder is kept in
    var/bench/ (same key as the SQLite files), so that the next run starts from a copy of it in seconds.
    """
    import psycopg

    # One cached cluster per set of schools: the quick run copies only the small one.
    cache = CACHE_DIR / f"pgdata-{code_version()}-{'-'.join(map(str, sorted(sizes)))}"
    if cache.exists():
        _pg_restart(services, load_from=cache)
    missing = sorted(size for size in sizes if f"school{size}" not in _pg_databases(services))
    if not missing:
        return
    for stale in CACHE_DIR.glob("pgdata-*"):
        if not stale.name.startswith(f"pgdata-{code_version()}-"):
            shutil.rmtree(stale, ignore_errors=True)
    for size in missing:
        say(f"postgres: copying the {size}-student school in (kept for the next runs)")
        with psycopg.connect(f"postgres://postgres@127.0.0.1:{services.pg_port}/postgres", autocommit=True) as pg:
            pg.execute(f'CREATE DATABASE "school{size}"')
        copied = probe("to_postgres", postgres_env(services, f"school{size}"), source=str(database_ensure(size)))
        say(f"postgres: {copied['rows']} rows in {copied['seconds']} s")
    _pg_restart(services, save_to=cache)


def collectstatic(env: dict) -> None:
    if probe("static", env)["collected"]:
        say("static files collected")


def schools_ensure(sizes: set[int]) -> None:
    """The benchmark schools of these sizes, the missing ones built side by side (one child process per school, as
    many at a time as the machine has cores; the largest first, as it takes longest)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        list(pool.map(database_ensure, sorted(sizes, reverse=True)))  # raises the first build's failure


def run(
    *, quick: bool, students: int | None = None, growth_sizes: tuple[int, ...] | None = None
) -> tuple[list[dict], list[str]]:
    """All scenarios; returns the rows and the notes printed under the table."""
    started = time.monotonic()
    students = students or (250 if quick else 1000)
    sizes = growth_sizes or ((250,) if quick else GROWTH_SIZES)
    schools_ensure({students, *sizes})
    with tempfile.TemporaryDirectory(prefix="mektep-bench-") as folder:
        folder = Path(folder)
        the_run = Run(quick=quick, students=students, folder=folder)
        services = Services()
        try:
            with contextlib.redirect_stdout(sys.stderr):
                services.start()
            postgres_ensure(services, {students, *sizes})
            sqlite_copy = database_copy(students, folder)
            sqlite_env = {**os.environ, **django_env(f"sqlite:///{sqlite_copy}"), "REDIS_URL": services.redis_url}
            collectstatic(sqlite_env)
            the_run.database("sqlite", sqlite_env)
            phone_rows_, phone_notes = phone_rows("sqlite", sqlite_env, folder)
            the_run.rows += phone_rows_
            the_run.notes += phone_notes
            the_run.b8("sqlite", sqlite_env, students)
            pg_env = postgres_env(services, f"school{students}")
            # The quick subset loads only the API on PostgreSQL (the pages' cost is the same Python on both).
            the_run.database("postgres", pg_env, only=("B3", "B5", "B6") if quick else None)
            if not quick:
                the_run.b8("postgres", pg_env, students)
            growth(the_run, services, sizes)
        finally:
            with contextlib.redirect_stdout(sys.stderr):
                services.stop()
    the_run.notes.append(f"wrk -t2 -c16 -d{the_run.duration}s; whole run {time.monotonic() - started:.0f} s")
    return the_run.rows, the_run.notes


# Kept for `bench/__main__.py`: one callable running every scenario.
SCENARIOS = [run]
