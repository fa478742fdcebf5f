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

@test "KUBE_API_SERVER must be https without user or password" {
	run env KUBE_API_SERVER=http://127.0.0.1:1 "$FW" --check-config
	[ "$status" = 1 ]
	[[ $output == *"KUBE_API_SERVER must be an https:// URL without user or password (tokens go in KUBE_TOKEN_FILE)"* ]]
	run env KUBE_API_SERVER=https://user:secret-pw@127.0.0.1:1 "$FW" --check-config
	[ "$status" = 1 ]
	[[ $output != *secret-pw* ]]
}

@test "an empty KUBE_TOKEN_FILE leaves KUBE_TOKEN in force" {
	run env KUBE_TOKEN_FILE= KUBE_TOKEN="$LIMITED_TOKEN" "$FW" --check-config
	[ "$status" = 0 ]
	[[ $output == *"auth                   token"* ]]
}

@test "a FIFO or directory as a secret or token file: refused at once, no hang" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	run timeout 5 env GITHUB_WEBHOOK_SECRET_FILE="$BATS_TEST_TMPDIR/fifo" "$FW" --check-config
	[ "$status" = 1 ]
	[[ $output == *"cannot read $BATS_TEST_TMPDIR/fifo: not a regular file"* ]]
	run timeout 5 env API_TOKEN_FILE=/ "$FW" --check-config
	[ "$status" = 1 ]
	KUBE_TOKEN_FILE=$BATS_TEST_TMPDIR/fifo timeout 5 "$FW" <<<$'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 46\r\n\r\n{"repo":"https://github.com/o/r","task":"ff"}' >"$RESP" 2>>"$ERR" || true
	expect 503
	[[ $(json_field .error) == *"not a regular file"* ]]
}

@test "--listen refuses a bad port; --sign fails when its output is lost" {
	run "$FW" --listen 99999
	[ "$status" = 1 ]
	[[ $output == *"the port must be a number from 1 to 65535"* ]]
	run "$FW" --listen 127.0.0.1:
	[ "$status" = 1 ]
	run env PORT=70000 "$FW" --listen
	[ "$status" = 1 ]
	run bash -c "printf x | GITHUB_WEBHOOK_SECRET=s '$FW' --sign >/dev/full"
	[ "$status" = 1 ]
	[[ $output == *"--sign: writing the signature"* ]]
	run bash -c "printf x | NAMESPACE=BAD GITHUB_WEBHOOK_SECRET=s '$FW' --sign"
	[ "$status" = 0 ]
}

@test "a very long path still logs status, bytes and duration" {
	fw_raw "GET /x=\"$(head -c 5000 /dev/zero | tr '\0' a) HTTP/1.1"$'\r\n\r\n'
	expect 404
	grep -q 'path="/x=\\"aaaa.*\.\.\." status=404 bytes=[0-9]* dur_ms=' "$ERR"
}
