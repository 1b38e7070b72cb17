"""The Celery application: configuration from Django settings (namespace CELERY) and every schedule."""

import logging
import os
import signal
import threading
from pathlib import Path

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

app = Celery("mektep")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # One periodic sweep finds all work that is due (reports, reminders) and queues it.
    "sweep": {"task": "diary.tasks.sweep", "schedule": crontab(minute="*/15")},
}


def _prepare_embedded_broker() -> None:
    """The folder-based broker used when REDIS_URL is unset needs its folders to exist."""
    options = app.conf.broker_transport_options or {}
    folders = [options.get(key) for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")]
    backend = app.conf.result_backend or ""
    if backend.startswith("file://"):
        folders.append(backend.removeprefix("file://"))
    for folder in filter(None, folders):
        Path(folder).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _on_after_configure(sender, **kwargs):
    _prepare_embedded_broker()


BEAT_LOCK_KEY = "mektep:celery-beat"
BEAT_LOCK_SECONDS = 60
beat_logger = logging.getLogger("mektep.beat")


@beat_init.connect
def _hold_beat_lock(sender, **kwargs):
    """Exactly one beat schedules at a time: a beat first takes a lock in Redis and keeps renewing it; a second beat
    waits for the lock (a standby that takes over when the first stops), and a beat that lost its lock to another
    stops. Without Redis (the embedded queue of `make run`) there is only ever one beat."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return
    import redis
    from redis.exceptions import LockError, RedisError

    lock = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5).lock(
        BEAT_LOCK_KEY, timeout=BEAT_LOCK_SECONDS, thread_local=False
    )
    while True:
        try:
            if lock.acquire(blocking=True, blocking_timeout=BEAT_LOCK_SECONDS / 4):
                break
        except RedisError as error:
            beat_logger.warning("beat lock: Redis unavailable (%s); waiting", error)
        beat_logger.info("beat lock: another beat is scheduling; waiting to take over")
    beat_logger.info("beat lock: taken; this beat schedules")
    stopped = threading.Event()

    def renew() -> None:
        while not stopped.wait(BEAT_LOCK_SECONDS / 3):
            try:
                if not lock.reacquire() and not lock.acquire(blocking=False):
                    break
            except LockError:
                # The key is gone (Redis restarted empty): take it again unless another beat already has.
                if not lock.acquire(blocking=False):
                    break
            except RedisError as error:
                beat_logger.warning("beat lock: could not renew (%s)", error)
        if not stopped.is_set():
            beat_logger.error("beat lock: lost to another beat; stopping")
            os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=renew, name="beat-lock", daemon=True).start()
