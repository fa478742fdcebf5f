#!/usr/bin/env bats
# Each fault of the field-failures list (F1-F14), as a named test against
# the real API server.  Signatures are computed with openssl in the test.

load helpers

SECRET="It's a Secret to Everybody"

setup() {
	common_setup
	export GITHUB_WEBHOOK_SECRET=$SECRET
	P=$BATS_TEST_TMPDIR/p
	labeled_payload factory:do >"$P"
}
teardown() { deactivate; common_teardown; }

# gh FILE [HEADER...]: a signed labeled-issue delivery with a fresh GUID.
gh() {
	local file=$1
	shift
	D=$(uuid)
	req_file POST /webhooks/github "$file" "X-GitHub-Event: ${EVENT:-issues}" \
		"X-GitHub-Delivery: $D" "X-GitHub-Hook-ID: 42" "User-Agent: GitHub-Hookshot/abc" \
		"Content-Type: ${CT:-application/json}" "$@"
}

@test "F1 ping delivery: 200, no task" {
	EVENT=ping gh "$FIXTURES/github/ping.payload.json" \
		"X-Hub-Signature-256: $(sign "$SECRET" "$FIXTURES/github/ping.payload.json")"
	expect 200
	[ "$(json_field .message)" = pong ]
	[ "$(task_count "factory.io/delivery=$D")" = 0 ]
}

@test "F2 form-encoded delivery: decoded like JSON, never 500" {
	printf 'payload=%s' "$(jq -sRr @uri "$P")" >"$P.form"
	CT=application/x-www-form-urlencoded gh "$P.form" "X-Hub-Signature-256: $(sign "$SECRET" "$P.form")"
	expect 201
	[ "$(task_count "factory.io/delivery=$D")" = 1 ]
	printf 'payload=%%zz' >"$P.bad"
	CT=application/x-www-form-urlencoded gh "$P.bad" "X-Hub-Signature-256: $(sign "$SECRET" "$P.bad")"
	expect 400 '{"error":"form body without a valid payload field"}'
}

@test "F3 charset parameter, lower-case names, extra spaces: accepted" {
	D=$(uuid)
	req_file POST /webhooks/github "$P" "x-github-event:   issues" "x-github-delivery: $D" \
		"content-type: application/json; charset=utf-8" \
		"x-hub-signature-256:    $(sign "$SECRET" "$P")"
	expect 201
	[ "$(task_count "factory.io/delivery=$D")" = 1 ]
}

@test "F4 secret set, unsigned delivery: 401, no task" {
	gh "$P"
	expect 401 '{"error":"invalid signature"}'
	[ "$(task_count "factory.io/delivery=$D")" = 0 ]
}

@test "F5 malformed signature headers: 401 each, no crash" {
	local good
	good=$(sign "$SECRET" "$P" | cut -c8-)
	for s in "bogus=$good" "sha256=${good:0:63}" "sha256=${good:0:63}g" "" "sha1=${good:0:40}" \
		"sha256=$good extra" "SHA256=$good"; do
		gh "$P" "X-Hub-Signature-256: $s"
		expect 401 '{"error":"invalid signature"}'
	done
	[ "$FW_RC" = 0 ]
}

@test "F6 Expect: 100-continue answered at once over a real socket" {
	local body
	activate
	body=$(jq -nc --arg t "$(head -c 2048 /dev/zero | tr '\0' y)" '{repo: "https://github.com/o/r", task: $t}')
	run curl -sS -o /dev/null -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' \
		-H 'Expect: 100-continue' --expect100-timeout 3 -d "$body" "$URL/api/v1/tasks"
	deactivate
	read -r code secs <<<"$output"
	[ "$code" = 201 ]
	awk -v s="$secs" 'BEGIN { exit !(s < 1) }'
}

@test "F7 unread input never turns the response into a reset (raw socket)" {
	activate
	run python3 - "$PORT" <<-'PY'
	import socket, sys
	def exchange(data):
	    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
	    try:
	        s.sendall(data)
	    except OSError:
	        pass
	    out = b""
	    while True:
	        chunk = s.recv(65536)
	        if not chunk:
	            break
	        out += chunk
	    s.close()
	    return out.split(b"\r\n")[0].decode()
	big = b"X-Pad: " + b"a" * 15000 + b"\r\n"
	print(exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + big + b"\r\n"))
	print(exchange(b"POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 3000000\r\n\r\n" + b"a" * 3000000))
	PY
	deactivate
	[ "${lines[0]}" = "HTTP/1.1 200 OK" ]
	[ "${lines[1]}" = "HTTP/1.1 413 Content Too Large" ]
}

@test "F8 a 260 KB issue body of emoji: task created, text intact" {
	python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["issue"]["body"]="\U0001F600"*65536; json.dump(p, open(sys.argv[2],"w"), ensure_ascii=False)' "$P" "$P.big"
	[ "$(stat -c %s "$P.big")" -gt 260000 ]
	gh "$P.big" "X-Hub-Signature-256: $(sign "$SECRET" "$P.big")"
	expect 201
	task_get "$(json_field .task)" | jq -e '.spec.task | split("\n\n")[1] == ("\ud83d\ude00" * 65536)'
}

@test "F9 short body with the connection left open: 408; complete requests at once" {
	local start
	{ printf 'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n01234567890123456789'; sleep 3; } |
		REQUEST_TIMEOUT_SECONDS=1 "$FW" >"$RESP" 2>>"$ERR"
	expect 408
	start=$(date +%s%N)
	{ req POST /api/v1/tasks '{"repo":"https://github.com/o/r","task":"open"}' 'Content-Type: application/json'; sleep 3; } |
		"$FW" >"$RESP" 2>>"$ERR" &
	for _ in $(seq 40); do [ -s "$RESP" ] && break; sleep 0.05; done
	expect 201
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 2000 ]
	wait
}

@test "F10 chunked body decoded and created; chunked plus Content-Length 400" {
	local body='{"repo":"https://github.com/o/r","task":"chunked F10"}'
	fw_raw "POST /api/v1/tasks HTTP/1.1"$'\r\n'"Content-Type: application/json"$'\r\n'"Transfer-Encoding: chunked"$'\r\n\r\n'"$(printf '%x' ${#body})"$'\r\n'"$body"$'\r\n0\r\n\r\n'
	expect 201
	task_get "$(json_field .name)" | jq -e '.spec.task == "chunked F10"'
	fw_raw "POST /api/v1/tasks HTTP/1.1"$'\r\n'"Transfer-Encoding: chunked"$'\r\n'"Content-Length: 5"$'\r\n'"Content-Type: application/json"$'\r\n\r\n'"0"$'\r\n\r\n'
	expect 400
}

@test "F11 null issue body: the title line only, never (null)" {
	jq '.issue.body = null' "$FIXTURES/github/issues.opened.with-empty-body.payload.json" |
		jq '.action = "labeled" | .label = {"name": "factory:do"}' >"$P.null"
	gh "$P.null" "X-Hub-Signature-256: $(sign "$SECRET" "$P.null")"
	expect 201
	task_get "$(json_field .task)" | jq -e --slurpfile p "$P.null" \
		'.spec.task == "GitHub Issue #\($p[0].issue.number): \($p[0].issue.title)"'
}

@test "F12 the same delivery twice and ten times at once: one task, every answer 2xx" {
	local d i
	d=$(uuid)
	{
		printf 'POST /webhooks/github HTTP/1.1\r\nX-GitHub-Event: issues\r\nX-GitHub-Delivery: %s\r\n' "$d"
		printf 'Content-Type: application/json\r\nX-Hub-Signature-256: %s\r\nContent-Length: %s\r\n\r\n' \
			"$(sign "$SECRET" "$P")" "$(stat -c %s "$P")"
		cat "$P"
	} >"$P.req"
	for i in 1 2; do fw_raw "@$P.req"; [[ $(status_code) == 2?? ]]; done
	[ "$(at_once 10 "$P.req")" = "10 HTTP/1.1 200 OK" ]
	[ "$(task_count "factory.io/delivery=$d")" = 1 ]
}

@test "F13 token file ending in LF, CRLF or spaces: the API server sees the bare token" {
	for end in $'\n' $'\r\n' '   ' $'\t\n\n'; do
		printf '%s%s' "$LIMITED_TOKEN" "$end" >"$BATS_TEST_TMPDIR/tok"
		KUBE_TOKEN_FILE=$BATS_TEST_TMPDIR/tok fw_raw "$(req POST /api/v1/tasks '{"repo":"https://github.com/o/r","task":"F13"}' 'Content-Type: application/json')"
		expect 201
	done
}

@test "F14 100,000 nested brackets: 400, no crash" {
	head -c 100000 /dev/zero | tr '\0' '[' >"$BATS_TEST_TMPDIR/deep"
	req_file POST /api/v1/tasks "$BATS_TEST_TMPDIR/deep" 'Content-Type: application/json'
	expect 400
	[ "$FW_RC" = 0 ]
}
