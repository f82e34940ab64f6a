#!/bin/sh
# One image (or checkout), four roles: web, worker, beat, migrate. Extra arguments go to the
# process. Used by the container image, deploy/compose.yaml and deploy/Procfile alike.
#   CELERY_QUEUES        queues this worker consumes (default: all of them)
#   CELERY_CONCURRENCY   pool processes of this worker (default 2)
#   CELERY_WORKER_NAME   node name prefix, e.g. extraction (default worker)
#   PROMETHEUS_MULTIPROC_DIR  where gunicorn workers / pool processes keep their metrics;
#                        emptied at start, so counters from a previous run are not summed again
#   DJANGO_MIGRATE_ON_START   web runs migrations first (default true; set false when a
#                        separate `migrate` job does it before a rolling deploy)
set -e
cd "$(dirname "$0")/.."
role="${1:-web}"
[ $# -gt 0 ] && shift
if [ -n "$PROMETHEUS_MULTIPROC_DIR" ]; then
  rm -rf "$PROMETHEUS_MULTIPROC_DIR"
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi
case "$role" in
  web)
    # Missing DATABASE_URL/REDIS_URL, bad secrets: stop here with the reason, not serve.
    python manage.py check --deploy --fail-level ERROR
    if [ "${DJANGO_MIGRATE_ON_START:-true}" = "true" ]; then
      python manage.py migrate --no-input
      # The API's stored records a migration or a new record layout left missing or stale.
      python manage.py fact_check_records_rebuild
    fi
    exec gunicorn --config deploy/gunicorn.conf.py factcheck.wsgi:application "$@" ;;
  worker)
    exec celery -A factcheck worker \
      --queues "${CELERY_QUEUES:-default,ingestion,extraction,matching,webhooks}" \
      --concurrency "${CELERY_CONCURRENCY:-2}" \
      --hostname "${CELERY_WORKER_NAME:-worker}@%h" \
      --loglevel "${DJANGO_LOG_LEVEL:-INFO}" "$@" ;;
  beat)
    exec celery -A factcheck beat --loglevel "${DJANGO_LOG_LEVEL:-INFO}" "$@" ;;
  migrate)
    python manage.py migrate --no-input "$@"
    exec python manage.py fact_check_records_rebuild ;;
  *)
    exec "$role" "$@" ;;
esac
