#!/usr/bin/env bats
# POST /webhooks/github with real GitHub payloads against the real API server.

load helpers

SECRET="It's a Secret to Everybody"

setup() {
	common_setup
	export GITHUB_WEBHOOK_SECRET=$SECRET
	P=$BATS_TEST_TMPDIR/payload
	labeled_payload factory:do >"$P"
}
teardown() { common_teardown; }

# deliver EVENT FILE [HEADER...]: a signed delivery as GitHub sends it.
deliver() {
	local event=$1 file=$2
	shift 2
	DELIVERY=${DELIVERY:-$(uuid)}
	req_file POST /webhooks/github "$file" "X-GitHub-Event: $event" \
		"X-GitHub-Delivery: $DELIVERY" "X-GitHub-Hook-ID: 42" \
		"User-Agent: GitHub-Hookshot/abc123" \
		"Content-Type: ${CT:-application/json}" \
		"X-Hub-Signature-256: ${SIG:-$(sign "$SECRET" "$file")}" "$@"
}

@test "a signed factory:do delivery creates exactly one task" {
	deliver issues "$P"
	expect 201
	name=$(json_field .task)
	[[ $name =~ ^issue-1-[0-9a-f]{10}$ ]]
	[ "$name" = "issue-1-$(printf %s "$DELIVERY" | sha256sum | cut -c1-10)" ]
	[ "$(json_field .namespace)" = team-a ]
	[ "$(json_field .message)" = "Task created from GitHub issue" ]
	[ "$(task_count "factory.io/delivery=$DELIVERY")" = 1 ]
	task_get "$name" | jq -e --arg d "$DELIVERY" --slurpfile p "$P" '
		.spec.repo == "https://github.com/Codertocat/Hello-World.git" and
		.spec.task == "GitHub Issue #1: Spelling error in the README file\n\n" + $p[0].issue.body and
		.spec.agent == "claude-code" and .spec.branch == "main" and
		.spec.credentials == {secretRef: "factory-creds"} and
		.metadata.labels == {"factory.io/source": "github-issue",
			"factory.io/issue-number": "1", "factory.io/delivery": $d} and
		.metadata.annotations == {
			"factory.io/issue-url": "https://github.com/Codertocat/Hello-World/issues/1",
			"factory.io/repository": "Codertocat/Hello-World",
			"factory.io/sender": "Codertocat"}'
	grep -q "event=issues action=labeled delivery=$DELIVERY task=$name" "$ERR"
}

@test "a redelivery answers 200 and creates nothing more" {
	DELIVERY=$(uuid)
	deliver issues "$P"
	expect 201
	name=$(json_field .task)
	deliver issues "$P"
	expect 200 "{\"task\":\"$name\",\"namespace\":\"team-a\",\"message\":\"Task already exists for this delivery\"}"
	[ "$(task_count "factory.io/delivery=$DELIVERY")" = 1 ]
}

@test "wrong, missing and malformed signatures are 401 and create nothing" {
	DELIVERY=$(uuid)
	for s in sha256=0000000000000000000000000000000000000000000000000000000000000000 \
		"sha256=$(sign wrong-secret "$P" | cut -c8-)" bogus=1 sha256= \
		"sha256=$(sign "$SECRET" "$P" | cut -c8-70)" "sha1=abcdef" \
		"sha256=$(sign "$SECRET" "$P" | cut -c8-70)zz"; do
		SIG=$s deliver issues "$P"
		expect 401 '{"error":"invalid signature"}'
	done
	req_file POST /webhooks/github "$P" "X-GitHub-Event: issues" \
		"X-GitHub-Delivery: $DELIVERY" "Content-Type: application/json"
	expect 401 '{"error":"invalid signature"}'
	[ "$(task_count "factory.io/delivery=$DELIVERY")" = 0 ]
	! grep -q "$SECRET" "$ERR" "$RESP"
}

@test "other actions, other labels, other events are 200 ignored" {
	DELIVERY=$(uuid)
	deliver issues "$FIXTURES/github/issues.opened.payload.json"
	expect 200 '{"message":"ignored","reason":"action opened is not handled"}'
	labeled_payload bug >"$P"
	deliver issues "$P"
	expect 200 '{"message":"ignored","reason":"label bug is not the trigger label"}'
	jq '.action = "unlabeled" | .label.name = "factory:do"' \
		"$FIXTURES/github/issues.unlabeled.payload.json" >"$P"
	deliver issues "$P"
	expect 200 '{"message":"ignored","reason":"action unlabeled is not handled"}'
	deliver issue_comment "$FIXTURES/github/issue_comment.created.payload.json"
	expect 200 '{"message":"ignored","reason":"event issue_comment is not handled"}'
	deliver label "$FIXTURES/github/label.created.payload.json"
	expect 200 '{"message":"ignored","reason":"event label is not handled"}'
	[ "$(task_count "factory.io/delivery=$DELIVERY")" = 0 ]
}

@test "labels the issue already carries do not trigger" {
	jq '.label.name = "bug" | .issue.labels = [{"name": "factory:do"}]' "$P" >"$P.2"
	deliver issues "$P.2"
	expect 200 '{"message":"ignored","reason":"label bug is not the trigger label"}'
}

@test "ping answers pong with zen and hook_id" {
	deliver ping "$FIXTURES/github/ping.payload.json"
	expect 200
	resp_body | jq -e --slurpfile p "$FIXTURES/github/ping.payload.json" \
		'. == {message: "pong", zen: $p[0].zen, hook_id: $p[0].hook_id}'
}

@test "form-encoded deliveries are decoded; the signature covers the form" {
	printf 'payload=%s' "$(jq -sRr @uri "$P")" >"$P.form"
	CT=application/x-www-form-urlencoded deliver issues "$P.form"
	expect 201
	[ "$(task_count "factory.io/delivery=$DELIVERY")" = 1 ]
}

@test "lower-case header names, charset and extra spaces are accepted" {
	DELIVERY=$(uuid)
	req_file POST /webhooks/github "$P" "x-github-event:    issues" \
		"x-github-delivery: $DELIVERY" "content-type: application/json; charset=utf-8" \
		"x-hub-signature-256:   $(sign "$SECRET" "$P")  "
	expect 201
}

@test "a null issue body leaves the title line only" {
	jq '.issue.body = null' "$P" >"$P.null"
	deliver issues "$P.null"
	expect 201
	task_get "$(json_field .task)" | jq -e '.spec.task == "GitHub Issue #1: Spelling error in the README file"'
	jq '.issue.body = ""' "$P" >"$P.empty"
	DELIVERY= deliver issues "$P.empty"
	expect 201
	task_get "$(json_field .task)" | jq -e '.spec.task == "GitHub Issue #1: Spelling error in the README file"'
}

@test "no secret configured: accepted, with a warning in the log" {
	unset GITHUB_WEBHOOK_SECRET
	SIG=none deliver issues "$P"
	expect 201
	grep -q 'warning="no webhook secret configured; signature not checked"' "$ERR"
}

@test "two secrets (rotation) from a file: either signature passes" {
	unset GITHUB_WEBHOOK_SECRET
	printf 'old secret\r\n%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/secrets"
	export GITHUB_WEBHOOK_SECRET_FILE=$BATS_TEST_TMPDIR/secrets
	deliver issues "$P"
	expect 201
	DELIVERY= SIG=$(sign "old secret" "$P") deliver issues "$P"
	expect 201
	DELIVERY= SIG=$(sign "other" "$P") deliver issues "$P"
	expect 401
}

@test "TRIGGER_LABEL and the GITHUB_TASK_* defaults are honoured" {
	labeled_payload go >"$P"
	TRIGGER_LABEL=go GITHUB_TASK_AGENT=codex GITHUB_TASK_BRANCH=develop \
		GITHUB_TASK_SECRET_REF=gh-creds deliver issues "$P"
	expect 201
	task_get "$(json_field .task)" | jq -e '.spec.agent == "codex" and
		.spec.branch == "develop" and .spec.credentials.secretRef == "gh-creds"'
}

@test "GITHUB_ALLOWED_REPOS: other repositories are ignored" {
	GITHUB_ALLOWED_REPOS="acme/*, other/repo" deliver issues "$P"
	expect 200 '{"message":"ignored","reason":"repository Codertocat/Hello-World is not in GITHUB_ALLOWED_REPOS"}'
	GITHUB_ALLOWED_REPOS="acme/*,codertocat/*" deliver issues "$P"
	expect 201
}

@test "without X-GitHub-Delivery the name is issue-<n>-<unix-seconds>" {
	req_file POST /webhooks/github "$P" "X-GitHub-Event: issues" \
		"Content-Type: application/json" "X-Hub-Signature-256: $(sign "$SECRET" "$P")"
	expect 201
	[[ $(json_field .task) =~ ^issue-1-[0-9]{10}(-[0-9a-f]{4})?$ ]]
}

@test "missing event header and unsupported content type are refused" {
	req_file POST /webhooks/github "$P" "Content-Type: application/json"
	expect 400 '{"error":"missing X-GitHub-Event header"}'
	CT=text/plain deliver issues "$P"
	expect 415
}

@test "--sign reproduces GitHub's published HMAC vector" {
	run bash -c "printf 'Hello, World!' | GITHUB_WEBHOOK_SECRET=\"$SECRET\" '$FW' --sign"
	[ "$status" = 0 ]
	[ "$output" = sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17 ]
}

@test "a 260 KB issue body of emoji arrives intact" {
	python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["issue"]["body"]="\U0001F600"*65536; json.dump(p, open(sys.argv[2],"w"), ensure_ascii=False)' "$P" "$P.big"
	deliver issues "$P.big"
	expect 201
	task_get "$(json_field .task)" | jq -e '.spec.task | endswith("\ud83d\ude00") and (length > 65536)'
}

@test "an empty X-GitHub-Delivery is treated as absent, not as one shared id" {
	req_file POST /webhooks/github "$P" "X-GitHub-Event: issues" "X-GitHub-Delivery:" \
		"Content-Type: application/json" "X-Hub-Signature-256: $(sign "$SECRET" "$P")"
	expect 201
	[[ $(json_field .task) =~ ^issue-1-[0-9]{10}(-[0-9a-f]{4})?$ ]]
}

@test "GITHUB_ALLOWED_REPOS: a clone_url that is not the full_name's is ignored" {
	jq '.repository.clone_url = "https://evil.example/other/repo.git"' "$P" >"$P.evil"
	GITHUB_ALLOWED_REPOS="Codertocat/*" deliver issues "$P.evil"
	expect 200 '{"message":"ignored","reason":"repository.clone_url does not match Codertocat/Hello-World"}'
}
