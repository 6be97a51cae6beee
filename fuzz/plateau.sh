#!/usr/bin/env bash
# How far coverage still moved late in each run, from libFuzzer's progress lines in
# fuzz/logs/<target>.log: cov and ft at half the executions and at the end, and the execution
# at which `cov` (edges) last grew. A plateau shows as equal `cov` numbers and a last new edge
# long before the end ("edges flat for the last N % of executions").
cd "$(dirname "$0")"
for log in logs/*.log; do
    grep -aE '^#[0-9]+\s' "$log" | sed -E 's/^#([0-9]+).*cov: ([0-9]+) ft: ([0-9]+).*/\1 \2 \3/' |
        grep -E '^[0-9]+ [0-9]+ [0-9]+$' |
        awk -v t="$(basename "$log" .log)" '{n[NR]=$1; c[NR]=$2; f[NR]=$3; if ($2 > best) {best=$2; last=$1}}
        END {if (NR == 0) {printf "%s: no progress lines\n", t; exit}
             h=n[NR]/2; for (i=1;i<=NR;i++) if (n[i]>=h) break;
             printf "%s: at #%d cov %d ft %d; at #%d cov %d ft %d; cov last grew at #%d (flat for the last %.0f %% of executions)\n",
                 t, n[i], c[i], f[i], n[NR], c[NR], f[NR], last, 100 * (n[NR] - last) / n[NR]}'
done
