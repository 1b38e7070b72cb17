"""B11 (BENCHMARKS.md): a phone on a slow 3G network opens a teacher's journal grid and a family's week.

Debian's Chromium, driven by Playwright, at 360 × 740 px with touch, throttled through the DevTools protocol to
DevTools' "Slow 3G" figures (2 s of latency per request, 400 kbit/s down and up). Each page is opened twice in the
same browser context: the first visit with an empty cache, then a repeat visit, as a person opening it again the
next day. Bytes are the sum of `encodedDataLength` of every `Network.loadingFinished` event (headers and bodies as
they came over the wire, compressed or not); an answer from the browser's cache counts 0. "Usable" is the time from
the start of the navigation until a tap on a cell open for entry has opened the grid's picker, i.e. until the
grid takes a mark.

    python -m bench.phone [--students 250]   # this scenario alone, on its own gunicorn
"""

import os
import shutil
import time
from pathlib import Path

# DevTools' "Slow 3G" preset (front_end/core/sdk/NetworkManager.ts): 500 kbit/s × 0.8 and 400 ms × 5.
SLOW_3G = {
    "offline": False,
    "latency": 400 * 5,
    "downloadThroughput": 500 * 1000 / 8 * 0.8,
    "uploadThroughput": 500 * 1000 / 8 * 0.8,
}
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
TIMEOUT_MS = 120_000


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


class Meter:
    """Counts the bytes that came over the (throttled) network for one tab."""

    def __init__(self, page) -> None:
        self.bytes = 0
        self.answers: list[tuple[str, int, int]] = []  # (url, status, bytes) of what came over the network
        self._status: dict[str, tuple[str, int, bool]] = {}
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.emulateNetworkConditions", SLOW_3G)

    def _response(self, event) -> None:
        response = event["response"]
        cached = bool(response.get("fromDiskCache") or response.get("fromMemoryCache"))
        self._status[event["requestId"]] = (response["url"], response["status"], cached)

    def _finished(self, event) -> None:
        url, status, cached = self._status.get(event["requestId"], ("?", 0, False))
        size = 0 if cached else int(event.get("encodedDataLength", 0))
        self.bytes += size
        if size:
            self.answers.append((url, status, size))

    def reset(self) -> None:
        self.bytes = 0
        self.answers = []


def _visit(page, meter: Meter, url: str, *, grid: bool) -> dict:
    meter.reset()
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
    return {"bytes": meter.bytes, "usable": usable, "answers": list(meter.answers)}


def measure(base: str, grid: tuple[str, str], week: tuple[str, str], *, browser=None) -> dict:
    """grid and week: (address, Cookie header) of a teacher's journal grid and a family's week, on `base`; in a
    Chromium of its own unless a Playwright browser is given."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            own = playwright.chromium.launch(executable_path=chromium_path(), args=FLAGS, headless=True)
            try:
                return measure(base, grid, week, browser=own)
            finally:
                own.close()
    results = {}
    for name, (path, cookie) in (("grid", grid), ("week", week)):
        context = browser.new_context(locale="ky-KG", **PHONE)
        try:
            context.add_cookies(_cookies(base, cookie))
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            meter = Meter(page)
            first = _visit(page, meter, base + path, grid=name == "grid")
            repeat = _visit(page, meter, base + path, grid=name == "grid")
            results[name] = {"first": first, "repeat": repeat}
        finally:
            context.close()
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
    """The page itself as "page" (a revalidated page shows as 200 with a few hundred bytes: the 304's headers),
    anything else by its file name."""
    path = url.split("?")[0]
    if "/static/" in path or path.endswith("/favicon.ico"):
        return Path(path).name
    return "page"


def notes_of(results: dict) -> list[str]:
    notes = []
    for name in ("grid", "week"):
        for visit in ("first", "repeat"):
            parts = ", ".join(
                f"{_label(url)}={status}/{size / 1000:.1f} KB" for url, status, size in results[name][visit]["answers"]
            )
            notes.append(f"B11 {name} {visit}: {parts or 'nothing over the network'}")
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
