"""A Redis cache that keeps the site working while Redis is down.

The cache only ever holds copies (whole public pages, the menu, throttle counters, session copies whose originals
are in the database), so an unreachable Redis is treated as an empty cache: reads miss, writes are dropped, and a
warning is logged instead of a server error for the visitor.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


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
