#!/usr/bin/env bash
# The demo served as a site is (./dev serve start|stop|status; demo.settings_production):
#   MariaDB on 127.0.0.1:3317, Redis on 127.0.0.1:6390 (Celery's broker and the shared cache), a Celery
#   worker delivering to the reference NSS receiver, and gunicorn on 127.0.0.1:8010.
# Everything lives under var/serve (logs too). The ports and the workers can be changed:
#   SKILLSLAB_SERVE_DB_PORT, SKILLSLAB_SERVE_REDIS_PORT, SKILLSLAB_SERVE_ADDRESS,
#   SKILLSLAB_SERVE_WORKERS (gunicorn processes, 5), SKILLSLAB_SERVE_THREADS (threads each, 4).
# `stop` ends every server `start` started, by the process ids it wrote down.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
DIR="$ROOT/var/serve"
DB_PORT=${SKILLSLAB_SERVE_DB_PORT:-3317}
REDIS_PORT=${SKILLSLAB_SERVE_REDIS_PORT:-6390}
ADDRESS=${SKILLSLAB_SERVE_ADDRESS:-127.0.0.1:8010}
WORKERS=${SKILLSLAB_SERVE_WORKERS:-5}
THREADS=${SKILLSLAB_SERVE_THREADS:-4}
export SKILLSLAB_VAR_DIR="$DIR" SKILLSLAB_SERVE_REDIS_PORT="$REDIS_PORT" SKILLSLAB_SERVE_ADDRESS="$ADDRESS"
export DJANGO_SETTINGS_MODULE=demo.settings_production

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Ends the process whose id is in pidfile $1 (TERM, then KILL after 30 s) and waits for it.
end() {
  local pidfile=$1 pid
  alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

start() {
  mkdir -p "$DIR"
  if alive "$DIR/gunicorn.pid"; then
    say "Already serving on http://$ADDRESS/ (./dev serve stop first)"
    return 0
  fi
  say "MariaDB on 127.0.0.1:$DB_PORT ($DIR/mariadb)"
  tools/mariadb.sh start "$DIR/mariadb" "$DB_PORT"

  say "Redis on 127.0.0.1:$REDIS_PORT (Celery's broker, the shared cache and sessions)"
  if ! alive "$DIR/redis.pid"; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --pidfile "$DIR/redis.pid" \
      --dir "$DIR" --logfile "$DIR/redis.log" --save "" --appendonly no >/dev/null
    for _ in $(seq 1 40); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.25; done
  fi

  say "Migrations, the workbench's unique index, the staff sign-in, static files"
  "$PY" -m django migrate --noinput -v0
  "$PY" -m demo.production prepare
  "$PY" -m django shell -v0 -c "
from django.contrib.auth.models import User
if not User.objects.filter(username='staff').exists():
    User.objects.create_superuser('staff', 'staff@demo.invalid', 'staff')"
  "$PY" -m django collectstatic --noinput -v0

  say "Celery worker (delivery to the NSS receiver at http://$ADDRESS/nss/; log: $DIR/worker.log)"
  "$PY" -m celery -A demo.celery_app worker --pool prefork --concurrency 1 --loglevel INFO \
    --detach --pidfile "$DIR/celery.pid" --logfile "$DIR/worker.log"

  say "gunicorn: $WORKERS processes × $THREADS threads on $ADDRESS (log: $DIR/gunicorn.log)"
  "$ROOT/.venv/bin/gunicorn" "demo.production:application()" --preload --bind "$ADDRESS" \
    --workers "$WORKERS" --worker-class gthread --threads "$THREADS" --timeout 60 --backlog 2048 \
    --daemon --pid "$DIR/gunicorn.pid" --error-logfile "$DIR/gunicorn.log" --chdir "$ROOT"
  for _ in $(seq 1 120); do
    if "$PY" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=5)" \
        "http://$ADDRESS/" >/dev/null 2>&1; then
      say "Serving: http://$ADDRESS/  (?student=NAME, ?lang=el|en; staff/staff at /admin/; stop: ./dev serve stop)"
      return 0
    fi
    sleep 0.5
  done
  echo "gunicorn did not answer on http://$ADDRESS/; see $DIR/gunicorn.log" >&2
  tail -n 30 "$DIR/gunicorn.log" >&2 || true
  return 1
}

stop() {
  say "Stopping gunicorn, the Celery worker, Redis and MariaDB ($DIR)"
  end "$DIR/gunicorn.pid"
  end "$DIR/celery.pid"
  end "$DIR/redis.pid"
  tools/mariadb.sh stop "$DIR/mariadb"
}

status() {
  local name pidfile running=0
  for name in gunicorn celery redis mariadb/mysqld; do
    pidfile="$DIR/$name.pid"
    if alive "$pidfile"; then
      echo "$name: running (pid $(cat "$pidfile"))"
      running=1
    else
      echo "$name: stopped"
    fi
  done
  [ "$running" = 1 ]
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: tools/serve.sh start|stop|status" >&2; exit 2 ;;
esac
