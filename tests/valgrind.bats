#!/usr/bin/env bats
# valgrind memcheck on one request of each kind, with the plain build:
# no invalid access, no use of uninitialised memory, no leak.

load helpers

setup() {
	common_setup
	FW=$FW_PLAIN
	export GITHUB_WEBHOOK_SECRET=vg-secret
	P=$BATS_TEST_TMPDIR/p
	labeled_payload factory:do >"$P"
}
teardown() { common_teardown; }

# vg REQUEST-FILE: runs the handler under memcheck; fails on any error.
vg() {
	valgrind --quiet --error-exitcode=98 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
		--log-file="$BATS_TEST_TMPDIR/vg.log" "$FW" <"$1" >"$RESP" 2>>"$ERR"
	local rc=$?
	cat "$BATS_TEST_TMPDIR/vg.log" >&2
	[ "$rc" = 0 ]
}

vg_req() { printf '%s' "$1" >"$BATS_TEST_TMPDIR/req"; vg "$BATS_TEST_TMPDIR/req"; }

@test "memcheck: healthz, 404, 405, 413" {
	vg_req $'GET /healthz HTTP/1.1\r\n\r\n'
	expect 200 ok
	vg_req $'GET /x HTTP/1.1\r\n\r\n'
	expect 404
	vg_req $'PUT /healthz HTTP/1.1\r\n\r\n'
	expect 405
	vg_req $'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\n\r\n'
	expect 413
}

@test "memcheck: validation error and a created task" {
	vg_req "$(req POST /api/v1/tasks '{"repo":"https://h/r","task":"t","maxRetries":9}' 'Content-Type: application/json')"
	expect 400
	vg_req "$(req POST /api/v1/tasks '{"repo":"https://github.com/o/r","task":"vg","skills":["a"],"mcpServers":[{"name":"m","url":"https://m"}]}' 'Content-Type: application/json')"
	expect 201
}

@test "memcheck: GitHub ignored, forged, created, redelivered" {
	local d
	d=$(uuid)
	{ printf 'POST /webhooks/github HTTP/1.1\r\nX-GitHub-Event: issues\r\nX-GitHub-Delivery: %s\r\nContent-Type: application/json\r\nX-Hub-Signature-256: %s\r\nContent-Length: %s\r\n\r\n' \
		"$d" "$(sign vg-secret "$P")" "$(stat -c %s "$P")"; cat "$P"; } >"$BATS_TEST_TMPDIR/gh"
	vg "$BATS_TEST_TMPDIR/gh"
	expect 201
	vg "$BATS_TEST_TMPDIR/gh"
	expect 200
	sed -i "s/X-Hub-Signature-256: sha256=[0-9a-f]*/X-Hub-Signature-256: sha256=$(head -c 64 /dev/zero | tr '\0' 0)/" "$BATS_TEST_TMPDIR/gh"
	vg "$BATS_TEST_TMPDIR/gh"
	expect 401
	{ printf 'POST /webhooks/github HTTP/1.1\r\nX-GitHub-Event: push\r\nContent-Type: application/json\r\nX-Hub-Signature-256: %s\r\nContent-Length: %s\r\n\r\n' \
		"$(sign vg-secret "$P")" "$(stat -c %s "$P")"; cat "$P"; } >"$BATS_TEST_TMPDIR/push"
	vg "$BATS_TEST_TMPDIR/push"
	expect 200 '{"message":"ignored","reason":"event push is not handled"}'
}
