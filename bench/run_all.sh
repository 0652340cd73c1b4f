#!/bin/sh
# Run every benchmark on PostgreSQL. Usage: bench/run_all.sh [postgres://…/dsip_bench]
set -eu
cd "$(dirname "$0")/.."
export DSIP_DATABASE_URL="${1:-${DSIP_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dsip_bench}}"
export DSIP_DEMO=1 DSIP_DATA_DIR="${DSIP_DATA_DIR:-/tmp/dsip-bench}"
PY=.venv/bin/python
$PY bench/bench_seed.py --persons "${BENCH_PERSONS:-1000000}"
$PY bench/bench_lookup.py
$PY bench/bench_list.py
$PY bench/bench_import.py
