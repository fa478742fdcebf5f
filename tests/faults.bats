#!/usr/bin/env bats
# Kubernetes failures, each made real on the test API server, and what the
# client is told; idempotency under concurrency; streamed deliveries.

load helpers

SECRET="It's a Secret to Everybody"

setup() {
	common_setup
	export GITHUB_WEBHOOK_SECRET=$SECRET
	P=$BATS_TEST_TMPDIR/p
	labeled_payload factory:do >"$P"
}
teardown() {
	kill -CONT "$(kas_pid)" 2>/dev/null || true
	common_teardown
}

kas_pid() { sed -n 's/^export KAS_PID=//p; s/^KAS_PID=//p' "$KUBE_DIR/env" | tr -d "'\"" | tail -n1; }
post() { fw_raw "$(req POST /api/v1/tasks "$1" 'Content-Type: application/json' "${@:2}")"; }
signed() {
	local d=$1 file=$2
	{
		printf 'POST /webhooks/github HTTP/1.1\r\nX-GitHub-Event: %s\r\n' "${EVENT:-issues}"
		[[ -n $d ]] && printf 'X-GitHub-Delivery: %s\r\n' "$d"
		printf 'Content-Type: application/json\r\nX-Hub-Signature-256: %s\r\n' "$(sign "$SECRET" "$file")"
		printf 'Content-Length: %s\r\n\r\n' "$(stat -c %s "$file")"
		cat "$file"
	} >"$file.req"
}

@test "API server stopped: 503 with Retry-After, and it works again after" {
	"$BATS_TEST_DIRNAME/kube/kas.sh" "$KUBE_DIR" stop >/dev/null 2>&1
	post '{"repo":"https://github.com/o/r","task":"down"}'
	local rc=0
	expect 503 || rc=1
	[[ $(json_field .error) == "Kubernetes API server unreachable: "* ]] || rc=1
	[ "$(resp_header Retry-After)" = 5 ] || rc=1
	"$BATS_TEST_DIRNAME/kube/kas.sh" "$KUBE_DIR" start >/dev/null 2>&1
	[ "$rc" = 0 ]
	post '{"repo":"https://github.com/o/r","task":"up again"}'
	expect 201
}

@test "API server too slow: 503 within K8S_TIMEOUT_SECONDS" {
	local start
	kill -STOP "$(kas_pid)"
	start=$(date +%s%N)
	K8S_TIMEOUT_SECONDS=1 post '{"repo":"https://github.com/o/r","task":"slow"}'
	kill -CONT "$(kas_pid)"
	expect 503
	[[ $(json_field .error) == *"timed out"* ]]
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 3000 ]
}

@test "object rejected by the CRD schema: 422 with the API server's message" {
	post '{"repo":"https://github.com/o/r","task":"t","mcpServers":[{"name":"m","command":"c","env":[{"name":"A","valueFrom":{"secretKeyRef":{"name":"s"}}}]}]}'
	expect 422
	[[ $(json_field .error) == *"spec.mcpServers[0].env[0].valueFrom.secretKeyRef.key: Required value"* ]]
	post '{"repo":"https://github.com/o/r","task":"t","mcpServers":[{"name":"m","command":"c","env":[{"name":"A","valueFrom":{"bogus":{}}}]}]}'
	expect 422
	[[ $(json_field .error) == *'unknown field "spec.mcpServers[0].env[0].valueFrom.bogus"'* ]]
}

@test "ten concurrent copies of one delivery create exactly one task, all 2xx" {
	local d
	d=$(uuid)
	signed "$d" "$P"
	[ "$(at_once 10 "$P.req")" = $'9 HTTP/1.1 200 OK\n1 HTTP/1.1 201 Created' ]
	[ "$(task_count "factory.io/delivery=$d")" = 1 ]
}

@test "ten concurrent requests with one Idempotency-Key create exactly one task" {
	local key name
	key=k-$(uuid)
	req POST /api/v1/tasks '{"repo":"https://github.com/o/r","task":"idem"}' \
		'Content-Type: application/json' "Idempotency-Key: $key" >"$BATS_TEST_TMPDIR/req"
	[ "$(at_once 10 "$BATS_TEST_TMPDIR/req")" = $'9 HTTP/1.1 200 OK\n1 HTTP/1.1 201 Created' ]
	name=task-$(printf %s "$key" | sha256sum | cut -c1-20)
	task_get "$name" | jq -e '.spec.task == "idem"'
}

@test "a name clash with a different delivery is told apart from a redelivery" {
	local d h
	d=$(uuid)
	h=$(printf %s "$d" | sha256sum | cut -c1-64)
	export KUBE_TOKEN_FILE=$ADMIN_TOKEN_FILE	# may read tasks
	kube POST "$CRD_PATH/namespaces/team-a/softwaretasks" -H 'Content-Type: application/json' -d \
		"{\"apiVersion\":\"factory.factory.io/v1alpha1\",\"kind\":\"SoftwareTask\",\"metadata\":{\"name\":\"issue-1-${h:0:10}\",\"labels\":{\"factory.io/delivery\":\"someone-else\"}},\"spec\":{\"repo\":\"https://x/y\",\"task\":\"t\",\"credentials\":{}}}" >/dev/null
	signed "$d" "$P"
	fw_raw "@$P.req"
	expect 201
	[ "$(json_field .task)" = "issue-1-${h:0:20}" ]
	fw_raw "@$P.req"
	expect 200 "{\"task\":\"issue-1-${h:0:20}\",\"namespace\":\"team-a\",\"message\":\"Task already exists for this delivery\"}"
	[ "$(task_count "factory.io/delivery=$d")" = 1 ]
}

@test "a 20 MB ignored delivery is verified as a stream, never held in memory" {
	local rss
	python3 -c 'import sys; sys.stdout.write("{\"ref\":\"" + "x" * (20 * 1024 * 1024) + "\"}")' >"$BATS_TEST_TMPDIR/push"
	EVENT=push signed "$(uuid)" "$BATS_TEST_TMPDIR/push"
	/usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rss" "$FW_PLAIN" <"$BATS_TEST_TMPDIR/push.req" >"$RESP" 2>>"$ERR"
	expect 200 '{"message":"ignored","reason":"event push is not handled"}'
	rss=$(cat "$BATS_TEST_TMPDIR/rss")
	echo "peak RSS ${rss} KiB" >&2
	[ "$rss" -lt 12000 ]
	sed -i 's/sha256=[0-9a-f]*/sha256=0000000000000000000000000000000000000000000000000000000000000000/' "$BATS_TEST_TMPDIR/push.req"
	fw_raw "@$BATS_TEST_TMPDIR/push.req"
	expect 401 '{"error":"invalid signature"}'
}

@test "an issues delivery over MAX_BODY_BYTES is 413, an ignored one over 25 MB too" {
	MAX_BODY_BYTES=4096 fw_raw $'POST /webhooks/github HTTP/1.1\r\nX-GitHub-Event: issues\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n'
	expect 413 '{"error":"request body larger than 4096 bytes"}'
	fw_raw $'POST /webhooks/github HTTP/1.1\r\nX-GitHub-Event: push\r\nContent-Type: application/json\r\nContent-Length: 26214401\r\n\r\n'
	expect 413 '{"error":"request body larger than 26214400 bytes"}'
}
