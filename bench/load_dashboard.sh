#!/usr/bin/env bash
# Load test of the township dashboard: gunicorn on loopback, N concurrent users (wrk).
#
#   DATABASE_URL=postgres://…/qf_bench_x bench/load_dashboard.sh [seconds] [connections]
#
# Needs `generate_scale_data` output in that database and `wrk` (apt-get install wrk). Each
# of the 50 connections is one signed-in office user reloading the big township's dashboard
# back to back (THINK_MS=0, the default: the hardest case), or after a think time
# (THINK_MS=1000 → 1-3 s between reloads).
# The cache is Redis as in production (REDIS_URL, default redis://127.0.0.1:6379/7), so the
# workers share the dashboard's cached figures; each worker is warmed up before measuring.
# Bounded: loopback only, fixed duration, the server is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database holding the scale data}"
DURATION=${1:-30}
CONNECTIONS=${2:-50}
PORT=${PORT:-18765}
WORKERS=${WORKERS:-$((2 * $(nproc) + 1))}  # gunicorn's rule: 2 × cores + 1
THREADS=${THREADS:-1}  # plain workers, as deploy/systemd/qingfeng-web.service
export DEBUG=false HTTPS=false ALLOWED_HOSTS=127.0.0.1,localhost
export SECRET_KEY=${SECRET_KEY:-load-test-only-$(printf 'x%.0s' {1..60})}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/7}
# The session is made with force_login: no second-factor step in between (as bench/run.py).
export TWO_FACTOR_REQUIRED=${TWO_FACTOR_REQUIRED:-false}
USER_NAME=${USER_NAME:-bench-office-0}
URL_PATH=${URL_PATH:-/dashboard/township/}

COOKIE=$(.venv/bin/python bench/load_dashboard_session.py "$USER_NAME" 2>/dev/null | tail -1)
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads "$THREADS" \
  --access-logfile /dev/null --error-logfile /tmp/qf_load_dashboard_gunicorn.log &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz/" && break
  sleep 0.2
done
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$URL_PATH")
if [ "$status" != "200" ]; then
  echo "load_dashboard: $URL_PATH answered $status for $USER_NAME" >&2
  exit 1
fi
for _ in $(seq 1 $((WORKERS * 3))); do  # warm-up: every worker imports and renders once
  curl -s -o /dev/null -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$URL_PATH"
done
export THINK_MS=${THINK_MS:-0}
echo "wrk: $CONNECTIONS connections, ${DURATION}s, $WORKERS gunicorn workers × $THREADS threads, THINK_MS=$THINK_MS"
wrk --threads 2 --connections "$CONNECTIONS" --duration "${DURATION}s" --timeout 10s \
  --script bench/load_dashboard.lua -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$URL_PATH"
