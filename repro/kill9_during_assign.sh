#!/bin/bash
# kill -9 a worker while its assign job waits for Apple's event; a second worker claims the
# job once the lease ran out (VPP_LEASE_SECONDS=8). Checks: the job ends done once, the
# ledger equals Apple's, and the audit has the license.associate entries of the grants.
. "$(dirname "$0")/harness.sh"
export VPP_LEASE_SECONDS=8
start_pg; start_sim --event-delay 0.5; setup_demo_store
control '{"event_delay": 6}'
$V worker --no-due > "$WORK/w1.log" 2>&1 & W1=$!; PIDS+=($W1)
id=$($V assign "Atlas of the World" --token North --group "Exam iPads" --intent required \
       --license device --queue --json | $PY -c "import json,sys; print(json.load(sys.stdin)['id'])")
wait_state "$id" running; sleep 3
kill -9 $W1
$V worker --no-due > "$WORK/w2.log" 2>&1 & PIDS+=($!)
wait_state "$id" done failed cancelled
echo "job $id: $(job_field "$id" state) attempts $(job_field "$id" attempts): $(job_field "$id" result)"
sleep 8
$V audit --action license.associate --target Atlas
ledger_check && echo "HELD UP" || echo "FAILURE: ledger differs from Apple after a worker died mid-assign"
