#!/usr/bin/env bash
# The load test of a run's peak, end to end (benchmarks/README.md, "Load test"):
#   benchmarks/load/run.sh [USERS] [SPAWN_RATE] [DURATION] [RUN]     (defaults: 1000 50 5m)
# 1. a fresh production-like demo (./dev serve: what it needs installed, var/serve started anew),
# 2. locust headless on loopback, holding flock /tmp/skillslab-bench.lock (one timed measurement at a time),
#    with the CPU time each server used meanwhile,
# 3. benchmarks/load/check.py: saves, state rows, delivery, 5xx; and the latencies per handler.
# Results: var/serve-results/RUN/ (kept when the demo is started anew).
set -euo pipefail
cd "$(dirname "$0")/../.."
USERS=${1:-1000}
RATE=${2:-50}
DURATION=${3:-5m}
RUN=${4:-peak-$(date -u +%Y%m%d-%H%M%S)}
OUT="var/serve-results/$RUN"
mkdir -p "$OUT"

./dev serve stop
rm -rf var/serve
./dev serve start

# CPU seconds (user + system) of each server's processes, from /proc: gunicorn (master and workers),
# MariaDB, Redis, the Celery worker (and its pool).
cpu_seconds() {
  local name=$1 pids ticks
  case "$name" in
    gunicorn|celery) pids="$(cat "var/serve/$name.pid") $(pgrep -P "$(cat "var/serve/$name.pid")" | tr '\n' ' ')" ;;
    redis) pids=$(cat var/serve/redis.pid) ;;
    mariadb) pids=$(cat var/serve/mariadb/mysqld.pid) ;;
  esac
  ticks=0
  for pid in $pids; do
    [ -r "/proc/$pid/stat" ] || continue
    ticks=$(( ticks + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat") ))
  done
  echo "$name $(( ticks / $(getconf CLK_TCK) ))"
}
snapshot() { for name in gunicorn mariadb redis celery; do cpu_seconds "$name"; done; }

echo "run $RUN: $USERS users, $RATE/s, $DURATION; $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB" | tee "$OUT/summary.txt"
# The lock is taken before the CPU counters are read, so that waiting for it is not measured.
exec 9>/tmp/skillslab-bench.lock
flock 9
snapshot > "$OUT/cpu-before.txt"
start=$(date +%s)
SKILLSLAB_LOAD_RUN="$RUN" SKILLSLAB_LOAD_LOG_DIR="$OUT" \
  /usr/bin/time -v -o "$OUT/locust-time.txt" .venv/bin/locust -f benchmarks/load/locustfile.py \
  --host "http://${SKILLSLAB_SERVE_ADDRESS:-127.0.0.1:8010}" --headless -u "$USERS" -r "$RATE" -t "$DURATION" \
  --csv "$OUT/$RUN" --only-summary --loglevel WARNING > "$OUT/locust.txt" 2>&1 || true
elapsed=$(( $(date +%s) - start ))
snapshot > "$OUT/cpu-after.txt"
flock -u 9
{
  echo "wall: ${elapsed} s; CPU seconds used meanwhile (cores busy on average):"
  join "$OUT/cpu-before.txt" "$OUT/cpu-after.txt" | awk -v t="$elapsed" '{printf "  %s: %d s (%.2f cores)\n", $1, $3 - $2, ($3 - $2) / t}'
  awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "  locust: %d s (%.2f cores)\n", u + s, (u + s) / '"$elapsed"'}' \
    "$OUT/locust-time.txt"
} | tee -a "$OUT/summary.txt"
cp var/serve/gunicorn.log "$OUT/" 2>/dev/null || true
.venv/bin/python benchmarks/load/check.py --saves "$OUT" --run "$RUN" --csv "$OUT/$RUN" | tee -a "$OUT/summary.txt"
