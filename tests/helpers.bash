# shellcheck shell=bash
# Shared by every bats file: run the handler on raw bytes, read the response
# apart, and look at what the real API server stored.

FW=${FW:-$BATS_TEST_DIRNAME/../factory-webhook}
FIXTURES=${FIXTURES:-$BATS_TEST_DIRNAME/fixtures}
CRD_PATH=/apis/factory.factory.io/v1alpha1

# The handler's environment for the limited token in team-a.
use_limited_token() {
	export KUBE_API_SERVER=$KUBE_URL KUBE_CA_FILE=$KUBE_CA
	export KUBE_TOKEN_FILE=$LIMITED_TOKEN_FILE NAMESPACE=team-a
	unset KUBE_TOKEN GITHUB_WEBHOOK_SECRET API_TOKEN KUBECONFIG
	# No ~/.kube/config of the machine's may stand in for the test's own.
	export HOME=$BATS_TEST_TMPDIR
}

common_setup() {
	use_limited_token
	RESP=$BATS_TEST_TMPDIR/resp
	ERR=$BATS_TEST_TMPDIR/stderr
	: >"$ERR"
}

# Fails the test when a sanitizer reported anything in any run.
common_teardown() {
	if grep -qE 'Sanitizer|runtime error:' "$ERR" 2>/dev/null; then
		cat "$ERR" >&2
		return 1
	fi
}

# fw_raw BYTES: pipes the bytes (a file path with @) into the handler.
fw_raw() {
	local rc=0
	if [[ $1 == @* ]]; then
		"$FW" <"${1#@}" >"$RESP" 2>>"$ERR" || rc=$?
	else
		printf '%s' "$1" | "$FW" >"$RESP" 2>>"$ERR" || rc=$?
	fi
	FW_RC=$rc
	[[ $rc -ne 99 ]] # sanitizer exit code
}

# req METHOD PATH BODY [HEADER...]: a request with Content-Length.
req() {
	local method=$1 path=$2 body=$3 h out
	shift 3
	out="$method $path HTTP/1.1"$'\r\n'"Host: test"$'\r\n'
	for h in "$@"; do out+="$h"$'\r\n'; done
	out+="Content-Length: ${#body}"$'\r\n\r\n'"$body"
	printf '%s' "$out"
}

# Byte count, not character count, for non-ASCII bodies.
req_file() {
	local method=$1 path=$2 file=$3 h
	shift 3
	{
		printf '%s %s HTTP/1.1\r\nHost: test\r\n' "$method" "$path"
		for h in "$@"; do printf '%s\r\n' "$h"; done
		printf 'Content-Length: %s\r\n\r\n' "$(stat -c %s "$file")"
		cat "$file"
	} >"$BATS_TEST_TMPDIR/request"
	fw_raw "@$BATS_TEST_TMPDIR/request"
}

# at_once N REQUEST-FILE: N handlers on the same bytes at the same time;
# prints how many answered each status line ("1 HTTP/1.1 201 Created").
at_once() {
	local i pids=()
	for i in $(seq "$1"); do
		"$FW" <"$2" >"$BATS_TEST_TMPDIR/at_once.$i" 2>>"$ERR" &
		pids+=($!)
	done
	wait "${pids[@]}"
	head -qn1 "$BATS_TEST_TMPDIR"/at_once.* | tr -d '\r' | sort | uniq -c |
		sed 's/^ *//'
}

status_line() { head -n1 "$RESP" | tr -d '\r'; }
status_code() { status_line | cut -d' ' -f2; }
resp_body() { sed '1,/^\r$/d' "$RESP"; }
resp_header() {
	sed -n '1,/^\r$/p' "$RESP" | tr -d '\r' |
		awk -v h="$1" 'BEGIN{IGNORECASE=1} index(tolower($0), tolower(h) ":")==1 {sub(/^[^:]*: */, ""); print; exit}'
}

# expect CODE BODY: the exact status and the exact body.
expect() {
	local got_code got_body
	got_code=$(status_code)
	got_body=$(resp_body)
	if [[ $got_code != "$1" || ( $# -gt 1 && $got_body != "$2" ) ]]; then
		echo "expected $1 ${2-}" >&2
		echo "got: $(cat "$RESP")" >&2
		echo "stderr: $(cat "$ERR")" >&2
		return 1
	fi
}

json_field() { resp_body | jq -r "$1"; }

# kube METHOD PATH [curl args]: as the admin, prints the body.
kube() {
	local method=$1 path=$2
	shift 2
	curl -sS --cacert "$KUBE_CA" -H "Authorization: Bearer $ADMIN_TOKEN" \
		-X "$method" "$@" "$KUBE_URL$path"
}

task_get() { kube GET "$CRD_PATH/namespaces/${2:-team-a}/softwaretasks/$1"; }
task_count() {
	kube GET "$CRD_PATH/namespaces/${2:-team-a}/softwaretasks?labelSelector=$1" |
		jq '.items | length'
}

sign() { openssl dgst -sha256 -hmac "$1" -r "$2" | cut -d' ' -f1 | sed 's/^/sha256=/'; }

# labeled_payload LABEL [BODYJSON]: the real labeled delivery, relabelled.
labeled_payload() {
	jq -c --arg l "$1" '.label.name = $l' "$FIXTURES/github/issues.labeled.payload.json"
}

uuid() { cat /proc/sys/kernel/random/uuid; }

# activate [VAR...]: the handler behind systemd-socket-activate --inetd -a
# on a free loopback port ($PORT, $URL), with the Kubernetes settings, the
# sanitizer options and the named variables passed on (it passes nothing
# else).
activate() {
	local v args=()
	PORT=$(free_port)
	URL=http://127.0.0.1:$PORT
	for v in KUBE_API_SERVER KUBE_CA_FILE KUBE_TOKEN_FILE NAMESPACE \
		ASAN_OPTIONS UBSAN_OPTIONS "$@"; do
		[[ -n ${!v-} ]] && args+=(-E "$v")
	done
	systemd-socket-activate --inetd -a -l "127.0.0.1:$PORT" "${args[@]}" "$FW" 2>>"$ERR" &
	ACT=$!
	for _ in $(seq 100); do
		curl -fs "$URL/healthz" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "systemd-socket-activate did not come up on $PORT" >&2
	return 1
}

deactivate() {
	[[ -n ${ACT-} ]] || return 0
	kill "$ACT" 2>/dev/null || true
	wait "$ACT" 2>/dev/null || true
}

# A free loopback port.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
