#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS on a scratch copy of its corpus and
# prints executions, coverage and crashes; exits non-zero on any crash.
# Crashes are kept in fuzz/crashes/ to become regression tests.
set -uo pipefail
seconds=$1
shift
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$top/fuzz/crashes"
rc=0
for t in "$@"; do
	mkdir -p "$work/$t"
	cp "$top/fuzz/corpus/$t/"* "$work/$t/"
	"$top/build/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$top/fuzz/crashes/$t-" -max_len=65536 \
		"$work/$t" >"$work/$t.log" 2>&1
	r=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -n1 | cut -d' ' -f2)
	printf 'fuzz %-8s %4ss  %10s execs  cov %5s  %s\n' "$t" "$seconds" \
		"${execs:-?}" "${cov:-?}" "$([[ $r = 0 ]] && echo ok || echo CRASH)"
	if [[ $r != 0 ]]; then
		tail -n 30 "$work/$t.log"
		rc=1
	fi
done
exit $rc
