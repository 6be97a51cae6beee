#!/usr/bin/env bash
# One line per fuzz log: target, executions, coverage (cov/ft) and corpus at the end, CPU time.
cd "$(dirname "$0")"
for log in logs/*.log; do
    t=$(basename "$log" .log)
    done_line=$(grep -aE '^#[0-9]+\s+(DONE|NEW|REDUCE|pulse)' "$log" | tail -1)
    execs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    cpu=$(grep -a '^time:' "$log" | sed 's/time: //')
    crash=$(grep -acE 'panicked|==ERROR' "$log")
    echo "$t | execs=${execs:-?} | ${done_line} | $cpu | crash-lines=$crash"
done
