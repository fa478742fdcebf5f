#!/usr/bin/env bash
# Stop or (re)start only the kube-apiserver of an environment made by up.sh,
# with the same flags and port (from DIR/kas.cmd); etcd and its data stay.
# For tests of client behaviour while the apiserver is down or restarting.
#
# Usage: tests/kube/kas.sh DIR stop|start|restart
#   stop:  SIGTERM, up to 20 s, then SIGKILL; fine if already stopped.
#   start: starts it unless running, waits for /readyz (at most 120 s) and
#          updates KAS_PID in DIR/env (also in DIR/kas.pid).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
source "$here/lib.sh"

[[ $# -eq 2 ]] || kube_die "usage: $0 DIR stop|start|restart"
[[ -f $1/env && -f $1/kas.cmd ]] || kube_die "$1 is not an environment made by up.sh"
KUBE_DIR=$(cd "$1" && pwd)
# shellcheck source=/dev/null
source "$KUBE_DIR/env"
KAS_PID=$(cat "$KUBE_DIR/kas.pid" 2>/dev/null || true)

do_stop() {
	[[ -n $KAS_PID ]] && kube_stop_pid "$KAS_PID" "$KUBE_DIR/" 20
	rm -f "$KUBE_DIR/kas.pid"
}

do_start() {
	if [[ -n $KAS_PID ]] && kube_pid_matches "$KAS_PID" "$KUBE_DIR/"; then
		kube_log "already running (pid $KAS_PID)"
		return 0
	fi
	kube_start_kas
	local rc=0
	kube_wait_readyz 120 || rc=$?
	if ((rc)); then
		kube_log_tail "$KUBE_DIR/kas.log"
		((rc == 2)) && kube_die "kube-apiserver exited during startup"
		kube_stop_pid "$KAS_PID" "$KUBE_DIR/" 20 || true
		kube_die "kube-apiserver not ready after 120 s"
	fi
	kube_env_set KAS_PID "$KAS_PID"
	kube_log "kube-apiserver ready (pid $KAS_PID)"
}

case $2 in
stop) do_stop ;;
start) do_start ;;
restart) do_stop && do_start ;;
*) kube_die "usage: $0 DIR stop|start|restart" ;;
esac
