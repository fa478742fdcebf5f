#!/usr/bin/env bash
# Self-test of the kube test environment: up.sh, then the behaviour the C
# tests rely on (token and client-cert auth, RBAC allow/deny, CRD schema
# validation, apiserver stop/start via kas.sh), then down.sh and a check that
# no process is left. Ends with the line "N passed, N failed".
#
# Usage: tests/kube/smoke.sh [DIR]   (default: a fresh mktemp -d, removed after)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
source "$here/lib.sh"
if [[ $# -ge 1 ]]; then
	dir=$1
	keep=1
else
	dir=$(mktemp -d)
	keep=0
fi
passed=0
failed=0

cleanup() {
	"$here/down.sh" "$dir" || true
	((keep)) || rm -rf "$dir"
}
trap cleanup EXIT

check() { # $1 = description, $2 = expected, $3 = actual
	if [[ $2 == "$3" ]]; then
		passed=$((passed + 1))
		printf 'ok   %s\n' "$1"
	else
		failed=$((failed + 1))
		printf 'FAIL %s: expected %s, got %s\n' "$1" "$2" "$3"
	fi
}

"$here/up.sh" "$dir" >/dev/null
# shellcheck source=/dev/null
source "$dir/env"

st_url() { printf '%s/apis/factory.factory.io/v1alpha1/namespaces/%s/softwaretasks' "$KUBE_URL" "$1"; }
task_json() { # $1 = name, $2 = repo
	printf '{"apiVersion":"factory.factory.io/v1alpha1","kind":"SoftwareTask","metadata":{"name":"%s"},"spec":{"credentials":{"secretRef":"gh"},"repo":"%s","task":"fix the bug"}}' "$1" "$2"
}
# POST body $2 to URL $1 with curl auth args $3...; print the HTTP status.
post() {
	local url=$1 body=$2
	shift 2
	curl -s -o "$dir/last-response" -w '%{http_code}' --max-time 10 --cacert "$KUBE_CA" "$@" \
		-H 'Content-Type: application/json' -X POST --data-binary "$body" "$url" || true
}
get() { # $1 = token, $2 = URL
	curl -s -o "$dir/last-response" -w '%{http_code}' --max-time 10 --cacert "$KUBE_CA" \
		-H "Authorization: Bearer $1" "$2" || true
}

limited=(--oauth2-bearer "$(cat "$LIMITED_TOKEN_FILE")")
cert=(--cert "$CLIENT_CERT" --key "$CLIENT_KEY")
good=https://github.com/example/repo
check "limited token creates in team-a" 201 "$(post "$(st_url team-a)" "$(task_json t1 "$good")" "${limited[@]}")"
check "limited token creates in default" 201 "$(post "$(st_url default)" "$(task_json t1 "$good")" "${limited[@]}")"
check "limited token denied in team-b" 403 "$(post "$(st_url team-b)" "$(task_json t1 "$good")" "${limited[@]}")"
check "limited token cannot list" 403 "$(get "$LIMITED_TOKEN" "$(st_url team-a)")"
check "admin reads it back" 200 "$(get "$(cat "$ADMIN_TOKEN_FILE")" "$(st_url team-a)/t1")"
check "object has defaulted agent" 1 "$(grep -c '"agent": "claude-code"' "$dir/last-response" || true)"
check "client cert creates in team-a" 201 "$(post "$(st_url team-a)" "$(task_json t2 "$good")" "${cert[@]}")"
check "client cert denied in team-b" 403 "$(post "$(st_url team-b)" "$(task_json t2 "$good")" "${cert[@]}")"
check "schema violation rejected" 422 "$(post "$(st_url team-a)" "$(task_json t3 http://not-https)" --oauth2-bearer "$ADMIN_TOKEN")"
check "unknown token rejected" 401 "$(get nope "$(st_url team-a)")"

"$here/kas.sh" "$dir" stop
check "apiserver down after kas.sh stop" 000 "$(get "$ADMIN_TOKEN" "$KUBE_URL/readyz")"
"$here/kas.sh" "$dir" start
# shellcheck source=/dev/null
source "$dir/env"
check "apiserver ready after kas.sh start" 200 "$(get "$ADMIN_TOKEN" "$KUBE_URL/readyz")"
check "data survived the restart" 200 "$(get "$ADMIN_TOKEN" "$(st_url team-a)/t2")"
check "KAS_PID in env updated" "$(cat "$dir/kas.pid")" "$KAS_PID"

"$here/down.sh" "$dir"
left=0
for pid in "$KAS_PID" "$ETCD_PID"; do
	# (an exited child not yet reaped by init is a zombie: counted as gone)
	kube_pid_matches "$pid" "$KUBE_DIR/" && left=$((left + 1))
done
check "no process left after down.sh" 0 "$left"
rc=0
"$here/down.sh" "$dir" || rc=$?
check "down.sh is idempotent" 0 "$rc"

printf '%s passed, %s failed\n' "$passed" "$failed"
((failed == 0))
