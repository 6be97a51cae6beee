#!/usr/bin/env bash
# Seed fuzz/corpus/<target>/ from the project's fixtures (run from anywhere; idempotent).
# The corpus folders are ignored by git: the fuzzers grow them, `cargo fuzz cmin` shrinks them.
set -euo pipefail
cd "$(dirname "$0")"
root=..
corpus=${FUZZ_CORPUS:-corpus}
mkdir -p "$corpus"/{vcard,csv,json,ics,extract,normalize,prepare}

copy() { # copy <target> <files...>: each file under a name made from its path
    local target=$1
    shift
    for f in "$@"; do
        [ -f "$f" ] || continue
        cp "$f" "$corpus/$target/seed-$(echo "${f#$root/}" | tr '/ ,' '___')"
    done
}

shopt -s nullglob
copy vcard "$root"/fixtures/vcard/*.vcf "$root"/fixtures/vcard/malformed/* "$root"/fixtures/demo/*/*.vcf
copy csv "$root"/fixtures/csv/*.csv "$root"/fixtures/csv/malformed/* "$root"/fixtures/demo/exports/*.csv
copy json "$root"/fixtures/json/*.json "$root"/fixtures/json/malformed/* "$root"/fixtures/demo/exports/*.json
copy ics "$root"/fixtures/demo/exports/*.ics "$root"/fuzz/seeds/ics/*
copy extract "$root"/fuzz/seeds/extract/*
copy normalize "$root"/fuzz/seeds/normalize/*
copy prepare "$root"/fuzz/seeds/prepare/*
# The real-world vCards of ../shared/corpus (iPhone, Android, Outlook, Lotus Notes…) where that
# folder exists (SHARED_CORPUS elsewhere): seeds for the local corpus only, never committed.
shared=${SHARED_CORPUS:-$root/../shared/corpus}
copy vcard "$shared"/vcard/*.vcf

# Card texts: the first string of every case in the extractor's table-driven tests, in the
# `[height,left]text` form that `checks::words` reads.
python3 - "$root/src/sources/scan/extract/tests.rs" "$corpus/extract" <<'PY'
import re, sys, pathlib
src = pathlib.Path(sys.argv[1]).read_text()
start = src.index("const CASES")
cases = re.findall(r'\(\s*"((?:[^"\\]|\\.)*)",\s*"', src[start:])
for i, text in enumerate(cases):
    text = text.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
    pathlib.Path(sys.argv[2], f"seed-case-{i:02}").write_text(text)
print(f"{len(cases)} card texts", file=sys.stderr)
PY
for t in "$corpus"/*; do echo "$t: $(ls "$t" | wc -l) files"; done
