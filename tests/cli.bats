#!/usr/bin/env bats
# Command line and configuration errors.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "--version and --help" {
	run "$FW" --version
	[ "$status" = 0 ]
	[[ $output =~ ^factory-webhook\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	run "$FW" --help
	[ "$status" = 0 ]
	[[ ${lines[0]} == "usage: factory-webhook "* ]]
	run "$FW" --bogus
	[ "$status" = 2 ]
}

@test "--check-config prints the sources without secrets" {
	run env GITHUB_WEBHOOK_SECRET=hush-hush "$FW" --check-config
	[ "$status" = 0 ]
	[[ $output == *"namespace              team-a"* ]]
	[[ $output == *"webhook secret         1 value from \$GITHUB_WEBHOOK_SECRET"* ]]
	[[ $output == *"api server             $KUBE_URL"* ]]
	[[ $output != *hush-hush* ]]
	[[ $output != *"$LIMITED_TOKEN"* ]]
}

@test "--check-config fails naming the variable" {
	run env NAMESPACE=Bad_NS "$FW" --check-config
	[ "$status" = 1 ]
	[[ $output == *'NAMESPACE "Bad_NS" is not a valid namespace name'* ]]
	run env MAX_BODY_BYTES=lots "$FW" --check-config
	[ "$status" = 1 ]
	[[ $output == *"MAX_BODY_BYTES must be a whole number from 1024 to 26214400"* ]]
	run env GITHUB_WEBHOOK_SECRET_FILE=/nonexistent "$FW" --check-config
	[ "$status" = 1 ]
	[[ $output == *"cannot read /nonexistent: No such file or directory"* ]]
	run env -u KUBE_API_SERVER "$FW" --check-config
	[ "$status" = 1 ]
	[[ $output == *"no Kubernetes credentials: set KUBE_API_SERVER with KUBE_TOKEN_FILE"* ]]
}

@test "a bad configuration: endpoints answer 500, healthz stays 200, the log says why" {
	export GITHUB_WEBHOOK_SECRET_FILE=/nonexistent
	fw_raw "$(req POST /api/v1/tasks '{}' 'Content-Type: application/json')"
	expect 500 '{"error":"server configuration error; see the log"}'
	grep -q 'error="cannot read /nonexistent: No such file or directory"' "$ERR"
	fw_raw $'GET /healthz HTTP/1.1\r\n\r\n'
	expect 200 ok
}

@test "an unreadable secret file never lets unsigned deliveries through" {
	export GITHUB_WEBHOOK_SECRET_FILE=$BATS_TEST_TMPDIR/missing
	labeled_payload factory:do >"$BATS_TEST_TMPDIR/p"
	req_file POST /webhooks/github "$BATS_TEST_TMPDIR/p" 'X-GitHub-Event: issues' 'Content-Type: application/json'
	expect 500
}
