#!/usr/bin/env bats
# Deployment: xinetd, the --listen accept loop, the installed systemd units,
# make install and the man page.

load helpers

SECRET="It's a Secret to Everybody"

setup() { common_setup; }
teardown() {
	[[ -n ${BG-} ]] && { kill $BG 2>/dev/null || true; wait $BG 2>/dev/null || true; }
	[[ -n ${SYSLOG_PID-} ]] && { kill "$SYSLOG_PID" 2>/dev/null || true; rm -f /dev/log; }
	common_teardown
}

wait_port() {
	for _ in $(seq 100); do
		curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# Collects syslog(3) datagrams sent to /dev/log into $SYSLOG_OUT.
syslog_capture() {
	SYSLOG_OUT=$BATS_TEST_TMPDIR/syslog
	[[ ! -e /dev/log ]] || { echo "/dev/log exists: a syslog daemon runs here" >&2; return 1; }
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
out = open(sys.argv[1], "ab", buffering=0)
while True:
    out.write(s.recv(65536) + b"\n")
' "$SYSLOG_OUT" &
	SYSLOG_PID=$!
	for _ in $(seq 50); do [[ -S /dev/log ]] && return 0; sleep 0.05; done
	return 1
}

@test "xinetd: healthz, a task, a signed delivery; logs go to syslog, not the client" {
	local port conf p d
	syslog_capture
	port=$(free_port)
	conf=$BATS_TEST_TMPDIR/xinetd.conf
	cat >"$conf" <<-CONF
	defaults
	{
		log_type = FILE $BATS_TEST_TMPDIR/xinetd.log
	}
	service factory-webhook
	{
		type        = UNLISTED
		port        = $port
		bind        = 127.0.0.1
		socket_type = stream
		protocol    = tcp
		wait        = no
		user        = root
		server      = $FW
		instances   = 64
		per_source  = 16
		env         = KUBE_API_SERVER=$KUBE_URL KUBE_CA_FILE=$KUBE_CA KUBE_TOKEN_FILE=$LIMITED_TOKEN_FILE NAMESPACE=team-a GITHUB_WEBHOOK_SECRET_FILE=$BATS_TEST_TMPDIR/secret ASAN_OPTIONS=$ASAN_OPTIONS UBSAN_OPTIONS=$UBSAN_OPTIONS
	}
	CONF
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/secret"
	xinetd -dontfork -f "$conf" -pidfile "$BATS_TEST_TMPDIR/xinetd.pid" 2>>"$ERR" &
	BG=$!
	wait_port "$port"
	run curl -sS -i "http://127.0.0.1:$port/healthz"
	[[ ${lines[0]} == $'HTTP/1.1 200 OK\r' ]]
	[ "${lines[-1]}" = ok ]
	[[ $output != *time=* ]]
	run curl -sS -X POST "http://127.0.0.1:$port/api/v1/tasks" -H 'Content-Type: application/json' \
		-d '{"repo":"https://github.com/o/xinetd","task":"via xinetd"}'
	name=$(jq -r .name <<<"$output")
	task_get "$name" | jq -e '.spec.repo == "https://github.com/o/xinetd"'
	p=$BATS_TEST_TMPDIR/p
	labeled_payload factory:do >"$p"
	d=$(uuid)
	run curl -sS -X POST "http://127.0.0.1:$port/webhooks/github" -H 'X-GitHub-Event: issues' \
		-H "X-GitHub-Delivery: $d" -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: $(sign "$SECRET" "$p")" --data-binary "@$p"
	[ "$(jq -r .message <<<"$output")" = "Task created from GitHub issue" ]
	[[ $output != *time=* ]]
	[ "$(task_count "factory.io/delivery=$d")" = 1 ]
	sleep 0.2
	grep -q "factory-webhook\[[0-9]*\]: time=.* path=/healthz status=200" "$SYSLOG_OUT"
	grep -q "path=/webhooks/github status=201 .*delivery=$d task=issue-1-" "$SYSLOG_OUT"
	! grep -q "$SECRET" "$SYSLOG_OUT" "$ERR"
}

@test "--listen: 100 concurrent requests are all answered" {
	local port i pids=()
	port=$(free_port)
	"$FW" --listen "127.0.0.1:$port" 2>>"$ERR" &
	BG=$!
	wait_port "$port"
	for i in $(seq 100); do
		curl -sS -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port/healthz" \
			>>"$BATS_TEST_TMPDIR/codes" &
		pids+=($!)
	done
	wait "${pids[@]}"
	[ "$(sort "$BATS_TEST_TMPDIR/codes" | uniq -c | tr -s ' ')" = " 100 200" ]
}

@test "--listen: SIGTERM mid-load loses no accepted request" {
	local port i run_id ok refused pids=()
	port=$(free_port)
	run_id=$(uuid)
	PORT=$port "$FW" --listen 2>>"$ERR" &
	BG=$!
	wait_port "$port"
	for i in $(seq 60); do
		curl -sS -o "$BATS_TEST_TMPDIR/r$i" -w '%{http_code}\n' -X POST \
			"http://127.0.0.1:$port/api/v1/tasks" -H 'Content-Type: application/json' \
			-d "{\"repo\":\"https://github.com/o/r\",\"task\":\"$run_id $i\"}" \
			>"$BATS_TEST_TMPDIR/c$i" 2>/dev/null &
		pids+=($!)
		[[ $i == 30 ]] && kill -TERM "$BG"
	done
	wait "${pids[@]}" || true	# refused connections make curl exit 7
	wait "$BG"
	ok=$(cat "$BATS_TEST_TMPDIR"/c* | grep -c '^201$' || true)
	refused=$(cat "$BATS_TEST_TMPDIR"/c* | grep -c '^000$' || true)
	# Each request was either served completely or refused before it was
	# accepted; none was cut off.
	[ $((ok + refused)) = 60 ]
	[ "$ok" -ge 1 ]
	kube GET "$CRD_PATH/namespaces/team-a/softwaretasks" |
		jq -e --arg id "$run_id" --argjson n "$ok" '[.items[] | select(.spec.task | startswith($id))] | length == $n'
	! pgrep -f "factory-webhook --listen" >/dev/null || ! kill -0 "$BG" 2>/dev/null
}

install_to() {
	make -s -C "$BATS_TEST_DIRNAME/.." install PREFIX="$1/usr" SYSCONFDIR="$1/etc" PORT=9099 >/dev/null
}

@test "make install puts exactly the documented files in place; uninstall removes them" {
	local d=$BATS_TEST_TMPDIR/root
	make -s -C "$BATS_TEST_DIRNAME/.." install DESTDIR="$d" PORT=9099 >/dev/null
	(cd "$d" && find . -type f | sort) >"$BATS_TEST_TMPDIR/files"
	diff -u - "$BATS_TEST_TMPDIR/files" <<-EOF
	./etc/default/factory-webhook
	./etc/factory-webhook/api-token
	./etc/factory-webhook/github-webhook-secret
	./etc/factory-webhook/kube-token
	./usr/local/bin/factory-webhook
	./usr/local/lib/systemd/system/factory-webhook.socket
	./usr/local/lib/systemd/system/factory-webhook@.service
	./usr/local/share/doc/factory-webhook/factory-webhook.xinetd
	./usr/local/share/doc/factory-webhook/inetd.conf
	./usr/local/share/man/man8/factory-webhook.8
	EOF
	[ "$(stat -c %a "$d/etc/factory-webhook/github-webhook-secret")" = 600 ]
	grep -qx 'ListenStream=9099' "$d/usr/local/lib/systemd/system/factory-webhook.socket"
	grep -qx 'ExecStart=/usr/local/bin/factory-webhook' "$d/usr/local/lib/systemd/system/factory-webhook@.service"
	echo keep >"$d/etc/factory-webhook/api-token"
	make -s -C "$BATS_TEST_DIRNAME/.." install DESTDIR="$d" >/dev/null
	[ "$(cat "$d/etc/factory-webhook/api-token")" = keep ]
	make -s -C "$BATS_TEST_DIRNAME/.." uninstall DESTDIR="$d" >/dev/null
	[ "$(cd "$d" && find . -type f | sort | tr '\n' ' ')" = "./etc/default/factory-webhook ./etc/factory-webhook/api-token ./etc/factory-webhook/github-webhook-secret ./etc/factory-webhook/kube-token " ]
}

@test "systemd-analyze verify passes on the installed units" {
	local d=$BATS_TEST_TMPDIR/sys
	install_to "$d"
	MANPATH=$d/usr/share/man run systemd-analyze verify \
		"$d/usr/lib/systemd/system/factory-webhook.socket" \
		"$d/usr/lib/systemd/system/factory-webhook@.service"
	echo "$output"
	[ "$status" = 0 ]
	[ -z "$output" ]
}

@test "systemd-analyze security rates the service at exposure 2.0 or lower" {
	local d=$BATS_TEST_TMPDIR/sec score
	install_to "$d"
	run systemd-analyze security --offline=yes --threshold=20 --no-pager \
		"$d/usr/lib/systemd/system/factory-webhook@.service"
	echo "$output" | tail -n 3
	[ "$status" = 0 ]
	score=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p' <<<"$output")
	awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'
}

@test "the man page passes mandoc -Tlint without warnings" {
	run mandoc -Tlint -W warning "$BATS_TEST_DIRNAME/../factory-webhook.8"
	echo "$output"
	[ "$status" = 0 ]
	[ -z "$output" ]
}

@test "systemd credentials: secret with LF, CRLF and two values; empty means unset" {
	local c=$BATS_TEST_TMPDIR/creds p=$BATS_TEST_TMPDIR/p
	mkdir "$c"
	labeled_payload factory:do >"$p"
	export CREDENTIALS_DIRECTORY=$c
	for content in "$SECRET"$'\n' "$SECRET"$'\r\n' "old one"$'\r\n'"$SECRET"$'\n'; do
		printf '%s' "$content" >"$c/github-webhook-secret"
		req_file POST /webhooks/github "$p" "X-GitHub-Event: issues" \
			"X-GitHub-Delivery: $(uuid)" "Content-Type: application/json" \
			"X-Hub-Signature-256: $(sign "$SECRET" "$p")"
		expect 201
		req_file POST /webhooks/github "$p" "X-GitHub-Event: issues" \
			"Content-Type: application/json" "X-Hub-Signature-256: $(sign wrong "$p")"
		expect 401
	done
	: >"$c/github-webhook-secret"
	run "$FW" --check-config
	[[ $output == *"webhook secret         not set"* ]]
	! grep -q "$SECRET" "$ERR" "$RESP"
}

@test "systemd credential kube-token is the API server token" {
	local c=$BATS_TEST_TMPDIR/creds
	mkdir "$c"
	printf '%s\n' "$LIMITED_TOKEN" >"$c/kube-token"
	unset KUBE_TOKEN_FILE
	CREDENTIALS_DIRECTORY=$c fw_raw "$(req POST /api/v1/tasks '{"repo":"https://github.com/o/r","task":"cred"}' 'Content-Type: application/json')"
	expect 201
}

@test "--listen: one client address cannot take every slot" {
	local port
	port=$(free_port)
	"$FW" --listen "127.0.0.1:$port" 2>>"$ERR" &
	BG=$!
	wait_port "$port"
	python3 -c '
import socket, sys, time
conns = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(70)]
time.sleep(4)
' "$port" &
	local hog=$!
	sleep 1
	run curl -sS --max-time 3 --interface 127.0.0.2 "http://127.0.0.1:$port/healthz"
	kill "$hog" 2>/dev/null || true
	[ "$status" = 0 ]
	[ "$output" = ok ]
}
