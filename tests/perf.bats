#!/usr/bin/env bats
# Cheap paths stay cheap: counted in instructions (valgrind), never in time.

load helpers

setup() { common_setup; FW=$FW_PLAIN; }
teardown() { common_teardown; }

instructions() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$FW" <"$1" 2>&1 >/dev/null |
		sed -n 's/.*Collected : //p'
}

@test "/healthz loads neither libcurl nor libcrypto: under 1.5 million instructions" {
	local n
	printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' >"$BATS_TEST_TMPDIR/req"
	n=$(instructions "$BATS_TEST_TMPDIR/req")
	echo "healthz: $n instructions" >&2
	# libcrypto alone costs about 3 million to load, libcurl about 12 million.
	[ "$n" -lt 1500000 ]
	! ldd "$FW" | grep -E 'libcurl|libcrypto|libssl'
}

@test "an ignored, signed GitHub delivery stays under 4 million instructions" {
	local n p=$BATS_TEST_TMPDIR/p
	labeled_payload factory:do >"$p"
	{
		printf 'POST /webhooks/github HTTP/1.1\r\nX-GitHub-Event: issue_comment\r\n'
		printf 'Content-Type: application/json\r\nX-Hub-Signature-256: %s\r\n' "$(sign perf-secret "$p")"
		printf 'Content-Length: %s\r\n\r\n' "$(stat -c %s "$p")"
		cat "$p"
	} >"$BATS_TEST_TMPDIR/req"
	n=$(GITHUB_WEBHOOK_SECRET=perf-secret instructions "$BATS_TEST_TMPDIR/req")
	echo "ignored delivery: $n instructions" >&2
	[ "$n" -lt 4000000 ]
}

@test "a validation error does not load libcurl" {
	local n
	req POST /api/v1/tasks '{"repo":"https://h/r","task":"t","maxRetries":9}' 'Content-Type: application/json' >"$BATS_TEST_TMPDIR/req"
	n=$(instructions "$BATS_TEST_TMPDIR/req")
	echo "validation error: $n instructions" >&2
	[ "$n" -lt 1500000 ]
}
