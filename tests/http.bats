#!/usr/bin/env bats
# HTTP handling on raw bytes piped into the handler: routing, methods,
# framing and the response format.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "GET /healthz answers 200 ok with the common headers" {
	fw_raw $'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'
	expect 200 ok
	[ "$(resp_header Content-Type)" = "text/plain; charset=utf-8" ]
	[ "$(resp_header Content-Length)" = 3 ]
	[ "$(resp_header Connection)" = close ]
	[[ $(resp_header Date) =~ ^[A-Z][a-z]{2},\ [0-9]{2}\ [A-Z][a-z]{2}\ [0-9]{4}\ [0-9:]{8}\ GMT$ ]]
	[[ $(resp_header X-Request-Id) =~ ^[0-9a-f]{16}$ ]]
	[ "$FW_RC" = 0 ]
}

@test "HEAD /healthz has the GET headers and no body" {
	fw_raw $'HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n'
	expect 200 ""
	[ "$(resp_header Content-Length)" = 3 ]
}

@test "HTTP/1.0 and a query string are accepted" {
	fw_raw $'GET /healthz?probe=1 HTTP/1.0\r\n\r\n'
	expect 200 ok
}

@test "unknown path is 404 with a JSON error" {
	fw_raw $'GET /nope HTTP/1.1\r\nHost: x\r\n\r\n'
	expect 404 '{"error":"not found"}'
	[ "$(resp_header Content-Type)" = application/json ]
}

@test "known path with another method is 405 with Allow" {
	fw_raw $'DELETE /api/v1/tasks HTTP/1.1\r\nHost: x\r\n\r\n'
	expect 405 '{"error":"method DELETE not allowed; use POST"}'
	[ "$(resp_header Allow)" = POST ]
	fw_raw $'POST /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n'
	expect 405
	[ "$(resp_header Allow)" = "GET, HEAD" ]
	fw_raw $'GET /webhooks/github HTTP/1.1\r\n\r\n'
	expect 405
}

@test "other HTTP versions are 505" {
	fw_raw $'GET /healthz HTTP/2.0\r\n\r\n'
	expect 505 '{"error":"only HTTP/1.0 and HTTP/1.1 are supported"}'
	fw_raw $'GET /healthz HTTP/1.2\r\n\r\n'
	expect 505
}

@test "malformed request lines are 400" {
	fw_raw $'GET\r\n\r\n'
	expect 400 '{"error":"malformed request line"}'
	fw_raw $'GET  /healthz HTTP/1.1\r\n\r\n'
	expect 400
	fw_raw $'GET healthz HTTP/1.1\r\n\r\n'
	expect 400 '{"error":"request target must be an absolute path"}'
	fw_raw $'G\x01T /healthz HTTP/1.1\r\n\r\n'
	expect 400
}

@test "bare LF, obsolete folding and control characters in headers are 400" {
	fw_raw $'GET /healthz HTTP/1.1\nHost: x\n\n'
	expect 400 '{"error":"line ends must be CRLF, bare LF found"}'
	fw_raw $'GET /healthz HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n'
	expect 400 '{"error":"obsolete header line folding is not accepted"}'
	fw_raw $'GET /healthz HTTP/1.1\r\nX-A: a\x01b\r\n\r\n'
	expect 400 '{"error":"control character in header X-A"}'
	fw_raw $'GET /healthz HTTP/1.1\r\nX-A : a\r\n\r\n'
	expect 400 '{"error":"malformed header field"}'
	printf 'GET /healthz HTTP/1.1\r\nX-A: a\0b\r\n\r\n' >"$BATS_TEST_TMPDIR/nul"
	fw_raw "@$BATS_TEST_TMPDIR/nul"
	expect 400 '{"error":"control character in header X-A"}'
}

@test "request line over 8 KiB is 414" {
	local long
	long=$(head -c 9000 /dev/zero | tr '\0' a)
	fw_raw "GET /$long HTTP/1.1"$'\r\n\r\n'
	expect 414 '{"error":"request line longer than 8192 bytes"}'
}

@test "header block over 32 KiB or over 100 fields is 431" {
	local big i many=""
	big=$(head -c 33000 /dev/zero | tr '\0' a)
	fw_raw "GET /healthz HTTP/1.1"$'\r\n'"X-Big: $big"$'\r\n\r\n'
	expect 431 '{"error":"request header block larger than 32768 bytes"}'
	for i in $(seq 101); do many+="X-$i: v"$'\r\n'; done
	fw_raw "GET /healthz HTTP/1.1"$'\r\n'"$many"$'\r\n'
	expect 431 '{"error":"more than 100 header fields"}'
}

@test "15 KB of extra headers still gets 200" {
	local big
	big=$(head -c 15000 /dev/zero | tr '\0' a)
	fw_raw "GET /healthz HTTP/1.1"$'\r\n'"X-Big: $big"$'\r\n\r\n'
	expect 200 ok
}

@test "POST without a length is 411" {
	fw_raw $'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\n\r\n'
	expect 411 '{"error":"a body needs Content-Length or chunked Transfer-Encoding"}'
}

@test "bad Content-Length values are refused" {
	fw_raw $'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n'
	expect 400 '{"error":"Content-Length must be digits only"}'
	fw_raw $'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}'
	expect 400 '{"error":"conflicting Content-Length values"}'
	fw_raw $'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999999\r\n\r\n'
	expect 413
}

@test "body over MAX_BODY_BYTES is 413 before the body is read" {
	MAX_BODY_BYTES=2048 fw_raw $'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n'
	expect 413 '{"error":"request body larger than 2048 bytes"}'
}

@test "chunked with Content-Length is 400, other codings 501" {
	fw_raw $'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
	expect 400 '{"error":"Content-Length and Transfer-Encoding together"}'
	fw_raw $'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n'
	expect 501 '{"error":"only Transfer-Encoding: chunked is supported"}'
}

@test "malformed chunked body is 400" {
	fw_raw $'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'
	expect 400 '{"error":"malformed chunked body"}'
}

@test "body shorter than Content-Length is 400 at EOF" {
	fw_raw $'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"repo":'
	expect 400 '{"error":"connection closed after 8 body bytes"}'
}

@test "stalled client gets 408 after REQUEST_TIMEOUT_SECONDS" {
	local start
	start=$SECONDS
	{ printf 'POST /api/v1/tasks HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":'; sleep 2; } |
		REQUEST_TIMEOUT_SECONDS=1 "$FW" >"$RESP" 2>>"$ERR"
	expect 408 '{"error":"request body not received within the deadline"}'
	{ printf 'GET /healthz HTTP/1.1\r\n'; sleep 2; } |
		REQUEST_TIMEOUT_SECONDS=1 "$FW" >"$RESP" 2>>"$ERR"
	expect 408
}

@test "Expect other than 100-continue is 417" {
	fw_raw $'POST /api/v1/tasks HTTP/1.1\r\nExpect: magic\r\nContent-Length: 0\r\n\r\n'
	expect 417
}

@test "one log line per request, without the body" {
	fw_raw "$(req POST /api/v1/tasks '{"repo":"https://x.example/r","task":"SECRET-TEXT","githubToken":"ghp_sekrit"}' 'Content-Type: application/json')"
	[ "$(grep -c 'path=/api/v1/tasks' "$ERR")" = 1 ]
	grep -q 'method=POST path=/api/v1/tasks status=' "$ERR"
	! grep -q 'SECRET-TEXT\|ghp_sekrit' "$ERR"
}

@test "journal stream gets syslog priority prefixes" {
	local j=$BATS_TEST_TMPDIR/journal st
	: >"$j"
	st=$(stat -c '%d:%i' "$j")
	printf 'GET /nope HTTP/1.1\r\n\r\n' | JOURNAL_STREAM=$st "$FW" >"$RESP" 2>>"$j"
	printf 'GET /healthz HTTP/1.1\r\n\r\n' | JOURNAL_STREAM=$st "$FW" >"$RESP" 2>>"$j"
	grep -q '^<6>time=.* path=/nope status=404 ' "$j"
	grep -q '^<6>time=.* path=/healthz status=200 ' "$j"
	printf 'GET /healthz HTTP/1.1\r\n\r\n' | JOURNAL_STREAM=1:2 "$FW" >"$RESP" 2>"$j"
	grep -q '^time=' "$j"
}

@test "client address: REMOTE_ADDR, TCPREMOTEIP, REMOTE_HOST, else the socket's peer" {
	REMOTE_ADDR=192.0.2.1 TCPREMOTEIP=192.0.2.2 fw_raw $'GET /healthz HTTP/1.1\r\n\r\n'
	grep -q 'client=192.0.2.1 ' "$ERR"
	TCPREMOTEIP=192.0.2.2 REMOTE_HOST=192.0.2.3 fw_raw $'GET /healthz HTTP/1.1\r\n\r\n'
	grep -q 'client=192.0.2.2 ' "$ERR"
	REMOTE_HOST=192.0.2.3 fw_raw $'GET /healthz HTTP/1.1\r\n\r\n'
	grep -q 'client=192.0.2.3 ' "$ERR"
	activate
	curl -fsS "$URL/healthz" >/dev/null
	deactivate
	grep -q 'client=127.0.0.1 method=GET path=/healthz status=200' "$ERR"
}
