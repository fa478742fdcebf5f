#!/usr/bin/env bats
# The handler behind a real listening socket: systemd-socket-activate
# --inetd -a runs it once per connection, as systemd's Accept=yes does.
# Clients are curl and raw bytes.

load helpers

setup() {
	common_setup
	export GITHUB_WEBHOOK_SECRET="It's a Secret to Everybody" MAX_BODY_BYTES=1048576
	activate GITHUB_WEBHOOK_SECRET MAX_BODY_BYTES
}

teardown() {
	deactivate
	common_teardown
}

@test "curl: GET /healthz over the socket" {
	run curl -sS -i "$URL/healthz"
	[ "$status" = 0 ]
	[[ ${lines[0]} == $'HTTP/1.1 200 OK\r' ]]
	[ "${lines[-1]}" = ok ]
}

@test "the seed's curl example, as written, creates a task with every field" {
	run curl -sS -X POST "$URL/api/v1/tasks" \
		-H "Content-Type: application/json" \
		-d "$(cat "$FIXTURES/seed-task.json")"
	[ "$status" = 0 ]
	name=$(jq -r .name <<<"$output")
	jq -e --arg n "$name" '. == {name: $n, namespace: "team-a",
		message: ("Task created. Watch with: kubectl get st " + $n + " -n team-a -w")}' <<<"$output"
	task_get "$name" | jq -e '.spec | .repo == "https://github.com/yourorg/yourapp" and
		.task == "Add dark mode support" and .branch == "main" and
		.agent == "claude-code" and .credentials.secretRef == "factory-creds" and
		.skills == ["go-expert", "testing"] and
		.mcpServers == [{name: "internal-tools", url: "https://mcp.internal.com/sse"}] and
		.maxRetries == 2 and .callbackURL == "https://hooks.example.com/done" and
		.gitAuthorName == "Factory Bot" and .gitAuthorEmail == "bot@example.com"'
}

@test "a signed GitHub delivery over the socket creates one task" {
	labeled_payload factory:do >"$BATS_TEST_TMPDIR/p"
	d=$(uuid)
	run curl -sS -X POST "$URL/webhooks/github" -H "X-GitHub-Event: issues" \
		-H "X-GitHub-Delivery: $d" -H "Content-Type: application/json" \
		-H "X-Hub-Signature-256: $(sign "$GITHUB_WEBHOOK_SECRET" "$BATS_TEST_TMPDIR/p")" \
		--data-binary "@$BATS_TEST_TMPDIR/p"
	[ "$status" = 0 ]
	[ "$(jq -r .message <<<"$output")" = "Task created from GitHub issue" ]
	[ "$(task_count "factory.io/delivery=$d")" = 1 ]
}

@test "50 concurrent POSTs create 50 distinct tasks" {
	local run_id i pids=()
	run_id=$(uuid)
	for i in $(seq 50); do
		curl -sS -o "$BATS_TEST_TMPDIR/r$i" -w '%{http_code}\n' -X POST "$URL/api/v1/tasks" \
			-H 'Content-Type: application/json' \
			-d "{\"repo\":\"https://github.com/o/r\",\"task\":\"$run_id $i\"}" \
			>"$BATS_TEST_TMPDIR/c$i" &
		pids+=($!)
	done
	wait "${pids[@]}"
	[ "$(cat "$BATS_TEST_TMPDIR"/c* | sort | uniq -c | tr -s ' ')" = " 50 201" ]
	[ "$(jq -r .name "$BATS_TEST_TMPDIR"/r* | sort -u | wc -l)" = 50 ]
	kube GET "$CRD_PATH/namespaces/team-a/softwaretasks" >"$BATS_TEST_TMPDIR/list"
	[ "$(jq --arg id "$run_id" '[.items[] | select(.spec.task | startswith($id))] | length' "$BATS_TEST_TMPDIR/list")" = 50 ]
	[ "$(jq --arg id "$run_id" '[.items[] | select(.spec.task | startswith($id)) | .spec.task] | unique | length' "$BATS_TEST_TMPDIR/list")" = 50 ]
}

@test "Expect: 100-continue is answered at once (2 KiB body, curl)" {
	local body
	body=$(jq -nc --arg t "$(head -c 2048 /dev/zero | tr '\0' x)" '{repo: "https://github.com/o/r", task: $t}')
	run curl -sS -o /dev/null -w '%{http_code} %{time_total}' -H 'Expect: 100-continue' \
		-H 'Content-Type: application/json' --expect100-timeout 5 -d "$body" "$URL/api/v1/tasks"
	[ "$status" = 0 ]
	read -r code secs <<<"$output"
	[ "$code" = 201 ]
	# curl waits up to --expect100-timeout (5 s) without the interim answer.
	awk -v s="$secs" 'BEGIN { exit !(s < 4) }'
}

@test "far over the body limit: the client reads the whole 413" {
	head -c 8000000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big"
	run curl -sS -H 'Expect:' -H 'Content-Type: application/json' \
		--data-binary "@$BATS_TEST_TMPDIR/big" "$URL/api/v1/tasks"
	[ "$status" = 0 ]
	[ "$output" = '{"error":"request body larger than 1048576 bytes"}' ]
}

@test "healthz with 15 KB of headers over the socket reads 200" {
	run curl -sS -H "X-Big: $(head -c 15000 /dev/zero | tr '\0' a)" "$URL/healthz"
	[ "$status" = 0 ]
	[ "$output" = ok ]
}

@test "logs do not reach the response" {
	run curl -sS -i "$URL/nope"
	[[ $output != *"time="* ]]
	grep -q 'path=/nope status=404' "$ERR"
}
