"""A Redis cache that keeps the site working while Redis is down.

The cache only ever holds copies (whole public pages, the menu, throttle counters, session copies whose originals
are in the database), so an unreachable Redis is treated as an empty cache: reads miss, writes are dropped, and a
warning is logged instead of a server error for the visitor.
"""

import logging
import threading
import time
from collections import OrderedDict

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_MISSING = object()


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis object (dozens of options) for every cache call; one per connection
    pool is enough: it is thread-safe and holds no connection of its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class TolerantRedisCache(RedisCache):
    """Django's RedisCache; connection failures are cache misses (reads) and no-ops (writes)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def _unavailable(self, operation: str, error: Exception, answer):
        logger.warning("Cache unavailable (%s): %s", operation, error)
        return answer

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as error:
            return self._unavailable("get", error, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as error:
            return self._unavailable("get_many", error, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE as error:
            return self._unavailable("has_key", error, False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as error:
            return self._unavailable("add", error, False)

    def add_or_raise(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """`add` for callers that must tell "already there" from "Redis is down" (see `cache_claim`)."""
        return super().add(key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("set", error, None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE as error:
            return self._unavailable("set_many", error, list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE as error:
            return self._unavailable("touch", error, False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE as error:
            return self._unavailable("delete", error, False)

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNAVAILABLE as error:
            self._unavailable("delete_many", error, None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as error:
            # As for a key that is not there: callers already handle it (they set the value instead).
            self._unavailable("incr", error, None)
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from error

    def clear(self):
        try:
            return super().clear()
        except UNAVAILABLE as error:
            return self._unavailable("clear", error, False)


def cache_claim(key: str, seconds: int) -> bool:
    """True when this call is the first to take `key` for `seconds`, and also when the cache cannot tell (Redis
    unreachable): callers do the work rather than skip it."""
    from django.core.cache import cache

    add = getattr(cache, "add_or_raise", cache.add)
    try:
        return add(key, 1, seconds)
    except UNAVAILABLE as error:
        logger.warning("Cache unavailable (claim): %s", error)
        return True


class ProcessThenSharedCache(BaseCache):
    """For keys that hold the version of what they keep (the templates' `{% cache … using="fragments" %}`, keyed by
    the publish version or a school's data version): the process's own memory first, then the default cache.

    A public page asks for four or five fragments; from Redis that is as many round trips, from memory none. A
    changed version makes a new key, so a copy in one process cannot outlive a publish; timeouts are kept as the
    default cache keeps them, and the least recently used entries go past MAX_ENTRIES. A version counter starts
    again when Redis is emptied, and could then name an old copy: a process keeps its copy LOCAL_SECONDS at most,
    as the kept sites and routes do (cms/cache.py).
    """

    LOCAL_SECONDS = 60

    def __init__(self, location, params):
        super().__init__(params)
        self._local: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def _shared(self):
        from django.core.cache import caches

        return caches["default"]

    def _remember(self, key: str, value, timeout) -> None:
        kept_for = self.LOCAL_SECONDS if timeout is None else min(timeout, self.LOCAL_SECONDS)
        expires = time.monotonic() + kept_for
        with self._lock:
            self._local[key] = (expires, value)
            self._local.move_to_end(key)
            while len(self._local) > self._max_entries:
                self._local.popitem(last=False)

    def get(self, key, default=None, version=None):
        with self._lock:
            kept = self._local.get(key)
            if kept is not None and kept[0] > time.monotonic():
                self._local.move_to_end(key)
                return kept[1]
        value = self._shared.get(key, _MISSING, version)
        if value is _MISSING:
            return default
        self._remember(key, value, self.default_timeout)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        timeout = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        self._shared.set(key, value, timeout, version)
        self._remember(key, value, timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.get(key, _MISSING, version) is not _MISSING:
            return False
        self.set(key, value, timeout, version)
        return True

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._shared.touch(key, timeout, version)

    def delete(self, key, version=None):
        with self._lock:
            self._local.pop(key, None)
        return self._shared.delete(key, version)

    def clear(self):
        """Forgets this process's copies only; the default cache is cleared on its own."""
        with self._lock:
            self._local.clear()
