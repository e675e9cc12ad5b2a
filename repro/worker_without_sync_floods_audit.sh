#!/bin/bash
# FAILURE: a worker whose admin may not sync (a service account granted "App manager" to
# run queued assigns) writes an `access.denied managed_apps.sync` audit entry every 30 s
# for as long as it runs (its due scan, jobs/worker.py _scan_due -> enqueue_due ->
# authorize), 2,880 a day per worker, burying real refusals; the worker says so only
# when it stops (a `warning:` after the report), not once at start as it does for
# roles.act_for_others. Expected: checked once at start (one warning, like the scope
# warning; check_action, which does not audit), or no due scan for an admin without sync.
. "$(dirname "$0")/harness.sh"
start_pg; start_sim; setup_demo_store
$V grant svc "App manager" --all-scopes > /dev/null
$V --as svc worker > "$WORK/w.out" 2> "$WORK/w.err" & W=$!; PIDS+=($W)
sleep 95
kill -TERM $W; wait $W
echo "access.denied entries by svc in 95 s: $($V audit --admin svc --action access.denied --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')"
echo "worker stderr:"; cat "$WORK/w.err"
