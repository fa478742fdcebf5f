#!/usr/bin/env bash
# The whole test suite: starts a real etcd and kube-apiserver (built once
# from Go modules and cached outside the clone), runs every bats file with
# the sanitizer build of factory-webhook, stops everything, and prints
# "N passed, N failed".
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
export PATH=$PATH:/usr/local/go/bin
export FW=${FW:-$top/build/asan/factory-webhook}
export FW_PLAIN=$top/factory-webhook
export FIXTURES=$top/tests/fixtures
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=99}

work=$(mktemp -d "${TMPDIR:-/tmp}/factory-webhook-test.XXXXXX")
cleanup() {
	tests/kube/down.sh "$work/kube" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

t0=$SECONDS
bin=$(tests/kube/build.sh | tail -n1)
t1=$SECONDS
KUBE_BIN_DIR=$bin tests/kube/up.sh "$work/kube" >/dev/null
t2=$SECONDS
echo "test API server: build/cache ${t0:+$((t1 - t0))}s, start $((t2 - t1))s" >&2
# shellcheck disable=SC1091
source "$work/kube/env"
export KUBE_URL KUBE_CA ADMIN_TOKEN LIMITED_TOKEN ADMIN_TOKEN_FILE \
    LIMITED_TOKEN_FILE CLIENT_CERT CLIENT_KEY KUBE_DIR

files=("$@")
[[ ${#files[@]} -gt 0 ]] || files=(tests/*.bats)
set +e
bats --tap "${files[@]}" | tee "$work/tap"
rc=${PIPESTATUS[0]}
set -e
passed=$(grep -c '^ok ' "$work/tap" || true)
failed=$(grep -c '^not ok ' "$work/tap" || true)
skipped=$(grep -c '^ok .* # skip' "$work/tap" || true)
echo "$((passed - skipped)) passed, $failed failed, $skipped skipped"
if [[ $skipped -gt 0 || $failed -gt 0 || $rc -ne 0 || $passed -eq 0 ]]; then
	exit 1
fi
