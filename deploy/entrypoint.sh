#!/bin/sh
# One image, three roles: web, worker, beat. Extra arguments go to the process.
set -e
role="${1:-web}"
[ $# -gt 0 ] && shift
case "$role" in
  web)
    python manage.py migrate --no-input
    exec gunicorn factcheck.wsgi:application --bind 0.0.0.0:8000 \
      --workers "${WEB_CONCURRENCY:-3}" --timeout 30 --access-logfile - "$@" ;;
  worker)
    exec celery -A factcheck worker --queues "${CELERY_QUEUES:-default,ingestion,extraction}" \
      --concurrency "${CELERY_CONCURRENCY:-2}" --loglevel INFO "$@" ;;
  beat)
    exec celery -A factcheck beat --loglevel INFO "$@" ;;
  *)
    exec "$role" "$@" ;;
esac
