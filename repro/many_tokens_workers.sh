#!/bin/bash
# N tokens (bench/workers.py's world, served with /_simulator/control): queue a full sync
# of every token, run 3 workers (concurrency 4), kill -9 one and SIGTERM another mid-run,
# then finish with a fourth. Checks: every job done once (attempts), one token.sync ok per
# token, ledger = Apple. Also times `sync --all --full --queue` and an inline `sync --all`
# with nothing changed (measured at N=300 on the shared 2-core machine: queueing 40 s wall,
# 8.9 s CPU, i.e. ~30 ms CPU per token; inline no-change sync 99 s wall, 32.7 s CPU, 5
# requests per token).  Usage: many_tokens_workers.sh [N=300]
. "$(dirname "$0")/harness.sh"
N=${1:-300}
export VPP_LEASE_SECONDS=10
start_pg
port=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
$PY "$ROOT/repro/serve_many.py" "$N" "$port" "$WORK/tokens" > "$WORK/sim.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 100); do grep -q serving "$WORK/sim.log" && break; sleep 0.3; done; sleep 2
export VPP_APPLE_URL=http://127.0.0.1:$port/mdm/v2 VPP_KEY_FILE=$WORK/store.key
(cd "$ROOT" && $PY -c "
import sys, os; sys.path.insert(0, '.')
from pathlib import Path
from bench.workers import add_tokens
print(add_tokens(os.environ['VPP_DB'], os.environ['VPP_APPLE_URL'], os.environ['VPP_KEY_FILE'], Path('$WORK/tokens')), 'tokens added')")
/usr/bin/time -f "sync --all --full --queue: %e s wall, %U s CPU" $V sync --all --full --queue > /dev/null
for i in 1 2 3; do $V worker --concurrency 4 --no-due > "$WORK/w$i.log" 2>&1 & eval W$i=$!; PIDS+=($!); done
sleep 20; kill -9 $W1; sleep 5; kill -TERM $W2
$V worker --concurrency 4 --no-due > "$WORK/w4.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 200); do
  left=$($V jobs --json --limit 5000 --state queued --state running | $PY -c "import json,sys; print(len(json.load(sys.stdin)))")
  [ "$left" = 0 ] && break; sleep 5
done
$V jobs --json --limit 5000 | $PY -c "
import json,sys; from collections import Counter; js=json.load(sys.stdin)
print('states', Counter(j['state'] for j in js), 'attempts', Counter(j['attempts'] for j in js))"
$V audit --json --limit 100000 --action token.sync | $PY -c "
import json,sys; from collections import Counter; es=json.load(sys.stdin)
ok=Counter(e['target'] for e in es if e['result']=='ok'); print('tokens synced ok', len(ok), 'twice', sum(1 for v in ok.values() if v>1))"
/usr/bin/time -f "sync --all (no change): %e s wall, %U s CPU" $V sync --all --json > "$WORK/sa.json"
$PY -c "import json; from collections import Counter; print('requests per token', Counter(x['requests'] for x in json.load(open('$WORK/sa.json'))))"
ledger_check > "$WORK/ledger.txt" && echo "ledger = Apple (HELD UP)" || { grep -v ' 0 only_store 0 count_diffs 0' "$WORK/ledger.txt"; echo FAILURE; }
