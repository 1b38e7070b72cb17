"""B11's slow network, on the server's side: DevTools' "Slow 3G" figures (2 s of latency per request, 50 KB/s
down, shared by every answer in flight) applied to every answer the phone gets, and each answer's bytes written
to a log, one line per request.

DevTools' own throttling (`Network.emulateNetworkConditions`) applies to the page it is sent to, not to the
requests a service worker makes on the page's behalf (its navigation fetches, its install's precache), which
would then come at full speed and be missed by the page's byte count. Here nothing passes unthrottled or
uncounted. Served by one gthread gunicorn worker, so that the 50 KB/s are one link.

    gunicorn bench.link:application --workers 1 --threads 16 --worker-class gthread
    MEKTEP_BENCH_LINK_LOG=FILE   # where the lines go: "start <id>" then "<id> <status> <bytes> <path>"
"""

import itertools
import os
import threading
import time

from django.core.wsgi import get_wsgi_application

LATENCY_S = 2.0  # DevTools' Slow 3G: 400 ms × 5
RATE = 500 * 1000 / 8 * 0.8  # bytes a second: 500 kbit/s × 0.8
CHUNK = 4096
# The benchmark's own requests (warming the workers up) pass at full speed and are not counted.
UNTHROTTLED_AGENTS = ("Python-urllib",)


class Link:
    def __init__(self, app, log_path: str | None) -> None:
        self.app = app
        self.log_path = log_path
        self.lock = threading.Lock()
        self.free_at = 0.0  # when the link has sent everything reserved so far
        self.ids = itertools.count(1)

    def _log(self, line: str) -> None:
        if self.log_path:
            with self.lock, open(self.log_path, "a") as log:
                log.write(line + "\n")

    def _send(self, size: int) -> None:
        """Waits until `size` more bytes have gone through the shared link."""
        with self.lock:
            start = max(time.monotonic(), self.free_at)
            self.free_at = start + size / RATE
            done = self.free_at
        time.sleep(max(0.0, done - time.monotonic()))

    def __call__(self, environ, start_response):
        if environ.get("HTTP_USER_AGENT", "").startswith(UNTHROTTLED_AGENTS):
            return self.app(environ, start_response)
        number = next(self.ids)
        self._log(f"start {number}")
        time.sleep(LATENCY_S)
        header_bytes = [0]
        status_of = ["?"]

        def counting_start(status, headers, exc_info=None):
            status_of[0] = status.split()[0]
            # The status line and the headers as the application gives them (gunicorn adds Date, Server and
            # Connection: about 80 bytes more).
            header_bytes[0] = len(f"HTTP/1.1 {status}\r\n") + sum(len(k) + len(v) + 4 for k, v in headers) + 2
            return start_response(status, headers, exc_info)

        body = self.app(environ, counting_start)
        path = environ.get("PATH_INFO", "") + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
        return self._paced(body, number, status_of, header_bytes, path)

    def _paced(self, body, number, status_of, header_bytes, path):
        sent = 0
        try:
            self._send(header_bytes[0])
            for block in body:
                for offset in range(0, len(block), CHUNK):
                    piece = block[offset : offset + CHUNK]
                    self._send(len(piece))
                    sent += len(piece)
                    yield piece
        finally:
            if hasattr(body, "close"):
                body.close()
            self._log(f"{number} {status_of[0]} {header_bytes[0] + sent} {path}")


application = Link(get_wsgi_application(), os.environ.get("MEKTEP_BENCH_LINK_LOG"))
