#!/bin/sh
# One entrypoint for every Mektep process: the container image, the systemd units, the Procfile and
# `make prod` / `make test-topology` all start the project through it.
#
#   entrypoint.sh web       apply migrations (under a lock), then serve with gunicorn
#   entrypoint.sh worker    wait for migrations, then run a Celery worker on CELERY_QUEUES
#   entrypoint.sh beat      wait for migrations, then run the one Celery beat (a second one waits on a lock)
#   entrypoint.sh migrate   apply migrations and exit
#   entrypoint.sh manage …  any manage.py command
set -eu

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-cms.settings.production}"

wait_for_migrations() {
    waited=0
    until "$PYTHON" manage.py migrate --check >/dev/null 2>&1; do
        if [ "$waited" -ge "${MEKTEP_MIGRATE_WAIT:-300}" ]; then
            echo "entrypoint: migrations still not applied after ${waited}s" >&2
            exit 1
        fi
        sleep 2
        waited=$((waited + 2))
    done
}

role="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$role" in
    web)
        if [ "${MEKTEP_MIGRATE:-1}" = "1" ]; then
            "$PYTHON" manage.py deploy_migrate --verbosity 1
        else
            wait_for_migrations
        fi
        exec "$PYTHON" -m gunicorn -c deploy/gunicorn.conf.py cms.wsgi:application "$@"
        ;;
    worker)
        wait_for_migrations
        exec "$PYTHON" -m celery -A celery_app worker \
            --queues "${CELERY_QUEUES:-reports,notifications,default}" \
            --concurrency "${CELERY_CONCURRENCY:-2}" \
            --hostname "${CELERY_HOSTNAME:-worker@%h}" \
            --loglevel "${LOG_LEVEL:-INFO}" "$@"
        ;;
    beat)
        wait_for_migrations
        exec "$PYTHON" -m celery -A celery_app beat \
            --schedule "${CELERY_BEAT_SCHEDULE:-${MEKTEP_VAR_DIR:-var}/celery-beat-schedule}" \
            --loglevel "${LOG_LEVEL:-INFO}" "$@"
        ;;
    migrate)
        exec "$PYTHON" manage.py deploy_migrate "$@"
        ;;
    manage)
        exec "$PYTHON" manage.py "$@"
        ;;
    *)
        echo "entrypoint: unknown role '$role' (web, worker, beat, migrate, manage)" >&2
        exit 2
        ;;
esac
