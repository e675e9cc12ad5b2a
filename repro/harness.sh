# Shared set-up for the repro scripts: a throwaway PostgreSQL (tests/pgserver.py), a served
# demo simulator with /_simulator/control, a store with North Campus added, the demo
# directory imported and a first sync. Source it; `cleanup` runs on exit.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=$ROOT/.venv/bin/python
V=$ROOT/.venv/bin/vpp-tui
WORK=$(mktemp -d /tmp/vpp-repro-XXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "${PGROOT:-}" ] && $PY -c "
import sys; sys.path.insert(0, '$ROOT')
from tests.pgserver import PgServer, find_bin_dir
from pathlib import Path
PgServer(find_bin_dir(), Path('$PGROOT'), 'postgres' if __import__('os').geteuid()==0 else None).stop()" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

start_pg() {
  read -r PGROOT VPP_DB < <($PY -c "
import sys; sys.path.insert(0, '$ROOT')
from tests.pgserver import start_server
s = start_server(); print(s.root, s.create_database())")
  export VPP_DB
}

start_sim() {  # start_sim [simulator args...]
  local port
  port=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
  $V simulator --port "$port" --tokens-dir "$WORK/tokens" --control "$@" > "$WORK/sim.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do grep -q "Uvicorn running" "$WORK/sim.log" 2>/dev/null && break; sleep 0.2; done
  export VPP_APPLE_URL=http://127.0.0.1:$port/mdm/v2
  CONTROL=http://127.0.0.1:$port/_simulator/control
}

control() { curl -s -XPOST "$CONTROL" -d "$1" > /dev/null; }

setup_demo_store() {
  export VPP_KEY_FILE=$WORK/store.key
  $V token add "$WORK/tokens/sToken_for_north-campus.vpptoken" --name North \
      --apple-id a@b.edu --consent > /dev/null
  $PY -c "
import json; from vpp_tui.simulator.directory import demo_directory
json.dump(demo_directory(), open('$WORK/dir.json', 'w'))"
  $V directory import "$WORK/dir.json" > /dev/null
  $V sync North > /dev/null
}

ledger_check() { $PY "$ROOT/repro/ledger_check.py" "$VPP_DB" "$VPP_APPLE_URL" "$WORK/tokens"; }

job_field() {  # job_field ID FIELD
  $V jobs --json --limit 1000 | $PY -c "
import json, sys
for j in json.load(sys.stdin):
    if j['id'] == $1: print(j['$2'])"
}

wait_state() {  # wait_state ID STATE... (up to 60 s)
  local id=$1; shift
  for _ in $(seq 1 120); do
    s=$(job_field "$id" state)
    for want in "$@"; do [ "$s" = "$want" ] && return 0; done
    sleep 0.5
  done
  return 1
}
