"""The Celery application: configuration from Django settings (namespace CELERY) and every schedule."""

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

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
