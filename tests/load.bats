#!/usr/bin/env bats
# 200 concurrent requests over a real socket: every valid task created once,
# every other request answered with its documented status, and no process
# left once the deadline has passed.

load helpers

setup() {
	common_setup
	export GITHUB_WEBHOOK_SECRET=load-secret REQUEST_TIMEOUT_SECONDS=4
	activate GITHUB_WEBHOOK_SECRET REQUEST_TIMEOUT_SECONDS
}
teardown() {
	deactivate
	common_teardown
}

@test "200 concurrent: valid, forged, oversize and stalled requests" {
	local run_id
	run_id=$(uuid)
	labeled_payload factory:do >"$BATS_TEST_TMPDIR/p"
	python3 "$BATS_TEST_DIRNAME/mixed_load.py" "$PORT" "$run_id" "$BATS_TEST_TMPDIR/p" >"$BATS_TEST_TMPDIR/out"
	awk '{print $1, $3}' "$BATS_TEST_TMPDIR/out" | sort | uniq -c | tr -s ' ' >"$BATS_TEST_TMPDIR/summary"
	cat "$BATS_TEST_TMPDIR/summary" >&2
	diff -u - "$BATS_TEST_TMPDIR/summary" <<-EOF
	 50 forged 401
	 50 oversize 413
	 50 stalled 408
	 50 valid 201
	EOF
	kube GET "$CRD_PATH/namespaces/team-a/softwaretasks" |
		jq -e --arg id "$run_id" '[.items[] | select(.spec.task | startswith($id + " ")) | .spec.task] |
			(length == 50) and (unique | length == 50)'
	sleep 1
	! pgrep -f "^$FW\$"
}
