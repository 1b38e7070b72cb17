"""B11 (BENCHMARKS.md): a phone on a slow 3G network, as a teacher and a family use it: log in, see the list,
open the journal's grid (the family: the child's week), and open it again later.

Debian's Chromium, driven by Playwright, at 360 × 740 px with touch, against a server whose every answer goes
through DevTools' "Slow 3G" figures (bench/link.py: 2 s of latency per request, 50 KB/s shared by the answers in
flight). Each person's path runs in one browser context that starts with an empty cache: the login page (which
installs the service worker; the person types while it precaches the app shell), the login, the list (the
teacher's journals, the family's children), then the grid or the week: its *first visit*. The *repeat visit* is
the same page opened again in the same context. Bytes are counted on the server's side, per answer (status line,
headers and body as sent, compressed or not), so that the service worker's own requests count too; an answer
the browser or the service worker has kept counts 0. "Usable" is the time from the start of the grid's
navigation until a tap on a cell open for entry has opened the grid's picker, i.e. until the grid takes a mark.

For information, the *cold* figures: the grid and the week opened straight away in a fresh context that has only
the session's cookies (no login page before them, nothing cached, no service worker yet).

    python -m bench.phone [--students 250]   # this scenario alone, on its own gunicorn
"""

import os
import shutil
import time
from pathlib import Path

PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
TIMEOUT_MS = 120_000
# After a page's own network is idle, how long no request may start or be in flight (the service worker's
# requests, which the page does not see) before its bytes are added up.
QUIET_S = 1.5


def chromium_path() -> str | None:
    path = os.environ.get("MEKTEP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).exists() else None


def _cookies(base: str, header: str) -> list[dict]:
    """A `Cookie:` header (name=value; …) as Playwright cookies for the server's address."""
    cookies = []
    for part in header.split(";"):
        name, _equals, value = part.strip().partition("=")
        if name:
            cookies.append({"name": name, "value": value, "url": base})
    return cookies


class Wire:
    """The answers the server sent through bench/link.py, read from its log."""

    def __init__(self, log: Path) -> None:
        self.log = Path(log)

    def _lines(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def mark(self) -> int:
        return len(self._lines())

    def settle(self) -> None:
        """Waits until every request started has been answered and none has started for QUIET_S."""
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        seen, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            lines = self._lines()
            started = sum(1 for line in lines if line.startswith("start "))
            if len(lines) != seen:
                seen, quiet_since = len(lines), time.monotonic()
            elif started * 2 == len(lines) and time.monotonic() - quiet_since >= QUIET_S:
                return
            time.sleep(0.1)
        raise TimeoutError(f"the throttled link did not settle in {TIMEOUT_MS / 1000:.0f} s: its bytes are partial")

    def answers_since(self, mark: int) -> list[tuple[str, int, int]]:
        """(address, status, bytes) of each answer finished since `mark`."""
        answers = []
        for line in self._lines()[mark:]:
            if line.startswith("start "):
                continue
            _number, status, size, path = line.split(" ", 3)
            answers.append((path, int(status), int(size)))
        return answers


def _visit(page, wire: Wire, url: str, *, grid: bool) -> dict:
    mark = wire.mark()
    started = time.monotonic()
    page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    usable = None
    if grid:
        open_cell = page.locator("td.c.w").first
        if open_cell.count():
            open_cell.tap(timeout=TIMEOUT_MS)
            page.locator("#cell-picker").wait_for(state="visible", timeout=TIMEOUT_MS)
            usable = time.monotonic() - started
    page.wait_for_load_state("load", timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    if grid and usable is not None:
        page.keyboard.press("Escape")  # close the picker; nothing was entered
    wire.settle()
    answers = wire.answers_since(mark)
    return {"bytes": sum(size for _path, _status, size in answers), "usable": usable, "answers": answers}


def _log_in(page, wire: Wire, base: str, person: dict) -> dict:
    """The login page, the service worker installed while the person types, the login and the list."""
    mark = wire.mark()
    page.goto(base + "/ky/diary/login/", wait_until="load", timeout=TIMEOUT_MS)
    # The person types while the worker installs; without one (no secure context), after a minute.
    page.evaluate(
        "() => Promise.race([navigator.serviceWorker.ready.then(() => true),"
        " new Promise(resolve => setTimeout(() => resolve(false), 60000))])"
    )
    page.fill("#id_username", person["username"])
    page.fill("#id_password", person["password"])
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url, timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    page.goto(base + person["list"], wait_until="networkidle", timeout=TIMEOUT_MS)
    wire.settle()
    answers = wire.answers_since(mark)
    return {"bytes": sum(size for _path, _status, size in answers), "answers": answers}


def measure(base: str, people: dict, wire: Wire, *, browser=None) -> dict:
    """people: {"grid": ..., "week": ...}, each {"path", "cookie", "username", "password", "list"}: a teacher on the
    largest journal's grid and a family on a child's week, on `base`, served through bench/link.py, whose log
    `wire` reads. In a Chromium of its own unless a Playwright browser is given."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            own = playwright.chromium.launch(executable_path=chromium_path(), args=FLAGS, headless=True)
            try:
                return measure(base, people, wire, browser=own)
            finally:
                own.close()
    results = {}
    for name in ("grid", "week"):
        person = people[name]
        context = browser.new_context(locale="ky-KG", **PHONE)
        try:
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            before = _log_in(page, wire, base, person)
            first = _visit(page, wire, base + person["path"], grid=name == "grid")
            repeat = _visit(page, wire, base + person["path"], grid=name == "grid")
            worker = page.evaluate("() => Boolean(navigator.serviceWorker.controller)")
        finally:
            context.close()
        context = browser.new_context(locale="ky-KG", **PHONE)
        try:
            context.add_cookies(_cookies(base, person["cookie"]))
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            cold = _visit(page, wire, base + person["path"], grid=name == "grid")
        finally:
            context.close()
        results[name] = {"before": before, "first": first, "repeat": repeat, "cold": cold, "worker": worker}
    return results


def rows_of(results: dict, row, database: str) -> list[dict]:
    """The table's rows: bytes in KB (1 KB = 1,000 bytes) and seconds, each against its budget."""

    def kb(visit: dict) -> float:
        return visit["bytes"] / 1000

    grid, week = results["grid"], results["week"]
    rows = [
        row("B11gf", database, kb(grid["first"]), 60, None, note="grid, first visit, KB"),
        row("B11gr", database, kb(grid["repeat"]), 10, None, note="grid, repeat visit, KB"),
        row("B11wf", database, kb(week["first"]), 30, None, note="week, first visit, KB"),
        row("B11wr", database, kb(week["repeat"]), 10, None, note="week, repeat visit, KB"),
    ]
    for key, label in (("first", "first"), ("repeat", "repeat")):
        seconds = grid[key]["usable"]
        scenario = "B11uf" if key == "first" else "B11ur"
        if seconds is None:
            rows.append(row(scenario, database, None, 3, None, note="no cell open for entry in the grid"))
        else:
            rows.append(row(scenario, database, seconds, 3, None, note=f"grid takes a mark, {label} visit, s"))
    return rows


def _label(url: str) -> str:
    """A static file by its name, a page by its path (a revalidated page shows as a 304 of a few hundred bytes)."""
    path = url.split("?")[0]
    if "/static/" in path or path.endswith("/favicon.ico"):
        return Path(path).name
    return path


def _answers(answers: list) -> str:
    return ", ".join(f"{_label(url)}={status}/{size / 1000:.1f} KB" for url, status, size in answers)


def notes_of(results: dict) -> list[str]:
    notes = []
    for name in ("grid", "week"):
        result = results[name]
        before = result["before"]
        notes.append(f"B11 {name}, login page and list before it ({before['bytes'] / 1000:.1f} KB): "
                     f"{_answers(before['answers'])}")  # fmt: skip
        for visit in ("first", "repeat", "cold"):
            each = result[visit]
            usable = f", usable {each['usable']:.1f} s" if each["usable"] is not None else ""
            label = "cold (information: only the cookies, nothing cached)" if visit == "cold" else visit
            notes.append(
                f"B11 {name} {label}: {each['bytes'] / 1000:.1f} KB{usable}: "
                f"{_answers(each['answers']) or 'nothing over the network'}"
            )
        if not result["worker"]:
            notes.append(f"B11 {name}: the page was not controlled by the service worker")
    return notes


def main() -> None:
    import argparse
    import json
    import sys
    import tempfile

    from bench import scenarios
    from bench.school import database_copy, django_env

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=250)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mektep-bench-") as folder:
        folder = Path(folder)
        env = {**os.environ, **django_env(f"sqlite:///{database_copy(options.students, folder)}")}
        scenarios.collectstatic(env)
        rows, notes = scenarios.phone_rows("sqlite", env, folder)
    sys.stdout.write(json.dumps(rows, indent=1, ensure_ascii=False) + "\n" + "\n".join(notes) + "\n")


if __name__ == "__main__":
    main()
