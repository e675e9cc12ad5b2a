#!/bin/bash
# FAILURE: `jobs cancel` on a running assign job, while the worker waits for Apple's event,
# ends the job "cancelled before it finished" although Apple granted every license: the
# store records none of them (used 0, no holders, no license.associate audit entry with
# Apple's eventId) and keeps offering them as available. Ledger != Apple until a sync.
# Cause: services/licensing/apply.py send_ops posts every batch, then waits for the events;
# apple.clock.Cancelled (not an AppleError/OSError) raised in wait_event escapes, so the
# posted batches are never written (no pending intent was recorded before the posts).
. "$(dirname "$0")/harness.sh"
start_pg; start_sim --event-delay 0.5; setup_demo_store
control '{"event_delay": 15}'
$V worker --no-due > "$WORK/worker.log" 2>&1 & PIDS+=($!)
id=$($V assign "Atlas of the World" --token North --group "Exam iPads" --intent required \
       --license device --queue --json | $PY -c "import json,sys; print(json.load(sys.stdin)['id'])")
wait_state "$id" running
sleep 3   # the batch is posted; the worker now waits for its event (15 s)
$V jobs cancel "$id"
wait_state "$id" cancelled failed done
echo "job $id: $(job_field "$id" state): $(job_field "$id" result)"
sleep 15  # let Apple's event complete
echo "store:"; $V licenses "Atlas of the World" --token North --json | $PY -c "
import json,sys; d=json.load(sys.stdin); print('  used', d['used'], 'available', d['available'], 'holders', len(d['holders']))"
echo "audit license.associate entries for it:"; $V audit --action license.associate --target Atlas
echo "ledger vs Apple:"; ledger_check && echo "HELD UP" || echo "FAILURE: ledger differs from Apple after a cancelled job"
