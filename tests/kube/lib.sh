# shellcheck shell=bash
# Helpers shared by up.sh, kas.sh and down.sh. Sourced, not run.

kube_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
kube_die() { kube_log "error: $*"; exit 1; }

# Print the last lines of a log to stderr (used on every failure/timeout).
kube_log_tail() {
	[[ -f $1 ]] || return 0
	printf -- '--- last lines of %s ---\n' "$1" >&2
	tail -n "${2:-40}" "$1" >&2
	printf -- '--- end of %s ---\n' "$1" >&2
}

# True if any TCP socket (v4 or v6, any state) uses local port $1.
kube_port_in_use() {
	local hex
	hex=$(printf '%04X' "$1")
	grep -qE "^ *[0-9]+: [0-9A-F]+:$hex " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# Print a currently unused loopback port below the kernel's ephemeral range
# (32768+ by default), so outgoing connections cannot take it meanwhile.
# Ports named in the arguments are avoided too. Callers still retry if the
# server loses a bind race.
kube_free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + RANDOM % 12000))
		[[ " $* " == *" $p "* ]] && continue
		kube_port_in_use "$p" || { printf '%s\n' "$p"; return 0; }
	done
	kube_die "no free port found"
}

# True if pid $1 exists and has not exited (a zombie counts as exited).
kube_alive() {
	local state
	[[ $1 =~ ^[0-9]+$ && -r /proc/$1/stat ]] || return 1
	state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[[ -n $state && $state != Z && $state != X ]]
}

# True if pid $1 is alive and its command line contains $2. The check on the
# command line guards against a recycled pid before signalling it.
kube_pid_matches() {
	local cmd
	kube_alive "$1" || return 1
	cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
	[[ $cmd == *"$2"* ]]
}

# Stop pid $1 (whose command line contains $2): SIGTERM, wait up to $3 s,
# then SIGKILL. Returns once it is gone. Harmless if it is already gone.
kube_stop_pid() {
	local pid=$1 want=$2 grace=$3 i
	kube_pid_matches "$pid" "$want" || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < grace * 10; i++)); do
		kube_pid_matches "$pid" "$want" || return 0
		sleep 0.1
	done
	kube_log "pid $pid still running after ${grace}s, sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		kube_pid_matches "$pid" "$want" || return 0
		sleep 0.1
	done
	kube_log "warning: pid $pid did not exit after SIGKILL"
	return 1
}

# Close every fd above 2 in the current (sub)shell. The servers are started
# through this, so they do not inherit a caller's pipes: bats, for example,
# keeps fd 3 open and would wait forever for a server holding it.
kube_close_fds() {
	local fd
	for fd in /proc/"$BASHPID"/fd/*; do
		fd=${fd##*/}
		((fd > 2)) || continue
		{ eval "exec $fd>&-"; } 2>/dev/null || true
	done
}

# HTTP status of an admin-token GET on $KUBE_URL$1 ("000" if no answer).
kube_admin_status() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$KUBE_DIR/ca.crt" \
		-H "Authorization: Bearer $ADMIN_TOKEN" "$KUBE_URL$1" || true
}

# Start kube-apiserver from $KUBE_DIR/kas.cmd (written by up.sh) in the
# background, log appended to kas.log, pid in kas.pid. Sets KAS_PID.
kube_start_kas() {
	local -a KAS_CMD
	# shellcheck source=/dev/null
	source "$KUBE_DIR/kas.cmd"
	printf '=== %s starting kube-apiserver ===\n' "$(date -u +%FT%TZ)" >>"$KUBE_DIR/kas.log"
	(
		kube_close_fds
		exec "${KAS_CMD[@]}"
	) </dev/null >>"$KUBE_DIR/kas.log" 2>&1 &
	KAS_PID=$!
	printf '%s\n' "$KAS_PID" >"$KUBE_DIR/kas.pid"
}

# Wait until /readyz answers 200 to the admin token, at most $1 s.
# Returns 0 when ready, 2 if kube-apiserver exited (its log may say why),
# 1 on timeout.
kube_wait_readyz() {
	local deadline=$((SECONDS + $1))
	while ((SECONDS < deadline)); do
		[[ $(kube_admin_status /readyz) == 200 ]] && return 0
		kube_alive "$KAS_PID" || return 2 # own child: no pid reuse
		sleep 0.25
	done
	return 1
}

# Replace "export NAME=..." in $KUBE_DIR/env with value $2.
kube_env_set() {
	local tmp
	tmp=$(mktemp "$KUBE_DIR/env.XXXXXX")
	grep -v "^export $1=" "$KUBE_DIR/env" >"$tmp" || true
	printf 'export %s=%q\n' "$1" "$2" >>"$tmp"
	mv -f "$tmp" "$KUBE_DIR/env"
}
