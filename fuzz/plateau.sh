#!/usr/bin/env bash
# How far coverage still moved in the second half of each run: cov and ft at half the
# executions and at the end (a plateau shows as equal numbers).
cd "$(dirname "$0")"
for log in logs/*.log; do
    grep -aE '^#[0-9]+\s' "$log" | sed -E 's/^#([0-9]+).*cov: ([0-9]+) ft: ([0-9]+).*/\1 \2 \3/' |
        awk -v t="$(basename "$log" .log)" '{n[NR]=$1; c[NR]=$2; f[NR]=$3}
        END {h=n[NR]/2; for (i=1;i<=NR;i++) if (n[i]>=h) break;
             printf "%s: at #%d cov %d ft %d; at #%d cov %d ft %d\n", t, n[i], c[i], f[i], n[NR], c[NR], f[NR]}'
done
