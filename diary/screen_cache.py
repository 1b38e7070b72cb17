"""The cache of the diary's busiest screens: the process's own memory first, then the shared cache (Redis).

Every key holds the data versions of what the screen shows (diary/services/freshness.py), read from the database
with the request's own rows; a change raises a version, so the old key is simply never asked for again. That is
why a copy in one process's memory needs no message from the others: it cannot be stale, only unused, and the
least recently used entries are dropped. The shared cache spares the other processes the first build.

Cached values are shared by every request of the process: readers never change them.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

# Entries kept per process (a grid of 35 students × 60 lessons is about 0.3 MB).
LOCAL_ENTRIES = 128
# In the shared cache, an entry nobody asks for any more goes after this long.
SHARED_SECONDS = 60 * 60


class ScreenCache:
    def __init__(self, size: int = LOCAL_ENTRIES) -> None:
        self.size = size
        self._local: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._local:
                self._local.move_to_end(key)
                return self._local[key]
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, SHARED_SECONDS)
        with self._lock:
            self._local[key] = value
            while len(self._local) > self.size:
                self._local.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forgets the process's copies (tests, which reuse ids and versions from one test to the next)."""
        with self._lock:
            self._local.clear()


screens = ScreenCache()
