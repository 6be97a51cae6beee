#!/usr/bin/env bash
# Run one fuzz target for a while, politely, and keep its log.
#   fuzz/run.sh <target> [seconds=600]
# One libFuzzer process (one core) under `nice -n 15`; the corpus grows in fuzz/corpus/<target>,
# crashes land in fuzz/artifacts/<target>, the log (with libFuzzer's final stats and the CPU
# time from /usr/bin/time) in fuzz/logs/<target>.log. Seed the corpus first: fuzz/seed.sh.
# FUZZ_CORPUS puts the corpus elsewhere (a folder that outlives the checkout); FUZZ_SANITIZER
# picks cargo-fuzz's sanitizer (address by default; `none` runs the safe-Rust targets about
# twice as fast, and overflow checks and debug assertions stay on either way). FUZZ_ARGS adds
# libFuzzer options (`-max_len=12292` for `prepare`, whose largest picture is 64×64 in colour).
set -euo pipefail
cd "$(dirname "$0")"
target=$1
seconds=${2:-600}
corpus=${FUZZ_CORPUS:-corpus}
mkdir -p logs "$corpus/$target"
nice -n "${FUZZ_NICE:-15}" /usr/bin/time -f 'time: cpu_user_s=%U cpu_sys_s=%S wall_s=%e max_rss_kb=%M' \
    cargo +nightly fuzz run -s "${FUZZ_SANITIZER:-address}" "$target" "$corpus/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-10}" ${FUZZ_ARGS:-} \
    2>&1 | tee "logs/$target.log" | grep -E '^#[0-9]+.*(NEW|REDUCE|pulse|DONE)|INFO: seed|==ERROR|panicked|time:|stat::' \
    | awk 'NR % 20 == 1 || /DONE|panicked|ERROR|time:|stat::|seed/'
