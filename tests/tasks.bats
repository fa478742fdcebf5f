#!/usr/bin/env bats
# POST /api/v1/tasks against the real API server: what the client reads and
# what the API server stores.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# The body of the seed's curl example, exactly as the seed writes it.
SEED_BODY=$(cat "$FIXTURES/seed-task.json")

post() { fw_raw "$(req POST /api/v1/tasks "$1" 'Content-Type: application/json' "${@:2}")"; }

@test "the seed's example creates a task with every field" {
	post "$SEED_BODY"
	expect 201
	name=$(json_field .name)
	[[ $name =~ ^task-[0-9]{13}$ ]]
	[ "$(json_field .namespace)" = team-a ]
	[ "$(json_field .message)" = "Task created. Watch with: kubectl get st $name -n team-a -w" ]
	task_get "$name" >"$BATS_TEST_TMPDIR/obj"
	jq -e --arg n "$name" '
		.metadata.name == $n and
		.metadata.labels == {"factory.io/source": "api"} and
		.spec == {
			repo: "https://github.com/yourorg/yourapp",
			task: "Add dark mode support",
			branch: "main", agent: "claude-code",
			credentials: {secretRef: "factory-creds"},
			skills: ["go-expert", "testing"],
			mcpServers: [{name: "internal-tools", url: "https://mcp.internal.com/sse"}],
			maxRetries: 2,
			callbackURL: "https://hooks.example.com/done",
			gitAuthorName: "Factory Bot", gitAuthorEmail: "bot@example.com"
		}' "$BATS_TEST_TMPDIR/obj"
}

@test "defaults: branch main, agent claude-code, secret factory-creds, CRD maxRetries" {
	post '{"repo":"https://github.com/o/r","task":"fix it"}'
	expect 201
	task_get "$(json_field .name)" | jq -e '.spec == {repo: "https://github.com/o/r",
		task: "fix it", branch: "main", agent: "claude-code",
		credentials: {secretRef: "factory-creds"}, maxRetries: 1}'
}

@test "githubToken, resources and stdio MCP servers reach the spec" {
	post '{"repo":"https://github.com/o/r","task":"t","githubToken":"ghp_x","agent":"codex",
		"resources":{"cpu":"500m","memory":"2Gi","timeoutMinutes":60},
		"mcpServers":[{"name":"fs","command":"mcp-fs","args":["--root","/w"],"env":[{"name":"A","value":"b"}]},
		{"name":"web","url":"http://mcp:8080","headers":[{"name":"X","valueFrom":{"name":"s","key":"k"}}]}]}'
	expect 201
	task_get "$(json_field .name)" | jq -e '
		.spec.credentials == {secretRef: "factory-creds", githubToken: "ghp_x"} and
		.spec.agent == "codex" and
		.spec.resources == {cpu: "500m", memory: "2Gi", timeoutMinutes: 60} and
		.spec.mcpServers[0] == {name: "fs", command: "mcp-fs", args: ["--root", "/w"], env: [{name: "A", value: "b"}]} and
		.spec.mcpServers[1].headers[0].valueFrom == {name: "s", key: "k"}'
}

@test "the default namespace leaves -n out of the watch command" {
	NAMESPACE=default post '{"repo":"https://github.com/o/r","task":"t"}'
	expect 201
	name=$(json_field .name)
	[ "$(json_field .message)" = "Task created. Watch with: kubectl get st $name -w" ]
	task_get "$name" default | jq -e '.metadata.namespace == "default"'
}

@test "validation errors name the field and create nothing" {
	local before
	before=$(task_count factory.io/source=api)
	check() {
		post "$1"
		expect 400 "{\"error\":\"$2\"}"
	}
	check '{"task":"t"}' 'repo: is required'
	check '{"repo":"https://github.com/o/r"}' 'task: is required'
	check '{"repo":"http://github.com/o/r","task":"t"}' 'repo: must be an https:// URL with a host'
	check '{"repo":"https:///o/r","task":"t"}' 'repo: must be an https:// URL with a host'
	check '{"repo":"https://h/r","task":"  "}' 'task: must not be blank'
	check '{"repo":"https://h/r","task":""}' 'task: must not be empty'
	check '{"repo":"https://h/r","task":7}' 'task: must be a string'
	check '{"repo":"https://h/r","task":"t","maxRetries":6}' 'maxRetries: must be an integer from 0 to 5'
	check '{"repo":"https://h/r","task":"t","maxRetries":1.5}' 'maxRetries: must be an integer from 0 to 5'
	check '{"repo":"https://h/r","task":"t","maxRetries":"2"}' 'maxRetries: must be an integer from 0 to 5'
	check '{"repo":"https://h/r","task":"t","agent":"gpt"}' 'agent: must be one of claude-code, codex, open-code'
	check '{"repo":"https://h/r","task":"t","secretRef":"Bad_Name"}' 'secretRef: must be a valid Kubernetes object name'
	check '{"repo":"https://h/r","task":"t","branch":"a..b"}' 'branch: must be a valid git branch name'
	check '{"repo":"https://h/r","task":"t","skills":"x"}' 'skills: must be an array of strings'
	check '{"repo":"https://h/r","task":"t","skills":["ok","NO"]}' 'skills[1]: must be a valid Kubernetes object name'
	check '{"repo":"https://h/r","task":"t","mcpServers":[{"url":"https://m"}]}' 'mcpServers[0].name: is required'
	check '{"repo":"https://h/r","task":"t","mcpServers":[{"name":"m"}]}' 'mcpServers[0]: needs url or command'
	check '{"repo":"https://h/r","task":"t","mcpServers":[{"name":"m","url":"ftp://m"}]}' 'mcpServers[0].url: must be an http or https URL'
	check '{"repo":"https://h/r","task":"t","mcpServers":[{"name":"m","url":"https://m","command":"c"}]}' 'mcpServers[0]: url and command are mutually exclusive'
	check '{"repo":"https://h/r","task":"t","mcpServers":[{"name":"m","url":"https://m","x":1}]}' 'mcpServers[0].x: unknown field'
	check '{"repo":"https://h/r","task":"t","callbackURL":"javascript:x"}' 'callbackURL: must be an http or https URL'
	check '{"repo":"https://h/r","task":"t","gitAuthorEmail":"nobody"}' 'gitAuthorEmail: must be an email address'
	check '{"repo":"https://h/r","task":"t","resources":{"timeoutMinutes":0}}' 'resources.timeoutMinutes: must be an integer from 1 to 120'
	check '{"repo":"https://h/r","task":"t","resources":{"cpu":"lots"}}' 'resources.cpu: must be a quantity such as \"2\", \"500m\" or \"4Gi\"'
	check '{"repo":"https://h/r","task":"t","colour":"red"}' 'colour: unknown field'
	check '{"repo":"https://h/r","task":"t","task":"u"}' 'task: duplicate field'
	check '{"repo":"https://h/r","task":"t","a\u0001":1}' 'body: field names must not contain control characters'
	check '{"repo":"https://h/r","task":"t"} x' 'trailing bytes after the JSON document'
	check '{"repo":"https://h/r",' 'invalid JSON at byte 21'
	check '[]' 'body must be a JSON object'
	[ "$(task_count factory.io/source=api)" = "$before" ]
}

@test "100,000 nested brackets are 400, not a crash" {
	head -c 100000 /dev/zero | tr '\0' '[' >"$BATS_TEST_TMPDIR/deep"
	req_file POST /api/v1/tasks "$BATS_TEST_TMPDIR/deep" 'Content-Type: application/json'
	expect 400
	[[ $(resp_body) == '{"error":"invalid JSON at byte '* ]]
}

@test "invalid UTF-8 and NUL bytes are 400" {
	printf '{"repo":"https://h/r","task":"\xff"}' >"$BATS_TEST_TMPDIR/b"
	req_file POST /api/v1/tasks "$BATS_TEST_TMPDIR/b" 'Content-Type: application/json'
	expect 400 '{"error":"body is not valid UTF-8"}'
	printf '{"repo":"https://h/r","task":"\0"}' >"$BATS_TEST_TMPDIR/b"
	req_file POST /api/v1/tasks "$BATS_TEST_TMPDIR/b" 'Content-Type: application/json'
	expect 400 '{"error":"NUL byte in JSON body"}'
}

@test "Content-Type must be JSON; parameters are allowed" {
	fw_raw "$(req POST /api/v1/tasks '{}' 'Content-Type: text/plain')"
	expect 415 '{"error":"Content-Type must be application/json"}'
	fw_raw "$(req POST /api/v1/tasks '{"repo":"https://github.com/o/r","task":"t"}' 'Content-Type: Application/JSON; charset=utf-8')"
	expect 201
}

@test "a chunked body is decoded and creates a task" {
	local body='{"repo":"https://github.com/o/chunked","task":"chunks"}'
	fw_raw "POST /api/v1/tasks HTTP/1.1"$'\r\n'"Content-Type: application/json"$'\r\n'"Transfer-Encoding: chunked"$'\r\n\r\n'"$(printf '%x' 16)"$'\r\n'"${body:0:16}"$'\r\n'"$(printf '%x;ext=1' $((${#body} - 16)))"$'\r\n'"${body:16}"$'\r\n0\r\nX-Trailer: y\r\n\r\n'
	expect 201
	task_get "$(json_field .name)" | jq -e '.spec.repo == "https://github.com/o/chunked" and .spec.task == "chunks"'
}

@test "Idempotency-Key: a retried request answers 200 with the same task" {
	local key
	key=retry-$(uuid)
	post '{"repo":"https://github.com/o/r","task":"once"}' "Idempotency-Key: $key"
	expect 201
	name=$(json_field .name)
	[[ $name =~ ^task-[0-9a-f]{20}$ ]]
	post '{"repo":"https://github.com/o/r","task":"once"}' "Idempotency-Key: $key"
	expect 200
	[ "$(json_field .name)" = "$name" ]
	[ "$(json_field .message)" = "Task already exists for this Idempotency-Key. Watch with: kubectl get st $name -n team-a -w" ]
	post '{"repo":"https://github.com/o/r","task":"t"}' "Idempotency-Key: $(head -c 129 /dev/zero | tr '\0' k)"
	expect 400 '{"error":"Idempotency-Key must be 1 to 128 printable ASCII characters"}'
}

@test "optional bearer token: 401 without it, 201 with any configured one" {
	printf 'old-token\r\nnew-token\n' >"$BATS_TEST_TMPDIR/tokens"
	export API_TOKEN_FILE=$BATS_TEST_TMPDIR/tokens
	post '{"repo":"https://github.com/o/r","task":"t"}'
	expect 401 '{"error":"missing or wrong bearer token"}'
	[ "$(resp_header WWW-Authenticate)" = 'Bearer realm="factory-webhook"' ]
	post '{"repo":"https://github.com/o/r","task":"t"}' 'Authorization: Bearer wrong'
	expect 401
	post '{"repo":"https://github.com/o/r","task":"t"}' 'Authorization: Bearer new-token'
	expect 201
	API_TOKEN=solo post '{"repo":"https://github.com/o/r","task":"t"}' 'Authorization: bearer solo'
	expect 201
	! grep -q 'new-token\|old-token\|solo' "$ERR" "$RESP"
}

@test "DRY_RUN=1 validates against the API server without storing" {
	DRY_RUN=1 post '{"repo":"https://github.com/o/r","task":"dry"}'
	expect 201
	name=$(json_field .name)
	[ "$(task_get "$name" | jq -r .reason)" = NotFound ]
}

@test "a token file with CRLF and spaces is sent bare" {
	printf '  %s\r\n' "$LIMITED_TOKEN" >"$BATS_TEST_TMPDIR/tok"
	KUBE_TOKEN_FILE=$BATS_TEST_TMPDIR/tok post '{"repo":"https://github.com/o/r","task":"t"}'
	expect 201
}

@test "no Kubernetes credentials is 503 naming what to set" {
	unset KUBE_API_SERVER KUBE_TOKEN_FILE
	post '{"repo":"https://github.com/o/r","task":"t"}'
	expect 503 '{"error":"no Kubernetes credentials: set KUBE_API_SERVER with KUBE_TOKEN_FILE (and KUBE_CA_FILE), or KUBECONFIG, or run in a cluster with a service account"}'
}

@test "forbidden namespace is 502 naming the permission" {
	NAMESPACE=team-b post '{"repo":"https://github.com/o/r","task":"t"}'
	expect 502
	[[ $(json_field .error) == 'Kubernetes denied access: the credentials need permission to create softwaretasks.factory.factory.io in namespace "team-b" ('*'limited-user'* ]]
}

@test "a missing namespace is 502 saying so" {
	KUBE_TOKEN_FILE=$ADMIN_TOKEN_FILE NAMESPACE=no-such-ns post '{"repo":"https://github.com/o/r","task":"t"}'
	expect 502 '{"error":"namespace \"no-such-ns\" does not exist in Kubernetes; create it or set NAMESPACE"}'
}

@test "an unreachable API server is 503 with Retry-After" {
	KUBE_API_SERVER=https://127.0.0.1:$(free_port) post '{"repo":"https://github.com/o/r","task":"t"}'
	expect 503
	[[ $(json_field .error) == 'Kubernetes API server unreachable: '* ]]
	[ "$(resp_header Retry-After)" = 5 ]
}

@test "TLS is verified: a wrong CA is 503" {
	KUBE_CA_FILE=/etc/ssl/certs/ca-certificates.crt post '{"repo":"https://github.com/o/r","task":"t"}'
	expect 503
	[[ $(json_field .error) == 'Kubernetes API server unreachable: '*certificate* ]]
}

@test "/readyz: 200 for the limited token in its namespace, 503 with the reason elsewhere" {
	fw_raw $'GET /readyz HTTP/1.1\r\n\r\n'
	expect 200 '{"ready":true}'
	NAMESPACE=team-b fw_raw $'GET /readyz HTTP/1.1\r\n\r\n'
	expect 503 '{"ready":false,"reason":"the credentials may not create softwaretasks.factory.factory.io in namespace \"team-b\""}'
	KUBE_API_SERVER=https://127.0.0.1:$(free_port) fw_raw $'GET /readyz HTTP/1.1\r\n\r\n'
	expect 503
	[[ $(json_field .reason) == "Kubernetes API server unreachable: "* ]]
	unset KUBE_API_SERVER
	fw_raw $'GET /readyz HTTP/1.1\r\n\r\n'
	expect 503 '{"ready":false,"reason":"no Kubernetes credentials: set KUBE_API_SERVER with KUBE_TOKEN_FILE (and KUBE_CA_FILE), or KUBECONFIG, or run in a cluster with a service account"}'
}

@test "hostile strings: \\u0000, raw control bytes, header injection, git-invalid branches" {
	post '{"repo":"https://github.com/o/r","task":"rm -rf\u0000 hidden"}'
	expect 400 '{"error":"control character or \\u0000 in a JSON string at byte 47"}'
	post '{"repo":"https://github.com/o/r","branch\u0000zzz":"dev","task":"t"}'
	expect 400
	post "$(printf '{"repo":"https://github.com/o/r","task":"a\nb"}')"
	expect 400 '{"error":"control character or \\u0000 in a JSON string at byte 42"}'
	post '{"repo":"https://github.com/o/r","task":"t","mcpServers":[{"name":"m","url":"https://m","headers":[{"name":"X","value":"a\r\nInjected: 1"}]}]}'
	expect 400 '{"error":"mcpServers[0].headers[0]: a header needs a token name and a value without control characters"}'
	post '{"repo":"https://github.com/o/r","task":"t","mcpServers":[{"name":"m","url":"https://m","headers":[{"name":"a b:c","value":"v"}]}]}'
	expect 400
	for b in .hidden/x a/.b HEAD a.lock/b a/./b @; do
		post "{\"repo\":\"https://github.com/o/r\",\"task\":\"t\",\"branch\":\"$b\"}"
		expect 400 '{"error":"branch: must be a valid git branch name"}'
	done
}

@test "responses stay valid UTF-8 when an echoed value is cut or raw" {
	local name
	name=$(printf 'é%.0s' $(seq 300))
	post "{\"$name\":1}"
	expect 400
	resp_body | python3 -c 'import sys, json; json.loads(sys.stdin.buffer.read().decode("utf-8"))'
}
